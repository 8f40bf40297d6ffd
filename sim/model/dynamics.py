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


def user_arrays(s: UserState) -> kernels.UserArrays:
    """The users' arrays as the kernels read them (the same arrays, named as in ``UserState``)."""
    return kernels.UserArrays(**{name: getattr(s, name) for name in kernels.UserArrays._fields})


def evening_params(pars: ModelParams) -> kernels.EveningParams:
    """The parameters of the rest of the day as the evening kernel reads them."""
    h, pl, net, lo, w = pars.household, pars.places, pars.network, pars.loneliness, pars.wellbeing
    return kernels.EveningParams(
        own_doing_rate=h.own_doing_rate, need_place=NEED_PLACE,
        own_doing_keep=(1 - h.own_doing_se_gain) ** np.arange(len(NEED_PLACE) + 1), other_help_rate=h.other_help_rate,
        own_outing_rate=pl.own_outing_rate, outing_saturation=pl.outing_saturation,
        incidental_contact_weight=pl.incidental_contact_weight,
        contact_rate=net.contact_rate, withdrawal=net.withdrawal, tie_decay=np.exp(-1.0 / net.decay_days),
        contact_boost=net.contact_boost, reach_out_rate=net.reach_out_rate,
        noise_sd=lo.noise_sd, memory_days=lo.memory_days, contact_scale=lo.contact_scale, level_min=lo.level_min,
        level_max=lo.level_max, loneliness_rate=lo.rate,
        anxiety_rate=w.anxiety_rate, anxiety_se_buffer=w.anxiety_se_buffer, se_decay=h.se_decay,
        wellbeing_rate=w.rate, wellbeing_base=w.base, se_weight=w.se_weight, loneliness_weight=w.loneliness_weight,
        anxiety_weight=w.anxiety_weight, needs_weight=w.needs_weight, need_cap=h.need_cap,
        wellbeing_noise_sd=w.noise_sd, affect_decay=w.affect_decay, participation_weight=w.participation_weight,
        recognition_weight=w.recognition_weight, recognition_decay=pars.talk.recognition_decay,
        landscape_max=pl.landscape_max,
    )


def daily_evening(s: UserState, pars: ModelParams, rng: Streams) -> Callable[[], None]:
    """The rest of the day, after visits, in one compiled pass (:func:`sim.model.kernels.evening`).

    - M3/M5 own doing (:func:`sim.model.kernels.own_doing`): a capable user meets needs alone, where
      the place is in their landscape. The chance scales with self-efficacy; shopping and service
      needs also ask that the user can use the grocery / health centre alone (enabling landscape).
      Otherwise family, a delivery or a service may meet it.
    - M5/M9 outings (:func:`sim.model.kernels.own_outings`): a user goes out alone to a known place
      and meets people in passing.
    - M9 network contact (:func:`sim.model.kernels.network_contact`), with the drive of the user as
      own doing has left them, and the other person getting in touch.
    - The drift (:func:`sim.model.kernels.drift`): recent contact, loneliness, anxiety,
      self-efficacy, recognition and lasting wellbeing relax toward the levels their drivers
      sustain; the day's affect fades.
    - Every relationship is a day older (M8).

    Each part draws from its own stream, named as the fields of :class:`sim.model.kernels.EveningStreams`.
    """
    streams = kernels.EveningStreams(*(rng.handle(name) for name in kernels.EveningStreams._fields))
    return partial(kernels.evening, *kernels.plain(user_arrays(s), evening_params(pars), streams))


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
    """M9: the loneliness level that a given rate of contact sustains (:func:`sim.model.kernels.loneliness_level`)."""
    return kernels.loneliness_level.py_func(np.asarray(contacts_week), offset, evening_params(pars))


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
    puts it, so that day 0 is no shock (P9 state before support begins). The
    chances are the kernels' (:func:`sim.model.kernels.contact_drive` on the
    personal mean courage, :func:`sim.model.kernels.outing_chance`).
    """
    p = evening_params(pars)
    drive = kernels.contact_drive.py_func(s.loneliness, s.courage_trait, s.self_efficacy, p)
    ties = s.per_user(s.tie_strength**2) * drive
    outings = kernels.outing_chance.py_func(s.self_efficacy, s.landscape[:, 1:].sum(axis=1), p)
    return 7.0 * (ties + p.incidental_contact_weight * outings)


def wellbeing_target(s: UserState, pars: ModelParams) -> np.ndarray:
    """Lasting wellbeing a user's present state sustains (:func:`sim.model.kernels.wellbeing_level`)."""
    return kernels.wellbeing_level.py_func(s.self_efficacy, s.loneliness, s.anxiety, s.needs.sum(axis=1),
                                           s.landscape[:, 1:].sum(axis=1), s.recognition, s.wellbeing_offset,
                                           evening_params(pars))


def burn_in(s: UserState, pars: ModelParams, g: np.ndarray, days: int) -> None:
    """Live ``days`` days of life without support before day 0, so day 0 is its steady state (P9).

    The drawn starting values are consistent only in the mean: loneliness and contact are first
    settled on each other (:func:`settle_start`), wellbeing put at the level the state sustains,
    and then every state (courage, needs, own doing, outings, network, loneliness, self-efficacy,
    anxiety, wellbeing) lives the days of :func:`daily_evening` without visits, every part drawing
    from the one stream ``g``. What a run then shows under ``no_support`` is the steady state's
    fluctuation, not a drift away from an arbitrary start.
    """
    settle_start(s, pars)
    s.wellbeing_lasting[:] = np.clip(wellbeing_target(s, pars), 0.0, 1.0)
    s.wellbeing[:] = s.wellbeing_lasting
    courage, needs = daily_courage(s, pars, g), daily_needs(s, pars, g)
    kernels.live_days(days, courage.args, needs.args, *kernels.plain(user_arrays(s), evening_params(pars), (g,) * 4))
