"""The whole run's config: scenario, regime (its rules and their parameters), model parameters, seed.

The regime schema is derived from the rule registry (:mod:`sim.rules`): one
section per built-in rule, its ``enabled`` switch and the parameters the rule
declares in its ``Params`` beside it, so a new rule needs no line here.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from sim.params.fields import p
from sim.params.schema import ModelParams, ScenarioConfig
from sim.rules import REGISTRY, Rule


def rule_section(cls: type[Rule]) -> type:
    """The dataclass of ``regime.<cls.name>``: ``enabled``, then the rule's own ``Params`` fields as declared there."""
    hints = typing.get_type_hints(cls.Params)
    fields: list[tuple[str, Any, Any]] = [("enabled", bool, field(default=False))]
    for f in dataclasses.fields(cls.Params):
        default = {"default": f.default} if f.default_factory is dataclasses.MISSING else {
            "default_factory": f.default_factory}
        fields.append((f.name, hints[f.name], field(**default, metadata=f.metadata)))
    doc = f"``regime.{cls.name}``: {(cls.Params.__doc__ or cls.__doc__ or '').strip()}"
    namespace = {"__doc__": doc, "__module__": __name__}
    return dataclasses.make_dataclass(f"{cls.__name__}Section", fields, namespace=namespace)


def regime_config() -> type:
    """The regime schema from the rule registry: a name, a section per built-in rule, then plugin rules."""
    sections = {name: rule_section(cls) for name, cls in REGISTRY.items()}
    globals().update({section.__name__: section for section in sections.values()})  # importable, so picklable
    fields = [("name", str, field(default="trust_based")),
              ("budget_factor", float, p(1.0, "granted visit length, times the assessed one (a budget cut < 1)",
                                         0.1, 2.0))]
    fields += [(name, section, field(default_factory=section)) for name, section in sections.items()]
    fields.append(("extra_rules", list[Any], field(default_factory=list, metadata={"plugins": True})))
    doc = """A named bundle of rules; each built-in rule is switched on by its ``enabled`` key.

    Rules combine freely: ``regime.car_ban.enabled=true regime.rotation.enabled=true``.
    ``budget_factor`` is the regime-wide dose of a budget cut: every granted visit's length times it.
    ``extra_rules`` switches on rules from outside the package:
    ``[{_target_: module.Class, <param>: value}]`` (:func:`sim.rules.plugin_spec`).
    """
    return dataclasses.make_dataclass("RegimeConfig", fields, namespace={"__doc__": doc, "__module__": __name__})


RegimeConfig = regime_config()


@dataclass
class ReformConfig:
    """A reform in mid-run (ODD §7.18): on ``day`` the service switches to the rules of regime ``regime``
    (a ``conf/regime`` option) plus ``extra_rules``; on ``back_day``, if given, the run's own regime returns.

    Users and workers keep their relationships, state and history across a switch. ``regime: null``
    (the default) is no reform, the paired counterfactual of a reformed run with the same seed.
    """

    regime: str | None = field(default=None, metadata={"unit": "regime switched to (a conf/regime option)",
                                                       "optional": True})
    day: int | None = field(default=None, metadata={"unit": "day of the switch (0 < day < scenario.days)",
                                                    "optional": True, "range": (1, 2**31)})
    back_day: int | None = field(default=None, metadata={
        "unit": "day the run's own regime returns (day < back_day < scenario.days)", "optional": True,
        "range": (1, 2**31)})
    extra_rules: list[Any] = field(default_factory=list, metadata={"plugins": True})


@dataclass
class SimConfig:
    """The whole run: scenario, regime, parameters, seed, and a reform in mid-run if any."""

    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    regime: RegimeConfig = field(default_factory=RegimeConfig)
    model: ModelParams = field(default_factory=ModelParams)
    seed: int = p(0, "seed of all random streams", 0, 2**63 - 1)
    reform: ReformConfig = field(default_factory=ReformConfig)
