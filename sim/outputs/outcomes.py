"""Every ``summary.json`` key and every ``timeseries.parquet`` variable, declared once.

Each :class:`Outcome` says what it measures (``label``), on which scale or in which unit
(``unit``), which direction is better (``better``: ``"lower"``, ``"higher"`` or ``None`` for
information only, as the EMA Workbench tags outcomes MINIMIZE, MAXIMIZE or INFO), to which group
it belongs and whether it is a headline outcome. :func:`sim.outputs.summary.summarise` produces
exactly the :data:`SUMMARY` keys, in this order; the report's headline tables, the figures'
labels and the command line's printed headline read these declarations.

For the organisation's KPIs (group :data:`KPI`) ``better`` is the organisation's own reading:
a regime can score "better" on them while users get lonelier (002 §4.2), which is why they
sit beside the user outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

USER = "user outcome"
KPI = "KPI view"
WORK = "work accounting"
CONTINUITY = "continuity"
COST = "costs"
COHORT = "open cohort"
RUN = "run info"
#: The groups, in the order the README and the report show them.
GROUPS: tuple[str, ...] = (USER, KPI, WORK, CONTINUITY, COST, COHORT, RUN)

UCLA3 = "UCLA-3 points, 3-9; lonely at >= 6"
WEMWBS = "WEMWBS points, 14-70"
SHARE_LONELY = "share of users with UCLA-3 >= 6, 0-1"
UCLA3_SD = "UCLA-3 points, SD between users"
WEMWBS_SD = "WEMWBS points, SD between users"
IN_START_SD = "mean of (end - start) over users / SD between users at the start"
SEK_UY = "SEK per user-year"


@dataclass(frozen=True)
class Outcome:
    """One reported quantity: its contract name and how to read it."""

    name: str
    label: str
    unit: str
    better: Literal["lower", "higher"] | None
    group: str
    headline: bool = False

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher", None):
            raise ValueError(f"{self.name}: better={self.better!r}; allowed: 'lower', 'higher', None")
        if self.group not in GROUPS:
            raise ValueError(f"{self.name}: group={self.group!r}; allowed: {', '.join(GROUPS)}")

    @property
    def axis(self) -> str:
        """Label with its scale, for a figure's axis or a table's heading."""
        return f"{self.label} ({self.unit})"

    @property
    def direction(self) -> str:
        """Which direction is better, in words."""
        return f"{self.better} is better" if self.better else "information only"


def _o(name: str, label: str, unit: str, better: Literal["lower", "higher"] | None, group: str,
       headline: bool = False) -> Outcome:
    return Outcome(name, label, unit, better, group, headline)


#: The ``summary.json`` keys, in the order :func:`sim.outputs.summary.summarise` returns them.
SUMMARY: tuple[Outcome, ...] = (
    _o("regime", "Regime", "name of the regime", None, RUN),
    _o("rules", "Rules switched on", "rule names joined by +, or none", None, RUN),
    _o("scenario", "Scenario", "name of the scenario", None, RUN),
    _o("seed", "Seed", "integer", None, RUN),
    _o("n_users", "Users", "people", None, RUN),
    _o("n_workers", "Workers", "people employed at a time", None, RUN),
    _o("days", "Days simulated", "days", None, RUN),
    _o("loneliness_mean_start", "Loneliness at the start", UCLA3, None, USER),
    _o("loneliness_mean_end", "Loneliness at the end", UCLA3, "lower", USER, headline=True),
    _o("loneliness_sd_start", "Spread of loneliness between users at the start", UCLA3_SD, None, USER),
    _o("loneliness_sd_end", "Spread of loneliness between users at the end", UCLA3_SD, None, USER),
    _o("loneliness_change_smd", "Mean change in loneliness per user, standardized", IN_START_SD, "lower", USER),
    _o("share_lonely_start", "Share lonely at the start", SHARE_LONELY, None, USER),
    _o("share_lonely_end", "Share lonely at the end", SHARE_LONELY, "lower", USER, headline=True),
    _o("wellbeing_mean_start", "Wellbeing at the start", WEMWBS, None, USER),
    _o("wellbeing_mean_end", "Wellbeing at the end", WEMWBS, "higher", USER, headline=True),
    _o("wellbeing_sd_start", "Spread of wellbeing between users at the start", WEMWBS_SD, None, USER),
    _o("wellbeing_sd_end", "Spread of wellbeing between users at the end", WEMWBS_SD, None, USER),
    _o("wellbeing_change_smd", "Mean change in wellbeing per user, standardized", IN_START_SD, "higher", USER),
    _o("share_wellbeing_gain_3", "Share gaining 3 or more WEMWBS points",
       "share of users with end - start WEMWBS >= +3, 0-1", "higher", USER),
    _o("share_wellbeing_loss_3", "Share losing 3 or more WEMWBS points",
       "share of users with end - start WEMWBS <= -3, 0-1", "lower", USER),
    _o("self_efficacy_mean_end", "Self-efficacy at the end", "0-1", "higher", USER, headline=True),
    _o("network_active_mean_end", "Active ties at the end", "ties per user", "higher", USER, headline=True),
    _o("landscape_mean_end", "Places usable alone at the end", "shared places per user", "higher", USER,
       headline=True),
    _o("unmet_needs_mean_end", "Unmet household needs at the end", "tasks waiting per user", "lower", USER),
    _o("anxiety_mean_end", "Anxiety at the end", "0-1", "lower", USER),
    _o("alliance_mean_end", "Alliance with the regular worker at the end", "0-1", "higher", USER),
    _o("contacts_per_week_mean_start", "Contacts per week at the start", "contact-equivalents per user and week",
       None, USER),
    _o("contacts_per_week_mean_end", "Contacts per week at the end", "contact-equivalents per user and week",
       "higher", USER),
    _o("relationship_years_mean_end", "Length of the relationship with the regular worker at the end",
       "years, users with a regular worker", "higher", CONTINUITY),
    _o("plan_adherence", "Plan adherence", "share of SIDL activities that are plan items, 0-1", "higher", KPI,
       headline=True),
    _o("activity_fit_mean", "Fit of activities to the user's day", "0-1", "higher", USER),
    _o("kpi_documented_hours_per_user_week", "Documented hours",
       "billable SIDL activity and travel hours (not talk or presence) per user and week", "higher", KPI),
    _o("kpi_tasks_ticked_per_user_month", "Plan tasks ticked off", "tasks per user and month", "higher", KPI),
    _o("client_time_share", "Client time", "visit minutes / paid minutes, 0-1", "higher", KPI, headline=True),
    _o("continuity", "Continuity", "share of visits by the regular worker, 0-1", "higher", CONTINUITY,
       headline=True),
    _o("visits_per_user_week", "Visits", "visits per user and week", None, WORK),
    _o("visits_moved_share", "Visits moved to a better day", "share of visits, 0-1", None, WORK),
    _o("visits_cancelled_share", "Visits cancelled for a full day", "share of visits booked, 0-1", "lower", WORK),
    _o("visits_shortened_share", "Visits shortened for a full day", "share of visits made, 0-1", "lower", WORK),
    _o("unmet_visit_hours_per_user_year", "Granted visit time not given for a full day",
       "hours per user and year", "lower", WORK),
    _o("visits_substituted_share", "Visits by a colleague covering a sick worker", "share of visits made, 0-1",
       None, WORK),
    _o("sick_days_share", "Sick days", "share of worker-days with visits, 0-1", None, WORK),
    _o("caseload_mean", "Caseload", "users per worker in post, mean over days", None, WORK),
    _o("turnover_realised_per_year", "Turnover realised", "leavers per worker-post-year", None, WORK),
    _o("vacancy_days_per_post_year", "Vacancy", "days a slot is empty per post and year", "lower", WORK),
    _o("overtime_hours_per_worker_year", "Overtime", "hours per worker and year", "lower", WORK),
    _o("outside_activities_per_user_month", "Activities outside the home", "activities per user and month",
       "higher", USER),
    _o("social_activities_per_user_month", "Social activities", "activities per user and month", "higher", USER),
    _o("challenges_per_user_year", "Challenges tried", "feared activities per user and year", None, USER),
    _o("failed_challenges_per_user_year", "Challenges failed", "feared activities per user and year", "lower",
       USER),
    _o("worker_minutes_per_user_week", "Worker time", "paid minutes with or for a user per user and week", None,
       WORK),
    _o("client_minutes_per_user_week", "Client time per user", "paid visit minutes (with the user, travel with the "
       "user included) per user and week", None, WORK),
    _o("travel_minutes_share", "Travel time", "share of paid minutes, 0-1", None, WORK),
    _o("documentation_minutes_share", "Documentation time", "share of paid minutes, 0-1", None, WORK),
    _o("support_minutes_per_user_week", "Support time",
       "paid minutes of support a user receives (SIDL visits, travel, documentation, other providers) per user "
       "and week", None, WORK),
    _o("distinct_workers_per_user", "Workers met", "distinct workers per user", "lower", CONTINUITY),
    _o("lonely_user_years_per_user_year", "Lonely user-years",
       "user-years lived lonely (UCLA-3 >= 6) per user-year: the share lonely averaged over the run's days, 0-1",
       "lower", USER),
    _o("cost_sek_per_user_year", "Cost", SEK_UY + ": staff + travel + overhead", "lower", COST, headline=True),
    _o("cost_staff_sek_per_user_year", "Staff cost", SEK_UY + ": every paid minute of the SIDL workforce",
       "lower", COST),
    _o("cost_travel_sek_per_user_year", "Travel cost", SEK_UY + ": the worker's km driven and transit fares",
       "lower", COST),
    _o("cost_overhead_sek_per_user_year", "Overhead cost",
       SEK_UY + ": other providers, tasks done elsewhere, decisions, systems", "lower", COST),
    _o("cost_documentation_sek_per_user_year", "Documentation cost", SEK_UY + ", part of the staff cost", "lower",
       COST),
    _o("cost_overtime_sek_per_user_year", "Overtime premium", SEK_UY + ", part of the staff cost", "lower", COST),
    _o("cost_car_sek_per_user_year", "Car cost", SEK_UY + ", part of the travel cost", None, COST),
    _o("cost_transit_sek_per_user_year", "Public-transport cost", SEK_UY + ", part of the travel cost", None, COST),
    _o("cost_other_providers_sek_per_user_year", "Other providers' cost",
       SEK_UY + ", part of the overhead: the other provider's session hours (R3)", None, COST),
    _o("cost_elsewhere_sek_per_user_year", "Cost of tasks done elsewhere",
       SEK_UY + ", part of the overhead: outside needs met by another service (R4)", None, COST),
    _o("cost_decisions_sek_per_user_year", "Decisions' cost",
       SEK_UY + ", part of the overhead: assessments, reviews, applications", "lower", COST),
    _o("cost_systems_sek_per_user_year", "Systems' cost",
       SEK_UY + ", part of the overhead: systems the active rules need (a monitoring system)", "lower", COST),
    _o("decisions_per_user_year", "Decisions", "assessments, reviews and applications decided per user-year",
       None, COST),
    _o("staff_factor_mean", "Funded share of contracted time",
       "mean over working days of the share of the workforce's contracted time that is funded, 0-1 "
       "(below 1 only under an equal budget)", None, COST),
    _o("referrals_per_place_year", "Referrals", "referrals a year per place", None, COHORT),
    _o("admissions_per_place_year", "Admissions", "new users a year per place", None, COHORT),
    _o("reviews_per_place_year", "Reviews of decisions", "reviews a year per place", None, COHORT),
    _o("exits_per_place_year", "Exits", "decisions ended a year per place", None, COHORT),
    _o("exits_improved_share", "Exits as improved", "share of exits, 0-1", None, COHORT),
    _o("exits_declined_share", "Exits as declined", "share of exits, 0-1", None, COHORT),
    _o("exits_moved_share", "Exits by moving away", "share of exits, 0-1", None, COHORT),
    _o("waiting_days_mean", "Wait for a place", "days from referral to admission, mean over admissions", "lower",
       COHORT),
    _o("waiting_list_end", "Waiting list at the end", "referrals waiting", "lower", COHORT),
    _o("places_empty_share", "Empty places", "share of place-days without a user, 0-1", None, COHORT),
    _o("cohort_users", "Users referred after day 0", "people admitted", None, COHORT),
    _o("cohort_share_end", "Users referred after day 0 at the end", "share of users in service, 0-1", None, COHORT),
    _o("cohort_loneliness_change_mean", "Loneliness change of users referred after day 0",
       "UCLA-3 points, last observed (leaving or the end) - at admission, mean over them", "lower", COHORT),
    _o("cohort_wellbeing_change_mean", "Wellbeing change of users referred after day 0",
       "WEMWBS points, last observed (leaving or the end) - at admission, mean over them", "higher", COHORT),
    _o("cohort_years_in_service_mean", "Time in service of users referred after day 0",
       "years from admission to leaving or the end, mean over them", None, COHORT),
    _o("lonely_ucla3_threshold", "Lonely threshold", "UCLA-3 points", None, RUN),
)

#: The ``timeseries.parquet`` variables (besides ``day``), in column order (``sim.model.reporters.TIMESERIES``).
TIMESERIES: tuple[Outcome, ...] = (
    _o("loneliness_mean", "Loneliness", UCLA3, "lower", USER, headline=True),
    _o("share_lonely", "Share lonely", SHARE_LONELY, "lower", USER),
    _o("wellbeing_mean", "Wellbeing", WEMWBS, "higher", USER, headline=True),
    _o("self_efficacy_mean", "Self-efficacy", "0-1", "higher", USER),
    _o("network_active_mean", "Active ties", "ties per user", "higher", USER),
    _o("landscape_mean", "Places usable alone", "shared places per user", "higher", USER),
    _o("unmet_needs_mean", "Unmet household needs", "tasks waiting per user", "lower", USER),
    _o("anxiety_mean", "Anxiety", "0-1", "lower", USER),
    _o("alliance_mean", "Alliance with the regular worker", "0-1", "higher", USER),
    _o("regime_phase", "Regime phase", "0 before a reform (or none), 1 reform in force, 2 reversed", None, RUN),
    _o("caseload", "Users in service", "people (with an open cohort, places taken)", None, COHORT),
    _o("cohort_share", "Users referred after day 0", "share of users in service, 0-1 (0 in a closed cohort)", None,
       COHORT),
)

#: Every declaration by name (summary keys and time series variables share no name).
BY_NAME: dict[str, Outcome] = {o.name: o for o in (*SUMMARY, *TIMESERIES)}
#: The headline ``summary.json`` outcomes: compared between regimes in the report, printed by ``python -m sim.run``.
HEADLINE: tuple[str, ...] = tuple(o.name for o in SUMMARY if o.headline)


#: The outcomes the report draws and decomposes: the brief's two questions, lonelier and worse off?
PRIMARY: tuple[str, ...] = ("loneliness_mean_end", "wellbeing_mean_end")


def start_of(name: str) -> str | None:
    """The ``<x>_start`` key beside an ``<x>_end`` key, if one is declared."""
    start = name.removesuffix("_end") + "_start"
    return start if name.endswith("_end") and start in BY_NAME else None


def sd_start_of(name: str) -> str | None:
    """The ``<x>_sd_start`` key (between-user SD at the start) that standardizes a ``<x>_mean_end`` key, if declared."""
    sd = name.removesuffix("_mean_end") + "_sd_start"
    return sd if name.endswith("_mean_end") and sd in BY_NAME else None


def get(name: str) -> Outcome:
    """The declaration of ``name``; a clear error for a name that is not declared."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name}: not a declared outcome; see sim/outputs/outcomes.py") from None


def label(name: str) -> str:
    """Axis label of a declared outcome (label and scale), or the name itself for anything else."""
    return BY_NAME[name].axis if name in BY_NAME else name


def names(group: str | None = None) -> tuple[str, ...]:
    """The ``summary.json`` keys, all or of one group."""
    return tuple(o.name for o in SUMMARY if group is None or o.group == group)


def markdown_table() -> str:
    """The ``summary.json`` keys as the README's table (group, key, meaning, scale, better)."""
    lines = ["| group | key | what | scale / unit | better |", "|---|---|---|---|---|"]
    for group in GROUPS:
        lines += [f"| {o.group} | `{o.name}` | {o.label} | {o.unit} | {o.better or '-'} |"
                  for o in SUMMARY if o.group == group]
    return "\n".join(lines) + "\n"
