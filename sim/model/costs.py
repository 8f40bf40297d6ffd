"""The cost model: what a run has cost the municipality so far, in SEK (docs/ODD.md §7.16).

Every price is a parameter (``model.costs``). The parts:

- **staff**: every paid minute of the SIDL workforce (each category of ``SIDLModel.minutes``, whatever
  categories it holds) at ``staff_sek_per_hour``; documentation is shown apart as a sub-part, and so is the
  premium on overtime minutes (``SIDLModel.overtime_minutes``, ODD §7.17) above that price
  (``overtime_premium`` − 1). A regime
  whose rules employ no workforce (``Rule.employs_staff``: no service is given) pays no staff;
- **travel**: the km the worker drives (with the user, from the event log's car trips, and between
  homes, one drive per SIDL visit) at ``car_sek_per_km``, and the worker's public-transport fares,
  two legs per transit round trip, at ``transit_sek_per_leg``;
- **overhead**: the other provider's session hours (R3) at ``other_provider_sek_per_hour``; tasks done
  by another service instead of the SIDL worker (R4) at ``elsewhere_sek_per_task``; decisions by kind
  (``SIDLModel.decisions``) at ``<kind>_sek_per_decision``; and the items the active rules need
  (``Rule.overheads``, e.g. a monitoring system) at ``<item>_sek_per_user_year``.

Under ``model.costs.equal_budget`` a :class:`Budget` sets, every :data:`MONTH_DAYS` days, the share of the
workforce's contracted time that is funded (``SIDLModel.staff_factor``).

The ``model`` these functions take is the :class:`sim.model.model.SIDLModel` (named, not imported: the model
imports this module).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.params.schema import DECISION_KINDS, Costs
from sim.world.organisation import PROVIDERS
from sim.world.places import CAR, TRANSIT

#: Days between the equal-budget decisions on how much of the workforce is funded.
MONTH_DAYS = 30
DAYS_PER_YEAR = 365.25
#: The cost parts in SEK (:func:`cost_sek`): the three top-level parts sum to ``total``; the sub-parts of each
#: part are listed under it (documentation and the overtime premium are parts of staff; the rest of staff is the
#: rest).
PARTS: dict[str, tuple[str, ...]] = {
    "staff": ("documentation", "overtime"),
    "travel": ("car", "transit"),
    "overhead": ("other_providers", "elsewhere", "decisions", "systems"),
}


def decision_price(costs: Costs, kind: str) -> float:
    """SEK per decision of ``kind``; a clear error for a kind the cost model does not price."""
    if kind not in DECISION_KINDS:
        raise ValueError(f"decision kind {kind!r}: not priced; allowed: {', '.join(DECISION_KINDS)}")
    return float(getattr(costs, f"{kind}_sek_per_decision"))


def user_years(model: Any, days: float | None = None) -> float:
    """User-years in ``days`` (by default the days lived so far): users x days / 365.25 (with an open cohort,
    place-years: the places, taken or not, ODD §7.19)."""
    return model.users_state.n * (model.day if days is None else days) / DAYS_PER_YEAR


def street_km(model: Any, user_ids: np.ndarray, places: np.ndarray) -> np.ndarray:
    """One-way street km from the home of each of ``user_ids`` to the matching one of ``places`` (0 for home),
    as M5 travels them."""
    s, pl = model.users_state, model.params.places
    shared = s.place_xy[np.maximum(places - 1, 0)]
    return np.where(places > 0, pl.street_factor * np.linalg.norm(model.homes(user_ids) - shared, axis=1), 0.0)


def between_visits_km(model: Any) -> float:
    """Km of the worker's drive to a user's home: ``between_visits_minutes`` less parking, at ``car_kmh``."""
    org, pl = model.params.organisation, model.params.places
    return max(org.between_visits_minutes - pl.car_park_min, 0.0) * pl.car_kmh / 60.0


def travel_counts(model: Any) -> tuple[float, int]:
    """The SIDL worker's km driven so far (with users and between homes) and public-transport legs ridden."""
    ev = model.events
    sidl = ev.column("provider") == PROVIDERS.index("sidl")
    mode = ev.column("mode")
    car, transit = sidl & (mode == CAR), sidl & (mode == TRANSIT)
    with_user = 2.0 * float(street_km(model, ev.column("user_id")[car], ev.column("place")[car].astype(np.int64)).sum())
    return with_user + model.visits_made * between_visits_km(model), 2 * int(np.count_nonzero(transit))


def cost_sek(model: Any) -> dict[str, float]:
    """Every cost part so far, in SEK: ``total``, the parts of :data:`PARTS` and their sub-parts."""
    c = model.params.costs
    km, legs = travel_counts(model)
    staff = documentation = systems = 0.0
    for period, end in zip(model.periods, [*model.periods[1:], None], strict=True):
        after = model.minutes if end is None else end.minutes_before
        minutes = {k: v - period.minutes_before.get(k, 0.0) for k, v in after.items()}
        rate = c.staff_sek_per_hour / 60.0 if period.rules.employs_staff else 0.0
        staff += rate * sum(minutes.values())
        documentation += rate * minutes["documentation"]
        years = user_years(model, (model.day if end is None else end.start) - period.start)
        systems += sum(float(getattr(c, f"{item}_sek_per_user_year")) for item in period.rules.overheads) * years
    overtime = c.staff_sek_per_hour / 60.0 * (c.overtime_premium - 1.0) * model.overtime_minutes
    out = {
        "staff": staff + overtime,
        "documentation": documentation,
        "overtime": overtime,
        "car": c.car_sek_per_km * km,
        "transit": c.transit_sek_per_leg * legs,
        "other_providers": c.other_provider_sek_per_hour * sum(model.provider_minutes.values()) / 60.0,
        "elsewhere": c.elsewhere_sek_per_task * model.tasks_elsewhere,
        "decisions": sum(decision_price(c, kind) * n for kind, n in sorted(model.decisions.items())),
        "systems": systems,
    }
    out["travel"] = out["car"] + out["transit"]
    out["overhead"] = out["other_providers"] + out["elsewhere"] + out["decisions"] + out["systems"]
    out["total"] = out["staff"] + out["travel"] + out["overhead"]
    return out


def cost_per_user_year(model: Any) -> dict[str, float]:
    """:func:`cost_sek` per user-year lived so far (0 before the first day)."""
    years = user_years(model)
    return {k: v / years if years else 0.0 for k, v in cost_sek(model).items()}


class Budget:
    """Equal budget: each regime may spend ``model.costs.budget_sek_per_user_year`` over the run.

    Every :data:`MONTH_DAYS` days (from day 0) the money left for staff sets ``staff_factor``, the share of
    the workforce's contracted time that is funded (0-1): the run's budget less everything spent so far and
    less the non-staff costs still to come (at their rate since day 0, the day-0 assessments apart), spread
    evenly over the days left, over what the whole workforce's contracted time costs a day.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        c, n, days = model.params.costs, model.users_state.n, model.cfg.scenario.days
        self.total = c.budget_sek_per_user_year * n * days / DAYS_PER_YEAR
        self.first_non_staff: float | None = None

    def month(self) -> None:
        """On a month's first day, set ``staff_factor`` for the month."""
        m = self.model
        days_left = m.cfg.scenario.days - m.day
        if m.day % MONTH_DAYS or days_left <= 0:
            return
        spent = cost_sek(m)
        non_staff = spent["total"] - spent["staff"]
        if self.first_non_staff is None:
            self.first_non_staff = non_staff
        rate = (non_staff - self.first_non_staff) / m.day if m.day else 0.0
        per_day = (self.total - spent["total"] - rate * days_left) / days_left
        org = m.params.organisation
        full = m.params.costs.staff_sek_per_hour / 60.0 * m.worker_uid.size * org.working_minutes_per_day * 5 / 7
        m.staff_factor = float(np.clip(per_day / full, 0.0, 1.0)) if full > 0 else 1.0
