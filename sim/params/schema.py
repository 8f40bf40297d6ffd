"""Typed parameter schema of the model, one parameter per line with its unit.

Every default is traced to its source in ``docs/ODD.md`` (section 9 lists each
parameter by its dotted key). The dataclasses serve three masters: Hydra's
ConfigStore (type checks and unknown keys), the ``run`` function (plain
Python, no Hydra), and the range checks in :mod:`sim.config.validate`, which read the
``range`` each field declares in its metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params.fields import choice, p, prob


@dataclass
class OpenCohort:
    """An open cohort (ODD §7.19): referrals wait for a place, decisions are reviewed and end, new users join.

    Off by default: the cohort is closed, everyone referred on day 0. On, the service has ``scenario.n_users``
    places and lives ``warmup_days`` before day 0 under the starting regime, so day 0 is a mature service.
    """

    enabled: bool = False
    referrals_per_year: float = p(0.35, "referrals a year per place (est.)", 0.0, 10.0)
    review_months_min: float = p(6.0, "months from a decision to its review, shortest (brief §7)", 1.0, 120.0)
    review_months_max: float = p(12.0, "months from a decision to its review, longest (brief §7)", 1.0, 120.0)
    improved_exit_prob: float = prob(0.5, "chance a review ends the decision of a user whose WEMWBS rose by 3 "
                                          "points or more since referral (est.)")
    declined_prob: float = prob(0.05, "chance a review ends because the user declines further support (est.)")
    moved_per_year: float = prob(0.05, "share of users a year who move away, ending the decision (est.)")
    warmup_days: int = p(2922, "days lived under the starting regime before day 0", 0, 36_500)


@dataclass
class ScenarioConfig:
    """Size and horizon of one simulated world (brief §6-§7)."""

    name: str = "municipality"
    n_users: int = p(200, "users (with an open cohort: the service's places)", 1, 1_000_000)
    n_workers: int = p(15, "full-time support workers", 1, 100_000)
    days: int = p(1826, "days (one step = one day)", 1, 36_500)
    open_cohort: OpenCohort = field(default_factory=OpenCohort)


@dataclass
class DailyState:
    """M1: day-to-day energy/courage, an AR(1) process around a personal mean."""

    courage_mean: float = prob(0.45, "courage 0-1, population mean of personal means")
    courage_sd: float = p(0.12, "courage 0-1, sd of personal means", 0.0, 1.0)
    persistence: float = prob(0.6, "AR(1) coefficient per day")
    daily_sd: float = p(0.18, "courage 0-1, sd of the daily innovation", 0.0, 1.0)
    brave_threshold: float = prob(0.6, "courage 0-1 at or above which a day is brave")
    bad_day_threshold: float = prob(0.3, "courage 0-1 below which a day is bad: less of a visit takes hold")
    bad_day_benefit: float = prob(0.5, "share of a visit's benefit on a bad day")


@dataclass
class Negotiation:
    """M2: visit content chosen in dialogue; the user's voice carries weight."""

    user_voice: float = prob(0.7, "weight of the user's preference vs the worker's")
    imposed_benefit: float = prob(0.5, "share of an activity's benefit when it is not one the user would choose")
    choice_wellbeing_gain: float = p(0.01, "affect 0-1 when the visit starts with what the user chose", 0.0, 1.0)
    choice_noise: float = p(0.15, "sd of the day's idiosyncratic taste in activity scores (uniform)", 0.0, 5.0)
    urgency_scale: float = p(3.0, "backlog (tasks of one kind) at which urgency reaches 63 % of its weight", 0.1, 100.0)
    max_activities: int = p(3, "activities per visit at most", 1, 10)
    urgency_weight: float = p(1.0, "score of a task at a pressing backlog", 0.0, 10.0)
    misfit_weight: float = p(1.0, "score lost per unit gap between demand and (perceived) courage", 0.0, 20.0)
    plan_weight: float = p(0.5, "score the worker adds to activities in the formal plan", 0.0, 10.0)
    dare_weight: float = p(1.0, "score a proposed (or pushed) challenge gains", 0.0, 10.0)


@dataclass
class Household:
    """M3: household needs accumulate; doing together builds capacity."""

    need_rate_home: float = p(0.20, "home tasks (cleaning, cooking, laundry) per day", 0.0, 10.0)
    need_rate_shopping: float = p(0.08, "shopping/pharmacy tasks per day", 0.0, 10.0)
    need_rate_admin: float = p(0.05, "admin tasks (bills, letters) per day", 0.0, 10.0)
    need_rate_service: float = p(0.02, "service contacts (dentist, health centre, office) per day", 0.0, 10.0)
    own_doing_rate: float = prob(0.35, "chance per day and need kind that a fully able user does a task alone")
    together_prob: float = prob(0.7, "chance the worker does a task with (not for) an able user")
    together_time_factor: float = p(1.3, "time multiplier for doing a task together", 1.0, 5.0)
    together_se_gain: float = prob(0.012, "self-efficacy gain x (1 - SE) per task done together")
    for_user_se_gain: float = prob(0.0, "self-efficacy gain x (1 - SE) per task done for the user")
    own_doing_se_gain: float = prob(0.002, "self-efficacy gain x (1 - SE) per task done alone")
    other_help_rate: float = prob(
        0.3, "chance per day and pending need kind that family, a delivery or a service meets it")
    se_decay: float = prob(0.004, "daily relaxation of self-efficacy toward its floor")
    se_floor: float = prob(0.15, "self-efficacy 0-1 that unused capacity relaxes toward, population mean")
    se_floor_sd: float = p(0.1, "self-efficacy 0-1, sd of the personal levels unused capacity relaxes toward",
                           0.0, 1.0)
    need_cap: float = p(12.0, "backlog (tasks) at which unmet needs weigh fully on wellbeing", 0.1, 1000.0)
    backlog_max: float = p(36.0, "backlog (tasks of one kind) beyond which needs stop piling up", 1.0, 10000.0)


@dataclass
class Presence:
    """M4: the worker's mere presence at a known time."""

    contact_weight: float = p(0.6, "contacts-equivalent of one visit at full alliance", 0.0, 10.0)
    anxiety_relief: float = prob(0.02, "anxiety 0-1 relieved by one visit at full alliance")
    enable_own_doing: float = prob(0.35, "chance presence lets the user do a task themselves")


@dataclass
class Places:
    """M5: here, there and everywhere; travel by walking, public transport or car."""

    area_km: float = p(8.0, "km, side of the square municipality", 0.5, 500.0)
    street_factor: float = p(1.3, "street distance per straight-line km", 1.0, 3.0)
    walk_kmh: float = p(3.5, "km/h walking with a user", 0.5, 20.0)
    transit_kmh: float = p(16.0, "km/h by public transport along the street distance (stops and detours included)",
                           1.0, 200.0)
    transit_access_min: float = p(35.0, "minutes walking to and from stops and waiting, per leg, with a user",
                                  0.0, 120.0)
    car_kmh: float = p(35.0, "km/h by car in town", 1.0, 200.0)
    car_park_min: float = p(3.0, "minutes parking, per leg", 0.0, 120.0)
    pleasure_wellbeing_gain: float = prob(0.03, "affect 0-1 per pleasure activity, with a trusted worker")
    incidental_contact_weight: float = p(0.2, "contacts-equivalent of one outing among people", 0.0, 10.0)
    landscape_learn_prob: float = prob(
        0.04, "chance a supported visit adds the place to the landscape (room permitting)")
    landscape_max: float = p(3.5, "shared places a user can come to use alone at most (learning slows toward it)",
                             0.5, 13.0)
    own_outing_rate: float = prob(0.12, "chance per day a fully able user goes out alone to a landscape place")
    outing_saturation: float = p(3.0, "known shared places at which outings reach their full rate", 0.1, 50.0)
    initial_landscape_mean: float = p(2.5, "shared places a user uses alone at the start", 0.0, 50.0)
    fear_transit_prob: float = prob(0.45, "share of users who fear public transport")
    fear_crowd_prob: float = prob(0.4, "share of users who fear each crowded place")


@dataclass
class Becoming:
    """M6: on a brave day with a trusted worker a feared activity can succeed."""

    success_logit: float = p(-1.0, "log-odds of success, not brave, no alliance, no SE, no anxiety", -20.0, 20.0)
    brave_logit: float = p(1.8, "log-odds added on a brave day", -20.0, 20.0)
    alliance_logit: float = p(2.5, "log-odds added x alliance 0-1 on a brave day only", -20.0, 20.0)
    se_logit: float = p(1.0, "log-odds added x self-efficacy 0-1", -20.0, 20.0)
    anxiety_logit: float = p(3.0, "log-odds lost x anxiety 0-1 (failures feed fear)", -20.0, 20.0)
    trust_threshold: float = prob(0.4, "alliance 0-1 from which the user dares propose a challenge")
    initiate_prob: float = prob(0.35, "chance a brave user with a trusted worker proposes a challenge")
    success_se_gain: float = prob(0.08, "self-efficacy gain x (1 - SE) on success")
    success_wellbeing_gain: float = prob(0.05, "affect 0-1 on success")
    fear_return_prob: float = prob(0.3, "chance a failure makes the place (and the transit taken) feared again")
    fail_anxiety_gain: float = prob(0.2, "anxiety 0-1 added on failure")
    fail_se_loss: float = prob(0.03, "self-efficacy 0-1 lost on failure")
    reactivate_prob: float = prob(0.5, "chance a success reactivates a dormant tie")


@dataclass
class Talk:
    """M7: casual, mutual talk during or instead of tasks."""

    talk_share: float = prob(0.25, "share of activity and travel time spent also talking")
    coffee_minutes: int = p(30, "minutes of a talk-only activity (coffee)", 1, 240)
    heard_wellbeing_gain: float = prob(0.02, "affect 0-1 per visit with a coffee's worth of talk, at full alliance")
    recognition_gain: float = prob(0.05, "recognition gain x (1 - recognition) per visit with talk, trusted worker")
    recognition_decay: float = prob(0.01, "daily relaxation of recognition toward 0 (no visits, no recognition)")
    mutuality: float = prob(0.7, "how much the worker shares too (0 = one-way questioning)")
    problem_solve_prob: float = prob(0.3, "chance talk turns an admin problem into a solution")
    spark_prob: float = prob(0.005, "chance per talk at full alliance of a new project (exhibition)")
    spark_ties: int = p(2, "dormant ties a project reactivates", 0, 50)


@dataclass
class Relation:
    """M8: alliance and contextual knowledge grow with continuity."""

    alliance_gain: float = prob(0.012, "alliance gain x (1 - alliance) x visit quality per visit, average pair")
    knowledge_gain: float = prob(0.01, "knowledge gain x (1 - knowledge) per visit")
    initial_alliance: float = prob(0.0, "alliance 0-1 with a new worker")
    pair_sd: float = p(0.5, "sd of log alliance growth between user-worker pairs", 0.0, 3.0)
    worker_sd: float = p(0.3, "sd of log alliance growth between workers (skill)", 0.0, 3.0)
    benefit_floor: float = prob(0.3, "share of a visit's benefit a stranger gives, against a trusted, knowing worker")
    knowledge_share: float = prob(0.3, "share of the relation's benefit that rests on knowledge, the rest on alliance")
    rupture_prob: float = prob(0.05, "chance per imposed activity or failed pushed challenge of a rupture")
    rupture_loss: float = prob(0.3, "share of the alliance a rupture takes")
    perception_noise: float = p(0.35, "sd of the worker's misreading of the user's day, at zero knowledge", 0.0, 5.0)


@dataclass
class Network:
    """M9: the user's own network, its decay and contact (brief §7, Palumbo 2015)."""

    size_mean: float = p(12.0, "people in the network, mean", 0.0, 200.0)
    size_dispersion: float = p(3.0, "negative-binomial shape of network size", 0.1, 1000.0)
    friend_share: float = prob(0.32, "share of ties that are friends, among users who have friends")
    family_share: float = prob(0.43, "share of ties that are family")
    no_friends_share: float = prob(0.13, "share of users with no friends at all")
    max_ties: int = p(40, "ties stored per user (larger networks are cut)", 1, 500)
    active_threshold: float = prob(0.3, "tie strength 0-1 from which a tie is active")
    initial_active_share: float = prob(0.3, "share of ties active at the start")
    active_strength_min: float = prob(0.45, "tie strength 0-1 of an active tie at the start, least")
    active_strength_max: float = prob(0.9, "tie strength 0-1 of an active tie at the start, most")
    dormant_strength_max: float = prob(0.15, "tie strength 0-1 of a dormant tie at the start, most")
    decay_days: float = p(90.0, "days, time constant of tie decay without contact", 1.0, 100_000.0)
    contact_rate: float = prob(0.43, "daily contact chance, full-strength tie, courage + self-efficacy = 1, not lonely")
    contact_boost: float = prob(0.20, "strength gain x (1 - s) per contact")
    reactivated_strength: float = prob(0.45, "strength of a reactivated tie")
    withdrawal: float = prob(0.5, "how much loneliness suppresses contact (feedback)")
    reach_out_rate: float = prob(0.006, "daily chance the other person gets in touch on a tie, whatever its strength")


@dataclass
class Loneliness:
    """M9: loneliness relaxes toward a level set by recent contact."""

    rate: float = prob(0.02, "daily relaxation rate toward the contact-set level")
    level_min: float = prob(0.33, "loneliness 0-1 with plentiful contact")
    level_max: float = prob(0.9, "loneliness 0-1 with no contact")
    contact_scale: float = p(6.0, "contacts per week that take loneliness 63 % of the way down", 0.01, 100.0)
    memory_days: float = p(14.0, "days, time constant of the recent-contact average", 1.0, 1000.0)
    noise_sd: float = p(0.01, "daily noise sd of loneliness 0-1", 0.0, 1.0)


@dataclass
class Wellbeing:
    """Wellbeing and anxiety: slow states fed by lasting states, plus a fleeting daily affect."""

    rate: float = prob(0.01, "daily relaxation rate of lasting wellbeing toward the state-set level")
    noise_sd: float = p(0.005, "daily noise sd of lasting wellbeing 0-1 (life events)", 0.0, 1.0)
    offset_sd: float = p(0.1, "wellbeing 0-1, sd of personal offsets from the state-set level", 0.0, 1.0)
    affect_decay: float = prob(0.3, "daily decay of affect, what a good day's events add on top of wellbeing")
    participation_weight: float = p(0.05, "wellbeing per unit participation (places used alone / landscape_max)",
                                    0.0, 5.0)
    recognition_weight: float = p(0.08, "wellbeing per unit recognition (being heard by a worker who knows one)",
                                  0.0, 5.0)
    base: float = prob(0.70, "wellbeing 0-1 level of a user with no burdens or assets")
    se_weight: float = p(0.25, "wellbeing per unit self-efficacy", 0.0, 5.0)
    loneliness_weight: float = p(0.3, "wellbeing lost per unit loneliness", 0.0, 5.0)
    anxiety_weight: float = p(0.2, "wellbeing lost per unit anxiety", 0.0, 5.0)
    needs_weight: float = p(0.12, "wellbeing lost at a full backlog of needs", 0.0, 5.0)
    anxiety_rate: float = prob(0.05, "daily relaxation rate of anxiety toward its trait level")
    anxiety_trait_mean: float = prob(0.5, "anxiety 0-1, population mean trait")
    anxiety_trait_sd: float = p(0.15, "anxiety 0-1, sd of the trait across users", 0.0, 1.0)
    anxiety_se_buffer: float = prob(0.5, "share of trait anxiety that full self-efficacy removes")


@dataclass
class Initial:
    """State at assessment, when the user is granted SIDL (P9)."""

    burn_in_days: int = p(1095, "days of life without support (every state) before day 0", 0, 36_500)
    loneliness_offset_sd: float = p(0.15, "loneliness 0-1, sd of personal offsets from the contact-set level", 0.0, 1.0)
    self_efficacy_mean: float = prob(0.3, "self-efficacy 0-1 at the start, mean")
    self_efficacy_sd: float = p(0.1, "self-efficacy 0-1 at the start, sd", 0.0, 1.0)
    needs_mean: float = p(4.0, "unmet tasks at the start, mean", 0.0, 1000.0)


#: What happens to the visits of an empty slot (``model.organisation.vacancy_cover``, ODD §7.17): a colleague
#: in post covers them, or they wait for the replacement.
VACANCY_COVER: tuple[str, ...] = ("spread", "wait")


@dataclass
class Organisation:
    """Assessment, decision, plan and weekly schedule (brief §7)."""

    hours_per_week_mean: float = p(2.0, "granted support hours per user-week, mean", 0.1, 60.0)
    hours_per_week_min: float = p(1.0, "granted hours per week, least", 0.1, 60.0)
    hours_per_week_max: float = p(6.0, "granted hours per week, most", 0.1, 60.0)
    hours_shape: float = p(4.0, "gamma shape of granted hours above the least (higher: less skewed)", 0.1, 100.0)
    hours_per_visit: float = p(1.5, "granted hours per visit, sets 1-3 visits a week", 0.25, 12.0)
    visit_minutes_max: int = p(240, "longest a visit may run when an outside task runs it over its slot, minutes "
                                    "(at most the slot: never)", 0, 600)
    documentation_minutes: float = p(8.0, "minutes of documentation per visit", 0.0, 240.0)
    between_visits_minutes: float = p(12.0, "worker travel to the user's home, minutes per visit", 0.0, 240.0)
    admin_minutes_per_day: float = p(45.0, "meetings and admin per worker-day, minutes", 0.0, 480.0)
    working_minutes_per_day: float = p(480.0, "contracted working time per full-time worker and weekday, minutes",
                                       0.0, 1440.0)
    capacity_fit: bool = False
    overtime_minutes_max: float = p(30.0, "most a worker works over the contracted day when the day's visits do "
                                    "not fit, minutes per worker-day (est.)", 0.0, 480.0)
    min_visit_minutes: float = p(15.0, "shortest visit made when a day is too full; a visit that would be "
                                 "shorter is cancelled, minutes (est.)", 0.0, 600.0)
    sick_rate: float = prob(0.0, "share of working days a worker is off sick (0: off)")
    sick_cover_prob: float = prob(0.7, "chance a healthy colleague covers a sick worker's visit, else cancelled")
    vacancy_days: int = p(0, "days a leaver's slot stays empty before the replacement starts (0: at once, est.)",
                          0, 365)
    vacancy_cover: str = choice("spread", VACANCY_COVER, "what happens to the visits of an empty slot")
    move_threshold: float = prob(0.3, "courage below which a visit is moved to a better day")
    max_move_days: int = p(2, "days a visit may be pushed back within its week", 0, 6)
    plan_items: int = p(6, "activities written into the formal plan (the last one its goal)", 1, 20)
    plan_review_days: int = p(365, "days between plan reviews / renewed decisions", 1, 3650)
    worker_turnover_per_year: float = prob(0.10, "share of workers who leave per year")
    turnover_workload_effect: float = p(0.0, "relative rise of the daily leaving chance per unit of mean overload "
                                        "(booked / contracted day - 1, at least 0; 0: off, est.)", 0.0, 10.0)
    turnover_discretion_effect: float = p(0.0, "relative rise of the daily leaving chance under rules that take "
                                          "the worker's discretion (0: off, est.)", 0.0, 10.0)
    workload_memory_days: int = p(91, "days with visits over which a worker's overload is averaged, days", 1, 3650)


#: Kinds of decision the cost model prices, each by ``model.costs.<kind>_sek_per_decision``.
DECISION_KINDS: tuple[str, ...] = ("assessment", "review", "application")
#: Overhead items a rule may need (``Rule.overheads``), each priced by ``model.costs.<item>_sek_per_user_year``.
OVERHEAD_ITEMS: tuple[str, ...] = ("monitoring_system",)


@dataclass
class Costs:
    """Prices of the cost model (the municipality's costs, SEK; ``sim.model.costs``), and the equal-budget switch."""

    staff_sek_per_hour: float = p(377.0, "SEK per paid hour of the SIDL workforce (every work category)",
                                  0.0, 10_000.0)
    other_provider_sek_per_hour: float = p(421.0, "SEK per hour of the other provider's sessions (R3)",
                                           0.0, 10_000.0)
    car_sek_per_km: float = p(2.5, "SEK per km driven by the worker (with the user and between homes)", 0.0, 100.0)
    transit_sek_per_leg: float = p(35.0, "SEK per one-way public-transport leg the worker rides with a user "
                                   "(the worker's fare)", 0.0, 1_000.0)
    overtime_premium: float = p(1.5, "pay for an overtime minute as a multiple of the staff price (est.)", 1.0, 3.0)
    monitoring_system_sek_per_user_year: float = p(1500.0, "SEK per user-year for a time-monitoring system, where "
                                                   "an active rule needs one", 0.0, 100_000.0)
    assessment_sek_per_decision: float = p(4000.0, "SEK per needs assessment and decision", 0.0, 100_000.0)
    review_sek_per_decision: float = p(2000.0, "SEK per review of a plan or decision", 0.0, 100_000.0)
    application_sek_per_decision: float = p(3000.0, "SEK per decided application for a separate intervention",
                                            0.0, 100_000.0)
    elsewhere_sek_per_task: float = p(150.0, "SEK per task another service does instead of the SIDL worker "
                                      "(an outside need met elsewhere, R4)", 0.0, 10_000.0)
    equal_budget: bool = False
    budget_sek_per_user_year: float = p(64000.0, "SEK per user-year each regime may spend when equal_budget is on",
                                        0.0, 10_000_000.0)


@dataclass
class ModelParams:
    """All behavioural parameters, grouped by mechanism (M1-M9, brief §2)."""

    daily: DailyState = field(default_factory=DailyState)
    negotiation: Negotiation = field(default_factory=Negotiation)
    household: Household = field(default_factory=Household)
    presence: Presence = field(default_factory=Presence)
    places: Places = field(default_factory=Places)
    becoming: Becoming = field(default_factory=Becoming)
    talk: Talk = field(default_factory=Talk)
    relation: Relation = field(default_factory=Relation)
    network: Network = field(default_factory=Network)
    loneliness: Loneliness = field(default_factory=Loneliness)
    wellbeing: Wellbeing = field(default_factory=Wellbeing)
    initial: Initial = field(default_factory=Initial)
    organisation: Organisation = field(default_factory=Organisation)
    costs: Costs = field(default_factory=Costs)
