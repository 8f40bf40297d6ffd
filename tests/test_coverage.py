"""Experiments that claim to cover every regime or every rule do, whatever the registry holds.

An experiment makes the claim by how it sweeps: ``regime: glob(*)`` claims every regime of
``conf/regime/`` (and so, through the one-rule regimes, every management rule alone);
``params: ${sim_rule_factorial:...}`` claims the full factorial over every management rule.
"""

from __future__ import annotations

import pytest
from hydra.core.override_parser.overrides_parser import OverridesParser
from omegaconf import OmegaConf

from sim.apps import cli
from sim.apps.cli import FACTORIAL_RESOLVER
from sim.apps.progress import count_runs, sweep_values
from sim.apps.sweep import sweep_plan
from sim.config.packaged import CONF_DIR, EXPERIMENTS_DIR, experiment_names, group_options
from sim.rules import REGISTRY, Rule, management_rules

cli.prepare_hydra()  # the experiments' resolvers, as python -m sim.sweep has them

#: What the shipped experiments claim to cover; a claim dropped (say, for a hand-written list) fails.
CLAIMS = {"demo": "regimes", "regime_comparison": "regimes", "rule_decomposition": "rules"}


def claim(name: str) -> str | None:
    """``"regimes"``, ``"rules"`` or None: what an experiment's sweep says it covers."""
    spec = OmegaConf.load(EXPERIMENTS_DIR / f"{name}.yaml")
    params = OmegaConf.to_container(spec, resolve=False).get("hydra", {}).get("sweeper", {}).get("params")
    if isinstance(params, str) and FACTORIAL_RESOLVER in params:
        return "rules"
    if isinstance(params, dict) and params.get("regime") == "glob(*)":
        return "regimes"
    return None


def enabled_rules(regime: str) -> set[str]:
    data = OmegaConf.to_container(OmegaConf.load(CONF_DIR / "regime" / f"{regime}.yaml"))
    return {key for key, value in data.items() if isinstance(value, dict) and value.get("enabled")}


def sweep(name: str) -> dict[str, list]:
    """Each swept key of an experiment and the values it takes."""
    _, planned = sweep_plan(name, [])
    return {ov.key_or_group: sweep_values(ov) for ov in OverridesParser.create().parse_overrides(planned)}


def missing_rules(name: str) -> set[str]:
    """Management rules an experiment claims to cover but does not."""
    swept = sweep(name)
    if claim(name) == "regimes":
        alone = {next(iter(rules)) for rules in map(enabled_rules, swept["regime"]) if len(rules) == 1}
        return set(management_rules()) - alone
    switched = {key.split(".")[1] for key, values in swept.items()
                if key.startswith("regime.") and key.endswith(".enabled") and sorted(values) == [False, True]}
    return set(management_rules()) - switched


def test_the_shipped_experiments_claim_what_the_docs_say():
    assert {name: claim(name) for name in experiment_names() if claim(name)} == CLAIMS


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_no_rule_is_missing_from_an_experiment_that_claims_all(name):
    assert missing_rules(name) == set()
    if claim(name) == "regimes":
        assert sweep(name)["regime"] == group_options("regime")


class Throwaway(Rule):
    """A management rule that exists only in this test."""

    name = "throwaway"


def test_a_new_rule_joins_the_factorial_and_is_missed_without_its_regime_file(monkeypatch):
    runs = count_runs(sweep_plan("rule_decomposition", [])[1])
    monkeypatch.setitem(REGISTRY, Throwaway.name, Throwaway)
    assert "throwaway" in management_rules()
    assert missing_rules("rule_decomposition") == set()
    assert count_runs(sweep_plan("rule_decomposition", [])[1]) == 2 * runs
    assert missing_rules("demo") == missing_rules("regime_comparison") == {"throwaway"}
