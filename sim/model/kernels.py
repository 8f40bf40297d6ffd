"""Compiled daily kernels (numba) for the per-user arithmetic that numpy does in many small calls.

At municipality scale a day is ~300 numpy calls on arrays of 200 users, each costing more in
call overhead than in arithmetic (docs/PERFORMANCE.md). These loops do the same arithmetic in
the same order, so results are bit-identical to the numpy versions they replace (checked by the
baseline test).

Kernels draw their random numbers themselves, from the named streams (:mod:`sim.world.streams`): a
stream is passed as its *handle*, the addresses of its bit generator's ``next_double`` and
``next_uint64`` and of its state (numpy's documented ctypes interface for compiled code).
:func:`uniform`, :func:`normal` and :func:`poisson` repeat the algorithms of numpy's
``Generator.random``, ``standard_normal`` and ``poisson``, so a kernel draws the very numbers
numpy would and leaves the stream where numpy would have left it. They live in this file
because numba's cache does not notice changes to jitted code in another module.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic
from numba.np.random._constants import fi_double, ki_double, wi_double, ziggurat_nor_inv_r, ziggurat_nor_r

# -- drawing from a stream's handle -----------------------------------------------------------------
NEXT_DOUBLE, NEXT_UINT64, STATE = range(3)
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
def poisson(g, lam):  # pragma: no cover - compiled
    """One draw of ``Generator.poisson(lam)``: multiplication below 10, numpy's PTRS rejection above."""
    if lam == 0:
        return 0
    if lam < 10:
        enlam, x, prod = np.exp(-lam), 0, 1.0
        while True:
            prod *= uniform(g)
            if prod > enlam:
                x += 1
            else:
                return x
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

# -- the day ------------------------------------------------------------------------------------------
#: Columns of a user's block of chance draws for a visit (visits.VisitDraws): five per visit, then
#: three per activity slot (place learnt, challenge won, tie revived).
TOGETHER, INITIATE, ENABLE, SOLVE, SPARK = range(5)
PER_VISIT, PER_SLOT = 5, 3


@njit(cache=True)
def relax_loneliness(lon, cw, ct, off, g, noise_sd, memory, cscale, lmin, lmax, rate):  # pragma: no cover - compiled
    """Recent contact remembered, loneliness drifts toward the level it sustains (dynamics.relax_loneliness)."""
    for i in range(lon.size):
        cw[i] += (7.0 * ct[i] - cw[i]) / memory
        t = lmin + (lmax - lmin) * np.exp(-cw[i] / cscale) + off[i]
        t = min(max(t, 0.0), 1.0)
        lon[i] = min(max(lon[i] + rate * (t - lon[i]) + noise_sd * normal(g), 0.0), 1.0)
        ct[i] = 0.0


@njit(cache=True)
def relax(lon, cw, ct, off, anx, anx_trait, se, wb, needs, g, noise_sd, memory, cscale, lmin, lmax, rate, arate, abuf,
          sedecay, sefloor, wrate, base, sew, lw, aw, nw, cap):  # pragma: no cover - compiled
    """End of day: recent contact, loneliness, anxiety, self-efficacy, wellbeing (the drift of dynamics.evening)."""
    relax_loneliness(lon, cw, ct, off, g, noise_sd, memory, cscale, lmin, lmax, rate)
    for i in range(lon.size):
        at = anx_trait[i] * (1 - abuf * se[i])
        anx[i] = min(max(anx[i] + arate * (at - anx[i]), 0.0), 1.0)
        se[i] = min(max(se[i] + sedecay * (sefloor - se[i]), 0.0), 1.0)
        backlog = min((needs[i, 0] + needs[i, 1] + needs[i, 2] + needs[i, 3]) / cap, 1.0)
        target = base + sew * se[i] - lw * lon[i] - aw * anx[i] - nw * backlog
        wb[i] = min(max(wb[i] + wrate * (target - wb[i]), 0.0), 1.0)


@njit(cache=True)
def network_contact(strength, owner, drive, g, decay, boost, contacts):  # pragma: no cover - compiled
    """Contact on each tie with chance strength^2 x drive of its owner; decay; boost (dynamics.network_contact)."""
    for t in range(strength.size):
        met = uniform(g) < strength[t] ** 2 * drive[owner[t]]
        strength[t] *= decay
        if met:
            strength[t] += boost * (1 - strength[t])
            contacts[owner[t]] += 1.0


@njit(cache=True)
def own_doing(needs, landscape, need_place, g, rate, se, keep):  # pragma: no cover - compiled
    """Tasks a user does alone where the place is known (dynamics.evening); ``keep[k]`` = (1 - gain)^k."""
    for i in range(needs.shape[0]):
        chance = rate * se[i]
        k = 0
        for j in range(needs.shape[1]):
            draw = uniform(g)
            if needs[i, j] >= 1 and landscape[i, need_place[j]] and draw < chance:
                needs[i, j] -= 1
                k += 1
        se[i] += (1 - keep[k]) * (1 - se[i])


@njit(cache=True)
def contact_drive(rate, withdrawal, loneliness, courage, se):  # pragma: no cover - compiled
    """How much a user seeks contact (dynamics.contact_drive)."""
    return rate * (1 - withdrawal * loneliness) * (courage + se)


@njit(cache=True)
def contact_drives(rate, withdrawal, loneliness, courage, se, out):  # pragma: no cover - compiled
    for i in range(out.size):
        out[i] = contact_drive(rate, withdrawal, loneliness[i], courage[i], se[i])


@njit(cache=True)
def evening(needs, landscape, need_place, g_doing, doing_rate, keep, se, g_outings, outing_rate, saturation,
            incidental, contacts, strength, owner, g_contact, contact_rate, withdrawal, courage, decay, boost,
            lon, cw, off, anx, anx_trait, wb, g_noise, noise_sd, memory, cscale, lmin, lmax, rate, arate, abuf, sedecay,
            sefloor, wrate, base, sew, lw, aw, nw, cap, relation_days):  # pragma: no cover - compiled
    """Own doing, outings, network contact, the end-of-day drift (dynamics.daily_evening); relations a day older."""
    own_doing(needs, landscape, need_place, g_doing, doing_rate, se, keep)
    own_outings(landscape, se, g_outings, outing_rate, saturation, incidental, contacts)
    drive = np.empty(se.size)
    contact_drives(contact_rate, withdrawal, lon, courage, se, drive)
    network_contact(strength, owner, drive, g_contact, decay, boost, contacts)
    relax(lon, cw, contacts, off, anx, anx_trait, se, wb, needs, g_noise, noise_sd, memory, cscale, lmin, lmax, rate,
          arate, abuf, sedecay, sefloor, wrate, base, sew, lw, aw, nw, cap)
    for i in range(relation_days.size):
        relation_days[i] += 1


@njit(cache=True)
def visit_draws(g, chances, taste, perception, taste_scale):  # pragma: no cover - compiled
    """Today's visit draws for every user (visits.VisitDraws): a uniform block per user, then the normals.

    Each user's row of the block is their chances, then their taste, uniform around 0 scaled by ``taste_scale``.
    """
    for i in range(chances.shape[0]):
        for j in range(chances.shape[1]):
            chances[i, j] = uniform(g)
        for j in range(taste.shape[1]):
            taste[i, j] = (uniform(g) - 0.5) * taste_scale
    fill_normal(g, perception)


@njit(cache=True)
def negotiate(needs, users, need_column, allowed, travel, mode, feared, pushed, plan, dare, courage, tog_draw,
              perception, knowledge, taste, visit_minutes, is_task, demand, pleasure, is_talk, act_minutes, outside,
              together_prob, coffee_minutes, together_factor, urgency_weight, urgency_scale, misfit_weight,
              perception_noise, choice_noise, dare_weight, plan_weight, voice, forced, chosen, mode_out, minutes_out,
              travel_out, together_out, challenge_out, fit_out, user_top):  # pragma: no cover - compiled
    """Score, then choose greedily while time is left (visits.negotiate).

    A task is possible only while its need is pending; ``allowed`` is what the rules allow.
    """
    v_n, a_n = allowed.shape
    k_n = chosen.shape[1]
    score = np.empty(a_n)
    duration = np.empty(a_n)
    minutes = np.empty(a_n)
    together = np.empty(a_n, dtype=np.bool_)
    for v in range(v_n):
        c = courage[v]
        seen = c + perception_noise * (1.0 - knowledge[v]) * perception[v]
        best_user, top = -np.inf, 0
        for a in range(a_n):
            together[a] = is_task[a] and c >= demand[a] and tog_draw[v] < together_prob
            base = coffee_minutes if is_talk[a] else act_minutes[a]
            minutes[a] = base * together_factor if together[a] else base
            duration[a] = minutes[a] + travel[v, a]
            pending = needs[users[v], need_column[a]] if is_task[a] else 0.0
            feasible = allowed[v, a] and (pending >= 1 or not is_task[a]) and np.isfinite(travel[v, a]) \
                and ((not feared[v, a]) or dare[v] or pushed[v, a])
            urgency = urgency_weight * (1.0 - np.exp(-pending / urgency_scale))
            misfit = abs(demand[a] - c)
            misfit_seen = abs(demand[a] - seen)
            proposed = 1.0 if (feared[v, a] and dare[v]) else 0.0
            pushed_or = 1.0 if (pushed[v, a] or proposed > 0) else 0.0
            user = pleasure[a] + urgency - misfit_weight * misfit + choice_noise * taste[v, a] + dare_weight * proposed
            worker = urgency + plan_weight * (1.0 if plan[v, a] else 0.0) - misfit_weight * misfit_seen \
                + dare_weight * pushed_or
            if feasible:
                score[a] = forced if pushed[v, a] else voice * user + (1 - voice) * worker
                if user > best_user:
                    best_user, top = user, a
            else:
                score[a] = -np.inf
        user_top[v] = top
        left = visit_minutes[v]
        for k in range(k_n):
            best, best_score = -1, -np.inf
            for a in range(a_n):
                if duration[a] <= left and score[a] > best_score:
                    best, best_score = a, score[a]
            if best < 0:
                continue
            chosen[v, k] = best
            left -= duration[best]
            score[best] = -np.inf
            mode_out[v, k] = mode[v, best]
            minutes_out[v, k] = minutes[best]
            travel_out[v, k] = travel[v, best] if outside[best] else 0.0
            together_out[v, k] = together[best]
            challenge_out[v, k] = feared[v, best]
            fit_out[v, k] = 1.0 - abs(demand[best] - c)


@njit(cache=True)
def live_activities(users, activity, together, fit, minutes, travel, user_top, slot_draws, needs, se, wb, contacts,
                    landscape, fear_place, need_of, pleasure_of, place_of, outside_of, is_talk, share, together_gain,
                    for_user_gain, pleasure_gain, choice_gain, incidental, learn_prob, talk_minutes,
                    quality):  # pragma: no cover - compiled
    """Tasks, capacity, pleasure, contact in passing, places learnt (visits.live, before challenges)."""
    v_n, k_n = activity.shape
    for v in range(v_n):
        u = users[v]
        keep = 1.0
        pleasure = 0.0
        n_out = 0
        talk = 0.0
        fit_sum = 0.0
        n_on = 0
        for k in range(k_n):
            a = activity[v, k]
            if a < 0:
                continue
            n_on += 1
            fit_sum += fit[v, k]
            need = need_of[a]
            if need >= 0:
                needs[u, need] -= 1.0
                keep *= 1.0 - (together_gain if together[v, k] else for_user_gain) * fit[v, k]
            pleasure += pleasure_gain * pleasure_of[a] * fit[v, k]
            if is_talk[a]:
                talk += minutes[v, k]
            else:
                talk += share[v] * (minutes[v, k] + travel[v, k])
            if outside_of[a]:
                n_out += 1
                p = place_of[a]
                if not fear_place[u, p] and slot_draws[v, k] < learn_prob:
                    landscape[u, p] = True
        for j in range(needs.shape[1]):
            needs[u, j] = max(needs[u, j], 0.0)
        se[u] = 1.0 - (1.0 - se[u]) * keep
        chose = 1.0 if (activity[v, 0] >= 0 and activity[v, 0] == user_top[v]) else 0.0
        wb[u] += pleasure + choice_gain * chose
        contacts[u] += incidental * n_out
        talk_minutes[v] = talk
        quality[v] = fit_sum / max(n_on, 1) if n_on > 0 else 1.0


@njit(cache=True)
def live_relation(users, alliance, knowledge, by_regular, talk_minutes, quality, enable_draw, solve_draw, spark_draw,
                  needs, se, wb, anxiety, contacts, alliance_state, knowledge_state, contact_weight, anxiety_relief,
                  enable_prob, own_doing_gain, coffee_minutes, heard_gain, solve_prob, spark_prob, alliance_gain,
                  knowledge_gain, mutuality, home, admin, tie_start, tie_strength, spark_ties,
                  reactivated):  # pragma: no cover - compiled
    """Presence, talk and the relation (visits.live); talk that sparks gives dormant ties new life."""
    one = np.empty(1, dtype=users.dtype)
    for v in range(users.size):
        u = users[v]
        al = alliance[v]
        contacts[u] += contact_weight * al
        anxiety[u] = max(anxiety[u] - anxiety_relief * al, 0.0)
        if enable_draw[v] < enable_prob:
            kind = admin if needs[u, admin] > needs[u, home] else home
            if needs[u, kind] >= 1:
                needs[u, kind] -= 1
                se[u] += own_doing_gain * (1 - se[u])
    for v in range(users.size):
        u = users[v]
        al = alliance[v]
        tq = min(talk_minutes[v] / coffee_minutes, 1.0)
        wb[u] += heard_gain * tq * al
        if solve_draw[v] < solve_prob * tq and needs[u, admin] >= 1:
            needs[u, admin] -= 1
        if spark_draw[v] < spark_prob * tq * al:
            one[0] = u
            reactivate(tie_start, tie_strength, one, spark_ties, reactivated)
    for v in range(users.size):
        if by_regular[v]:
            u = users[v]
            al, kn = alliance[v], knowledge[v]
            tq = min(talk_minutes[v] / coffee_minutes, 1.0)
            alliance_state[u] = al + alliance_gain * (1 - al) * quality[v] * (1 + mutuality * tq)
            knowledge_state[u] = kn + knowledge_gain * (1 - kn)


@njit(cache=True)
def add_needs(needs, g, rates, most):  # pragma: no cover - compiled
    """Today's new needs, Poisson with ``rates[j]`` per kind, drawn kind by kind; the backlog capped."""
    for j in range(needs.shape[1]):
        for i in range(needs.shape[0]):
            needs[i, j] = min(needs[i, j] + poisson(g, rates[j]), most)


@njit(cache=True)
def courage(c, trait, g, persistence, coef):  # pragma: no cover - compiled
    """Today's courage, AR(1) around the personal mean (dynamics.update_courage)."""
    for i in range(c.size):
        c[i] = min(max(trait[i] + persistence * (c[i] - trait[i]) + coef * normal(g), 0.0), 1.0)


@njit(cache=True)
def own_outings(landscape, se, g, rate, saturation, weight, contacts):  # pragma: no cover - compiled
    """Outings alone to known places, contact in passing (dynamics.own_outings)."""
    for i in range(se.size):
        known = 0
        for p in range(1, landscape.shape[1]):
            known += landscape[i, p]
        if uniform(g) < rate * se[i] * min(known / saturation, 1.0):
            contacts[i] += weight


@njit(cache=True)
def log_visits(row, day, provider, user_id, worker_id, activity, challenge, mode, minutes, travel, plan, together,
               success, category_of, place_of, challenge_code, out_day, out_user, out_worker, out_activity,
               out_category, out_place, out_mode, out_minutes, out_travel, out_planned, out_together, out_success,
               out_provider):  # pragma: no cover - compiled
    """One row per activity done, visit by visit and slot by slot (events.EventLog); returns the new row count."""
    v_n, k_n = activity.shape
    for v in range(v_n):
        for k in range(k_n):
            a = activity[v, k]
            if a < 0:
                continue
            out_day[row] = day
            out_user[row] = user_id[v]
            out_worker[row] = worker_id[v]
            out_activity[row] = a
            out_category[row] = challenge_code if challenge[v, k] else category_of[a]
            out_place[row] = place_of[a]
            out_mode[row] = mode[v, k]
            out_minutes[row] = minutes[v, k]
            out_travel[row] = travel[v, k]
            out_planned[row] = plan[v, a]
            out_together[row] = together[v, k]
            out_success[row] = success[v, k]
            out_provider[row] = provider
            row += 1
    return row


@njit(cache=True)
def win_chance(brave, alliance, se, anxiety, base, brave_logit, alliance_logit, se_logit,
               anxiety_logit):  # pragma: no cover - compiled
    """Chance a feared activity succeeds (visits.success_probability): a logistic in trust on a brave day."""
    z = base + (brave_logit + alliance_logit * alliance) * (1.0 if brave else 0.0) + se_logit * se \
        - anxiety_logit * anxiety
    return 1.0 / (1.0 + np.exp(-z))


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


@njit(cache=True)
def challenges(users, activity, mode, challenge, brave, alliance, win_draw, again_draw, se, wb, anxiety, fear_place,
               landscape, fear_transit, tie_start, tie_strength, place_of, transit, base, brave_logit,
               alliance_logit, se_logit, anxiety_logit, se_gain, se_loss, wb_gain, anxiety_gain, again_prob,
               level, success):  # pragma: no cover - compiled
    """Feared activities tried today succeed or fail, slot by slot (visits._challenges)."""
    one = np.empty(1, dtype=users.dtype)
    for k in range(activity.shape[1]):
        for v in range(activity.shape[0]):
            if activity[v, k] < 0 or not challenge[v, k]:
                continue
            u = users[v]
            p = win_chance(brave[v], alliance[v], se[u], anxiety[u], base, brave_logit, alliance_logit, se_logit,
                           anxiety_logit)
            won = win_draw[v, k] < p
            success[v, k] = won
            if won:
                se[u] = min(max(se[u] + se_gain * (1 - se[u]), 0.0), 1.0)
                wb[u] += wb_gain
                place = place_of[activity[v, k]]
                fear_place[u, place] = False
                landscape[u, place] = True
                if mode[v, k] == transit:
                    fear_transit[u] = False
                if again_draw[v, k] < again_prob:
                    one[0] = u
                    reactivate(tie_start, tie_strength, one, 1, level)
            else:
                se[u] = min(max(se[u] - se_loss, 0.0), 1.0)
                anxiety[u] = min(anxiety[u] + anxiety_gain, 1.0)


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
    """The day's row of the time series in one pass (reporters.measure), in ``reporters.TIMESERIES`` order."""
    n = loneliness.size
    lonely = 0
    for i in range(n):
        lonely += loneliness[i] >= lonely_at
    active = 0
    for t in range(tie_strength.size):
        active += tie_strength[t] >= active_at
    known = 0
    for i in range(n):
        for p in range(1, landscape.shape[1]):
            known += landscape[i, p]
    flat_needs = needs.ravel()
    out[0] = 3.0 + 6.0 * (pairwise_sum(loneliness, 0, n) / n)
    out[1] = lonely / n
    out[2] = 14.0 + 56.0 * (pairwise_sum(wellbeing, 0, n) / n)
    out[3] = pairwise_sum(se, 0, n) / n
    out[4] = active / n
    out[5] = known / n
    out[6] = pairwise_sum(flat_needs, 0, flat_needs.size) / n
    out[7] = pairwise_sum(anxiety, 0, n) / n
    out[8] = pairwise_sum(alliance, 0, n) / n


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
    """Visits due today: the user's visit weekdays, and visits moved to today (model._due)."""
    for i in range(out.size):
        out[i] = weekdays[i, day] or pending[i]


@njit(cache=True)
def move_visits(due, weekdays, tomorrow, courage, threshold, pushed, max_days, pending, allowed):  # pragma: no cover
    """Due visits on a bad day move to tomorrow if it is a free weekday and moves are ``allowed`` (model._due).

    Returns how many visits moved for the first time, and the users visited today.
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
def meet(users, workers, worker_uid, regular, bond_worker, alliance, knowledge, relation_days, initial_alliance,
         courage, brave_at, initiate_draw, trust_at, initiate_prob, uid, by_regular, alliance_v, knowledge_v, brave,
         dare):  # pragma: no cover - compiled
    """Who the user meets, the relation they meet with, and whether they dare (model._meet)."""
    for v in range(users.size):
        u = users[v]
        uid[v] = worker_uid[workers[v]]
        regular_uid = worker_uid[regular[u]]
        if regular_uid != bond_worker[u]:
            alliance[u] = initial_alliance
            knowledge[u] = 0.0
            relation_days[u] = 0
        bond_worker[u] = regular_uid
        by_regular[v] = uid[v] == regular_uid
        alliance_v[v] = alliance[u] if by_regular[v] else initial_alliance
        knowledge_v[v] = knowledge[u] if by_regular[v] else 0.0
        brave[v] = courage[u] >= brave_at
        dare[v] = brave[v] and alliance_v[v] >= trust_at and initiate_draw[v] < initiate_prob


@njit(cache=True)
def travel(users, modes, factors, fears, trip_mode, trip_minutes, transit_minutes, n_users, mode_bit, fears_bit, dare,
           pushed, transit, outside, fear_place, place_of, mode, minutes, feared):  # pragma: no cover - compiled
    """Mode, round-trip minutes and fear per visit and activity, from the precomputed trips (visits.travel_options).

    A visit's row in the trip table is its case code (``trips.MODE_BIT``, ``trips.FEARS_TRANSIT``) x users + user.
    A trip takes ``factors[v, mode]`` times as long as the table says (the rules' ``travel_factors``).
    """
    v_n, a_n = mode.shape
    for v in range(v_n):
        u = users[v]
        code = 0
        for m in range(modes.shape[1]):
            if modes[v, m]:
                code += mode_bit[m]
        if fears[v]:
            code += fears_bit
        row = code * n_users + u
        may_practise = fears[v] and modes[v, transit]
        for a in range(a_n):
            mode[v, a] = trip_mode[row, a]
            minutes[v, a] = trip_minutes[row, a]
            if may_practise and outside[a] and (dare[v] or pushed[v, a]):
                mode[v, a] = transit
                minutes[v, a] = transit_minutes[u, a]
            minutes[v, a] *= factors[v, mode[v, a]]
            feared[v, a] = outside[a] and (fear_place[u, place_of[a]] or (mode[v, a] == transit and fears[v]))


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
def visit_day(batch, terms, draws, state, org, trips, acts, pars, log):  # pragma: no cover - compiled
    """A day's visits from meeting to the event log, in one pass (visits.visit); the sub-steps are the kernels above.

    Returns (visit minutes, travel minutes with users, documentation minutes, sum of activity fit, activities done,
    visits by the regular worker, the worker id of each visit, the event log's next free row).
    """
    users, draw_row, workers, visit_minutes, plan, with_worker = batch
    allowed, modes, factors, pushed, share, documentation = terms
    chances_all, taste_all, perception_all = draws
    (needs, se, wb, anxiety, contacts, landscape, fear_place, fear_transit, tie_start, tie_strength, courage_all,
     alliance_all, knowledge_all, bond_worker, relation_days) = state
    worker_uid, regular = org
    trip_mode, trip_minutes, transit_minutes, n_users, mode_bit, fears_bit = trips
    (need_column, is_task, demand, pleasure, is_talk, act_minutes, outside, need_of, place_of, category_of,
     challenge_code, transit, home, admin) = acts
    p_meet, p_negotiate, p_live, p_challenge, p_relation = pars
    columns, row, day, provider, user_uid, k_n = log

    v_n, a_n = users.size, need_column.size
    chances, taste, perception = chances_all[draw_row], taste_all[draw_row], perception_all[draw_row]
    courage = courage_all[users]
    uid, alliance, knowledge = np.empty(v_n, dtype=np.int64), np.empty(v_n), np.empty(v_n)
    by_regular, brave, dare = (np.empty(v_n, dtype=np.bool_), np.empty(v_n, dtype=np.bool_),
                               np.empty(v_n, dtype=np.bool_))
    initial_alliance, brave_at, trust_at, initiate_prob = p_meet
    if with_worker:
        meet(users, workers, worker_uid, regular, bond_worker, alliance_all, knowledge_all, relation_days,
             initial_alliance, courage_all, brave_at, chances[:, INITIATE], trust_at, initiate_prob, uid, by_regular,
             alliance, knowledge, brave, dare)
    else:  # another provider: no relation, no dares
        for v in range(v_n):
            uid[v], by_regular[v], alliance[v], knowledge[v] = -1, False, 0.0, 0.0
            brave[v], dare[v] = courage[v] >= brave_at, False

    mode_a, travel_a = np.empty((v_n, a_n), dtype=np.int8), np.empty((v_n, a_n))
    feared = np.empty((v_n, a_n), dtype=np.bool_)
    travel(users, modes, factors, fear_transit[users], trip_mode, trip_minutes, transit_minutes, n_users, mode_bit,
           fears_bit, dare, pushed, transit, outside, fear_place, place_of, mode_a, travel_a, feared)

    activity, mode = np.full((v_n, k_n), -1, dtype=np.int64), np.zeros((v_n, k_n), dtype=np.int64)
    minutes, travel_k, fit = np.zeros((v_n, k_n)), np.zeros((v_n, k_n)), np.zeros((v_n, k_n))
    together, challenge = np.zeros((v_n, k_n), dtype=np.bool_), np.zeros((v_n, k_n), dtype=np.bool_)
    top = np.zeros(v_n, dtype=np.int64)
    minutes_f = visit_minutes.astype(np.float64)
    (together_prob, coffee, together_factor, urgency_weight, urgency_scale, misfit_weight, perception_noise,
     choice_noise, dare_weight, plan_weight, voice, forced) = p_negotiate
    negotiate(needs, users, need_column, allowed, travel_a, mode_a, feared, pushed, plan, dare, courage,
              chances[:, TOGETHER], perception, knowledge, taste, minutes_f, is_task, demand, pleasure, is_talk,
              act_minutes, outside, together_prob, coffee, together_factor, urgency_weight, urgency_scale,
              misfit_weight, perception_noise, choice_noise, dare_weight, plan_weight, voice, forced, activity, mode,
              minutes, travel_k, together, challenge, fit, top)

    slot = np.empty((PER_SLOT, v_n, k_n))  # the chance draws of each slot: place learnt, challenge won, tie revived
    for v in range(v_n):
        for k in range(k_n):
            for j in range(PER_SLOT):
                slot[j, v, k] = chances[v, PER_VISIT + PER_SLOT * k + j]
    talk, quality, success = np.zeros(v_n), np.zeros(v_n), np.ones((v_n, k_n), dtype=np.bool_)
    together_gain, for_user_gain, pleasure_gain, choice_gain, incidental, learn_prob = p_live
    live_activities(users, activity, together, fit, minutes, travel_k, top, slot[0], needs, se, wb, contacts,
                    landscape, fear_place, need_of, pleasure, place_of, outside, is_talk, share, together_gain,
                    for_user_gain, pleasure_gain, choice_gain, incidental, learn_prob, talk, quality)
    (base, brave_logit, alliance_logit, se_logit, anxiety_logit, se_gain, se_loss, wb_gain, anxiety_gain, again_prob,
     level) = p_challenge
    challenges(users, activity, mode, challenge, brave, alliance, slot[1], slot[2], se, wb, anxiety, fear_place,
               landscape, fear_transit, tie_start, tie_strength, place_of, transit, base, brave_logit, alliance_logit,
               se_logit, anxiety_logit, se_gain, se_loss, wb_gain, anxiety_gain, again_prob, level, success)
    if with_worker:
        (contact_weight, anxiety_relief, enable_prob, own_doing_gain, heard_gain, solve_prob, spark_prob,
         alliance_gain, knowledge_gain, mutuality, spark_ties, revived) = p_relation
        live_relation(users, alliance, knowledge, by_regular, talk, quality, chances[:, ENABLE], chances[:, SOLVE],
                      chances[:, SPARK], needs, se, wb, anxiety, contacts, alliance_all, knowledge_all, contact_weight,
                      anxiety_relief, enable_prob, own_doing_gain, coffee, heard_gain, solve_prob, spark_prob,
                      alliance_gain, knowledge_gain, mutuality, home, admin, tie_start, tie_strength, spark_ties,
                      revived)

    visit_total, travel_total, doc_total, fit_total, done = visit_sums(minutes_f, travel_k, documentation, activity,
                                                                       fit)
    (out_day, out_user, out_worker, out_activity, out_category, out_place, out_mode, out_minutes, out_travel,
     out_planned, out_together, out_success, out_provider) = columns
    end = log_visits(row, day, provider, user_uid[users], uid, activity, challenge, mode, minutes, travel_k, plan,
                     together, success, category_of, place_of, challenge_code, out_day, out_user, out_worker,
                     out_activity, out_category, out_place, out_mode, out_minutes, out_travel, out_planned,
                     out_together, out_success, out_provider)
    return visit_total, travel_total, doc_total, fit_total, done, np.count_nonzero(by_regular), uid, end
