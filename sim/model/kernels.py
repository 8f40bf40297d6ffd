"""Compiled kernels (numba): the per-user and per-visit loops of a day.

At municipality scale a day in numpy would be ~300 calls on arrays of 200 users, each costing more
in call overhead than in arithmetic (docs/PERFORMANCE.md); these loops do a day in a few calls.
Means are summed in numpy's pairwise order (:func:`pairwise_sum`), so the time series equal what
``x.sum() / x.size`` gives, to the last bit.

**What a kernel is handed.** Named structures, ``typing.NamedTuple``\\ s of arrays and numbers,
defined here once and built once when a model binds its daily steps (:class:`UserArrays`,
:class:`EveningParams`, :class:`VisitParams`, ...) or once a day (:class:`Visits`,
:class:`HookTerms`, :class:`EventColumns`); a kernel reads them by name (``u.alliance``, ``p.user_voice``).
numba types a named tuple passed from Python anew on every call (about a microsecond each), a plain
tuple in C, so the entry points called every day (:func:`evening`, which
:func:`sim.model.dynamics.burn_in` runs too, and :func:`visit_day`) take plain tuples, :func:`plain`, and
name them again on entry (``u = UserArrays(*users)``). The order of the fields is the class's own; the
classes live in this file so that numba's cache, which keys on this file, sees any change to them. Inside a kernel, the
arrays and numbers a loop reads are first given local names (``se = u.self_efficacy``): a field
read inside a loop is read anew each time round, which made loops up to 15 % slower.

**A formula is written once.** A formula that numpy also evaluates on whole arrays (at the start,
in tests) is a small jitted function on scalars whose Python original, ``f.py_func``, does it on
arrays (:func:`loneliness_level`, :func:`wellbeing_level`, :func:`outing_chance`,
:func:`contact_drive`, :func:`ucla3`).

**Random numbers.** Kernels draw from the named streams (:mod:`sim.world.streams`) themselves: a
stream is passed as its *handle*, the addresses of its bit generator's ``next_double`` and
``next_uint64`` and of its state (numpy's documented ctypes interface for compiled code).
:func:`uniform`, :func:`normal` and :func:`poisson` repeat the algorithms of numpy's
``Generator.random``, ``standard_normal`` and ``poisson``, so a kernel draws the very numbers
numpy would and leaves the stream where numpy would have left it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic
from numba.np.random._constants import fi_double, ki_double, wi_double, ziggurat_nor_inv_r, ziggurat_nor_r


# -- what the kernels are handed --------------------------------------------------------------------
class UserArrays(NamedTuple):
    """The users' state (:class:`sim.world.population.UserState`, same names), changed in place; row i is user i."""

    # M1: today's courage
    courage: np.ndarray
    # M9: loneliness 0-1, its personal offset, recent contacts a week, today's contacts
    loneliness: np.ndarray
    loneliness_offset: np.ndarray
    contacts_week: np.ndarray
    contacts_today: np.ndarray
    # wellbeing 0-1 as measured = its lasting part + affect; the lasting part's personal offset;
    # recognition (M7/M8); self-efficacy (M3/M6) and the level unused capacity relaxes to; anxiety and its trait (M4/M6)
    wellbeing: np.ndarray
    wellbeing_lasting: np.ndarray
    wellbeing_offset: np.ndarray
    affect: np.ndarray
    recognition: np.ndarray
    self_efficacy: np.ndarray
    self_efficacy_floor: np.ndarray
    anxiety: np.ndarray
    anxiety_trait: np.ndarray
    # M3: (n, needs) backlog of tasks
    needs: np.ndarray
    # M9: ties stored flat, user i's are tie_start[i]:tie_start[i + 1]; tie_user the owner of each
    tie_user: np.ndarray
    tie_start: np.ndarray
    tie_strength: np.ndarray
    # M5/M6: (n, places) places used alone, feared crowded places; fears public transport
    landscape: np.ndarray
    fear_place: np.ndarray
    fear_transit: np.ndarray
    # M8: alliance with and knowledge of the regular worker, days together, that worker's id, how fast
    # the alliance with them grows
    alliance: np.ndarray
    knowledge: np.ndarray
    relation_days: np.ndarray
    bond_worker: np.ndarray
    bond_rate: np.ndarray


class EveningParams(NamedTuple):
    """Parameters of the rest of the day (:func:`evening`, the burn-in), named as in ``model.<group>``."""

    # M3/M5 own doing (model.household): need j is met alone only where place need_place[j] is known;
    # own_doing_keep[k] = (1 - own_doing_se_gain) ** k, what k tasks done alone leave of 1 - self-efficacy
    own_doing_rate: float
    need_place: np.ndarray
    own_doing_keep: np.ndarray
    other_help_rate: float
    # M5/M9 outings alone (model.places)
    own_outing_rate: float
    outing_saturation: float
    incidental_contact_weight: float
    # M9 network contact (model.network); tie_decay = exp(-1 / decay_days), a day's decay
    contact_rate: float
    withdrawal: float
    tie_decay: float
    contact_boost: float
    reach_out_rate: float
    # M9 loneliness (model.loneliness; loneliness_rate is its ``rate``)
    noise_sd: float
    memory_days: float
    contact_scale: float
    level_min: float
    level_max: float
    loneliness_rate: float
    # the drift of anxiety, self-efficacy, recognition and wellbeing (model.wellbeing, model.household,
    # model.talk, model.places; wellbeing_rate, wellbeing_base and wellbeing_noise_sd are model.wellbeing's
    # ``rate``, ``base`` and ``noise_sd``)
    anxiety_rate: float
    anxiety_se_buffer: float
    se_decay: float
    wellbeing_rate: float
    wellbeing_base: float
    se_weight: float
    loneliness_weight: float
    anxiety_weight: float
    needs_weight: float
    need_cap: float
    wellbeing_noise_sd: float
    affect_decay: float
    participation_weight: float
    recognition_weight: float
    recognition_decay: float
    landscape_max: float


class EveningStreams(NamedTuple):
    """Handles of the evening's streams (:meth:`sim.world.streams.Streams.handle`), named as the streams."""

    own_doing: np.ndarray
    own_outings: np.ndarray
    network_contact: np.ndarray
    loneliness_noise: np.ndarray


class VisitParams(NamedTuple):
    """Parameters of a visit (:func:`visit_day`), named as in ``model.<group>``, grouped by step."""

    # M8 meeting (model.relation) and M6 the dare (model.daily, model.becoming)
    initial_alliance: float
    pair_sd: float
    brave_threshold: float
    trust_threshold: float
    initiate_prob: float
    # M2 negotiation (model.negotiation, model.household, model.talk, model.relation); a pushed
    # activity scores forced_score, above any negotiated score; max_activities is K, slots a visit
    max_activities: int
    together_prob: float
    coffee_minutes: float
    together_time_factor: float
    urgency_weight: float
    urgency_scale: float
    misfit_weight: float
    perception_noise: float
    choice_noise: float
    dare_weight: float
    plan_weight: float
    user_voice: float
    forced_score: float
    # M2/M8 what a visit's benefits depend on (model.negotiation, model.relation)
    imposed_benefit: float
    benefit_floor: float
    knowledge_share: float
    bad_day_benefit: float
    bad_day_below: float
    # M3-M5 living it (model.household, model.places, model.negotiation)
    together_se_gain: float
    for_user_se_gain: float
    pleasure_wellbeing_gain: float
    choice_wellbeing_gain: float
    incidental_contact_weight: float
    landscape_learn_prob: float
    landscape_max: float  # at least 0.5 (schema)
    # M6 challenges (model.becoming); a revived tie is set to reactivated_strength (model.network)
    success_logit: float
    brave_logit: float
    alliance_logit: float
    se_logit: float
    anxiety_logit: float
    success_se_gain: float
    fail_se_loss: float
    success_wellbeing_gain: float
    fail_anxiety_gain: float
    reactivate_prob: float
    reactivated_strength: float
    fear_return_prob: float
    # M4, M7, M8 presence, talk and the relation (model.presence, model.talk, model.relation, model.household)
    contact_weight: float
    anxiety_relief: float
    enable_own_doing: float
    own_doing_se_gain: float
    heard_wellbeing_gain: float
    recognition_gain: float
    problem_solve_prob: float
    spark_prob: float
    spark_ties: int
    alliance_gain: float
    knowledge_gain: float
    mutuality: float
    rupture_prob: float
    rupture_loss: float


class People(NamedTuple):
    """Who is who: Mesa ids of the users and of the worker in each slot; each user's regular worker's slot.

    ``skill`` is how fast alliances with the worker in each slot grow (mean 1), ``pairing`` the handle of the
    stream a new pair's own rate is drawn from.
    """

    user_uid: np.ndarray
    worker_uid: np.ndarray
    regular: np.ndarray
    skill: np.ndarray
    pairing: np.ndarray


class TripArrays(NamedTuple):
    """The trip table (:class:`sim.world.trips.TripTable`) and its codes.

    A visit's row is its case code x ``n_users`` + user, the code being the sum of ``mode_bit[m]`` over
    the allowed modes m, plus ``fears_bit`` if the user fears public transport; ``transit`` is that mode.
    """

    mode: np.ndarray  # (cases x n, A) mode of the trip to each activity
    minutes: np.ndarray  # (cases x n, A) round-trip minutes
    transit_minutes: np.ndarray  # (n, A) round-trip minutes by public transport
    n_users: int
    mode_bit: np.ndarray
    fears_bit: int
    transit: int


class ActivityTable(NamedTuple):
    """The activity catalogue (:mod:`sim.world.activities`), one entry per activity a, and the codes kernels use."""

    # what an activity is
    is_task: np.ndarray
    need: np.ndarray  # need kind it meets, -1 none
    need_column: np.ndarray  # the same, 0 where none (masked by is_task)
    demand: np.ndarray
    pleasure: np.ndarray
    is_talk: np.ndarray
    minutes: np.ndarray
    outside: np.ndarray
    place: np.ndarray
    category: np.ndarray
    # codes: the event log's category of a challenge; the need kinds home and admin
    challenge_code: int
    home: int
    admin: int


class Visits(NamedTuple):
    """Today's visits (:class:`sim.model.visits.VisitBatch`), one entry per visit v."""

    users: np.ndarray  # user visited
    draw_row: np.ndarray  # the visit's row in the day's draws
    workers: np.ndarray  # worker slot
    minutes: np.ndarray  # visit length: the slot
    longest: np.ndarray  # how long the visit may run for an outside task (the slot, or more)
    plan: np.ndarray  # (V, A) formal plan items
    with_worker: bool  # a SIDL visit (relation, talk, dares), not another provider's activity


class HookTerms(NamedTuple):
    """What the rules' hooks (:class:`sim.rules.RuleSet`, the same names) answered for a batch, one row per visit."""

    allowed_activities: np.ndarray  # (V, A) bool
    travel_modes: np.ndarray  # (V, modes) bool
    travel_factors: np.ndarray  # (V, modes) how many times longer a trip by each mode takes
    pushed_challenges: np.ndarray  # (V, A) bool: feared activities the plan pushes
    talk_share: np.ndarray  # (V,) share of activity and travel time that is talk
    documentation_minutes: np.ndarray  # (V,)


class Draws(NamedTuple):
    """A day's visit draws, one row per user (:class:`sim.model.visits.VisitDraws`).

    Drawn on demand (:func:`defer_visit_draws`), a row of ``chances`` and ``taste`` is drawn only when a
    visit reads it (:func:`draw_rows`); ``start`` then is 1 and where the block of rows begins in the
    stream (:func:`pcg_jump`'s four words). Its first word is 0 (or it is empty) when every row is drawn.
    """

    chances: np.ndarray  # (n, PER_VISIT + PER_SLOT x K) uniforms for the visit's chance events
    taste: np.ndarray  # (n, A) today's taste, uniform with unit sd
    perception: np.ndarray  # (n,) standard normal error of the worker's reading of the day
    start: np.ndarray  # (5,) or (0,) uint64: rows drawn on demand (1 / 0), the block's PCG64 state


class EventColumns(NamedTuple):
    """The event log's columns (:class:`sim.model.events.EventLog`), one row per activity done."""

    day: np.ndarray
    user_id: np.ndarray
    worker_id: np.ndarray
    activity: np.ndarray
    category: np.ndarray
    place: np.ndarray
    mode: np.ndarray
    minutes: np.ndarray
    travel_minutes: np.ndarray
    planned: np.ndarray
    together: np.ndarray
    success: np.ndarray
    provider: np.ndarray


class Meeting(NamedTuple):
    """Who meets whom, per visit v (:func:`meet`)."""

    worker_id: np.ndarray  # -1 for another provider
    by_regular: np.ndarray
    alliance: np.ndarray  # the alliance the visit is made with
    knowledge: np.ndarray
    gives: np.ndarray  # share of the visit's benefit the relation and the day allow (:func:`benefit`)
    brave: np.ndarray
    dare: np.ndarray  # the user proposes a feared activity


class TravelOptions(NamedTuple):
    """Per visit v and activity a (:func:`travel`): mode, round-trip minutes, whether the trip or place is feared."""

    mode: np.ndarray
    minutes: np.ndarray
    feared: np.ndarray


class Slots(NamedTuple):
    """What a visit does, per visit v and slot k (:func:`negotiate`); activity -1 is an empty slot."""

    activity: np.ndarray
    mode: np.ndarray
    minutes: np.ndarray
    travel: np.ndarray  # minutes travelled with the user (0 at home)
    together: np.ndarray  # a task done together rather than for the user
    challenge: np.ndarray  # a feared activity tried
    fit: np.ndarray  # 1 - |demand - true courage|
    wanted: np.ndarray  # among the activities the user would have chosen
    success: np.ndarray  # a challenge won (True where no challenge)
    user_top: np.ndarray  # (V,) the activity the user would have chosen first


#: Options of kernels called only from other kernels: no wrappers for calls from Python or C,
#: which for arguments this large are most of what a kernel costs to compile.
INTERNAL = {"no_cpython_wrapper": True, "no_cfunc_wrapper": True}


def plain(*structs: tuple) -> tuple[tuple, ...]:
    """The structures as plain tuples, as the daily entry points take them."""
    return tuple(map(tuple, structs))


# -- drawing from a stream's handle -----------------------------------------------------------------
NEXT_DOUBLE, NEXT_UINT64, STATE, PCG = range(4)
_WI, _FI = np.asarray(wi_double), np.asarray(fi_double)
_KI = np.asarray(ki_double, dtype=np.uint64)


def _caller(result: ir.Type, result_type: types.Type):
    """An intrinsic calling the C function at address ``fn`` with the state at address ``state``."""

    def call(typingctx, fn, state):
        def codegen(context, builder, signature, args):
            pointer = ir.IntType(8).as_pointer()
            f = builder.inttoptr(args[0], ir.FunctionType(result, [pointer]).as_pointer())
            return builder.call(f, [builder.inttoptr(args[1], pointer)])

        return result_type(types.uint64, types.uint64), codegen

    return intrinsic(call)


_next_double = _caller(ir.DoubleType(), types.float64)
_next_uint64 = _caller(ir.IntType(64), types.uint64)


@intrinsic
def _load(typingctx, address):
    """The 64-bit word at ``address``."""
    def codegen(context, builder, signature, args):
        return builder.load(builder.inttoptr(args[0], ir.IntType(64).as_pointer()))

    return types.uint64(types.uint64), codegen


@intrinsic
def _store(typingctx, address, value):
    """Write the 64-bit ``value`` at ``address``."""
    def codegen(context, builder, signature, args):
        builder.store(args[1], builder.inttoptr(args[0], ir.IntType(64).as_pointer()))
        return context.get_dummy_value()

    return types.none(types.uint64, types.uint64), codegen


@intrinsic
def _muladd128(typingctx, a_lo, a_hi, b_lo, b_hi, c_lo, c_hi):
    """``a * b + c`` modulo 2**128, each number given and returned as its (low, high) 64-bit words."""
    u64, pair = types.uint64, types.UniTuple(types.uint64, 2)

    def codegen(context, builder, signature, args):
        i128, shift = ir.IntType(128), ir.Constant(ir.IntType(128), 64)

        def wide(lo, hi):
            return builder.or_(builder.zext(lo, i128), builder.shl(builder.zext(hi, i128), shift))

        r = builder.add(builder.mul(wide(args[0], args[1]), wide(args[2], args[3])), wide(args[4], args[5]))
        words = (builder.trunc(r, ir.IntType(64)), builder.trunc(builder.lshr(r, shift), ir.IntType(64)))
        return context.make_tuple(builder, pair, words)

    return pair(u64, u64, u64, u64, u64, u64), codegen


#: numpy's PCG64 multiplier (PCG_DEFAULT_MULTIPLIER_128), as its low and high 64-bit words.
PCG_MULT_LO, PCG_MULT_HI = np.uint64(0x4385DF649FCCF645), np.uint64(0x2360ED051FC65DA4)


@njit(cache=True)
def pcg_jump(s, steps):  # pragma: no cover - compiled
    """Advance the PCG64 state ``s`` (state low, high, increment low, high) by ``steps`` draws, in log time.

    The LCG's jump ahead (Brown, "Random number generation with arbitrary strides", 1994), as
    ``PCG64.advance``: the state after ``steps`` draws, without drawing them.
    """
    zero, one = np.uint64(0), np.uint64(1)
    acc_lo, acc_hi, plus_lo, plus_hi = one, zero, zero, zero
    mul_lo, mul_hi, add_lo, add_hi = PCG_MULT_LO, PCG_MULT_HI, s[2], s[3]
    left = np.uint64(steps)
    while left > zero:
        if left & one:
            acc_lo, acc_hi = _muladd128(acc_lo, acc_hi, mul_lo, mul_hi, zero, zero)
            plus_lo, plus_hi = _muladd128(plus_lo, plus_hi, mul_lo, mul_hi, add_lo, add_hi)
        m1_lo, m1_hi = _muladd128(mul_lo, mul_hi, one, zero, one, zero)
        add_lo, add_hi = _muladd128(m1_lo, m1_hi, add_lo, add_hi, zero, zero)
        mul_lo, mul_hi = _muladd128(mul_lo, mul_hi, mul_lo, mul_hi, zero, zero)
        left >>= one
    s[0], s[1] = _muladd128(acc_lo, acc_hi, s[0], s[1], plus_lo, plus_hi)


@njit(cache=True)
def pcg_uniform(s):  # pragma: no cover - compiled
    """One draw of ``Generator.random()`` from the PCG64 state ``s`` (:func:`pcg_jump`'s layout), advancing it.

    numpy's PCG64 (XSL-RR 128/64): step the LCG, output the rotated xor of the new state's halves;
    a double from its top 53 bits.
    """
    s[0], s[1] = _muladd128(s[0], s[1], PCG_MULT_LO, PCG_MULT_HI, s[2], s[3])
    x, rot = s[1] ^ s[0], s[1] >> np.uint64(58)
    out = (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))
    return np.float64(out >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def uniform(g):  # pragma: no cover - compiled
    """One draw of ``Generator.random()`` from the stream with handle ``g``."""
    return _next_double(g[NEXT_DOUBLE], g[STATE])


@njit(cache=True)
def normal(g):  # pragma: no cover - compiled
    """One draw of ``Generator.standard_normal()``: numpy's ziggurat, its tables and its order of draws."""
    while True:
        r = _next_uint64(g[NEXT_UINT64], g[STATE])
        idx = r & np.uint64(0xFF)
        r >>= np.uint64(8)
        rabs = (r >> np.uint64(1)) & np.uint64(0x000FFFFFFFFFFFFF)
        x = rabs * _WI[idx]
        if r & np.uint64(1):
            x = -x
        if rabs < _KI[idx]:
            return x
        if idx == 0:
            while True:
                xx = -ziggurat_nor_inv_r * np.log1p(-uniform(g))
                yy = -np.log1p(-uniform(g))
                if yy + yy > xx * xx:
                    return -(ziggurat_nor_r + xx) if (rabs >> np.uint64(8)) & np.uint64(1) else ziggurat_nor_r + xx
        elif (_FI[idx - 1] - _FI[idx]) * uniform(g) + _FI[idx] < np.exp(-0.5 * x * x):
            return x


@njit(cache=True)
def _loggam(x):  # pragma: no cover - compiled
    """numpy's ``random_loggam``: log Gamma(x) as its Poisson sampler computes it."""
    if x == 1.0 or x == 2.0:
        return 0.0
    n = int(7 - x) if x < 7.0 else 0
    coef = (8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04,
            8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
            1.796443723688307e-01, -1.39243221690590e00)
    x0 = x + n
    x2 = (1.0 / x0) * (1.0 / x0)
    gl0 = coef[9]
    for k in range(8, -1, -1):
        gl0 *= x2
        gl0 += coef[k]
    gl = gl0 / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * np.log(x0) - x0
    if x < 7.0:
        for _ in range(n):
            gl -= np.log(x0 - 1.0)
            x0 -= 1.0
    return gl


@njit(cache=True)
def poisson_below_10(g, enlam):  # pragma: no cover - compiled
    """One draw of ``Generator.poisson(lam)`` for ``0 < lam < 10``, given ``enlam = exp(-lam)``: multiplication.

    Apart from :func:`poisson` so that a loop at one rate computes ``exp(-lam)`` once and the
    loop is compiled without the rejection branch.
    """
    x, prod = 0, 1.0
    while True:
        prod *= uniform(g)
        if prod > enlam:
            x += 1
        else:
            return x


@njit(cache=True)
def poisson(g, lam):  # pragma: no cover - compiled
    """One draw of ``Generator.poisson(lam)``: multiplication below 10 (:func:`poisson_below_10`), numpy's PTRS
    rejection above."""
    if lam == 0:
        return 0
    if lam < 10:
        return poisson_below_10(g, np.exp(-lam))
    slam, loglam = np.sqrt(lam), np.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = uniform(g) - 0.5
        v = uniform(g)
        us = 0.5 - abs(u)
        k = int(np.floor((2 * a / us + b) * u + lam + 0.43))
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if np.log(v) + np.log(invalpha) - np.log(a / (us * us) + b) <= -lam + k * loglam - _loggam(k + 1):
            return k


@njit(cache=True)
def fill_normal(g, out):  # pragma: no cover - compiled
    """``out[...] = rng.standard_normal(out.shape)``."""
    flat = out.reshape(-1)
    for i in range(flat.size):
        flat[i] = normal(g)


# -- formulas numpy also evaluates on arrays (through ``.py_func``) -----------------------------------
@njit(cache=True)
def ucla3(loneliness):  # pragma: no cover - compiled
    """Internal loneliness 0-1 on the UCLA-3 scale (3-9)."""
    return 3.0 + 6.0 * loneliness


@njit(cache=True)
def wemwbs(wellbeing):  # pragma: no cover - compiled
    """Internal wellbeing 0-1 on the WEMWBS scale (14-70)."""
    return 14.0 + 56.0 * wellbeing


@njit(cache=True)
def loneliness_level(contacts_week, offset, p):  # pragma: no cover - compiled
    """M9: the loneliness that a rate of contact sustains, plus a personal offset.

    Each contact helps less than the one before: the first contacts of a week matter most to
    someone who has almost none (P7, P10).
    """
    drop = np.exp(-contacts_week / p.contact_scale)
    return np.minimum(np.maximum(p.level_min + (p.level_max - p.level_min) * drop + offset, 0.0), 1.0)


@njit(cache=True)
def wellbeing_level(self_efficacy, loneliness, anxiety, needs_total, known, recognition, offset,
                    p):  # pragma: no cover - compiled
    """The lasting wellbeing a user's state sustains: assets minus burdens, plus a personal offset.

    Assets: self-efficacy, participation (shared places used alone, full at ``landscape_max``) and
    recognition; burdens: loneliness, anxiety and the backlog, which weighs fully at ``need_cap``.
    """
    backlog = np.minimum(needs_total / p.need_cap, 1.0)
    participation = np.minimum(known / p.landscape_max, 1.0)
    return (p.wellbeing_base + offset + p.se_weight * self_efficacy + p.participation_weight * participation
            + p.recognition_weight * recognition - p.loneliness_weight * loneliness
            - p.anxiety_weight * anxiety - p.needs_weight * backlog)


@njit(cache=True)
def outing_chance(self_efficacy, known, p):  # pragma: no cover - compiled
    """M5/M9: a day's chance of going out alone: own_outing_rate x self-efficacy x known places, up to saturation."""
    return p.own_outing_rate * self_efficacy * np.minimum(known / p.outing_saturation, 1.0)


@njit(cache=True)
def contact_drive(loneliness, courage, self_efficacy, p):  # pragma: no cover - compiled
    """M9: how much a user seeks contact: less when lonely (withdrawal), more when brave and capable."""
    return p.contact_rate * (1 - p.withdrawal * loneliness) * (courage + self_efficacy)


@njit(cache=True)
def known_places(landscape, i):  # pragma: no cover - compiled
    """Shared places user ``i`` uses alone (the landscape's row without home)."""
    known = 0
    for place in range(1, landscape.shape[1]):
        known += landscape[i, place]
    return known


# -- the rest of the day --------------------------------------------------------------------------------
@njit(cache=True, **INTERNAL)
def own_doing(u, p, g):  # pragma: no cover - compiled
    """M3/M5: tasks met without the worker, one of each pending kind at most a day.

    The user does one alone with chance ``own_doing_rate`` x self-efficacy, where its place is known
    (and gains capacity); otherwise someone else (family, a delivery, a service) meets it with chance
    ``other_help_rate``.
    """
    needs, landscape, se = u.needs, u.landscape, u.self_efficacy
    need_place, keep = p.need_place, p.own_doing_keep
    rate, other = p.own_doing_rate, p.other_help_rate
    for i in range(needs.shape[0]):
        chance = rate * se[i]
        k = 0
        for j in range(needs.shape[1]):
            draw = uniform(g)
            helped = uniform(g) < other
            if needs[i, j] >= 1:
                if landscape[i, need_place[j]] and draw < chance:
                    needs[i, j] -= 1
                    k += 1
                elif helped:
                    needs[i, j] -= 1
        se[i] += (1 - keep[k]) * (1 - se[i])


@njit(cache=True, **INTERNAL)
def own_outings(u, p, g):  # pragma: no cover - compiled
    """M5/M9: outings alone to known places (:func:`outing_chance`), contact in passing."""
    landscape, se, contacts = u.landscape, u.self_efficacy, u.contacts_today
    weight = p.incidental_contact_weight
    for i in range(se.size):
        if uniform(g) < outing_chance(se[i], known_places(landscape, i), p):
            contacts[i] += weight


@njit(cache=True, **INTERNAL)
def network_contact(u, p, g):  # pragma: no cover - compiled
    """M9: contact on each tie with chance strength^2 x the owner's :func:`contact_drive` + ``reach_out_rate``.

    Contact grows with the square of tie strength, so ties are bistable: strong ties sustain
    themselves, weak ones fade to dormancy unless reactivated; the other person getting in touch
    now and then (``reach_out_rate``) lets a dormant tie come back, so a network has a steady
    state without support. Ties decay every day. Loneliness suppresses contact
    (withdrawal): the feedback that lets loneliness tip into a persistent state below a contact
    threshold (P12).
    """
    loneliness, courage, se = u.loneliness, u.courage, u.self_efficacy
    strength, owner, contacts = u.tie_strength, u.tie_user, u.contacts_today
    decay, boost, reach_out = p.tie_decay, p.contact_boost, p.reach_out_rate
    drive = np.empty(se.size)
    for i in range(drive.size):
        drive[i] = contact_drive(loneliness[i], courage[i], se[i], p)
    for t in range(strength.size):
        met = uniform(g) < strength[t] ** 2 * drive[owner[t]] + reach_out
        strength[t] *= decay
        if met:
            strength[t] += boost * (1 - strength[t])
            contacts[owner[t]] += 1.0


@njit(cache=True, **INTERNAL)
def relax_loneliness(u, p, g):  # pragma: no cover - compiled
    """M9: today's contact joins the recent-contact memory; loneliness drifts toward :func:`loneliness_level`."""
    loneliness, offset, week, today = u.loneliness, u.loneliness_offset, u.contacts_week, u.contacts_today
    memory, rate, noise_sd = p.memory_days, p.loneliness_rate, p.noise_sd
    for i in range(loneliness.size):
        week[i] += (7.0 * today[i] - week[i]) / memory
        target = loneliness_level(week[i], offset[i], p)
        loneliness[i] = min(max(loneliness[i] + rate * (target - loneliness[i]) + noise_sd * normal(g), 0.0), 1.0)
        today[i] = 0.0


@njit(cache=True, **INTERNAL)
def drift(u, p, g):  # pragma: no cover - compiled
    """End of day: loneliness (:func:`relax_loneliness`), anxiety, self-efficacy and recognition relax to their
    levels; lasting wellbeing relaxes toward :func:`wellbeing_level` with the day's life events (noise); affect
    fades; measured wellbeing is lasting wellbeing plus affect."""
    relax_loneliness(u, p, g)
    loneliness, anxiety, trait, se, needs, landscape = (u.loneliness, u.anxiety, u.anxiety_trait, u.self_efficacy,
                                                        u.needs, u.landscape)
    wb, lasting, offset, affect, recognition = u.wellbeing, u.wellbeing_lasting, u.wellbeing_offset, u.affect, \
        u.recognition
    buffer, anxiety_rate, se_decay, se_floor, wb_rate = (p.anxiety_se_buffer, p.anxiety_rate, p.se_decay,
                                                         u.self_efficacy_floor, p.wellbeing_rate)
    noise_sd, keep_affect, keep_recognition = p.wellbeing_noise_sd, 1.0 - p.affect_decay, 1.0 - p.recognition_decay
    for i in range(loneliness.size):
        anxiety_level = trait[i] * (1 - buffer * se[i])
        anxiety[i] = min(max(anxiety[i] + anxiety_rate * (anxiety_level - anxiety[i]), 0.0), 1.0)
        se[i] = min(max(se[i] + se_decay * (se_floor[i] - se[i]), 0.0), 1.0)
        recognition[i] *= keep_recognition
        needs_total = needs[i, 0] + needs[i, 1] + needs[i, 2] + needs[i, 3]
        target = wellbeing_level(se[i], loneliness[i], anxiety[i], needs_total, known_places(landscape, i),
                                 recognition[i], offset[i], p)
        lasting[i] = min(max(lasting[i] + wb_rate * (target - lasting[i]) + noise_sd * normal(g), 0.0), 1.0)
        affect[i] *= keep_affect
        wb[i] = min(lasting[i] + affect[i], 1.0)


@njit(cache=True)
def evening(users, pars, streams):  # pragma: no cover - compiled
    """After the visits (:func:`sim.model.dynamics.daily_evening`): own doing, outings, network contact, the drift.

    Takes :class:`UserArrays`, :class:`EveningParams` and :class:`EveningStreams` as plain tuples.
    Every relationship is a day older.
    """
    u, p, g = UserArrays(*users), EveningParams(*pars), EveningStreams(*streams)
    own_doing(u, p, g.own_doing)
    own_outings(u, p, g.own_outings)
    network_contact(u, p, g.network_contact)
    drift(u, p, g.loneliness_noise)
    relation_days = u.relation_days
    for i in range(relation_days.size):
        relation_days[i] += 1


# -- a day's visits ---------------------------------------------------------------------------------
#: Columns of a user's row of chance draws for a visit (:class:`Draws`): PER_VISIT for the visit,
#: then PER_SLOT for each activity slot k, from PER_VISIT + PER_SLOT x k.
TOGETHER, INITIATE, ENABLE, SOLVE, SPARK, RUPTURE = range(6)
LEARN, WIN, REVIVE = range(3)  # a slot's: place learnt, challenge won, tie revived (or, on failure, fear back)
PER_VISIT, PER_SLOT = 6, 3


@njit(cache=True, **INTERNAL)
def meet(b, u, o, p, initiate_draw, m):  # pragma: no cover - compiled
    """M8: who the user meets and the relation they meet with; M6: whether they dare.

    The relation that grows is the one with the regular worker; it starts again from
    ``initial_alliance`` when the person in that role changes, with its own rate of growth: the
    worker's skill times the pair's own fit, lognormal with sd ``pair_sd`` and mean 1. Anyone else
    is met as a stranger.
    """
    users, workers, worker_uid, regular = b.users, b.workers, o.worker_uid, o.regular
    bond, alliance, knowledge, days, courage = u.bond_worker, u.alliance, u.knowledge, u.relation_days, u.courage
    rate, skill, pair_sd = u.bond_rate, o.skill, p.pair_sd
    initial, brave_at, trust_at, initiate_prob = p.initial_alliance, p.brave_threshold, p.trust_threshold, \
        p.initiate_prob
    for v in range(users.size):
        i = users[v]
        m.worker_id[v] = worker_uid[workers[v]]
        regular_uid = worker_uid[regular[i]]
        if regular_uid != bond[i]:
            alliance[i] = initial
            knowledge[i] = 0.0
            days[i] = 0
            rate[i] = skill[regular[i]] * np.exp(pair_sd * normal(o.pairing) - 0.5 * pair_sd * pair_sd)
        bond[i] = regular_uid
        m.by_regular[v] = m.worker_id[v] == regular_uid
        m.alliance[v] = alliance[i] if m.by_regular[v] else initial
        m.knowledge[v] = knowledge[i] if m.by_regular[v] else 0.0
        m.gives[v] = benefit(m.alliance[v], m.knowledge[v], courage[i], p)
        m.brave[v] = courage[i] >= brave_at
        m.dare[v] = m.brave[v] and m.alliance[v] >= trust_at and initiate_draw[v] < initiate_prob


@njit(cache=True)
def travel(users, u, t, trips, acts, dare, out):  # pragma: no cover - compiled
    """M5: mode, round-trip minutes and fear per visit and activity, from the trip table (:class:`TripArrays`).

    A user who fears public transport takes it only on purpose, as the feared step, when daring or
    pushed (and it is allowed); a trip takes ``t.travel_factors[v, mode]`` times as long as the table says.
    """
    fear_transit, fear_place = u.fear_transit, u.fear_place
    modes, factors, pushed = t.travel_modes, t.travel_factors, t.pushed_challenges
    trip_mode, trip_minutes, transit_minutes, mode_bit = trips.mode, trips.minutes, trips.transit_minutes, \
        trips.mode_bit
    n_users, fears_bit, transit = trips.n_users, trips.fears_bit, trips.transit
    outside, place_of = acts.outside, acts.place
    mode, minutes, feared = out.mode, out.minutes, out.feared
    v_n, a_n = mode.shape
    for v in range(v_n):
        i = users[v]
        fears = fear_transit[i]
        code = 0
        for m in range(modes.shape[1]):
            if modes[v, m]:
                code += mode_bit[m]
        if fears:
            code += fears_bit
        row = code * n_users + i
        may_practise = fears and modes[v, transit]
        for a in range(a_n):
            mode[v, a] = trip_mode[row, a]
            minutes[v, a] = trip_minutes[row, a]
            if may_practise and outside[a] and (dare[v] or pushed[v, a]):
                mode[v, a] = transit
                minutes[v, a] = transit_minutes[i, a]
            minutes[v, a] *= factors[v, mode[v, a]]
            feared[v, a] = outside[a] and (fear_place[i, place_of[a]] or (mode[v, a] == transit and fears))


@njit(cache=True, **INTERNAL)
def negotiate(b, u, t, options, m, acts, p, today, visit_minutes, s):  # pragma: no cover - compiled
    """M2: score every activity, then fill the slots greedily with the best that still fits the time left.

    The score blends the user's wish and the worker's by ``user_voice``; a pushed activity scores
    ``forced_score``. Possible: what the rules allow, a task only while its need is pending, a feared
    activity only when dared or pushed. An activity is *wanted* if it is among the K the user would
    have chosen by their own wish alone, whatever the rules allow or push (a pending task, or anything
    not feared unless dared). An outside task that does not fit the time left may run the visit over
    its slot, up to ``b.longest``; ``visit_minutes[v]`` is then the visit's length as run.
    """
    users, plan, courage, needs = b.users, b.plan, u.courage, u.needs
    allowed, pushed = t.allowed_activities, t.pushed_challenges
    travel_minutes, trip_mode, feared = options.minutes, options.mode, options.feared
    knowledge, dare = m.knowledge, m.dare
    is_task, demand, is_talk, act_minutes, need_column, pleasure, outside = (
        acts.is_task, acts.demand, acts.is_talk, acts.minutes, acts.need_column, acts.pleasure, acts.outside)
    chances, perception, taste = today.chances, today.perception, today.taste
    together_prob, coffee, together_factor, perception_noise = (p.together_prob, p.coffee_minutes,
                                                                p.together_time_factor, p.perception_noise)
    urgency_weight, urgency_scale, misfit_weight, choice_noise = (p.urgency_weight, p.urgency_scale,
                                                                  p.misfit_weight, p.choice_noise)
    dare_weight, plan_weight, voice, forced = p.dare_weight, p.plan_weight, p.user_voice, p.forced_score
    v_n, a_n = allowed.shape
    k_n = s.activity.shape[1]
    score, duration, minutes, wish = np.empty(a_n), np.empty(a_n), np.empty(a_n), np.empty(a_n)
    together = np.empty(a_n, dtype=np.bool_)
    for v in range(v_n):
        i = users[v]
        c = courage[i]
        seen = c + perception_noise * (1.0 - knowledge[v]) * perception[v]
        best_user, top = -np.inf, 0
        for a in range(a_n):
            together[a] = is_task[a] and c >= demand[a] and chances[v, TOGETHER] < together_prob
            base = coffee if is_talk[a] else act_minutes[a]
            minutes[a] = base * together_factor if together[a] else base
            duration[a] = minutes[a] + travel_minutes[v, a]
            pending = needs[i, need_column[a]] if is_task[a] else 0.0
            due = pending >= 1 or not is_task[a]
            wishable = due and ((not feared[v, a]) or dare[v])
            feasible = allowed[v, a] and due and np.isfinite(travel_minutes[v, a]) \
                and ((not feared[v, a]) or dare[v] or pushed[v, a])
            urgency = urgency_weight * (1.0 - np.exp(-pending / urgency_scale))
            misfit = abs(demand[a] - c)
            misfit_seen = abs(demand[a] - seen)
            proposed = 1.0 if (feared[v, a] and dare[v]) else 0.0
            pushed_or_proposed = 1.0 if (pushed[v, a] or proposed > 0) else 0.0
            user = pleasure[a] + urgency - misfit_weight * misfit + choice_noise * taste[v, a] + dare_weight * proposed
            worker = urgency + plan_weight * (1.0 if plan[v, a] else 0.0) - misfit_weight * misfit_seen \
                + dare_weight * pushed_or_proposed
            wish[a] = user if wishable else -np.inf
            if feasible:
                score[a] = forced if pushed[v, a] else voice * user + (1 - voice) * worker
                if user > best_user:
                    best_user, top = user, a
            else:
                score[a] = -np.inf
        s.user_top[v] = top
        left = visit_minutes[v]
        room = b.longest[v] - left  # minutes an outside task may run the visit over its slot
        for k in range(k_n):
            best, best_score = -1, -np.inf
            for a in range(a_n):
                fits = duration[a] <= left or (is_task[a] and outside[a] and duration[a] <= left + room)
                if fits and score[a] > best_score:
                    best, best_score = a, score[a]
            if best < 0:
                continue
            s.activity[v, k] = best
            left -= duration[best]
            if left < 0:
                visit_minutes[v] -= left
                room += left
                left = 0.0
            score[best] = -np.inf
            s.mode[v, k] = trip_mode[v, best]
            s.minutes[v, k] = minutes[best]
            s.travel[v, k] = travel_minutes[v, best] if outside[best] else 0.0
            s.together[v, k] = together[best]
            s.challenge[v, k] = feared[v, best]
            s.fit[v, k] = 1.0 - abs(demand[best] - c)
            above = 0  # wanted: fewer than K activities the user wishes for more
            for a in range(a_n):
                above += wish[a] > wish[best]
            s.wanted[v, k] = above < k_n


@njit(cache=True)
def benefit(alliance, knowledge, courage, p):  # pragma: no cover - compiled
    """M8/M1: the share of a visit's benefit the relation and the day allow.

    ``benefit_floor`` with a stranger, 1 with a trusted worker who knows the user (alliance and
    knowledge weighted by ``knowledge_share``); times ``bad_day_benefit`` on a bad day (courage
    below ``bad_day_below``), when little of what is done together takes hold.
    """
    bond = (1.0 - p.knowledge_share) * alliance + p.knowledge_share * knowledge
    day = p.bad_day_benefit if courage < p.bad_day_below else 1.0
    return (p.benefit_floor + (1.0 - p.benefit_floor) * bond) * day


@njit(cache=True, **INTERNAL)
def live_activities(b, u, t, acts, p, m, today, s, talk, quality):  # pragma: no cover - compiled
    """M3-M5: tasks done, capacity built, pleasure, contact in passing, places learnt; each visit's talk and quality.

    What an activity gives (capacity, pleasure, a place learnt) is scaled by the visit's
    :func:`benefit` and, for an activity the user would not have chosen, by ``imposed_benefit``.
    Capacity gains compound: what each task leaves of 1 - self-efficacy multiplies across a visit.
    A place is learnt with a chance that shrinks as the landscape nears ``landscape_max``.
    """
    users, share, chances = b.users, t.talk_share, today.chances
    needs, se, affect, contacts, landscape, fear_place = (u.needs, u.self_efficacy, u.affect, u.contacts_today,
                                                          u.landscape, u.fear_place)
    need_of, pleasure_of, place_of, outside_of, is_talk = acts.need, acts.pleasure, acts.place, acts.outside, \
        acts.is_talk
    activity, together, fit, minutes, travel_k, user_top = s.activity, s.together, s.fit, s.minutes, s.travel, \
        s.user_top
    together_gain, for_user_gain, pleasure_gain, choice_gain, incidental, learn_prob = (
        p.together_se_gain, p.for_user_se_gain, p.pleasure_wellbeing_gain, p.choice_wellbeing_gain,
        p.incidental_contact_weight, p.landscape_learn_prob)
    wanted, imposed, most = s.wanted, p.imposed_benefit, p.landscape_max
    v_n, k_n = activity.shape
    for v in range(v_n):
        i = users[v]
        keep, pleasure, n_out, talk_minutes, fit_sum, n_on = 1.0, 0.0, 0, 0.0, 0.0, 0
        rel = m.gives[v]
        known = known_places(landscape, i)
        for k in range(k_n):
            a = activity[v, k]
            if a < 0:
                continue
            n_on += 1
            fit_sum += fit[v, k]
            gives = rel * (1.0 if wanted[v, k] else imposed)
            need = need_of[a]
            if need >= 0:
                needs[i, need] -= 1.0
                keep *= 1.0 - (together_gain if together[v, k] else for_user_gain) * fit[v, k] * gives
            pleasure += pleasure_gain * pleasure_of[a] * fit[v, k] * gives
            if is_talk[a]:
                talk_minutes += minutes[v, k]
            else:
                talk_minutes += share[v] * (minutes[v, k] + travel_k[v, k])
            if outside_of[a]:
                n_out += 1
                place = place_of[a]
                room = max(1.0 - known / most, 0.0)
                if not fear_place[i, place] and not landscape[i, place] \
                        and chances[v, PER_VISIT + PER_SLOT * k + LEARN] < learn_prob * gives * room:
                    landscape[i, place] = True
                    known += 1
        for j in range(needs.shape[1]):
            needs[i, j] = max(needs[i, j], 0.0)
        se[i] = 1.0 - (1.0 - se[i]) * keep
        chose = 1.0 if (activity[v, 0] >= 0 and activity[v, 0] == user_top[v]) else 0.0
        affect[i] = min(affect[i] + pleasure + choice_gain * chose * rel, 1.0)
        contacts[i] += incidental * n_out
        talk[v] = talk_minutes
        quality[v] = fit_sum / max(n_on, 1) if n_on > 0 else 1.0


@njit(cache=True)
def win_chance(brave, alliance, self_efficacy, anxiety, p):  # pragma: no cover - compiled
    """M6: chance a feared activity succeeds: trust helps on a brave day, and nothing helps much without one (P6)."""
    z = p.success_logit + (p.brave_logit + p.alliance_logit * alliance) * (1.0 if brave else 0.0) \
        + p.se_logit * self_efficacy - p.anxiety_logit * anxiety
    return 1.0 / (1.0 + np.exp(-z))


@njit(cache=True, **INTERNAL)
def challenges(b, u, trips, acts, p, m, today, s):  # pragma: no cover - compiled
    """M6: feared activities tried today succeed (:func:`win_chance`) or fail, slot by slot.

    Slot by slot, so a second challenge builds on the first. A success removes the fear of the
    place (and of public transport, if taken), adds it to the landscape while that holds fewer than
    ``landscape_max`` places, and may revive a tie; a failure may bring the fear back
    (``fear_return_prob``): the place leaves the landscape.
    """
    users, chances = b.users, today.chances
    activity, challenge, mode, success = s.activity, s.challenge, s.mode, s.success
    se, affect, anxiety, fear_place, landscape, fear_transit = (u.self_efficacy, u.affect, u.anxiety, u.fear_place,
                                                                u.landscape, u.fear_transit)
    one = np.empty(1, dtype=users.dtype)
    for k in range(activity.shape[1]):
        for v in range(activity.shape[0]):
            if activity[v, k] < 0 or not challenge[v, k]:
                continue
            i = users[v]
            won = chances[v, PER_VISIT + PER_SLOT * k + WIN] < win_chance(m.brave[v], m.alliance[v], se[i],
                                                                          anxiety[i], p)
            success[v, k] = won
            if won:
                se[i] = min(max(se[i] + p.success_se_gain * (1 - se[i]), 0.0), 1.0)
                affect[i] = min(affect[i] + p.success_wellbeing_gain, 1.0)
                place = acts.place[activity[v, k]]
                fear_place[i, place] = False
                if known_places(landscape, i) < p.landscape_max:
                    landscape[i, place] = True
                if mode[v, k] == trips.transit:
                    fear_transit[i] = False
                if chances[v, PER_VISIT + PER_SLOT * k + REVIVE] < p.reactivate_prob:
                    one[0] = i
                    reactivate(u.tie_start, u.tie_strength, one, 1, p.reactivated_strength)
            else:
                se[i] = min(max(se[i] - p.fail_se_loss, 0.0), 1.0)
                anxiety[i] = min(anxiety[i] + p.fail_anxiety_gain, 1.0)
                place = acts.place[activity[v, k]]
                if place > 0 and chances[v, PER_VISIT + PER_SLOT * k + REVIVE] < p.fear_return_prob:
                    fear_place[i, place] = True
                    landscape[i, place] = False
                    if mode[v, k] == trips.transit:
                        fear_transit[i] = True


@njit(cache=True, **INTERNAL)
def live_relation(b, u, t, m, acts, p, today, s, talk, quality):  # pragma: no cover - compiled
    """M4, M7, M8 (SIDL visits): the worker's presence, talk, and the relation with the regular worker.

    Presence is contact and calm in proportion to the alliance, and may enable a task; talk (up to
    a coffee's worth) lets the user be heard, in proportion to the relation's :func:`benefit` (affect
    today, recognition that lasts), may solve an admin problem and may spark dormant ties to life.
    The alliance with the regular worker grows with the visit's quality at the pair's own rate, more
    with mutual talk (``mutuality``); each activity the user did not want and each pushed challenge
    that failed risks a rupture (``rupture_prob``), which takes ``rupture_loss`` of the alliance.
    """
    users, chances, alliance, knowledge = b.users, today.chances, m.alliance, m.knowledge
    needs, se, affect, anxiety, contacts = u.needs, u.self_efficacy, u.affect, u.anxiety, u.contacts_today
    recognition = u.recognition
    home, admin, coffee = acts.home, acts.admin, p.coffee_minutes
    one = np.empty(1, dtype=users.dtype)
    for v in range(users.size):
        i = users[v]
        al = alliance[v]
        contacts[i] += p.contact_weight * al
        anxiety[i] = max(anxiety[i] - p.anxiety_relief * al, 0.0)
        if chances[v, ENABLE] < p.enable_own_doing:
            kind = admin if needs[i, admin] > needs[i, home] else home
            if needs[i, kind] >= 1:
                needs[i, kind] -= 1
                se[i] += p.own_doing_se_gain * (1 - se[i])
    for v in range(users.size):
        i = users[v]
        al = alliance[v]
        talked = min(talk[v] / coffee, 1.0)
        heard = talked * m.gives[v]
        affect[i] = min(affect[i] + p.heard_wellbeing_gain * heard, 1.0)
        recognition[i] += p.recognition_gain * heard * (1.0 - recognition[i])
        if chances[v, SOLVE] < p.problem_solve_prob * talked and needs[i, admin] >= 1:
            needs[i, admin] -= 1
        if chances[v, SPARK] < p.spark_prob * talked * al:
            one[0] = i
            reactivate(u.tie_start, u.tie_strength, one, p.spark_ties, p.reactivated_strength)
    activity, wanted, challenge, success, pushed = s.activity, s.wanted, s.challenge, s.success, \
        t.pushed_challenges
    for v in range(users.size):
        if m.by_regular[v]:
            i = users[v]
            al, kn = alliance[v], knowledge[v]
            talked = min(talk[v] / coffee, 1.0)
            al += p.alliance_gain * u.bond_rate[i] * (1 - al) * quality[v] * (1 + p.mutuality * talked)
            strains = 0
            for k in range(activity.shape[1]):
                a = activity[v, k]
                if a >= 0 and (not wanted[v, k] or (challenge[v, k] and pushed[v, a] and not success[v, k])):
                    strains += 1
            if chances[v, RUPTURE] < 1.0 - (1.0 - p.rupture_prob) ** strains:
                al *= 1.0 - p.rupture_loss
            u.alliance[i] = min(al, 1.0)
            u.knowledge[i] = kn + p.knowledge_gain * (1 - kn)


@njit(cache=True)
def log_visits(out, row, day, provider, user_id, worker_id, plan, acts, s):  # pragma: no cover - compiled
    """One row of ``out`` (:class:`EventColumns`) per activity done, from ``row``, visit by visit and slot by slot.

    ``user_id`` and ``worker_id`` are the ids of each visit's user and worker; returns the next free row.
    """
    category_of, place_of, challenge_code = acts.category, acts.place, acts.challenge_code
    activity, challenge, mode, minutes, travel_k, together, success = (s.activity, s.challenge, s.mode, s.minutes,
                                                                       s.travel, s.together, s.success)
    v_n, k_n = activity.shape
    for v in range(v_n):
        for k in range(k_n):
            a = activity[v, k]
            if a < 0:
                continue
            out.day[row] = day
            out.user_id[row] = user_id[v]
            out.worker_id[row] = worker_id[v]
            out.activity[row] = a
            out.category[row] = challenge_code if challenge[v, k] else category_of[a]
            out.place[row] = place_of[a]
            out.mode[row] = mode[v, k]
            out.minutes[row] = minutes[v, k]
            out.travel_minutes[row] = travel_k[v, k]
            out.planned[row] = plan[v, a]
            out.together[row] = together[v, k]
            out.success[row] = success[v, k]
            out.provider[row] = provider
            row += 1
    return row


@njit(cache=True)
def visit_day(users, people, trips, acts, pars, visits, terms, draws, columns, row, day,
              provider):  # pragma: no cover - compiled
    """A batch of visits from meeting to the event log, in one pass (:func:`sim.model.visits.visit`).

    Takes :class:`UserArrays`, :class:`People`, :class:`TripArrays`, :class:`ActivityTable`,
    :class:`VisitParams`, :class:`Visits`, :class:`HookTerms`, :class:`Draws` and :class:`EventColumns`
    as plain tuples, then the log's first free row, the day and the provider's code. The steps, in
    order: :func:`meet`, :func:`travel`, :func:`negotiate`, :func:`live_activities`, :func:`challenges`,
    :func:`live_relation` (SIDL visits only), :func:`visit_sums`, :func:`log_visits`.

    Returns (visit minutes, travel minutes with users, documentation minutes, sum of activity fit, activities done,
    visits by the regular worker, the worker id of each visit, each visit's length as run, the event log's next
    free row).
    """
    u, o, tr, ac, p = UserArrays(*users), People(*people), TripArrays(*trips), ActivityTable(*acts), VisitParams(*pars)
    b, t, d, out = Visits(*visits), HookTerms(*terms), Draws(*draws), EventColumns(*columns)
    v_n, a_n, k_n = b.users.size, ac.need_column.size, p.max_activities
    if d.start.size and d.start[0]:
        draw_rows(d, b.draw_row)
    today = Draws(d.chances[b.draw_row], d.taste[b.draw_row], d.perception[b.draw_row], d.start)

    m = Meeting(np.empty(v_n, dtype=np.int64), np.empty(v_n, dtype=np.bool_), np.empty(v_n), np.empty(v_n),
                np.empty(v_n), np.empty(v_n, dtype=np.bool_), np.empty(v_n, dtype=np.bool_))
    if b.with_worker:
        meet(b, u, o, p, today.chances[:, INITIATE], m)
    else:  # another provider: met as a stranger, no relation, no dares
        for v in range(v_n):
            m.worker_id[v], m.by_regular[v], m.alliance[v], m.knowledge[v] = -1, False, p.initial_alliance, 0.0
            m.gives[v] = benefit(m.alliance[v], 0.0, u.courage[b.users[v]], p)
            m.brave[v], m.dare[v] = u.courage[b.users[v]] >= p.brave_threshold, False

    options = TravelOptions(np.empty((v_n, a_n), dtype=np.int8), np.empty((v_n, a_n)),
                            np.empty((v_n, a_n), dtype=np.bool_))
    travel(b.users, u, t, tr, ac, m.dare, options)

    s = Slots(activity=np.full((v_n, k_n), -1, dtype=np.int64), mode=np.zeros((v_n, k_n), dtype=np.int64),
              minutes=np.zeros((v_n, k_n)), travel=np.zeros((v_n, k_n)),
              together=np.zeros((v_n, k_n), dtype=np.bool_), challenge=np.zeros((v_n, k_n), dtype=np.bool_),
              fit=np.zeros((v_n, k_n)), wanted=np.ones((v_n, k_n), dtype=np.bool_),
              success=np.ones((v_n, k_n), dtype=np.bool_), user_top=np.zeros(v_n, dtype=np.int64))
    visit_minutes = b.minutes.astype(np.float64)
    negotiate(b, u, t, options, m, ac, p, today, visit_minutes, s)

    talk, quality = np.zeros(v_n), np.zeros(v_n)
    live_activities(b, u, t, ac, p, m, today, s, talk, quality)
    challenges(b, u, tr, ac, p, m, today, s)
    if b.with_worker:
        live_relation(b, u, t, m, ac, p, today, s, talk, quality)

    visit_total, travel_total, doc_total, fit_total, done = visit_sums(visit_minutes, s.travel,
                                                                       t.documentation_minutes, s.activity, s.fit)
    end = log_visits(out, row, day, provider, o.user_uid[b.users], m.worker_id, b.plan, ac, s)
    return (visit_total, travel_total, doc_total, fit_total, done, np.count_nonzero(m.by_regular), m.worker_id,
            visit_minutes, end)


#: Taste is uniform with unit sd: centred, times sqrt(12).
TASTE_SCALE = float(np.sqrt(12.0))


@njit(cache=True)
def visit_draws(g, chances, taste, perception):  # pragma: no cover - compiled
    """Today's visit draws for every user (:class:`Draws`): a uniform block per user, then the normals.

    Each user's row of the block is their chances, then their taste, uniform around 0 scaled by ``TASTE_SCALE``.
    """
    for i in range(chances.shape[0]):
        for j in range(chances.shape[1]):
            chances[i, j] = uniform(g)
        for j in range(taste.shape[1]):
            taste[i, j] = (uniform(g) - 0.5) * TASTE_SCALE
    fill_normal(g, perception)


@njit(cache=True)
def defer_visit_draws(g, chances, taste, perception, start):  # pragma: no cover - compiled
    """Today's visit draws as :func:`visit_draws` draws them, the rows of the uniform block left for :func:`draw_rows`.

    The stream's state where the block begins is kept in ``start`` (after a 1), the stream jumps
    past the block (:func:`pcg_jump`) and draws the normals, so it is left where :func:`visit_draws`
    leaves it, and a row drawn later holds the very numbers it would have held. Most users have no
    visit on a given day, so most rows are never drawn. A handle without a PCG64 address
    (``g[PCG] == 0``, :func:`sim.world.streams.pcg_address`) draws every row now (``start[0] = 0``).
    """
    if g[PCG] == 0:
        start[0] = 0
        visit_draws(g, chances, taste, perception)
        return
    start[0] = 1
    for w in range(4):
        start[1 + w] = _load(g[PCG] + np.uint64(8 * w))
    live = start[1:].copy()
    pcg_jump(live, chances.shape[0] * (chances.shape[1] + taste.shape[1]))
    _store(g[PCG], live[0])
    _store(g[PCG] + np.uint64(8), live[1])
    fill_normal(g, perception)


@njit(cache=True)
def draw_rows(d, rows):  # pragma: no cover - compiled
    """Rows ``rows`` of the chances and taste of :class:`Draws` ``d``, drawn on demand (:func:`defer_visit_draws`)."""
    chances, taste = d.chances, d.taste
    per_row = chances.shape[1] + taste.shape[1]
    s = np.empty(4, dtype=np.uint64)
    for r in rows:
        s[:] = d.start[1:]
        pcg_jump(s, r * per_row)
        for j in range(chances.shape[1]):
            chances[r, j] = pcg_uniform(s)
        for j in range(taste.shape[1]):
            taste[r, j] = (pcg_uniform(s) - 0.5) * TASTE_SCALE


@njit(cache=True)
def visit_sums(minutes, travel, documentation, activity, fit):  # pragma: no cover - compiled
    """The day's visit minutes, travel, documentation and activity fit, summed as numpy sums them (model._account).

    Returns (visit minutes, travel minutes, documentation minutes, sum of fit over activities done, activities done).
    """
    flat_activity, flat_fit = activity.ravel(), fit.ravel()
    done = np.empty(flat_fit.size)
    n_done = 0
    for i in range(flat_fit.size):
        if flat_activity[i] >= 0:
            done[n_done] = flat_fit[i]
            n_done += 1
    flat_travel = travel.ravel()
    return (pairwise_sum(minutes, 0, minutes.size), pairwise_sum(flat_travel, 0, flat_travel.size),
            pairwise_sum(documentation, 0, documentation.size), pairwise_sum(done, 0, n_done), n_done)


@njit(cache=True)
def reactivate(tie_start, strength, users, k, level):  # pragma: no cover - compiled
    """Up to ``k`` strongest dormant ties (below ``level``) of each user set to ``level``; ties go to the first."""
    for u in users:
        for _ in range(k):
            best, best_value = -1, -np.inf
            for t in range(tie_start[u], tie_start[u + 1]):
                if strength[t] < level and strength[t] > best_value:
                    best, best_value = t, strength[t]
            if best < 0:
                break
            strength[best] = level


# -- the day's bookkeeping ------------------------------------------------------------------------------
@njit(cache=True)
def add_needs(needs, g, rates, most):  # pragma: no cover - compiled
    """Today's new needs, Poisson with ``rates[j]`` per kind, drawn kind by kind; the backlog capped."""
    for j in range(needs.shape[1]):
        lam = rates[j]
        if 0 < lam < 10:
            enlam = np.exp(-lam)
            for i in range(needs.shape[0]):
                needs[i, j] = min(needs[i, j] + poisson_below_10(g, enlam), most)
        else:
            for i in range(needs.shape[0]):
                needs[i, j] = min(needs[i, j] + poisson(g, lam), most)


@njit(cache=True)
def courage(c, trait, g, persistence, coef):  # pragma: no cover - compiled
    """Today's courage, AR(1) around the personal mean (:func:`sim.model.dynamics.daily_courage`)."""
    for i in range(c.size):
        c[i] = min(max(trait[i] + persistence * (c[i] - trait[i]) + coef * normal(g), 0.0), 1.0)


@njit(cache=True)
def live_days(days, courage_args, needs_args, users, pars, streams):  # pragma: no cover - compiled
    """``days`` days of :func:`courage`, :func:`add_needs` and :func:`evening` in turn, in one call (the
    burn-in, :func:`sim.model.dynamics.burn_in`); the first two take their arguments as tuples."""
    for _ in range(days):
        courage(*courage_args)
        add_needs(*needs_args)
        evening(users, pars, streams)


@njit(cache=True)
def chances(g, p, out):  # pragma: no cover - compiled
    """``out[:] = rng.random(out.size) < p``, drawn from the stream with handle ``g``; returns how many came true."""
    hits = 0
    for i in range(out.size):
        out[i] = uniform(g) < p
        hits += out[i]
    return hits


@njit(cache=True)
def scheduled(weekdays, day, pending, out):  # pragma: no cover - compiled
    """Visits due today: the user's visit weekdays, and visits moved to today (``SIDLModel._due``)."""
    for i in range(out.size):
        out[i] = weekdays[i, day] or pending[i]


@njit(cache=True)
def move_visits(due, weekdays, tomorrow, courage, threshold, pushed, max_days, pending, allowed):  # pragma: no cover
    """Due visits on a bad day move to tomorrow if it is a free weekday and moves are ``allowed``.

    Called by :meth:`sim.model.model.SIDLModel._due`. Returns how many visits moved for the first time,
    and the users visited today.
    """
    moved = 0
    for i in range(due.size):
        if not allowed:
            pending[i] = False
            continue
        free = tomorrow < 5 and not weekdays[i, tomorrow]
        move = due[i] and free and courage[i] < threshold and pushed[i] < max_days
        if move and pushed[i] == 0:
            moved += 1
        pushed[i] = pushed[i] + 1 if move else 0
        pending[i] = move
        if move:
            due[i] = False
    return moved, np.flatnonzero(due)


@njit(cache=True)
def _block_sum(a, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise sum of at most 128 items: eight running sums, then the rest in order."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i, whole = 8, n - n % 8
    while i < whole:
        j = lo + i
        r0 += a[j]
        r1 += a[j + 1]
        r2 += a[j + 2]
        r3 += a[j + 3]
        r4 += a[j + 4]
        r5 += a[j + 5]
        r6 += a[j + 6]
        r7 += a[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for j in range(lo + i, lo + n):
        res += a[j]
    return res


@njit(cache=True)
def pairwise_sum(a, lo, n):  # pragma: no cover - compiled
    """Sum of ``a[lo:lo + n]`` in numpy's pairwise order, so it equals ``a[lo:lo + n].sum()`` bit for bit.

    numpy halves the range (at a multiple of 8) until a part has at most 128 items; the halving is
    walked with an explicit stack because numba's cache cannot hold recursive functions safely.
    """
    if n <= 128:
        return _block_sum(a, lo, n)
    f_lo = np.empty(64, dtype=np.int64)
    f_n = np.empty(64, dtype=np.int64)
    f_left = np.empty(64)
    f_phase = np.zeros(64, dtype=np.int64)  # 0 new, 1 left half running, 2 right half running
    top = 0
    f_lo[0], f_n[0] = lo, n
    while True:
        m = f_n[top]
        if f_phase[top] == 0 and m > 128:
            half = m // 2 - (m // 2) % 8
            f_phase[top] = 1
            top += 1
            f_lo[top], f_n[top], f_phase[top] = f_lo[top - 1], half, 0
            continue
        val = _block_sum(a, f_lo[top], m)
        top -= 1
        while top >= 0 and f_phase[top] == 2:  # a right half is done: add it to its left half
            val = f_left[top] + val
            top -= 1
        if top < 0:
            return val
        half = f_n[top] // 2 - (f_n[top] // 2) % 8
        f_left[top], f_phase[top] = val, 2
        top += 1
        f_lo[top], f_n[top], f_phase[top] = f_lo[top - 1] + half, f_n[top - 1] - half, 0


@njit(cache=True)
def daily_means(loneliness, wellbeing, se, anxiety, alliance, tie_strength, landscape, needs, lonely_at, active_at,
                out):  # pragma: no cover - compiled
    """The day's row of the time series in one pass (:func:`sim.model.reporters.measure`), in ``TIMESERIES`` order."""
    n = loneliness.size
    lonely = 0
    for i in range(n):
        lonely += loneliness[i] >= lonely_at
    active = 0
    for t in range(tie_strength.size):
        active += tie_strength[t] >= active_at
    known = 0
    for i in range(n):
        known += known_places(landscape, i)
    flat_needs = needs.ravel()
    out[0] = ucla3(pairwise_sum(loneliness, 0, n) / n)
    out[1] = lonely / n
    out[2] = wemwbs(pairwise_sum(wellbeing, 0, n) / n)
    out[3] = pairwise_sum(se, 0, n) / n
    out[4] = active / n
    out[5] = known / n
    out[6] = pairwise_sum(flat_needs, 0, flat_needs.size) / n
    out[7] = pairwise_sum(anxiety, 0, n) / n
    out[8] = pairwise_sum(alliance, 0, n) / n
