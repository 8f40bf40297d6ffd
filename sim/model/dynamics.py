"""What happens to every user every day, visit or not: compiled passes over all users.

Each step updates :class:`sim.world.population.UserState` arrays in place and draws
from its own named stream, a fixed number of draws per user and day, so a rule
that changes visits never shifts these draws (common random numbers). The daily
steps (``daily_*``) are bound once to the users' arrays, stream handles and
parameters and then called each day, so a day pays no argument gathering.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from sim.model import kernels
from sim.params.schema import ModelParams
from sim.world.places import PLACE_NAMES
from sim.world.population import UserState
from sim.world.streams import Streams

#: Place a user must be able to use alone to meet each need kind without help.
NEED_PLACE = np.array(
    [0, PLACE_NAMES.index("grocery"), 0, PLACE_NAMES.index("health_centre")]
)


def daily_courage(s: UserState, pars: ModelParams, g: np.ndarray) -> Callable[[], None]:
    """M1: today's courage, an AR(1) around the personal mean (002 §3.2); ``g`` is a stream's handle."""
    d = pars.daily
    return partial(kernels.courage, s.courage, s.courage_trait, g, d.persistence,
                   d.daily_sd * np.sqrt(1.0 - d.persistence**2))


def brave(s: UserState, pars: ModelParams) -> np.ndarray:
    """M1: days on which the user feels brave enough for a feared activity."""
    return s.courage >= pars.daily.brave_threshold


def daily_needs(s: UserState, pars: ModelParams, g: np.ndarray) -> Callable[[], None]:
    """M3: household needs (home, shopping, admin, service) arrive as Poisson counts; ``g`` is a stream's handle."""
    h = pars.household
    rates = np.array([h.need_rate_home, h.need_rate_shopping, h.need_rate_admin, h.need_rate_service])
    return partial(kernels.add_needs, s.needs, g, rates, float(h.backlog_max))


def daily_evening(s: UserState, pars: ModelParams, rng: Streams) -> Callable[[], None]:
    """The rest of the day, after visits, in one compiled pass (:func:`sim.model.kernels.evening`).

    - M3/M5 own doing: a capable user meets needs alone, where the place is in
      their landscape. The chance scales with self-efficacy; shopping and
      service needs also ask that the user can use the grocery / health
      centre alone (enabling landscape).
    - M5/M9 outings: a user goes out alone to a known place and meets people in passing.
    - M9 network contact (see :func:`network_contact`), with the drive of the
      user as own doing has left them.
    - The drift: recent contact, loneliness, anxiety, self-efficacy and
      wellbeing relax toward the levels their drivers sustain (the loneliness
      part as in :func:`relax_loneliness`). The day's events have already
      moved them, so they act as pulses.
    - Every relationship is a day older (M8).
    """
    h, pl, net, lo, w = pars.household, pars.places, pars.network, pars.loneliness, pars.wellbeing
    keep = (1 - h.own_doing_se_gain) ** np.arange(s.needs.shape[1] + 1)
    return partial(
        kernels.evening,
        s.needs, s.landscape, NEED_PLACE, rng.handle("own_doing"), h.own_doing_rate, keep, s.self_efficacy,
        rng.handle("own_outings"), pl.own_outing_rate, pl.outing_saturation, pl.incidental_contact_weight,
        s.contacts_today, s.tie_strength, s.tie_user, rng.handle("network_contact"), net.contact_rate, net.withdrawal,
        s.courage, np.exp(-1.0 / net.decay_days), net.contact_boost, s.loneliness, s.contacts_week,
        s.loneliness_offset, s.anxiety, s.anxiety_trait, s.wellbeing, rng.handle("loneliness_noise"), lo.noise_sd,
        lo.memory_days,
        lo.contact_scale, lo.level_min, lo.level_max, lo.rate, w.anxiety_rate, w.anxiety_se_buffer, h.se_decay,
        h.se_floor, w.rate, w.base, w.se_weight, w.loneliness_weight, w.anxiety_weight, w.needs_weight, h.need_cap,
        s.relation_days,
    )


def own_outings(s: UserState, pars: ModelParams, g: np.ndarray) -> None:
    """M5/M9: outings alone, as in :func:`daily_evening` (the burn-in lives them without the rest of the day)."""
    pl = pars.places
    kernels.own_outings(s.landscape, s.self_efficacy, g, pl.own_outing_rate, pl.outing_saturation,
                        pl.incidental_contact_weight, s.contacts_today)


def contact_drive(s: UserState, pars: ModelParams, courage: np.ndarray) -> np.ndarray:
    """M9: how much a user seeks contact: less when lonely (withdrawal), more when brave and capable."""
    net = pars.network
    out = np.empty(s.n)
    kernels.contact_drives(net.contact_rate, net.withdrawal, s.loneliness, courage, s.self_efficacy, out)
    return out


def network_contact(s: UserState, pars: ModelParams, g: np.ndarray) -> None:
    """M9: contact on ties (likelier when strong, brave, not withdrawn); ties decay.

    Contact grows with the square of tie strength, so ties are bistable: strong
    ties sustain themselves, weak ones fade to dormancy unless reactivated.

    Loneliness suppresses contact (``withdrawal``): the feedback that lets
    loneliness tip into a persistent state below a contact threshold (P12).
    """
    net = pars.network
    drive = contact_drive(s, pars, s.courage)
    kernels.network_contact(s.tie_strength, s.tie_user, drive, g, np.exp(-1.0 / net.decay_days),
                            net.contact_boost, s.contacts_today)


def reactivate_ties(s: UserState, users: np.ndarray, k: int, strength: float) -> None:
    """M6/M7: give up to ``k`` of each user's strongest dormant ties new life.

    Which ties: the strongest dormant ones (the person one "has to call"), so
    the choice needs no random draw.
    """
    if k > 0:
        kernels.reactivate(s.tie_start, s.tie_strength, users, k, strength)


def active_ties(s: UserState, pars: ModelParams) -> np.ndarray:
    """M9: ties strong enough to count as an active part of the network."""
    return s.per_user(s.tie_strength >= pars.network.active_threshold).astype(np.int64)


def loneliness_target(contacts_week: np.ndarray, pars: ModelParams, offset: np.ndarray | float = 0.0) -> np.ndarray:
    """M9: the loneliness level that a given rate of contact sustains (plus a personal offset).

    Each contact helps less than the one before: the first contacts of a week
    matter most to someone who has almost none (P7, P10).
    """
    lo = pars.loneliness
    drop = np.exp(-np.asarray(contacts_week) / lo.contact_scale)
    return np.clip(lo.level_min + (lo.level_max - lo.level_min) * drop + offset, 0.0, 1.0)


def settle_start(s: UserState, pars: ModelParams, rounds: int = 10) -> None:
    """Start each user where their own network and outings put them (P9).

    Loneliness and recent contact depend on each other (withdrawal), so the
    pair is settled by a few rounds of fixed-point iteration.
    """
    for _ in range(rounds):
        s.contacts_week[:] = expected_contacts_week(s, pars)
        s.loneliness[:] = loneliness_target(s.contacts_week, pars, s.loneliness_offset)


def expected_contacts_week(s: UserState, pars: ModelParams) -> np.ndarray:
    """Contacts a week a user's own life gives on average (network and outings, no support).

    Used to start the recent-contact memory where the user's present network
    puts it, so that day 0 is no shock (P9 state before support begins).
    """
    pl = pars.places
    ties = s.per_user(s.tie_strength**2) * contact_drive(s, pars, s.courage_trait)
    known = s.landscape[:, 1:].sum(axis=1)
    outings = pl.own_outing_rate * s.self_efficacy * np.minimum(known / pl.outing_saturation, 1.0)
    return 7.0 * (ties + pl.incidental_contact_weight * outings)


def wellbeing_target(s: UserState, pars: ModelParams) -> np.ndarray:
    """Wellbeing a user's present state sustains: assets minus burdens."""
    w = pars.wellbeing
    backlog = np.minimum(s.needs.sum(axis=1) / pars.household.need_cap, 1.0)
    return (
        w.base
        + w.se_weight * s.self_efficacy
        - w.loneliness_weight * s.loneliness
        - w.anxiety_weight * s.anxiety
        - w.needs_weight * backlog
    )


def relax_loneliness(s: UserState, pars: ModelParams, g: np.ndarray) -> None:
    """M9: recent contact is remembered; loneliness drifts toward the level it sustains."""
    lo = pars.loneliness
    kernels.relax_loneliness(s.loneliness, s.contacts_week, s.contacts_today, s.loneliness_offset, g, lo.noise_sd,
                             lo.memory_days, lo.contact_scale, lo.level_min, lo.level_max, lo.rate)


def burn_in(s: UserState, pars: ModelParams, g: np.ndarray, days: int) -> None:
    """Live the social part of life (courage, outings, network, loneliness) before day 0.

    Starting values are only consistent in the mean; a burn-in lets each
    user's network and loneliness find each other, so day 0 is the state at
    referral and not a transient (P9).
    """
    settle_start(s, pars)
    courage = daily_courage(s, pars, g)
    for _ in range(days):
        courage()
        own_outings(s, pars, g)
        network_contact(s, pars, g)
        relax_loneliness(s, pars, g)
