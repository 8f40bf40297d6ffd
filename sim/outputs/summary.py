"""The run's summary: user outcomes beside the organisation's KPI view.

User outcomes (loneliness, wellbeing ...) and what an NPM organisation counts
(plan adherence, client time, documentation) sit side by side, so a regime
that looks good on its KPIs while users get lonelier shows it (002 §4.2). What
each key means, its scale and which direction is better: :mod:`sim.outputs.outcomes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import costs, reporters
from sim.model.events import EXIT_REASONS, PROVIDERS
from sim.outputs import outcomes
from sim.world import activities as act

if TYPE_CHECKING:
    from sim.model.model import SIDLModel

DAYS_PER_MONTH = 365.25 / 12


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b else 0.0


def _sd(x: np.ndarray) -> float:
    return float(x.std(ddof=1 if x.size > 1 else 0)) if x.size else 0.0


def spread(start: np.ndarray, end: np.ndarray, at_start: np.ndarray | None = None, at_end: np.ndarray | None = None,
           stayed: np.ndarray | None = None) -> dict[str, float]:
    """Between-user SDs (``ddof=1``) of one user-level score at the start and end, and its mean change in start SDs.

    With an open cohort (ODD §7.19) the masks say which places count: ``at_start`` the users in service on day 0,
    ``at_end`` those at the end, ``stayed`` those in both (the same person), whose change is averaged.
    """
    everyone = np.ones(start.size, dtype=bool)
    at_start, at_end, stayed = (everyone if x is None else x for x in (at_start, at_end, stayed))
    sd_start = _sd(start[at_start])
    change = end[stayed] - start[stayed]
    return {"sd_start": sd_start, "sd_end": _sd(end[at_end]),
            "change_smd": _ratio(float(change.mean()), sd_start) if change.size else 0.0}


def important_change_shares(start: np.ndarray, end: np.ndarray,
                            points: float = reporters.WEMWBS_IMPORTANT_CHANGE) -> tuple[float, float]:
    """Shares of users whose score rose by at least ``points``, and fell by at least ``points``."""
    change = end - start
    if change.size == 0:
        return 0.0, 0.0
    return float((change >= points).mean()), float((change <= -points).mean())


def cohort_outcomes(m: SIDLModel) -> dict[str, float]:
    """The open cohort's flow since day 0 and the outcomes of the users referred after day 0 (ODD §7.19); zeros
    for a closed cohort."""
    if m.cohort is None:
        return dict.fromkeys(outcomes.names(outcomes.COHORT), 0.0)
    acc, c = m.cohort.accounts, m.cohort
    place_years = costs.user_years(m)
    exits = sum(acc.exits.values())
    changes = c.cohort_changes()
    loneliness, wellbeing, days = changes.mean(axis=0) if changes.size else np.zeros(3)
    return {
        "referrals_per_place_year": _ratio(acc.referrals, place_years),
        "admissions_per_place_year": _ratio(acc.admissions, place_years),
        "reviews_per_place_year": _ratio(acc.reviews, place_years),
        "exits_per_place_year": _ratio(exits, place_years),
        **{f"exits_{reason}_share": _ratio(acc.exits[reason], exits) for reason in EXIT_REASONS},
        "waiting_days_mean": _ratio(acc.waiting_days, acc.admissions),
        "waiting_list_end": len(c.waiting),
        "places_empty_share": _ratio(acc.empty_place_days, c.in_service.size * m.day),
        "cohort_users": int(changes.shape[0]),
        "cohort_share_end": float(c.referred_share()),
        "cohort_loneliness_change_mean": float(loneliness),
        "cohort_wellbeing_change_mean": float(wellbeing),
        "cohort_years_in_service_mean": float(days / 365.25),
    }


def worker_minutes(minutes: dict[str, float]) -> float:
    """SIDL workers' paid minutes with or for users: every work category but admin (ODD §7.12)."""
    return minutes["client"] + minutes["travel_with_user"] + minutes["travel_between"] + minutes["documentation"]


def support_minutes(m: SIDLModel) -> float:
    """Every paid minute of support the users received: the SIDL workers' (:func:`worker_minutes`) and the
    sessions of other providers (R3). Admin is not support a user receives."""
    return worker_minutes(m.minutes) + sum(m.provider_minutes.values())


def summarise(m: SIDLModel) -> dict[str, float | int | str]:
    """Every ``summary.json`` outcome: exactly the keys declared in :data:`sim.outputs.outcomes.SUMMARY`, in order."""
    ts = m.datacollector.get_model_vars_dataframe()
    first, last = ts.iloc[0], ts.iloc[-1]
    n, days = m.users_state.n, max(m.day, 1)
    user_months = n * days / DAYS_PER_MONTH
    user_years = n * days / 365.25
    ev = m.events
    activity = ev.column("activity").astype(int)
    sidl = ev.column("provider") == PROVIDERS.index("sidl")
    category = ev.column("category")
    challenge = category == act.CHALLENGE
    success = ev.column("success").astype(bool)
    planned = ev.column("planned").astype(bool)
    billable = sidl & ~np.isin(act.CATEGORY[activity], (act.TALK, act.PRESENCE))
    billed_minutes = float((ev.column("minutes") + ev.column("travel_minutes"))[billable].sum())
    minutes = m.minutes
    live = m.in_service
    days_bonded = m.users_state.relation_days[(m.users_state.bond_worker >= 0) & live]
    paid = sum(minutes.values())
    worker = worker_minutes(minutes)
    masks = m.start_uid >= 0, live, live & (m.user_uid == m.start_uid)
    scores = {k: (m.start[k], reporters.USER_SNAPSHOT[k](m)) for k in ("loneliness", "wellbeing")}
    lonely, well = spread(*scores["loneliness"], *masks), spread(*scores["wellbeing"], *masks)
    gain, loss = important_change_shares(*(x[masks[2]] for x in scores["wellbeing"]))
    cost = costs.cost_per_user_year(m)
    return {
        "regime": m.cfg.regime.name,
        "rules": "+".join(rule.name for rule in m.rules) or "none",
        "scenario": m.cfg.scenario.name,
        "seed": m.cfg.seed,
        "n_users": n,
        "n_workers": int(m.worker_uid.size),
        "days": m.day,
        "loneliness_mean_start": float(first["loneliness_mean"]),
        "loneliness_mean_end": float(last["loneliness_mean"]),
        "loneliness_sd_start": lonely["sd_start"],
        "loneliness_sd_end": lonely["sd_end"],
        "loneliness_change_smd": lonely["change_smd"],
        "share_lonely_start": float(first["share_lonely"]),
        "share_lonely_end": float(last["share_lonely"]),
        "wellbeing_mean_start": float(first["wellbeing_mean"]),
        "wellbeing_mean_end": float(last["wellbeing_mean"]),
        "wellbeing_sd_start": well["sd_start"],
        "wellbeing_sd_end": well["sd_end"],
        "wellbeing_change_smd": well["change_smd"],
        "share_wellbeing_gain_3": gain,
        "share_wellbeing_loss_3": loss,
        "self_efficacy_mean_end": float(last["self_efficacy_mean"]),
        "network_active_mean_end": float(last["network_active_mean"]),
        "landscape_mean_end": float(last["landscape_mean"]),
        "unmet_needs_mean_end": float(last["unmet_needs_mean"]),
        "anxiety_mean_end": float(last["anxiety_mean"]),
        "alliance_mean_end": float(last["alliance_mean"]),
        "contacts_per_week_mean_start": m.contacts_week_start,
        "contacts_per_week_mean_end": float(m.users_state.contacts_week[live].mean()),
        "relationship_years_mean_end": _ratio(float(days_bonded.sum()) / 365.25, days_bonded.size),
        "plan_adherence": _ratio(planned[sidl].sum(), sidl.sum()),
        "activity_fit_mean": _ratio(m.fit_sum, m.fit_n),
        "kpi_documented_hours_per_user_week": _ratio(billed_minutes / 60.0 * 7.0, n * days),
        "kpi_tasks_ticked_per_user_month": _ratio((planned & billable & act.IS_TASK[activity]).sum(), user_months),
        "client_time_share": _ratio(minutes["client"] + minutes["travel_with_user"], paid),
        "continuity": _ratio(m.visits_by_regular, m.visits_made),
        "visits_per_user_week": _ratio(m.visits_made * 7.0, n * days),
        "visits_moved_share": _ratio(m.visits_moved, m.visits_made),
        "visits_cancelled_share": _ratio(m.visits_cancelled, m.visits_made + m.visits_cancelled),
        "visits_shortened_share": _ratio(m.visits_shortened, m.visits_made),
        "unmet_visit_hours_per_user_year": _ratio(m.unmet_visit_minutes / 60.0, user_years),
        "visits_substituted_share": _ratio(m.visits_substituted, m.visits_made),
        "sick_days_share": _ratio(m.sick_worker_days, m.worker_uid.size * m.sick_draw_days),
        "caseload_mean": _ratio(m.caseload_sum, m.day),
        "turnover_realised_per_year": _ratio(m.leavers, m.worker_post_days / 365.25),
        "vacancy_days_per_post_year": _ratio(m.vacant_slot_days, m.worker_uid.size * m.day / 365.25),
        "overtime_hours_per_worker_year": _ratio(m.overtime_minutes / 60.0, m.worker_uid.size * days / 365.25),
        "outside_activities_per_user_month": _ratio(act.OUTSIDE[activity].sum(), user_months),
        "social_activities_per_user_month": _ratio(act.IS_SOCIAL[activity].sum(), user_months),
        "challenges_per_user_year": _ratio(challenge.sum(), user_years),
        "failed_challenges_per_user_year": _ratio((challenge & ~success).sum(), user_years),
        "worker_minutes_per_user_week": _ratio(worker * 7.0, n * days),
        "client_minutes_per_user_week": _ratio((minutes["client"] + minutes["travel_with_user"]) * 7.0, n * days),
        "travel_minutes_share": _ratio(minutes["travel_with_user"] + minutes["travel_between"], paid),
        "documentation_minutes_share": _ratio(minutes["documentation"], paid),
        "support_minutes_per_user_week": _ratio(support_minutes(m) * 7.0, n * days),
        "distinct_workers_per_user": float(m.distinct_workers()[live].mean()),
        "lonely_user_years_per_user_year": float(ts["share_lonely"].iloc[1:].mean()) if len(ts) > 1 else float(
            first["share_lonely"]),
        "cost_sek_per_user_year": cost["total"],
        "cost_staff_sek_per_user_year": cost["staff"],
        "cost_travel_sek_per_user_year": cost["travel"],
        "cost_overhead_sek_per_user_year": cost["overhead"],
        "cost_documentation_sek_per_user_year": cost["documentation"],
        "cost_overtime_sek_per_user_year": cost["overtime"],
        "cost_car_sek_per_user_year": cost["car"],
        "cost_transit_sek_per_user_year": cost["transit"],
        "cost_other_providers_sek_per_user_year": cost["other_providers"],
        "cost_elsewhere_sek_per_user_year": cost["elsewhere"],
        "cost_decisions_sek_per_user_year": cost["decisions"],
        "cost_systems_sek_per_user_year": cost["systems"],
        "decisions_per_user_year": _ratio(sum(m.decisions.values()), user_years),
        "staff_factor_mean": _ratio(m.staff_factor_sum, m.staff_factor_days),
        **cohort_outcomes(m),
        "lonely_ucla3_threshold": reporters.LONELY_AT_UCLA3,
    }
