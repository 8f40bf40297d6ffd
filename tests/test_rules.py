"""Rule hooks: neutral by default, folded in order, switched on from the regime config."""

from __future__ import annotations

import numpy as np

from sim.config.schema import NoSupportRule, RegimeConfig
from sim.model.model import SIDLModel
from sim.rules import REGISTRY, NoSupport, Rule, RuleSet, build_rules
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

    def visit_minutes(self, model, batch, minutes):
        return minutes / 2


class AddTen(Rule):
    name = "add_ten"

    def visit_minutes(self, model, batch, minutes):
        return minutes + 10


def test_ruleset_folds_hooks_in_order():
    m = np.array([60.0])
    assert RuleSet([Halve(), AddTen()]).visit_minutes(None, None, m)[0] == 40
    assert RuleSet([AddTen(), Halve()]).visit_minutes(None, None, m)[0] == 35
    assert RuleSet([]).visit_minutes(None, None, m) is m


def test_build_rules_from_regime_config():
    assert build_rules(RegimeConfig()).rules == []
    rules = build_rules(RegimeConfig(name="x", no_support=NoSupportRule(enabled=True))).rules
    assert [type(r) for r in rules] == [NoSupport]
    assert set(REGISTRY) <= set(vars(RegimeConfig()))


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
