"""Management rules: small objects whose hooks the model consults.

A rule changes the work only through these named hooks; every hook of the base
:class:`Rule` leaves its input as it is, so a regime with no rules is trust-based
discretion (002 §4-5). Hooks act on a whole day's batch of visits at once (a
:class:`sim.rules.view.VisitBatch`), before the visits are lived, returning masks,
factors or minutes of the same shape as their input; a hook returns a new array
and never writes into its input (the neutral inputs are shared between days).
Rules never see the model itself, only its view of the day (below). A rule
never tests another rule's name; :class:`RuleSet` folds the hooks of all active
rules in the order of their ``priority`` (then ``name``).

The hooks, and the rule of the brief each is made for:

========================  ==============================================  =======
hook                      decides                                         for
========================  ==============================================  =======
``visits_today``          which due visits take place at all              P8, R3
``can_move_visits``       may a visit move to the user's better day       R5
``visit_minutes``         length of each visit                            R3 R5
``documentation_minutes`` documentation minutes of each visit             R5
``allowed_activities``    which activities each visit may hold (narrows)  R1 R3 R4
``travel_modes``          which travel modes each visit may use           R2
``travel_factors``        how many times longer a trip by each mode takes R2
``talk_share``            share of activity time that may be talk         plugins
``pushed_challenges``     feared activities pushed regardless of mood     R1
``assign_workers``        who makes each visit (the last rule decides)    R6 R5
``on_day``                daily organisational events (queues, tenders)   R3 R6 R1
========================  ==============================================  =======

Each hook's first argument, ``view``, is the day (:class:`sim.rules.view.DayView`, whose
table lists its members: ``day``, ``weekday``, ``n_users``, ``n_workers``, ``landscape``,
the streams, and the actions ``replace_worker``, ``provider_visits``, ``review_plans``,
``meet_needs``, ``count_decisions``); the hooks about visits get the day's ``batch`` second.

A rule declares its ``name`` (its key under ``regime.`` and its random stream
``rule:<name>``), its ``priority`` and its ``Params``: a dataclass of typed
parameters with unit and range (:func:`sim.params.fields.p`), defined beside
the rule. The built-in rules of this package are registered with
:func:`register`, and the regime schema has a section for each
(``regime.<name>.enabled`` and its parameters). A rule of one's own, in any
importable module, is switched on by ``regime.extra_rules``: a list of
``{_target_: module.Class, <param>: value}`` (:func:`plugin_spec`).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from sim.params.fields import ConfigError
from sim.rules.view import DayView, VisitBatch

#: What an entry of ``regime.extra_rules`` may be (for error messages).
SPEC_FORMS = "a sim.rules.Rule subclass, an instance of one, or {_target_: module.Class, <param>: value}"


class Rule:
    """A management rule. Every hook is neutral; subclasses override a few."""

    #: Key of the rule in ``regime`` configs and the name of its random stream.
    name: ClassVar[str] = "rule"
    #: Place in the fold of every hook: lower folds first, so a higher priority has the last word
    #: (ties broken by name). Built-in rules use 10-70; a rule of one's own folds after them by default.
    priority: ClassVar[int] = 100
    #: A management rule restricts the work; the counterfactual (no support at all) does not count as one.
    restricts: ClassVar[bool] = True
    #: Overhead items the rule's administration needs while it is active (each priced per user-year by
    #: ``model.costs.<item>_sek_per_user_year``; an item several rules need is bought once).
    overheads: ClassVar[tuple[str, ...]] = ()
    #: Whether the regime still employs the SIDL workforce; False for a rule under which no service is given.
    employs_staff: ClassVar[bool] = True
    #: Whether the rule takes from the worker the decision of what to do with the user, and when (ODD §7.17: a
    #: loss of discretion that may raise turnover, ``model.organisation.turnover_discretion_effect``).
    takes_discretion: ClassVar[bool] = False

    @dataclass
    class Params:
        """The rule's typed parameters (none for the base rule)."""

    def __init__(self, params: Any = None, **values: Any) -> None:
        """``Rule(Params(...))`` or ``Rule(<param>=value, ...)``; missing parameters take their defaults."""
        if params is not None and values:
            raise TypeError(f"{type(self).__name__}: give a Params instance or keyword parameters, not both")
        self.params = params if params is not None else self.Params(**values)

    def bind(self, view: DayView) -> None:
        """Attach to a model's day; each rule draws only from its own named stream (``handle`` for kernels)."""
        self.rng = view.stream(f"rule:{self.name}")
        self.handle = view.handle(f"rule:{self.name}")

    def visits_today(self, view: DayView, due: np.ndarray) -> np.ndarray:
        return due

    def can_move_visits(self, view: DayView, allowed: bool) -> bool:
        return allowed

    def visit_minutes(self, view: DayView, batch: VisitBatch, minutes: np.ndarray) -> np.ndarray:
        return minutes

    def documentation_minutes(self, view: DayView, batch: VisitBatch, minutes: np.ndarray) -> np.ndarray:
        return minutes

    def allowed_activities(self, view: DayView, batch: VisitBatch, mask: np.ndarray) -> np.ndarray:
        return mask

    def travel_modes(self, view: DayView, batch: VisitBatch, mask: np.ndarray) -> np.ndarray:
        return mask

    def travel_factors(self, view: DayView, batch: VisitBatch, factors: np.ndarray) -> np.ndarray:
        return factors

    def talk_share(self, view: DayView, batch: VisitBatch, share: np.ndarray) -> np.ndarray:
        return share

    def pushed_challenges(self, view: DayView, batch: VisitBatch, mask: np.ndarray) -> np.ndarray:
        return mask

    def assign_workers(self, view: DayView, batch: VisitBatch, workers: np.ndarray) -> np.ndarray:
        return workers

    def on_day(self, view: DayView) -> None:
        return None

    def new_users(self, view: DayView, users: np.ndarray) -> None:
        """``users`` (indices) are new people in their places today (an open cohort, ODD §7.19): a rule that
        keeps anything per user starts it afresh for them."""
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

    def allowed_activities(self, view, batch, mask: np.ndarray) -> np.ndarray:
        reach = view.landscape[batch.users[:, None], self.activity_place[None, :]]
        return mask & self.allowed[None, :] & reach


def fold_order(cls: type[Rule]) -> tuple[int, str]:
    """Where a rule's hooks fold among the others: by priority, then name."""
    return cls.priority, cls.name


#: The built-in rules by their config key, in fold order (filled by :func:`register`).
REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator for the built-in rules of this package: a ``regime.<cls.name>`` section in the schema.

    The regime schema is built from the registry once, when :mod:`sim.config` is
    imported, so a rule registered from elsewhere would never reach it: that is
    refused, pointing to ``regime.extra_rules``, which switches on a rule from any module.
    """
    if not cls.__module__.startswith(f"{__package__}."):
        raise TypeError(
            f"@register {target_of(cls)}: register is for the built-in rules of sim/rules/, whose regime sections "
            f"are built once; switch a rule of your own on with regime.extra_rules=[{{_target_: {target_of(cls)}}}]"
            " (from Python: sim.rules.plugin_spec)"
        )
    if REGISTRY.get(cls.name, cls) is not cls:
        taken = target_of(REGISTRY[cls.name])
        raise ValueError(f"@register {target_of(cls)}: the name {cls.name!r} is taken by {taken}")
    REGISTRY[cls.name] = cls
    ordered = sorted(REGISTRY.values(), key=fold_order)
    REGISTRY.clear()
    REGISTRY.update((rule.name, rule) for rule in ordered)
    return cls


def management_rules() -> list[str]:
    """Names of the registered management rules (R1-R6), in fold order."""
    return [name for name, cls in REGISTRY.items() if cls.restricts]


def target_of(cls: type) -> str:
    """The dotted path that imports ``cls`` (``module.Class``)."""
    return f"{cls.__module__}.{cls.__qualname__}"


def rule_class(target: str) -> type[Rule]:
    """The :class:`Rule` subclass a dotted path ``module.Class`` names (imports the module)."""
    module, _, attr = target.rpartition(".")
    if not module:
        raise ValueError(f"{target!r} is not a dotted path module.Class")
    obj = getattr(importlib.import_module(module), attr)
    if not (isinstance(obj, type) and issubclass(obj, Rule)):
        raise TypeError(f"{target} is not a sim.rules.Rule subclass")
    return obj


def plugin_spec(item: Any) -> dict[str, Any]:
    """The ``regime.extra_rules`` entry ``{_target_: module.Class, <param>: value}`` for a rule.

    ``item`` is a :class:`Rule` subclass (its parameters take their defaults), an
    instance of one (its parameters as they are) or such a dict (copied).
    """
    if isinstance(item, type) and issubclass(item, Rule):
        return {"_target_": target_of(item)}
    if isinstance(item, Rule):
        return {"_target_": target_of(type(item)), **dataclasses.asdict(item.params)}
    if isinstance(item, Mapping) and "_target_" in item:
        return dict(item)
    raise ConfigError(f"extra rule {item!r}: must be {SPEC_FORMS}")


class RuleSet:
    """The active rules of a regime, consulted as one: each hook folds in fold order (priority, name)."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = sorted(rules, key=lambda rule: fold_order(type(rule)))

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def bind(self, view: DayView) -> None:
        for rule in self.rules:
            rule.bind(view)

    @property
    def overheads(self) -> tuple[str, ...]:
        """The overhead items the active rules need, each once, sorted."""
        return tuple(sorted({item for rule in self.rules for item in rule.overheads}))

    @property
    def employs_staff(self) -> bool:
        """Whether the SIDL workforce is employed: unless an active rule says no service is given."""
        return all(rule.employs_staff for rule in self.rules)

    @property
    def takes_discretion(self) -> bool:
        """Whether an active rule takes the worker's discretion (ODD §7.17)."""
        return any(rule.takes_discretion for rule in self.rules)

    def _fold(self, hook: str, view: DayView, *args: Any) -> Any:
        *head, value = args
        for rule in self.rules:
            value = getattr(rule, hook)(view, *head, value)
        return value

    def visits_today(self, view, due):
        return self._fold("visits_today", view, due)

    def can_move_visits(self, view):
        return self._fold("can_move_visits", view, True)

    def visit_minutes(self, view, batch, minutes):
        return self._fold("visit_minutes", view, batch, minutes)

    def documentation_minutes(self, view, batch, minutes):
        return self._fold("documentation_minutes", view, batch, minutes)

    def allowed_activities(self, view, batch, mask):
        return self._fold("allowed_activities", view, batch, mask)

    def travel_modes(self, view, batch, mask):
        return self._fold("travel_modes", view, batch, mask)

    def travel_factors(self, view, batch, factors):
        return self._fold("travel_factors", view, batch, factors)

    def talk_share(self, view, batch, share):
        return self._fold("talk_share", view, batch, share)

    def pushed_challenges(self, view, batch, mask):
        return self._fold("pushed_challenges", view, batch, mask)

    def assign_workers(self, view, batch, workers):
        return self._fold("assign_workers", view, batch, workers)

    def on_day(self, view) -> None:
        for rule in self.rules:
            rule.on_day(view)

    def new_users(self, view, users: np.ndarray) -> None:
        for rule in self.rules:
            rule.new_users(view, users)


def build_rules(regime: Any) -> RuleSet:
    """The rules a regime config switches on, in fold order.

    ``regime`` is a :class:`sim.config.schema.RegimeConfig` (validated): each
    registered rule whose section has ``enabled: true``, with the section's other
    values as its parameters, and every entry of ``extra_rules``.
    """
    rules = []
    for name, cls in REGISTRY.items():
        section = getattr(regime, name)
        if section.enabled:
            rules.append(cls(**{f.name: getattr(section, f.name) for f in dataclasses.fields(cls.Params)}))
    for entry in regime.extra_rules:
        params = plugin_spec(entry)
        rules.append(rule_class(params.pop("_target_"))(**params))
    return RuleSet(rules)
