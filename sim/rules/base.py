"""Management rules: small objects whose hooks the model consults.

A rule changes the work only through these named hooks; every hook of the base
:class:`Rule` leaves its input as it is, so a regime with no rules is trust-based
discretion (002 §4-5). Hooks act on a whole day's batch of visits at once (see
:class:`sim.model.visits.VisitBatch`), before the visits are lived, returning masks,
factors or minutes of the same shape as their input; a hook returns a new array
and never writes into its input (the neutral inputs are shared between days).
A rule never tests another rule's name; :class:`RuleSet` folds the hooks of all
active rules in order.

The hooks, and the rule of the brief each is made for:

========================  ==============================================  =======
hook                      decides                                         for
========================  ==============================================  =======
``visits_today``          which due visits take place at all              P8, R3
``can_move_visits``       may a visit move to the user's better day       R5
``visit_minutes``         length of each visit                            R5
``documentation_minutes`` documentation minutes of each visit             R5
``allowed_activities``    which activities each visit may hold (narrows)  R1 R3 R4
``travel_modes``          which travel modes each visit may use           R2
``travel_factors``        how many times longer a trip by each mode takes R2
``talk_share``            share of activity time that may be talk         R5
``pushed_challenges``     feared activities pushed regardless of mood     R1
``assign_workers``        who makes each visit                            R6
``on_day``                daily organisational events (queues, tenders)   R3 R6 R1
========================  ==============================================  =======
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from sim.model.model import SIDLModel
    from sim.model.visits import VisitBatch


class Rule:
    """A management rule. Every hook is neutral; subclasses override a few."""

    #: Key of the rule in ``regime`` configs and the name of its random stream.
    name: ClassVar[str] = "rule"
    #: A management rule restricts the work; the counterfactual (no support at all) does not count as one.
    restricts: ClassVar[bool] = True

    def __init__(self, **params: Any) -> None:
        self.params = params

    def bind(self, model: SIDLModel) -> None:
        """Attach to a model; each rule draws only from its own named stream (``handle`` for kernels)."""
        self.model = model
        self.rng = model.streams[f"rule:{self.name}"]
        self.handle = model.streams.handle(f"rule:{self.name}")

    def visits_today(self, model: SIDLModel, due: np.ndarray) -> np.ndarray:
        return due

    def can_move_visits(self, model: SIDLModel, allowed: bool) -> bool:
        return allowed

    def visit_minutes(self, model: SIDLModel, batch: VisitBatch, minutes: np.ndarray) -> np.ndarray:
        return minutes

    def documentation_minutes(self, model: SIDLModel, batch: VisitBatch, minutes: np.ndarray) -> np.ndarray:
        return minutes

    def allowed_activities(self, model: SIDLModel, batch: VisitBatch, mask: np.ndarray) -> np.ndarray:
        return mask

    def travel_modes(self, model: SIDLModel, batch: VisitBatch, mask: np.ndarray) -> np.ndarray:
        return mask

    def travel_factors(self, model: SIDLModel, batch: VisitBatch, factors: np.ndarray) -> np.ndarray:
        return factors

    def talk_share(self, model: SIDLModel, batch: VisitBatch, share: np.ndarray) -> np.ndarray:
        return share

    def pushed_challenges(self, model: SIDLModel, batch: VisitBatch, mask: np.ndarray) -> np.ndarray:
        return mask

    def assign_workers(self, model: SIDLModel, batch: VisitBatch, workers: np.ndarray) -> np.ndarray:
        return workers

    def on_day(self, model: SIDLModel) -> None:
        return None


class OnlyActivities(Rule):
    """Not a management rule: another provider's offer, at places the user can reach alone.

    Without a companion the user goes only where their enabling landscape
    reaches (M5): the offer is limited to ``allowed`` activities at places the
    user already uses.
    """

    name = "only_activities"

    def __init__(self, allowed: np.ndarray, places: np.ndarray) -> None:
        super().__init__()
        self.allowed = allowed
        self.activity_place = places

    def allowed_activities(self, model, batch, mask: np.ndarray) -> np.ndarray:
        reach = model.users_state.landscape[batch.users[:, None], self.activity_place[None, :]]
        return mask & self.allowed[None, :] & reach


#: Rules by their config key, in the order their hooks fold (filled by :func:`register`).
REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: make a rule buildable from ``regime.<cls.name>`` in configs."""
    REGISTRY[cls.name] = cls
    return cls


def management_rules() -> list[str]:
    """Names of the registered management rules (R1-R6 and plugins registered with them), in fold order."""
    return [name for name, cls in REGISTRY.items() if cls.restricts]


class RuleSet:
    """The active rules of a regime, consulted as one: each hook folds in order."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = list(rules)

    def __iter__(self):
        return iter(self.rules)

    def bind(self, model: SIDLModel) -> None:
        for rule in self.rules:
            rule.bind(model)

    def _fold(self, hook: str, model: SIDLModel, *args: Any) -> Any:
        *head, value = args
        for rule in self.rules:
            value = getattr(rule, hook)(model, *head, value)
        return value

    def visits_today(self, model, due):
        return self._fold("visits_today", model, due)

    def can_move_visits(self, model):
        return self._fold("can_move_visits", model, True)

    def visit_minutes(self, model, batch, minutes):
        return self._fold("visit_minutes", model, batch, minutes)

    def documentation_minutes(self, model, batch, minutes):
        return self._fold("documentation_minutes", model, batch, minutes)

    def allowed_activities(self, model, batch, mask):
        return self._fold("allowed_activities", model, batch, mask)

    def travel_modes(self, model, batch, mask):
        return self._fold("travel_modes", model, batch, mask)

    def travel_factors(self, model, batch, factors):
        return self._fold("travel_factors", model, batch, factors)

    def talk_share(self, model, batch, share):
        return self._fold("talk_share", model, batch, share)

    def pushed_challenges(self, model, batch, mask):
        return self._fold("pushed_challenges", model, batch, mask)

    def assign_workers(self, model, batch, workers):
        return self._fold("assign_workers", model, batch, workers)

    def on_day(self, model) -> None:
        for rule in self.rules:
            rule.on_day(model)


def build_rules(regime: Any) -> RuleSet:
    """The rules a regime config switches on, in registry order.

    ``regime`` is a :class:`sim.config.schema.RegimeConfig`; each field that names a
    registered rule and has ``enabled: true`` adds that rule with the field's
    other values as parameters.
    """
    rules = []
    for key, cls in REGISTRY.items():
        section = getattr(regime, key, None)
        if section is not None and section.enabled:
            params = {k: v for k, v in vars(section).items() if k != "enabled"}
            rules.append(cls(**params))
    return RuleSet(rules)
