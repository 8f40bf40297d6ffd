"""Rule hooks: neutral by default, folded in order, switched on from the regime config."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from sim.config.schema import RegimeConfig
from sim.model.model import RulesView, SIDLModel
from sim.rules import REGISTRY, DayView, Rule, RuleSet, build_rules, management_rules
from sim.rules.base import fold_order
from sim.rules.no_support import NoSupport
from tests.conftest import make_cfg

HOOKS = ["visit_minutes", "documentation_minutes", "allowed_activities", "travel_modes", "talk_share",
         "pushed_challenges", "assign_workers"]


def test_base_rule_hooks_leave_everything_as_it_is():
    rule, value = Rule(), np.arange(6.0)
    for hook in HOOKS:
        assert getattr(rule, hook)(None, None, value) is value
    assert rule.visits_today(None, value) is value
    assert rule.can_move_visits(None, True) is True and rule.can_move_visits(None, False) is False
    assert rule.on_day(None) is None


class Halve(Rule):
    name = "halve"

    def visit_minutes(self, view, batch, minutes):
        return minutes / 2


class AddTen(Rule):
    name = "add_ten"
    priority = 50

    def visit_minutes(self, view, batch, minutes):
        return minutes + 10


class HalveFirst(Halve):
    name = "halve_first"
    priority = 10


def test_ruleset_folds_hooks_by_priority_then_name():
    m = np.array([60.0])
    assert RuleSet([Halve(), AddTen()]).visit_minutes(None, None, m)[0] == 35  # add_ten (50) before halve (100)
    assert RuleSet([AddTen(), Halve()]).visit_minutes(None, None, m)[0] == 35  # whatever the order given
    assert RuleSet([AddTen(), HalveFirst()]).visit_minutes(None, None, m)[0] == 40
    same = type("AddTenToo", (AddTen,), {"name": "a_add_ten"})
    assert [r.name for r in RuleSet([AddTen(), same()])] == ["a_add_ten", "add_ten"]
    assert RuleSet([]).visit_minutes(None, None, m) is m


def test_registry_and_fold_order_are_the_declared_priorities():
    rules = list(REGISTRY.values())
    assert rules == sorted(rules, key=fold_order)
    assert len({cls.priority for cls in rules}) == len(rules)  # no tie: the order never rests on names
    assert all(cls.priority < Rule.priority for cls in rules)  # a rule of one's own folds after them by default
    assert REGISTRY["rotation"].priority < REGISTRY["time_monitoring"].priority  # route planning has the last word
    assert management_rules() == [cls.name for cls in rules if cls.restricts] and "no_support" not in management_rules()


def test_build_rules_from_regime_config():
    assert build_rules(RegimeConfig()).rules == []
    regime = RegimeConfig(name="x")
    regime.no_support.enabled = True
    assert [type(r) for r in build_rules(regime).rules] == [NoSupport]
    assert [f.name for f in dataclasses.fields(RegimeConfig)] == ["name", "budget_factor", *REGISTRY, "extra_rules"]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_each_rule_section_is_its_switch_and_its_params(name):
    cls, section = REGISTRY[name], getattr(RegimeConfig(), name)
    params = [f.name for f in dataclasses.fields(cls.Params)]
    assert [f.name for f in dataclasses.fields(section)] == ["enabled", *params] and section.enabled is False
    rule = build_rules(make_cfg(**{f"regime__{name}__enabled": True}).regime).rules[0]
    assert type(rule) is cls and rule.params == cls.Params()


def test_rules_get_their_params_typed():
    cfg = make_cfg(regime__car_ban__enabled=True, regime__car_ban__travel_factor=4)
    (rule,) = build_rules(cfg.regime).rules
    assert rule.params.travel_factor == 4.0 and isinstance(rule.params.travel_factor, float)


def test_rules_see_the_day_through_a_narrow_view():
    m = SIDLModel(make_cfg(days=3))
    view = m.view
    protocol = {n for n in vars(DayView) if not n.startswith("_")}
    assert {n for n in dir(RulesView) if not n.startswith("_")} | {"landscape"} == protocol
    assert not hasattr(view, "users_state") and not hasattr(view, "__dict__")
    m.run(2)
    assert (view.day, view.weekday, view.n_users, view.n_workers) == (2, 2, 60, 5)
    with pytest.raises(ValueError, match="read-only"):
        view.landscape[0, 0] = True
    needs = m.users_state.needs
    needs[:] = [[0, 2, 1, 1]]
    met = np.zeros_like(needs, dtype=bool)
    met[:, :2] = True
    view.meet_needs(met)
    assert (needs[0] == [0, 1, 1, 1]).all()


def test_register_is_for_the_packages_own_rules():
    class Outside(Rule):
        name = "outside"

    from sim.rules import register

    with pytest.raises(TypeError, match="regime.extra_rules"):
        register(Outside)
    assert "outside" not in REGISTRY


def test_no_support_means_no_visits_and_trust_based_visits_weekly():
    none = SIDLModel(make_cfg(days=28, regime__no_support__enabled=True))
    none.run()
    assert none.visits_made == 0 and none.events.rows == 0
    trust = SIDLModel(make_cfg(days=28))
    trust.run()
    per_week = trust.visits_made / trust.users_state.n / 4
    assert 1.0 <= per_week <= 3.0


def test_a_rule_draws_only_from_its_own_stream():
    m = SIDLModel(make_cfg(days=1, regime__no_support__enabled=True))
    rule = m.rules.rules[0]
    assert rule.rng is m.streams["rule:no_support"]
