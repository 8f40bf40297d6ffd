"""The SIDL model: service users and support workers under a management regime.

One step is one day. The order of a day, written once here and followed by
:meth:`SIDLModel.step`:

1. **Organisation** - the rules' daily events (``RuleSet.on_day``) and staff
   turnover: a leaver's slot is filled by a new worker.
2. **Daily state (M1)** - every user's courage for today.
3. **Needs (M3)** - household needs arrive.
4. **Visits (M2-M8)** - due visits (scheduled weekdays, plus visits moved from
   a bad day) pass the rules; a visit may move to a better day; workers are
   assigned; a new worker restarts the relation (M8); content is negotiated
   and lived (an outside task may run a visit over its slot, and the overrun
   comes off the user's next visits); worker time is accounted: on a working
   day, contracted time no visit or admin fills is unscheduled.
5. **Own life (M3, M5)** - users do tasks and go out on their own.
6. **Network (M9)** - contact on ties, tie decay.
7. **Drift** - recent contact, loneliness, anxiety, self-efficacy and
   wellbeing relax toward the levels their drivers sustain.
8. **Collect** - the day's row of the time series.

Everything that is the same for all users is a numpy operation on the
arrays of :class:`sim.world.population.UserState`; agents index into them.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from functools import partial
from typing import Any

import mesa
import numpy as np

from sim.config.compose import compose
from sim.config.schema import SimConfig
from sim.config.validate import ConfigError, validate
from sim.model import capacity, costs, dynamics, kernels, reporters
from sim.model.agents import ServiceUser, SupportWorker
from sim.model.cohort import Cohort
from sim.model.events import EventLog, ServiceEventLog
from sim.model.reform import Period, reform_schedule
from sim.model.visits import Outcome, VisitDraws, Workspace, visit
from sim.rules import OnlyActivities, RuleSet, VisitBatch, build_rules
from sim.world import activities as act
from sim.world.organisation import PROVIDERS, Assessment, assess, chance_per_day, renew_goals
from sim.world.population import UserState, make_users
from sim.world.streams import Streams
from sim.world.trips import TripTable

WORK_CATEGORIES = ("client", "travel_with_user", "travel_between", "documentation", "admin", "unscheduled")
SEEDS = 2**63  # seeds are 0 ... 2**63 - 1 (``SimConfig.seed``)


def _seed(seed: Any, rng: Any) -> Any:
    """The run's seed from Mesa's ``seed`` / ``rng`` arguments; a fresh one from the OS if neither is given."""
    if seed is not None and rng is not None:
        raise ConfigError(f"seed={seed!r}, rng={rng!r}: give either seed or rng, not both")
    if seed is not None:
        return seed
    if rng is None or isinstance(rng, np.random.Generator):
        return int(np.random.default_rng(rng).integers(SEEDS))
    return rng


class SIDLModel(mesa.Model):
    """Support in daily living for ``scenario.n_users`` users over ``scenario.days`` days.

    Built either from a config, ``SIDLModel(cfg)`` (validated here), or from flat keyword
    arguments: ``SIDLModel(scenario="classroom", regime="npm", seed=3, model__talk__talk_share=0.4)``
    names a packaged scenario and regime (:func:`sim.config.compose.compose`) and sets any
    parameter by its dotted key, written with ``__`` for each dot (``scenario__days=30``).
    That is the form Mesa's ``batch_run`` calls. ``seed`` (or Mesa's ``rng``: an int is the seed,
    a numpy Generator draws it) picks the run; with neither, a fresh seed is drawn from the
    operating system, so replicates differ, and is kept in ``model.cfg.seed`` to rebuild the run.
    ``running`` turns False at the scenario's horizon, which ends Mesa's ``run_model()``.
    """

    def __init__(self, cfg: SimConfig | None = None, *, scenario: str = "municipality", regime: str = "trust_based",
                 seed: int | None = None, rng: int | np.random.Generator | None = None, **params: Any) -> None:
        if cfg is None:
            cfg = compose(scenario, regime, _seed(seed, rng), {k.replace("__", "."): v for k, v in params.items()})
        elif params or seed is not None or rng is not None:
            raise TypeError("SIDLModel(cfg) takes no other arguments; set them in the config")
        else:
            cfg = validate(cfg)
        super().__init__(seed=cfg.seed)
        self.cfg = cfg
        self.params = cfg.model
        self.streams = Streams(cfg.seed)
        n, n_workers = cfg.scenario.n_users, cfg.scenario.n_workers

        self.users_state = s = make_users(n, self.params, self.streams)
        dynamics.burn_in(s, self.params, self.streams.handle("burn_in"), self.params.initial.burn_in_days)
        self.trips = TripTable(s.legs)
        self.assessment = assess(s, self.params.organisation, n_workers, self.streams["organisation"])

        self._users = list(ServiceUser.create_agents(self, n, np.arange(n)))
        self._workers = list(SupportWorker.create_agents(self, n_workers, np.arange(n_workers)))
        self.worker_uid = np.array([w.unique_id for w in self._workers])
        #: How fast alliances with the worker in each slot grow (M8: skill, lognormal with mean 1).
        self.worker_skill = np.array([self._draw_skill() for _ in range(n_workers)])
        self.user_uid = np.array([a.unique_id for a in self._users])
        self._all_in_service = np.ones(n, dtype=bool)
        self._all_in_service.flags.writeable = False
        #: Homes of users who have left an open cohort, by id (their visits' car km are priced, ODD §7.16).
        self._former_homes: dict[int, np.ndarray] = {}

        open_cohort = cfg.scenario.open_cohort
        #: Day 0 is the first day observed; an open cohort lives its warm-up on the days before it.
        self.day = -open_cohort.warmup_days if open_cohort.enabled else 0
        #: The open cohort's flow of users through the places (ODD §7.19), or None for a closed cohort.
        self.cohort = Cohort(self, open_cohort) if open_cohort.enabled else None
        self.view = RulesView(self)
        self.rules = build_rules(cfg.regime)
        self.rules.bind(self.view)
        self._switches = reform_schedule(cfg)
        self.pending = np.zeros(n, dtype=bool)
        self.pushed_days = np.zeros(n, dtype=int)
        #: Minutes each user's visits ran over their slots, still to come off the user's next visits.
        self.owed = np.zeros(n)
        #: Each slot's overload (booked / contracted day - 1, at least 0) on its last days with visits.
        self._load = np.zeros((self.params.organisation.workload_memory_days, n_workers))
        self._load_days = np.zeros(n_workers, dtype=np.int64)
        #: Day each slot's replacement starts after a leaver (ODD §7.17, ``vacancy_days``); the slot is empty till then.
        self.vacant_until = np.zeros(n_workers, dtype=np.int64)
        self.vacant = np.zeros(n_workers, dtype=bool)
        #: Share of the workforce's contracted time that is funded (1; set monthly under ``model.costs.equal_budget``).
        self.staff_factor = 1.0
        self._budget = costs.Budget(self) if self.params.costs.equal_budget else None
        self.open_accounts()
        self.bind_daily_steps()
        while self.day < 0:
            self._live_day()
        self.open_accounts()

        self.datacollector = reporters.DailyCollector(cfg.scenario.days)
        self.start = {k: f(self) for k, f in reporters.USER_SNAPSHOT.items()}
        #: Who was in each place on day 0 (-1 for an empty place): a user's change is counted for those still there.
        self.start_uid = np.where(self.in_service, self.user_uid, -1)
        self.contacts_week_start = float(s.contacts_week[self.in_service].mean())
        self.datacollector.collect(self)

    def open_accounts(self) -> None:
        """Start every count the outputs report from today: day 0, after an open cohort's warm-up.

        The state (users, workers, relationships, plans, vacancies, the overload history) carries on.
        """
        n = self.users_state.n
        #: The stretches of days under one regime so far (:class:`sim.model.reform.Period`).
        self.periods = [Period(self.day, self.cfg.regime, self.rules, 0)]
        self.minutes = dict.fromkeys(WORK_CATEGORIES, 0.0)
        #: Paid session minutes delivered by each provider other than SIDL (R3), not SIDL work.
        self.provider_minutes = dict.fromkeys(PROVIDERS[1:], 0.0)
        #: Decisions made so far, by kind (priced per decision, :mod:`sim.model.costs`): every user's needs
        #: assessment on day 0 of a closed cohort, the open cohort's assessments and reviews, and what the rules
        #: record (:meth:`RulesView.count_decisions`).
        self.decisions: Counter[str] = Counter() if self.cohort else Counter(assessment=n)
        #: Tasks another service did instead of the SIDL worker (:meth:`RulesView.meet_needs`, R4).
        self.tasks_elsewhere = 0
        self.staff_factor_sum, self.staff_factor_days = 0.0, 0  # over working days, for its mean
        self.visits_made = 0
        self.visits_by_regular = 0
        self.visits_moved = 0
        self.visits_cancelled = 0
        self.visits_shortened = 0
        self.unmet_visit_minutes = 0.0
        self.overtime_minutes = 0.0
        self.visits_substituted = 0
        self.sick_worker_days = 0
        self.sick_draw_days = 0
        #: Workers who left (turnover), worker-days in post and the sum over days of users per worker in post.
        self.leavers = 0
        self.vacant_slot_days = 0
        self.worker_post_days = 0
        self.caseload_sum = 0.0
        self.fit_sum = 0.0  # how well SIDL activities suited the user's day (P5)
        self.fit_n = 0
        self.events = EventLog()
        #: The organisation's events: the open cohort's flow and visits changed (``service_events.parquet``).
        self.service_events = ServiceEventLog()
        self._met_users: list[np.ndarray] = []  # who was visited each day (user ids) ...
        self._met_workers: list[np.ndarray] = []  # ... and by which worker id
        if self.cohort is not None:
            self.cohort.open_accounts()

    @property
    def in_service(self) -> np.ndarray:
        """Which places hold a user in service today (all of them in a closed cohort); read, do not write."""
        return self.cohort.in_service if self.cohort is not None else self._all_in_service

    # -- the day --------------------------------------------------------------
    def step(self) -> None:
        if self.day in self._switches:
            self.switch_regime(*self._switches[self.day])
        self._live_day()
        self.datacollector.collect(self)
        self.running = self.day < self.cfg.scenario.days

    def _live_day(self) -> None:
        """One day in the order of the module's docstring, without collecting its row."""
        if self._budget is not None and self.day >= 0:
            self._budget.month()
        if self.cohort is not None:
            self.cohort.step()
        self.rules.on_day(self.view)
        self._turnover()
        self._courage()
        self._needs()
        worked = self._visits()
        if self.weekday < 5:
            self._working_day(worked)
        self._evening()
        self.day += 1

    def switch_regime(self, regime: Any, phase: int = 1) -> None:
        """From today, the rules of ``regime`` (a :class:`sim.config.schema.RegimeConfig`) are in force.

        Users, workers, relationships and history carry on; the new rules start as on their first day
        (each draws on from its own stream). ``phase`` is the period's :data:`sim.model.reform.PHASES` index.
        """
        self.rules = build_rules(regime)
        self.rules.bind(self.view)
        self._turnover_hazard()
        self.periods.append(Period(self.day, regime, self.rules, phase, dict(self.minutes)))

    def _turnover_hazard(self) -> None:
        """Each worker's base chance a day of leaving under the rules in force (``turnover_discretion_effect``
        where they take discretion, ODD §7.17), and whether turnover responds at all."""
        org = self.params.organisation
        p_day = chance_per_day(org.worker_turnover_per_year)
        self._p_leave = p_day * (1.0 + org.turnover_discretion_effect * self.rules.takes_discretion)
        self._responsive = org.turnover_workload_effect > 0 or self._p_leave != p_day

    @property
    def regime(self) -> Any:
        """The regime in force (``cfg.regime`` until a reform, ODD §7.18): the current period's."""
        return self.periods[-1].regime

    @property
    def phase(self) -> int:
        """Index in :data:`sim.model.reform.PHASES` of the period in force (the ``regime_phase`` column)."""
        return self.periods[-1].phase

    def bind_daily_steps(self) -> None:
        """Hand the day's compiled steps the model's arrays, stream handles and parameters, once.

        Called when the model is built. Parameters are read here, not every day (that is
        what makes a small model's day cheap), so after changing ``params`` of a built
        model in place, as a shock in mid-run, call this again.
        """
        s = self.users_state
        self.work = Workspace(self)
        self._courage = dynamics.daily_courage(s, self.params, self.streams.handle("daily_state"))
        self._needs = dynamics.daily_needs(s, self.params, self.streams.handle("needs"))
        self._evening = dynamics.daily_evening(s, self.params, self.streams)
        self._visit_draws = VisitDraws.empty(s.n, self.params.negotiation.max_activities, on_demand=True)
        self._draw_visits = self._visit_draws.drawer(self.streams.handle("visits"))
        p_day = chance_per_day(self.params.organisation.worker_turnover_per_year)
        self._leave = np.zeros(self.worker_uid.size, dtype=bool)
        self._leavers = partial(kernels.chances, self.streams.handle("turnover"), p_day, self._leave)
        self._turnover_hazard()

    def run(self, days: int | None = None) -> None:
        """Step ``days`` days (by default the scenario's horizon, ``scenario.days``)."""
        for _ in range(self.cfg.scenario.days if days is None else days):
            self.step()

    def distinct_workers(self) -> np.ndarray:
        """Different workers the user in each place has met so far (P11 rotation proxy)."""
        n = self.users_state.n
        if not self._met_users:
            return np.zeros(n, dtype=np.int64)
        # each (user, worker) pair as one integer: a 1-d unique is a plain sort, several times faster than axis=1
        ids = int(max(self.user_uid.max(), max(int(u.max()) for u in self._met_users))) + 1
        key = np.unique(np.concatenate(self._met_workers).astype(np.int64) * ids + np.concatenate(self._met_users))
        users, workers = key % ids, key // ids
        self._met_users, self._met_workers = [users], [workers]
        met = np.bincount(users, minlength=ids)
        return met[self.user_uid]

    @property
    def users(self) -> mesa.agent.AgentSet:
        """The users in the places now (with an open cohort, those who have left are removed)."""
        return self.agents_by_type[ServiceUser]

    def homes(self, user_ids: np.ndarray) -> np.ndarray:
        """(k, 2) km: the home of each of ``user_ids``, in a place now or gone (an open cohort's leavers)."""
        ids = np.concatenate([self.user_uid, np.fromiter(self._former_homes, dtype=np.int64)])
        xy = np.concatenate([self.users_state.home_xy, *(h[None, :] for h in self._former_homes.values())])
        order = np.argsort(ids, kind="stable")
        return xy[order[np.searchsorted(ids[order], user_ids)]]

    def leave_service(self, places: np.ndarray) -> None:
        """The users in ``places`` leave the service (ODD §7.19): no more visits; their agents are removed."""
        self.pending[places] = False
        self.owed[places] = 0.0
        for place in places.tolist():
            self._former_homes[int(self.user_uid[place])] = self.users_state.home_xy[place].copy()
            self._users[place].remove()

    def new_user(self, place: int, stream: str) -> UserState:
        """A new person in ``place``: drawn as the first users were (from the streams of ``stream``), with the
        place's number of ties and the world's shared places, after the same life without support (P9).
        Their state is copied into the place; returns it as a one-user state."""
        s, pars = self.users_state, self.params
        ties = slice(s.tie_start[place], s.tie_start[place + 1])
        own = Streams(int(self.streams[stream].integers(SEEDS)))  # kept alive while its handle is used
        person = make_users(1, pars, own, tie_counts=np.array([ties.stop - ties.start]), shared=s.place_xy)
        dynamics.burn_in(person, pars, own.handle("burn_in"), pars.initial.burn_in_days)
        for f in dataclasses.fields(UserState):
            mine, theirs = getattr(s, f.name), getattr(person, f.name)
            if f.name in ("tie_strength", "tie_kind"):
                mine[ties] = theirs
            elif f.name not in ("tie_user", "tie_start", "place_xy"):
                mine[place] = theirs[0]
        self.trips.replace(place, TripTable(person.legs))
        agent = ServiceUser(self, place)
        self._users[place] = agent
        self.user_uid[place] = agent.unique_id
        return person

    def admit(self, place: int, decision: Assessment) -> None:
        """The new user in ``place`` is granted ``decision`` (their row 0) and given the in-post worker with the
        fewest granted hours; the rules learn of them (:meth:`sim.rules.RuleSet.new_users`)."""
        a = self.assessment
        for f in dataclasses.fields(Assessment):
            if f.name != "regular":
                getattr(a, f.name)[place] = getattr(decision, f.name)[0]
        served = self.in_service.copy()
        served[place] = False
        load = np.bincount(a.regular[served], a.hours[served], minlength=self.worker_uid.size)
        a.regular[place] = int(np.argmin(np.where(self.vacant, np.inf, load)))
        self.pushed_days[place] = 0
        self.rules.new_users(self.view, np.array([place]))

    # -- organisation -----------------------------------------------------------
    @property
    def weekday(self) -> int:
        """0 = Monday; day 0 of a run is a Monday."""
        return self.day % 7

    def worker_in_slot(self, slot: int) -> SupportWorker:
        return self._workers[slot]

    @property
    def workers(self) -> mesa.agent.AgentSet:
        return self.agents_by_type[SupportWorker]

    def replace_worker(self, slot: int) -> None:
        """The worker in ``slot`` leaves; a new person (new id, no relations) takes over."""
        self._workers[slot].remove()
        self._workers[slot] = SupportWorker(self, slot)
        self.worker_uid[slot] = self._workers[slot].unique_id
        self.worker_skill[slot] = self._draw_skill()
        self._load[:, slot] = 0.0
        self._load_days[slot] = 0

    def _draw_skill(self) -> float:
        """A new worker's skill at building alliances: lognormal, sd ``relation.worker_sd``, mean 1."""
        sd = self.params.relation.worker_sd
        return float(np.exp(sd * self.streams["workforce"].standard_normal() - 0.5 * sd * sd))

    def _working_day(self, visit_minutes: float) -> None:
        """Staff are paid for meetings and admin every working day, and for their funded contracted time
        (``staff_factor`` of it): what visits (``visit_minutes`` today) and admin leave of it is unscheduled."""
        org, n_workers = self.params.organisation, self.worker_uid.size - int(self.vacant.sum())
        admin = n_workers * org.admin_minutes_per_day
        self.minutes["admin"] += admin
        contracted = self.staff_factor * n_workers * org.working_minutes_per_day
        self.staff_factor_sum += self.staff_factor
        self.staff_factor_days += 1
        self.minutes["unscheduled"] += max(contracted - admin - visit_minutes, 0.0)

    def _turnover(self) -> None:
        """Each worker leaves with the daily chance of ``worker_turnover_per_year``; counts leavers, the
        worker-days in post and the day's caseload (users per worker in post). With ``vacancy_days`` a
        leaver's slot stays empty that many days (its replacement is hired at once but starts then); an
        empty slot does not leave again."""
        vacancy = self.params.organisation.vacancy_days
        if vacancy:
            self.vacant &= self.vacant_until > self.day
        if self._leaving():
            for slot in np.flatnonzero(self._leave & ~self.vacant).tolist():
                self.leavers += 1
                self.replace_worker(slot)
                if vacancy:
                    self.vacant[slot], self.vacant_until[slot] = True, self.day + vacancy
        in_post = self.worker_uid.size - int(self.vacant.sum())
        self.vacant_slot_days += self.worker_uid.size - in_post
        self.worker_post_days += in_post
        self.caseload_sum += np.count_nonzero(self.in_service) / in_post if in_post else 0.0

    def _leaving(self) -> int:
        """Draw today's leavers into ``self._leave``. With the turnover responses on (ODD §7.17) each worker's
        chance is ``p_day`` × (1 + workload effect × mean overload) × (1 + discretion effect × the rules take
        discretion), drawn as the most likely worker's chance from stream ``turnover`` (as without them) thinned
        by stream ``turnover_response``."""
        if not self._responsive:
            return self._leavers()
        org = self.params.organisation
        filled = np.minimum(self._load_days, self._load.shape[0])
        overload = np.divide(self._load.sum(axis=0), filled, out=np.zeros(filled.size), where=filled > 0)
        p = self._p_leave * (1.0 + org.turnover_workload_effect * overload)
        top = min(float(p.max()), 1.0)
        if not kernels.chances(self.streams.handle("turnover"), top, self._leave):
            return 0
        self._leave &= self.streams["turnover_response"].random(p.size) * top < p
        return int(self._leave.sum())

    def _record_load(self, batch: VisitBatch, made: np.ndarray) -> None:
        """Each slot's overload today: booked minutes (visits, travel to the home, documentation) over the
        contracted day less admin, less 1, at least 0 (ODD §7.17)."""
        org, n_workers = self.params.organisation, self.worker_uid.size
        booked = capacity.booked(np.where(made, batch.workers, -1), batch.minutes, n_workers,
                                 org.between_visits_minutes + org.documentation_minutes)
        day = max(org.working_minutes_per_day - org.admin_minutes_per_day, 1.0)
        row = self._load_days % self._load.shape[0]
        self._load[row, np.arange(n_workers)] = np.maximum(booked / day - 1.0, 0.0)
        self._load_days += 1

    # -- visits -------------------------------------------------------------------
    def _due(self) -> np.ndarray:
        """Users visited today (indices), after rules and moves to a better day (M1)."""
        s, org, weekdays = self.users_state, self.params.organisation, self.assessment.weekdays
        due = np.empty(s.n, dtype=bool)
        kernels.scheduled(weekdays, self.weekday, self.pending, due)
        if self.cohort is not None:
            due &= self.cohort.in_service
        due = self.rules.visits_today(self.view, due)
        moved, users = kernels.move_visits(due, weekdays, (self.weekday + 1) % 7, s.courage, org.move_threshold,
                                           self.pushed_days, org.max_move_days, self.pending,
                                           self.rules.can_move_visits(self.view))
        self.visits_moved += moved
        return users

    def make_batch(self, users: np.ndarray) -> VisitBatch:
        """Today's SIDL visits to ``users``: each user's regular worker and granted minutes (times the ruling regime's
        ``budget_factor``), as the rules have them, less what earlier visits ran over.

        The grant is a budget: minutes a visit ran over its slot (``self.owed``) come off the user's next
        visits, and a visit whose whole slot goes to them is not made. An outside task may run a visit over
        its slot up to ``model.organisation.visit_minutes_max`` (``batch.longest``).
        """
        s, a = self.users_state, self.assessment
        minutes = a.visit_minutes[users] * self.regime.budget_factor
        batch = VisitBatch(
            day=self.day, users=users, workers=a.regular[users], minutes=minutes, longest=minutes,
            plan=a.plan[users], goal=a.goal[users], courage=s.courage[users],
        )
        batch.workers = self.rules.assign_workers(self.view, batch, batch.workers)
        slot = self.rules.visit_minutes(self.view, batch, batch.minutes)
        repaid = np.minimum(self.owed[users], slot)
        self.owed[users] -= repaid
        batch.minutes = slot - repaid
        made = (repaid == 0) | (batch.minutes > 0)
        if self.vacant.any():
            spread = float(self.params.organisation.vacancy_cover == "spread")
            made &= self._cover(batch, self.vacant, ~self.vacant, spread, self.streams["vacancy"], "vacancy")
        if self.params.organisation.sick_rate > 0:
            made &= self._sick_cover(batch)
        if self.params.organisation.turnover_workload_effect > 0:
            self._record_load(batch, made)
        if self.params.organisation.capacity_fit:
            made &= self._fit(batch, made)
        batch.longest = np.maximum(batch.minutes, self.params.organisation.visit_minutes_max)
        if made.all():
            return batch
        return VisitBatch(day=self.day, users=users[made], workers=batch.workers[made], minutes=batch.minutes[made],
                          longest=batch.longest[made], plan=batch.plan[made], goal=batch.goal[made],
                          courage=batch.courage[made])

    def _sick_cover(self, batch: VisitBatch) -> np.ndarray:
        """Workers off sick today (``sick_rate``, stream ``sickness``, ODD §7.17): their visits are covered with
        ``sick_cover_prob`` by a colleague at work (:meth:`_cover`), else cancelled; returns the visits kept."""
        org, g = self.params.organisation, self.streams["sickness"]
        sick = g.random(self.worker_uid.size) < org.sick_rate
        self.sick_worker_days += int((sick & ~self.vacant).sum())
        self.sick_draw_days += 1
        return self._cover(batch, sick, ~(sick | self.vacant), org.sick_cover_prob, g, "sick")

    def _cover(self, batch: VisitBatch, away: np.ndarray, at_work: np.ndarray, cover_prob: float,
               g: np.random.Generator, reason: str) -> np.ndarray:
        """Visits booked to workers ``away`` (off sick, or an empty slot: ``reason``) are each covered, with
        ``cover_prob``, by a colleague ``at_work`` drawn at random from ``g`` (not the regular: a non-regular
        visit), else cancelled. Changes ``batch.workers`` in place, counts and logs substituted and cancelled
        visits, returns the visits kept."""
        cover, pick = g.random(batch.size), g.random(batch.size)
        present = np.flatnonzero(at_work)
        hit = (batch.workers >= 0) & np.append(away, False)[batch.workers]
        if present.size == 0:
            cover[:] = 1.0
        covered = hit & (cover < cover_prob)
        self._log_changes("visit_substituted", batch, covered, reason)
        self._log_changes("visit_cancelled", batch, hit & ~covered, reason, batch.minutes)
        if covered.any():
            batch.workers = np.where(covered, present[(pick * present.size).astype(int) % max(present.size, 1)],
                                     batch.workers)
        self.visits_substituted += int(covered.sum())
        self.visits_cancelled += int((hit & ~covered).sum())
        return ~hit | covered

    def _fit(self, batch: VisitBatch, made: np.ndarray) -> np.ndarray:
        """Fit the visits to be ``made`` into each worker's day (:func:`sim.model.capacity.fit_day`, ODD §7.17);
        shortens ``batch.minutes`` in place, counts the changes and returns the visits kept."""
        org = self.params.organisation
        fit = capacity.fit_day(np.where(made, batch.workers, -1), np.where(made, batch.minutes, 0.0),
                               self.worker_uid.size, org.working_minutes_per_day - org.admin_minutes_per_day,
                               org.overtime_minutes_max, org.between_visits_minutes + org.documentation_minutes,
                               org.min_visit_minutes)
        self.visits_cancelled += fit.cancelled
        self.visits_shortened += fit.shortened
        self.unmet_visit_minutes += fit.unmet_minutes
        self.overtime_minutes += fit.overtime_minutes
        lost = batch.minutes - fit.minutes
        self._log_changes("visit_cancelled", batch, made & ~fit.kept, "capacity", lost)
        self._log_changes("visit_shortened", batch, made & fit.kept & (lost > 0), "capacity", lost)
        batch.minutes = np.where(made, fit.minutes, batch.minutes)
        return fit.kept

    def _log_changes(self, event: str, batch: VisitBatch, which: np.ndarray, reason: str,
                     lost: np.ndarray | None = None) -> None:
        """``service_events.parquet`` rows for the visits of ``batch`` marked ``which``, booked to their worker
        (``lost``: the visit minutes each lost)."""
        if which.any():
            self.service_events.add(event, self.day, self.user_uid[batch.users[which]],
                                    self.worker_uid[batch.workers[which]], reason,
                                    None if lost is None else lost[which])

    def draw_visits(self) -> VisitDraws:
        """Today's visit draws for every user (the same arrays every day, drawn anew; a row when a visit reads it)."""
        self._draw_visits()
        return self._visit_draws

    def _visits(self) -> float:
        """Today's SIDL visits; returns the worker minutes they took (:meth:`_account`)."""
        draws = self.draw_visits()  # every day, visits or not: common random numbers
        users = self._due()
        if users.size == 0:
            return 0.0
        batch = self.make_batch(users)
        if batch.size == 0:
            return 0.0
        out = visit(self, batch, draws, batch.users, self.rules, PROVIDERS.index("sidl"))
        self.owed[batch.users] += out.lengths - batch.minutes
        return self._account(batch, out)

    def provider_visits(self, users: np.ndarray, allowed: np.ndarray, provider: str, minutes: float,
                        g: np.ndarray) -> None:
        """Activities another provider delivers (R3): its own offer, no relationship, no SIDL rules.

        ``provider`` is a name of :data:`sim.world.organisation.PROVIDERS`; ``g`` is the handle of the stream
        the provider's visits draw from (:meth:`sim.world.streams.Streams.handle`). Each session is paid
        for its full ``minutes`` (travel included), counted in ``provider_minutes``.
        """
        s, a, pars = self.users_state, self.assessment, self.params
        v = users.size
        self.provider_minutes[provider] += v * float(minutes)
        draws = VisitDraws.draw(g, v, pars.negotiation.max_activities)
        batch = VisitBatch(
            day=self.day, users=users, workers=np.full(v, -1), minutes=np.full(v, float(minutes)),
            longest=np.full(v, float(minutes)), plan=np.zeros((v, act.N_ACTIVITIES), dtype=bool), goal=a.goal[users],
            courage=s.courage[users],
            with_worker=False,
        )
        offer = RuleSet([OnlyActivities(allowed, act.PLACE)])
        visit(self, batch, draws, np.arange(v), offer, PROVIDERS.index(provider))

    def _account(self, batch: VisitBatch, out: Outcome) -> float:
        """Worker time by category, continuity, and who met whom (for rotation); returns the minutes booked."""
        org = self.params.organisation
        v = batch.size
        booked = {"client": out.visit_minutes - out.travel_minutes, "travel_with_user": out.travel_minutes,
                  "travel_between": v * org.between_visits_minutes, "documentation": out.documentation_minutes}
        for category, minutes in booked.items():
            self.minutes[category] += minutes
        self.visits_made += v
        self.visits_by_regular += out.by_regular
        self.fit_sum += out.fit_sum
        self.fit_n += out.activities
        self._met_users.append(self.user_uid[batch.users])
        self._met_workers.append(out.worker_ids)
        return sum(booked.values())


class RulesView:
    """The model as its rules see it (:class:`sim.rules.view.DayView`): the day, the sizes, one read-only
    array and the five actions; nothing else of the model is in reach of a rule."""

    __slots__ = ("_model", "landscape")

    def __init__(self, model: SIDLModel) -> None:
        self._model = model
        self.landscape = model.users_state.landscape.view()
        self.landscape.flags.writeable = False

    @property
    def day(self) -> int:
        return self._model.day

    @property
    def weekday(self) -> int:
        return self._model.weekday

    @property
    def n_users(self) -> int:
        return self._model.users_state.n

    @property
    def n_workers(self) -> int:
        return self._model.worker_uid.size

    @property
    def in_service(self) -> np.ndarray:
        return self._model.in_service

    def stream(self, name: str) -> np.random.Generator:
        return self._model.streams[name]

    def handle(self, name: str) -> np.ndarray:
        return self._model.streams.handle(name)

    def replace_worker(self, slot: int) -> None:
        self._model.replace_worker(slot)

    def provider_visits(self, users: np.ndarray, allowed: np.ndarray, provider: str, minutes: float,
                        g: np.ndarray) -> None:
        self._model.provider_visits(users, allowed, provider, minutes, g)

    def review_plans(self) -> None:
        renew_goals(self._model.users_state, self._model.assessment)

    def meet_needs(self, met: np.ndarray) -> None:
        needs = self._model.users_state.needs
        done = met & (needs >= 1) & self._model.in_service[:, None]
        self._model.tasks_elsewhere += int(np.count_nonzero(done))
        needs -= done

    def count_decisions(self, kind: str, n: int) -> None:
        costs.decision_price(self._model.params.costs, kind)  # an unpriced kind fails here, where it is counted
        self._model.decisions[kind] += int(n)
