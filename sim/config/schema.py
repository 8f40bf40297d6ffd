"""The whole run's config: scenario, regime (its rules and their parameters), model parameters, seed."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params.fields import p, prob
from sim.params.schema import ModelParams, ScenarioConfig


@dataclass
class NoSupportRule:
    """The counterfactual: SIDL is not granted, no visit takes place (P8)."""

    enabled: bool = False


@dataclass
class RigidPlanRule:
    """R1: content held to the formal plan; its goal pushed on schedule (002 §3.4)."""

    enabled: bool = False
    strength: float = prob(1.0, "share of visits held strictly to plan items")
    push_every_days: int = p(14, "days between pushes of the plan's goal, regardless of readiness", 1, 3650)
    review_days: int = p(365, "days between plan reviews (a new goal once the old one is met)", 1, 3650)


@dataclass
class CarBanRule:
    """R2: the worker may not drive the user; walking and public transport only (002 §3.4)."""

    enabled: bool = False
    strength: float = prob(1.0, "share of visits without a car")
    travel_factor: float = p(2.5, "slow-down of walking/transit trips with a user (waits, pace, transfers)", 1.0, 10.0)


@dataclass
class SplitSocialRule:
    """R3: social activities leave SIDL for a separate, applied-for intervention (002 §3.4, §4.2)."""

    enabled: bool = False
    decision_days: int = p(90, "days from application to decision", 0, 3650)
    refusal_prob: float = prob(0.3, "chance an application is refused")
    reapply_days: int = p(365, "days after a refusal before the user applies again", 1, 3650)
    activities_per_month: float = p(1.0, "social activities a month the other provider delivers", 0.0, 31.0)
    session_minutes: int = p(120, "length of the other provider's session, travel included, minutes", 10, 600)


@dataclass
class InHomeOnlyRule:
    """R4: the SIDL worker may not work outside the user's home (002 §4.2)."""

    enabled: bool = False
    elsewhere_rate: float = prob(0.05, "chance per day an outside need is met by another service instead")


@dataclass
class TimeMonitoringRule:
    """R5: standard slots, per-task accounting, documentation, no moving (002 §1; ref. 19)."""

    enabled: bool = False
    slot_minutes: int = p(60, "fixed length of every visit, minutes", 10, 600)
    extra_documentation_minutes: float = p(10.0, "documentation minutes added per visit", 0.0, 240.0)
    route_share: float = prob(0.3, "share of visits given to whichever worker fits the route")


@dataclass
class RotationRule:
    """R6: procurement and scheduling change who visits (002 §1 purchaser-provider, §3.2)."""

    enabled: bool = False
    any_worker_share: float = prob(0.5, "share of visits made by any free worker, not the regular one")
    retender_years: float = p(3.0, "years between re-tenderings of the provider", 0.1, 100.0)
    provider_change_prob: float = prob(0.5, "chance a re-tendering changes the provider (all staff new)")
    extra_turnover_per_year: float = prob(0.1, "staff turnover per year on top of the organisation's")


@dataclass
class RegimeConfig:
    """A named bundle of rules; each rule is switched on by its ``enabled`` key.

    Rules combine freely: ``regime.car_ban.enabled=true regime.rotation.enabled=true``.
    """

    name: str = "trust_based"
    no_support: NoSupportRule = field(default_factory=NoSupportRule)
    rigid_plan: RigidPlanRule = field(default_factory=RigidPlanRule)
    car_ban: CarBanRule = field(default_factory=CarBanRule)
    split_social: SplitSocialRule = field(default_factory=SplitSocialRule)
    in_home_only: InHomeOnlyRule = field(default_factory=InHomeOnlyRule)
    time_monitoring: TimeMonitoringRule = field(default_factory=TimeMonitoringRule)
    rotation: RotationRule = field(default_factory=RotationRule)


@dataclass
class SimConfig:
    """The whole run: scenario, regime, parameters and seed."""

    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    regime: RegimeConfig = field(default_factory=RegimeConfig)
    model: ModelParams = field(default_factory=ModelParams)
    seed: int = p(0, "seed of all random streams", 0, 2**63 - 1)
