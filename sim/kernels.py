"""Compiled daily kernels (numba) for the per-user arithmetic that numpy does in many small calls.

At municipality scale a day is ~300 numpy calls on arrays of 200 users, each costing more in
call overhead than in arithmetic (docs/PERFORMANCE.md). These loops do the same arithmetic in
the same order, so results are bit-identical to the numpy versions they replace (checked by the
baseline test); random numbers are still drawn by numpy from the named streams, outside.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def relax_loneliness(lon, cw, ct, off, noise, memory, cscale, lmin, lmax, rate):  # pragma: no cover - compiled
    """Recent contact remembered, loneliness drifts toward the level it sustains (dynamics.relax_loneliness)."""
    for i in range(lon.size):
        cw[i] += (7.0 * ct[i] - cw[i]) / memory
        t = lmin + (lmax - lmin) * np.exp(-cw[i] / cscale) + off[i]
        t = min(max(t, 0.0), 1.0)
        lon[i] = min(max(lon[i] + rate * (t - lon[i]) + noise[i], 0.0), 1.0)
        ct[i] = 0.0


@njit(cache=True)
def relax(lon, cw, ct, off, anx, anx_trait, se, wb, needs, noise, memory, cscale, lmin, lmax, rate, arate, abuf,
          sedecay, sefloor, wrate, base, sew, lw, aw, nw, cap):  # pragma: no cover - compiled
    """End of day: recent contact, loneliness, anxiety, self-efficacy, wellbeing (see dynamics.relax)."""
    relax_loneliness(lon, cw, ct, off, noise, memory, cscale, lmin, lmax, rate)
    for i in range(lon.size):
        at = anx_trait[i] * (1 - abuf * se[i])
        anx[i] = min(max(anx[i] + arate * (at - anx[i]), 0.0), 1.0)
        se[i] = min(max(se[i] + sedecay * (sefloor - se[i]), 0.0), 1.0)
        backlog = min((needs[i, 0] + needs[i, 1] + needs[i, 2] + needs[i, 3]) / cap, 1.0)
        target = base + sew * se[i] - lw * lon[i] - aw * anx[i] - nw * backlog
        wb[i] = min(max(wb[i] + wrate * (target - wb[i]), 0.0), 1.0)


@njit(cache=True)
def network_contact(strength, owner, drive, draws, decay, boost, contacts):  # pragma: no cover - compiled
    """Contact on each tie with chance strength^2 x drive of its owner; decay; boost (dynamics.network_contact)."""
    for t in range(strength.size):
        met = draws[t] < strength[t] ** 2 * drive[owner[t]]
        strength[t] *= decay
        if met:
            strength[t] += boost * (1 - strength[t])
            contacts[owner[t]] += 1.0


@njit(cache=True)
def own_doing(needs, reach, draws, chance, se, keep):  # pragma: no cover - compiled
    """Tasks a user does alone (dynamics.own_doing); ``keep[k]`` = (1 - gain)^k."""
    for i in range(needs.shape[0]):
        k = 0
        for j in range(needs.shape[1]):
            if needs[i, j] >= 1 and reach[i, j] and draws[i, j] < chance[i]:
                needs[i, j] -= 1
                k += 1
        se[i] += (1 - keep[k]) * (1 - se[i])


@njit(cache=True)
def negotiate(pending, allowed, travel, mode, feared, pushed, plan, dare, courage, tog_draw, perception, knowledge,
              taste, visit_minutes, is_task, demand, pleasure, is_talk, act_minutes, outside, together_prob,
              coffee_minutes, together_factor, urgency_weight, urgency_scale, misfit_weight, perception_noise,
              choice_noise, dare_weight, plan_weight, voice, forced, chosen, mode_out, minutes_out, travel_out,
              together_out, challenge_out, fit_out, user_top):  # pragma: no cover - compiled
    """Score, then choose greedily while time is left (visits.negotiate; same arithmetic, same order)."""
    v_n, a_n = pending.shape
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
            feasible = allowed[v, a] and np.isfinite(travel[v, a]) and ((not feared[v, a]) or dare[v] or pushed[v, a])
            urgency = urgency_weight * (1.0 - np.exp(-pending[v, a] / urgency_scale))
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
                  knowledge_gain, mutuality, home, admin, sparked):  # pragma: no cover - compiled
    """Presence, talk and the relation (visits._presence, visits._talk, visits.live); flags sparked visits."""
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
        sparked[v] = spark_draw[v] < spark_prob * tq * al
    for v in range(users.size):
        if by_regular[v]:
            u = users[v]
            al, kn = alliance[v], knowledge[v]
            tq = min(talk_minutes[v] / coffee_minutes, 1.0)
            alliance_state[u] = al + alliance_gain * (1 - al) * quality[v] * (1 + mutuality * tq)
            knowledge_state[u] = kn + knowledge_gain * (1 - kn)


@njit(cache=True)
def courage(c, trait, eps, persistence, coef):  # pragma: no cover - compiled
    """Today's courage, AR(1) around the personal mean (dynamics.update_courage)."""
    for i in range(c.size):
        c[i] = min(max(trait[i] + persistence * (c[i] - trait[i]) + coef * eps[i], 0.0), 1.0)


@njit(cache=True)
def own_outings(landscape, se, draws, rate, saturation, weight, contacts):  # pragma: no cover - compiled
    """Outings alone to known places, contact in passing (dynamics.own_outings)."""
    for i in range(se.size):
        known = 0
        for p in range(1, landscape.shape[1]):
            known += landscape[i, p]
        if draws[i] < rate * se[i] * min(known / saturation, 1.0):
            contacts[i] += weight
