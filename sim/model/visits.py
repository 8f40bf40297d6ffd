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
from sim.params.schema import Becoming, ModelParams
from sim.rules import RuleSet, VisitBatch
from sim.world import activities as act
from sim.world.places import MODE_NAMES, TRANSIT
from sim.world.trips import FEARS_TRANSIT, MODE_BIT

N_MODES = len(MODE_NAMES)
IS_TALK = act.CATEGORY == act.TALK
#: Taste is uniform with unit sd: centred, times sqrt(12).
TASTE_SCALE = float(np.sqrt(12.0))
#: Score of a pushed activity: above any negotiated score.
FORCED = 1e6
HOME, ADMIN = act.NEED_NAMES.index("home"), act.NEED_NAMES.index("admin")
#: Need column each activity draws on (0 for activities that meet no need; masked by IS_TASK).
NEED_COLUMN = np.maximum(act.NEED, 0)


@dataclass
class VisitDraws:
    """Today's random numbers for every user (whether visited or not)."""

    uniform: np.ndarray  # (n, 5 + 3 x max_activities): chance events of the visit
    taste: np.ndarray  # (n, A): today's idiosyncratic taste, uniform with unit sd
    perception: np.ndarray  # (n,): standard normal error of the worker's reading of the day

    @classmethod
    def empty(cls, n: int, max_activities: int) -> VisitDraws:
        chances = kernels.PER_VISIT + kernels.PER_SLOT * max_activities
        return cls(np.empty((n, chances)), np.empty((n, act.N_ACTIVITIES)), np.empty(n))

    def drawer(self, g: np.ndarray) -> Callable[[], None]:
        """A call that draws new numbers into these arrays from the stream with handle ``g``."""
        return partial(kernels.visit_draws, g, self.uniform, self.taste, self.perception, TASTE_SCALE)

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


#: Activity tables as the visit kernel takes them (:func:`sim.model.kernels.visit_day`).
ACTIVITIES = (NEED_COLUMN, act.IS_TASK, act.DEMAND, act.PLEASURE, IS_TALK, act.MINUTES, act.OUTSIDE, act.NEED,
              act.PLACE, act.CATEGORY, act.CHALLENGE, TRANSIT, HOME, ADMIN)


class Workspace:
    """What a model's visits hand the kernel every day, gathered once.

    The users' and the organisation's arrays (frozen dataclasses: changed in
    place, never rebound), the trip table, the parameters grouped by step, and
    the neutral inputs of the rules' hooks (everything allowed, nothing pushed,
    no slowing), which hooks never write into.
    """

    def __init__(self, model: mesa.Model) -> None:
        s, t, pars, n = model.users_state, model.trips, model.params, model.users_state.n
        self.state = (s.needs, s.self_efficacy, s.wellbeing, s.anxiety, s.contacts_today, s.landscape, s.fear_place,
                      s.fear_transit, s.tie_start, s.tie_strength, s.courage, s.alliance, s.knowledge, s.bond_worker,
                      s.relation_days)
        self.organisation = (model.worker_uid, model.assessment.regular)
        self.trips = (t.mode, t.minutes, t.transit, t.n, MODE_BIT, FEARS_TRANSIT)
        self.pars = kernel_params(pars)
        self.slots = pars.negotiation.max_activities
        self.all_activities = np.ones((n, act.N_ACTIVITIES), dtype=bool)
        self.all_modes = np.ones((n, N_MODES), dtype=bool)
        self.nothing_pushed = np.zeros((n, act.N_ACTIVITIES), dtype=bool)
        self.same_speed = np.ones((n, N_MODES))
        self.talk_share = np.full(n, pars.talk.talk_share)
        self.documentation = np.full(n, float(pars.organisation.documentation_minutes))


def kernel_params(pars: ModelParams) -> tuple[tuple, ...]:
    """The parameters of a visit, grouped by step as :func:`sim.model.kernels.visit_day` unpacks them."""
    h, pl, tk, rel, pr, be, neg = (pars.household, pars.places, pars.talk, pars.relation, pars.presence,
                                   pars.becoming, pars.negotiation)
    revived = pars.network.reactivated_strength
    return (
        (rel.initial_alliance, pars.daily.brave_threshold, be.trust_threshold, be.initiate_prob),
        (h.together_prob, float(tk.coffee_minutes), h.together_time_factor, neg.urgency_weight, neg.urgency_scale,
         neg.misfit_weight, rel.perception_noise, neg.choice_noise, neg.dare_weight, neg.plan_weight, neg.user_voice,
         FORCED),
        (h.together_se_gain, h.for_user_se_gain, pl.pleasure_wellbeing_gain, neg.choice_wellbeing_gain,
         pl.incidental_contact_weight, pl.landscape_learn_prob),
        (be.success_logit, be.brave_logit, be.alliance_logit, be.se_logit, be.anxiety_logit, be.success_se_gain,
         be.fail_se_loss, be.success_wellbeing_gain, be.fail_anxiety_gain, be.reactivate_prob, revived),
        (pr.contact_weight, pr.anxiety_relief, pr.enable_own_doing, h.own_doing_se_gain, tk.heard_wellbeing_gain,
         tk.problem_solve_prob, tk.spark_prob, rel.alliance_gain, rel.knowledge_gain, tk.mutuality, tk.spark_ties,
         revived),
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
      is left; a task is possible only while its need is pending.
    - M3-M5 living it: tasks, capacity built (gains that compound multiply
      across a visit's activities), pleasure, contact in passing, places learnt.
    - M6 challenges: feared activities tried today succeed or fail, slot by slot,
      so a second challenge builds on the first.
    - M4, M7, M8 (SIDL visits only): the worker's presence, talk, the relation.
    - The accounting sums and the event log rows.

    ``draws`` holds today's draws by row; visit ``v`` uses row ``draw_row[v]``.
    """
    w, v, view = model.work, batch.size, model.view
    terms = (
        rules.allowed_activities(view, batch, w.all_activities[:v]),
        rules.travel_modes(view, batch, w.all_modes[:v]),
        rules.travel_factors(view, batch, w.same_speed[:v]),
        rules.pushed_challenges(view, batch, w.nothing_pushed[:v]),
        rules.talk_share(view, batch, w.talk_share[:v]),
        rules.documentation_minutes(view, batch, w.documentation[:v]),
    )
    columns, row = model.events.reserve(v * w.slots)
    *sums, end = kernels.visit_day(
        (batch.users, draw_row, batch.workers, batch.minutes, batch.plan, batch.with_worker), terms,
        (draws.uniform, draws.taste, draws.perception), w.state, w.organisation, w.trips, ACTIVITIES, w.pars,
        (columns, row, model.day, provider, model.user_uid, w.slots),
    )
    model.events.advance(end)
    return Outcome(*sums)


def travel_options(model: mesa.Model, users: np.ndarray, modes: np.ndarray, factors: np.ndarray,
                   dare: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Mode, round-trip minutes and fear per visit and activity (M5), as :func:`visit` finds them (for inspection)."""
    s, t = model.users_state, model.trips
    v_n, a_n = users.size, act.N_ACTIVITIES
    mode, minutes, feared = np.empty((v_n, a_n), dtype=np.int8), np.empty((v_n, a_n)), np.empty((v_n, a_n), dtype=bool)
    dare = np.zeros(v_n, dtype=bool) if dare is None else dare
    kernels.travel(users, modes, factors, s.fear_transit[users], t.mode, t.minutes, t.transit, t.n, MODE_BIT,
                   FEARS_TRANSIT, dare, np.zeros((v_n, a_n), dtype=bool), TRANSIT, act.OUTSIDE, s.fear_place, act.PLACE,
                   mode, minutes, feared)
    return mode, minutes, feared


def success_probability(
    brave: np.ndarray, alliance: np.ndarray, se: np.ndarray, anxiety: np.ndarray, be: Becoming
) -> np.ndarray:
    """M6: chance a feared activity succeeds: trust helps on a brave day, and nothing helps much without one (P6)."""
    chance = np.vectorize(kernels.win_chance, otypes=[float])
    return chance(brave, alliance, se, anxiety, be.success_logit, be.brave_logit, be.alliance_logit, be.se_logit,
                  be.anxiety_logit)
