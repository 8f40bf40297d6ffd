"""One day's visits, negotiated and lived as a batch (M2-M8).

All visits of a day are held as arrays: V visits x A activities for content,
V x 4 for travel modes. Rules narrow these arrays through their hooks
(:mod:`sim.rules`), asked once for the whole batch; what is left is negotiated
between user and worker, lived and logged in one compiled pass (:func:`visit`).
A user has at most one visit a day.

Random draws come from the ``visits`` stream as one fixed block per user and
day (:class:`VisitDraws`), so whether, when and with whom a user is visited
never shifts another user's draws or another day's.

The ``model`` these functions take is the :class:`sim.model.model.SIDLModel`
(named, not imported: the model imports this module, not the other way round).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import mesa
import numpy as np

from sim.model import kernels
from sim.model.dynamics import user_arrays
from sim.params.schema import ModelParams
from sim.rules import RuleSet, VisitBatch
from sim.world import activities as act
from sim.world.places import MODE_NAMES, TRANSIT
from sim.world.trips import FEARS_TRANSIT, MODE_BIT

N_MODES = len(MODE_NAMES)
IS_TALK = act.CATEGORY == act.TALK
#: Score of a pushed activity: above any negotiated score.
FORCED = 1e6
HOME, ADMIN = act.NEED_NAMES.index("home"), act.NEED_NAMES.index("admin")
#: Need column each activity draws on (0 for activities that meet no need; masked by IS_TASK).
NEED_COLUMN = np.maximum(act.NEED, 0)


class VisitDraws(kernels.Draws):
    """Today's random numbers for every user, visited or not (the fields of :class:`sim.model.kernels.Draws`)."""

    __slots__ = ()

    @classmethod
    def empty(cls, n: int, max_activities: int, on_demand: bool = False) -> VisitDraws:
        """Arrays for ``n`` users; ``on_demand``: a row of chances and taste is drawn only when a visit reads it."""
        chances = kernels.PER_VISIT + kernels.PER_SLOT * max_activities
        return cls(np.empty((n, chances)), np.empty((n, act.N_ACTIVITIES)), np.empty(n),
                   np.zeros(5 if on_demand else 0, dtype=np.uint64))

    def drawer(self, g: np.ndarray) -> Callable[[], None]:
        """A call that draws new numbers into these arrays from the stream with handle ``g``.

        Drawn on demand (:func:`sim.model.kernels.defer_visit_draws`) if the arrays were made so, the
        same numbers as drawn at once (:func:`sim.model.kernels.visit_draws`), and the stream left in the same state.
        """
        if self.start.size:
            return partial(kernels.defer_visit_draws, g, self.chances, self.taste, self.perception, self.start)
        return partial(kernels.visit_draws, g, self.chances, self.taste, self.perception)

    @classmethod
    def draw(cls, g: np.ndarray, n: int, max_activities: int) -> VisitDraws:
        """Draw from the stream with handle ``g`` (:meth:`sim.world.streams.Streams.handle`)."""
        out = cls.empty(n, max_activities)
        out.drawer(g)()
        return out


@dataclass
class Outcome:
    """The day's sums for the worker-time accounts (model._account)."""

    visit_minutes: float
    travel_minutes: float
    documentation_minutes: float
    fit_sum: float  # activity fit (1 - |demand - true courage|) summed over the activities done (P5)
    activities: int
    by_regular: int  # visits made by the user's regular worker
    worker_ids: np.ndarray  # (V,) id of the worker who made each visit (-1: another provider)
    lengths: np.ndarray  # (V,) each visit's length as run: its slot, or longer for an outside task


#: The activity catalogue as the visit kernel reads it.
ACTIVITIES = kernels.ActivityTable(
    is_task=act.IS_TASK, need=act.NEED, need_column=NEED_COLUMN, demand=act.DEMAND, pleasure=act.PLEASURE,
    is_talk=IS_TALK, minutes=act.MINUTES, outside=act.OUTSIDE, place=act.PLACE, category=act.CATEGORY,
    challenge_code=act.CHALLENGE, home=HOME, admin=ADMIN,
)


class Workspace:
    """What a model's visits hand the kernel every day, gathered once.

    The structures the visit kernel reads (:func:`sim.model.kernels.visit_day`): the users' and the
    organisation's arrays (frozen dataclasses: changed in place, never rebound), the trip table,
    the activities and the parameters; then the neutral inputs of the rules' hooks (everything
    allowed, nothing pushed, no slowing), which hooks never write into.
    """

    def __init__(self, model: mesa.Model) -> None:
        s, t, pars, n = model.users_state, model.trips, model.params, model.users_state.n
        self.users = user_arrays(s)
        self.people = kernels.People(user_uid=model.user_uid, worker_uid=model.worker_uid,
                                     regular=model.assessment.regular, skill=model.worker_skill,
                                     pairing=model.streams.handle("pairing"))
        self.trips = kernels.TripArrays(mode=t.mode, minutes=t.minutes, transit_minutes=t.transit, n_users=t.n,
                                        mode_bit=MODE_BIT, fears_bit=FEARS_TRANSIT, transit=TRANSIT)
        self.pars = visit_params(pars)
        self.bound = kernels.plain(self.users, self.people, self.trips, ACTIVITIES, self.pars)
        self.all_activities = np.ones((n, act.N_ACTIVITIES), dtype=bool)
        self.all_modes = np.ones((n, N_MODES), dtype=bool)
        self.nothing_pushed = np.zeros((n, act.N_ACTIVITIES), dtype=bool)
        self.same_speed = np.ones((n, N_MODES))
        self.talk_share = np.full(n, pars.talk.talk_share)
        self.documentation = np.full(n, float(pars.organisation.documentation_minutes))


def visit_params(pars: ModelParams) -> kernels.VisitParams:
    """The parameters of a visit as the visit kernel reads them."""
    h, pl, tk, rel, pr, be, neg = (pars.household, pars.places, pars.talk, pars.relation, pars.presence,
                                   pars.becoming, pars.negotiation)
    return kernels.VisitParams(
        initial_alliance=rel.initial_alliance, pair_sd=rel.pair_sd, brave_threshold=pars.daily.brave_threshold,
        trust_threshold=be.trust_threshold, initiate_prob=be.initiate_prob,
        max_activities=neg.max_activities, together_prob=h.together_prob, coffee_minutes=float(tk.coffee_minutes),
        together_time_factor=h.together_time_factor, urgency_weight=neg.urgency_weight,
        urgency_scale=neg.urgency_scale, misfit_weight=neg.misfit_weight, perception_noise=rel.perception_noise,
        choice_noise=neg.choice_noise, dare_weight=neg.dare_weight, plan_weight=neg.plan_weight,
        user_voice=neg.user_voice, forced_score=FORCED,
        imposed_benefit=neg.imposed_benefit, benefit_floor=rel.benefit_floor, knowledge_share=rel.knowledge_share,
        bad_day_benefit=pars.daily.bad_day_benefit, bad_day_below=pars.daily.bad_day_threshold,
        together_se_gain=h.together_se_gain, for_user_se_gain=h.for_user_se_gain,
        pleasure_wellbeing_gain=pl.pleasure_wellbeing_gain, choice_wellbeing_gain=neg.choice_wellbeing_gain,
        incidental_contact_weight=pl.incidental_contact_weight, landscape_learn_prob=pl.landscape_learn_prob,
        landscape_max=pl.landscape_max,
        success_logit=be.success_logit, brave_logit=be.brave_logit, alliance_logit=be.alliance_logit,
        se_logit=be.se_logit, anxiety_logit=be.anxiety_logit, success_se_gain=be.success_se_gain,
        fail_se_loss=be.fail_se_loss, success_wellbeing_gain=be.success_wellbeing_gain,
        fail_anxiety_gain=be.fail_anxiety_gain, reactivate_prob=be.reactivate_prob,
        reactivated_strength=pars.network.reactivated_strength, fear_return_prob=be.fear_return_prob,
        contact_weight=pr.contact_weight, anxiety_relief=pr.anxiety_relief, enable_own_doing=pr.enable_own_doing,
        own_doing_se_gain=h.own_doing_se_gain, heard_wellbeing_gain=tk.heard_wellbeing_gain,
        recognition_gain=tk.recognition_gain,
        problem_solve_prob=tk.problem_solve_prob, spark_prob=tk.spark_prob, spark_ties=tk.spark_ties,
        alliance_gain=rel.alliance_gain, knowledge_gain=rel.knowledge_gain, mutuality=tk.mutuality,
        rupture_prob=rel.rupture_prob, rupture_loss=rel.rupture_loss,
    )


def visit(model: mesa.Model, batch: VisitBatch, draws: VisitDraws, draw_row: np.ndarray, rules: RuleSet,
          provider: int) -> Outcome:
    """M2-M8: the batch's visits negotiated, lived and logged, within the rules.

    The rules' hooks are asked first, for the whole batch: which activities and
    travel modes are allowed, how much slower trips are, which challenges are
    pushed, how much of the time may be talk, how long documentation takes.
    Then one compiled pass (:func:`sim.model.kernels.visit_day`) does the rest, in order:

    - M8 meeting: who the user meets and with what alliance and knowledge; the
      relationship that grows is the one with the regular worker, and starts
      again from zero when the person in that role changes (turnover,
      re-tendering, reassignment); a visit by anyone else is made with a
      stranger's alliance and builds nothing lasting. M6: a brave user with a
      trusted worker proposes a feared activity (``becoming.initiate_prob``).
    - M5 travel: home activities need no travel; outside, the fastest allowed
      mode is taken, except that a user who fears public transport avoids it
      unless daring or pushed by the plan (then it is taken on purpose, as the
      feared step, if allowed).
    - M2 negotiation: scores blend the user's wish (pleasure, pressing needs,
      today's courage, a proposed challenge) and the worker's (needs, the formal
      plan, their reading of the user's day, noisier the less they know the user,
      M8), weighted by the user's voice; activities are taken greedily while time
      is left, and an outside task that does not fit may run the visit over its slot, up
      to ``batch.longest``; a task is possible only while its need is pending.
    - M3-M5 living it: tasks, capacity built (gains that compound multiply
      across a visit's activities), pleasure, contact in passing, places learnt.
    - M6 challenges: feared activities tried today succeed or fail, slot by slot,
      so a second challenge builds on the first.
    - M4, M7, M8 (SIDL visits only): the worker's presence, talk, the relation.
    - The accounting sums and the event log rows.

    ``draws`` holds today's draws by row; visit ``v`` uses row ``draw_row[v]``.
    """
    w, v, view = model.work, batch.size, model.view
    terms = kernels.HookTerms(
        rules.allowed_activities(view, batch, w.all_activities[:v]),
        rules.travel_modes(view, batch, w.all_modes[:v]),
        rules.travel_factors(view, batch, w.same_speed[:v]),
        rules.pushed_challenges(view, batch, w.nothing_pushed[:v]),
        rules.talk_share(view, batch, w.talk_share[:v]),
        rules.documentation_minutes(view, batch, w.documentation[:v]),
    )
    columns, row = model.events.reserve(v * w.pars.max_activities)
    visits = kernels.Visits(batch.users, draw_row, batch.workers, batch.minutes, batch.longest, batch.plan,
                            batch.with_worker)
    *sums, end = kernels.visit_day(*w.bound, *kernels.plain(visits, terms, draws, columns), row, model.day, provider)
    model.events.advance(end)
    return Outcome(*sums)


def travel_options(model: mesa.Model, users: np.ndarray, modes: np.ndarray, factors: np.ndarray,
                   dare: np.ndarray | None = None) -> kernels.TravelOptions:
    """M5: mode, round-trip minutes and fear per visit and activity, as :func:`visit` finds them (for inspection)."""
    w, v_n, a_n = model.work, users.size, act.N_ACTIVITIES
    terms = kernels.HookTerms(w.all_activities[:v_n], modes, factors, w.nothing_pushed[:v_n], w.talk_share[:v_n],
                              w.documentation[:v_n])
    out = kernels.TravelOptions(np.empty((v_n, a_n), dtype=np.int8), np.empty((v_n, a_n)),
                                np.empty((v_n, a_n), dtype=bool))
    dare = np.zeros(v_n, dtype=bool) if dare is None else dare
    kernels.travel(users, w.users, terms, w.trips, ACTIVITIES, dare, out)
    return out


def success_probability(brave: np.ndarray, alliance: np.ndarray, se: np.ndarray, anxiety: np.ndarray,
                        pars: ModelParams) -> np.ndarray:
    """M6: chance a feared activity succeeds (:func:`sim.model.kernels.win_chance`), elementwise (for inspection)."""
    p = visit_params(pars)
    return np.vectorize(lambda b, a, s, x: kernels.win_chance(b, a, s, x, p), otypes=[float])(brave, alliance, se,
                                                                                                  anxiety)
