"""One day's visits, negotiated and lived as a batch (M2-M8).

All visits of a day are held as arrays: V visits x A activities for content,
V x 4 for travel modes. Rules narrow these arrays through their hooks
(:mod:`sim.rules`); what is left is negotiated between user and worker and its
effects applied. A user has at most one visit a day, so per-user updates by
fancy indexing are safe.

Random draws come from the ``visits`` stream as one fixed block per user and
day (:class:`VisitDraws`), so whether, when and with whom a user is visited
never shifts another user's draws or another day's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim import activities as act
from sim import kernels
from sim.config import Becoming
from sim.places import MODE_NAMES, TRANSIT
from sim.trips import FEARS_TRANSIT, MODE_BIT

if TYPE_CHECKING:
    from sim.model import SIDLModel
    from sim.rules import RuleSet

N_MODES = len(MODE_NAMES)
#: Columns of the per-user uniform block: five per visit, three per activity slot.
TOGETHER, INITIATE, ENABLE, SOLVE, SPARK = range(5)
PER_SLOT = 3
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
    def draw(cls, g: np.ndarray, n: int, max_activities: int) -> VisitDraws:
        """Draw from the stream with handle ``g`` (:meth:`sim.streams.Streams.handle`)."""
        out = cls(np.empty((n, 5 + PER_SLOT * max_activities)), np.empty((n, act.N_ACTIVITIES)), np.empty(n))
        kernels.visit_draws(g, out.uniform, out.taste, out.perception, TASTE_SCALE)
        return out

    def rows(self, users: np.ndarray) -> VisitDraws:
        """The draws of the given users, in batch order."""
        return VisitDraws(self.uniform[users], self.taste[users], self.perception[users])


@dataclass
class VisitBatch:
    """Today's visits: who is visited, by which worker slot, for how long."""

    day: int
    users: np.ndarray  # (V,) user index
    workers: np.ndarray  # (V,) worker slot
    minutes: np.ndarray  # (V,) visit length
    plan: np.ndarray  # (V, A) formal plan items of each user
    goal: np.ndarray  # (V,) activity index of each plan's goal
    courage: np.ndarray  # (V,) today's courage
    draws: VisitDraws | None = None  # today's draws of the visited users, in batch order
    brave: np.ndarray | None = None  # (V,) brave day (M1)
    dare: np.ndarray | None = None  # (V,) user proposes a feared activity today (M6)
    by_regular: np.ndarray | None = None  # (V,) visit made by the user's regular worker
    alliance: np.ndarray | None = None  # (V,) alliance with today's worker (M8)
    knowledge: np.ndarray | None = None  # (V,) today's worker's knowledge of the user (M8)
    with_worker: bool = True  # a SIDL visit (presence, talk, relation), not another provider's activity

    @property
    def size(self) -> int:
        return self.users.size


@dataclass
class Choice:
    """What was negotiated: up to K activities per visit and how each is done."""

    activity: np.ndarray  # (V, K), -1 where the slot is empty
    mode: np.ndarray  # (V, K) travel mode code
    minutes: np.ndarray  # (V, K) activity minutes (without travel)
    travel: np.ndarray  # (V, K) round-trip travel minutes with the user
    together: np.ndarray  # (V, K) bool
    challenge: np.ndarray  # (V, K) bool
    fit: np.ndarray  # (V, K) 1 - |demand - true courage|: how well it suits the day
    user_top: np.ndarray  # (V,) the user's own favourite among what was possible


def travel_options(
    model: SIDLModel, batch: VisitBatch, modes: np.ndarray, pushed: np.ndarray, rules: RuleSet
) -> tuple[np.ndarray, ...]:
    """Mode and round-trip minutes per visit and activity (M5), and whether it is feared.

    Home activities need no travel. Outside, the fastest allowed mode is taken,
    except that a user who fears public transport avoids it unless daring or
    pushed by the plan (then public transport is taken on purpose, as the
    feared step, if allowed).
    """
    s, trips = model.users_state, model.trips
    v_n, a_n = pushed.shape
    mode, travel = np.empty((v_n, a_n), dtype=np.int8), np.empty((v_n, a_n))
    feared = np.empty((v_n, a_n), dtype=bool)
    kernels.travel(
        batch.users, modes, s.fear_transit[batch.users], trips.mode, trips.minutes, trips.transit, trips.n, MODE_BIT,
        FEARS_TRANSIT, batch.dare, pushed, TRANSIT, act.OUTSIDE, s.fear_place, act.PLACE, mode, travel, feared,
    )
    return mode, rules.travel_minutes(model, batch, travel, mode), feared


def negotiate(model: SIDLModel, batch: VisitBatch, rules: RuleSet | None = None) -> Choice:
    """M2: user and worker choose the visit's content together, within the rules.

    The rules' hooks shape what is allowed, how one travels and what is pushed;
    the scoring and the choice run in a compiled loop (:func:`sim.kernels.negotiate`).
    Scores blend the user's wish (pleasure, pressing needs, today's courage,
    a proposed challenge) and the worker's (needs, the formal plan, their
    reading of the user's day, which is noisier the less they know the user,
    M8), weighted by the user's voice. Activities are taken greedily while time
    is left.
    """
    d = batch.draws
    s, pars = model.users_state, model.params
    rules = model.rules if rules is None else rules
    neg = pars.negotiation
    u = batch.users
    v_n, a_n, k_n = batch.size, act.N_ACTIVITIES, neg.max_activities
    allowed = rules.allowed_activities(model, batch, np.ones((v_n, a_n), dtype=bool))
    modes = rules.travel_modes(model, batch, np.ones((v_n, N_MODES), dtype=bool))
    pushed = rules.pushed_challenges(model, batch, np.zeros((v_n, a_n), dtype=bool))
    mode, travel, feared = travel_options(model, batch, modes, pushed, rules)

    out = Choice(
        activity=np.full((v_n, k_n), -1), mode=np.zeros((v_n, k_n), dtype=np.int64), minutes=np.zeros((v_n, k_n)),
        travel=np.zeros((v_n, k_n)), together=np.zeros((v_n, k_n), dtype=bool),
        challenge=np.zeros((v_n, k_n), dtype=bool), fit=np.zeros((v_n, k_n)), user_top=np.zeros(v_n, dtype=np.int64),
    )
    kernels.negotiate(
        s.needs, u, NEED_COLUMN, allowed, travel, mode, feared, pushed, batch.plan, batch.dare, batch.courage,
        d.uniform[:, TOGETHER], d.perception, batch.knowledge, d.taste, batch.minutes.astype(float), act.IS_TASK,
        act.DEMAND, act.PLEASURE, IS_TALK, act.MINUTES, act.OUTSIDE, pars.household.together_prob,
        float(pars.talk.coffee_minutes), pars.household.together_time_factor, neg.urgency_weight, neg.urgency_scale,
        neg.misfit_weight,
        pars.relation.perception_noise, neg.choice_noise, neg.dare_weight, neg.plan_weight, neg.user_voice, FORCED,
        out.activity, out.mode, out.minutes, out.travel, out.together, out.challenge, out.fit, out.user_top,
    )
    return out


def live(model: SIDLModel, batch: VisitBatch, ch: Choice) -> np.ndarray:
    """M3-M8: the effects of what was done, on the users visited today.

    Tasks, capacity built, pleasure, contact in passing and places learnt
    (:func:`sim.kernels.live_activities`); then feared activities tried today
    (:func:`_challenges`); then the worker's presence (M4), talk
    (M7) and the relation (M8) (:func:`sim.kernels.live_relation`). Gains that
    compound (self-efficacy) multiply across a visit's activities. Returns the
    (V, K) success flags for the event log (False only for failed challenges).
    """
    d = batch.draws
    s, pars = model.users_state, model.params
    h, pl, tk, rel, pr = pars.household, pars.places, pars.talk, pars.relation, pars.presence
    u = batch.users
    v_n, k_n = ch.activity.shape
    slot_draws = d.uniform[:, 5 : 5 + PER_SLOT * k_n].reshape(-1, k_n, PER_SLOT)
    share = model.rules.talk_share(model, batch, np.full(v_n, tk.talk_share))
    talk_minutes, quality = np.zeros(v_n), np.zeros(v_n)
    kernels.live_activities(
        u, ch.activity, ch.together, ch.fit, ch.minutes, ch.travel, ch.user_top,
        np.ascontiguousarray(slot_draws[:, :, 0]), s.needs, s.self_efficacy, s.wellbeing, s.contacts_today,
        s.landscape, s.fear_place, act.NEED, act.PLEASURE, act.PLACE, act.OUTSIDE, IS_TALK, share,
        h.together_se_gain, h.for_user_se_gain, pl.pleasure_wellbeing_gain, pars.negotiation.choice_wellbeing_gain,
        pl.incidental_contact_weight, pl.landscape_learn_prob, talk_minutes, quality,
    )
    success = _challenges(model, batch, ch, slot_draws)
    if batch.with_worker:
        kernels.live_relation(
            u, batch.alliance, batch.knowledge, batch.by_regular, talk_minutes, quality, d.uniform[:, ENABLE],
            d.uniform[:, SOLVE], d.uniform[:, SPARK], s.needs, s.self_efficacy, s.wellbeing, s.anxiety,
            s.contacts_today, s.alliance, s.knowledge, pr.contact_weight, pr.anxiety_relief, pr.enable_own_doing,
            h.own_doing_se_gain, float(tk.coffee_minutes), tk.heard_wellbeing_gain, tk.problem_solve_prob,
            tk.spark_prob, rel.alliance_gain, rel.knowledge_gain, tk.mutuality, HOME, ADMIN, s.tie_start,
            s.tie_strength, tk.spark_ties, pars.network.reactivated_strength,
        )
    return success


def _challenges(model: SIDLModel, batch: VisitBatch, ch: Choice, draws: np.ndarray) -> np.ndarray:
    """M6: feared activities tried today succeed or fail; success changes what the user can do.

    Slot by slot, so a second challenge in a visit builds on the first (:func:`sim.kernels.challenges`).
    """
    s, pars = model.users_state, model.params
    be = pars.becoming
    success = np.ones(ch.activity.shape, dtype=bool)
    kernels.challenges(
        batch.users, ch.activity, ch.mode, ch.challenge, batch.brave, batch.alliance, draws[:, :, 1], draws[:, :, 2],
        s.self_efficacy, s.wellbeing, s.anxiety, s.fear_place, s.landscape, s.fear_transit, s.tie_start,
        s.tie_strength, act.PLACE, TRANSIT, be.success_logit, be.brave_logit, be.alliance_logit, be.se_logit,
        be.anxiety_logit, be.success_se_gain, be.fail_se_loss, be.success_wellbeing_gain, be.fail_anxiety_gain,
        be.reactivate_prob, pars.network.reactivated_strength, success,
    )
    return success


def success_probability(
    brave: np.ndarray, alliance: np.ndarray, se: np.ndarray, anxiety: np.ndarray, be: Becoming
) -> np.ndarray:
    """M6: chance a feared activity succeeds: trust helps on a brave day, and nothing helps much without one (P6)."""
    chance = np.vectorize(kernels.win_chance, otypes=[float])
    return chance(brave, alliance, se, anxiety, be.success_logit, be.brave_logit, be.alliance_logit, be.se_logit,
                  be.anxiety_logit)
