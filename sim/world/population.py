"""The users' state as a structure of arrays, and how it starts (P9).

Every per-user quantity lives in one numpy array indexed by the user's
position; :class:`sim.model.agents.ServiceUser` agents read and write through that
index. Each part of the start draws from its own named stream, so the same
seed gives the same people whatever the regime.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.schema import ModelParams
from sim.world.activities import N_NEEDS
from sim.world.places import CROWDED, N_PLACES, place_coordinates, travel_legs
from sim.world.streams import Streams

NO_TIE, FAMILY, FRIEND, OTHER = range(4)


@dataclass(frozen=True)
class UserState:
    """All users' state. Scales are 0-1 unless said otherwise.

    Frozen: the arrays change in place and are never rebound, so the compiled daily
    kernels can be handed them once (:func:`sim.model.dynamics.daily_evening` and kin).
    """

    courage_trait: np.ndarray  # M1: personal mean courage
    courage: np.ndarray  # M1: today's courage
    loneliness: np.ndarray  # M9: 0-1, UCLA-3 = 3 + 6 x loneliness
    loneliness_offset: np.ndarray  # M9: personal offset of felt loneliness at a given contact
    wellbeing: np.ndarray  # 0-1 as measured, WEMWBS = 14 + 56 x wellbeing: lasting wellbeing + affect
    wellbeing_lasting: np.ndarray  # 0-1, the slow part, set by lasting states
    wellbeing_offset: np.ndarray  # personal offset of lasting wellbeing at a given state
    affect: np.ndarray  # 0-1, the fleeting part: what recent good events add, fading within days
    recognition: np.ndarray  # M7/M8: 0-1, being heard by a worker who knows one
    self_efficacy: np.ndarray  # M3/M6
    self_efficacy_floor: np.ndarray  # M3: the personal level unused capacity relaxes toward
    anxiety: np.ndarray  # M4/M6
    anxiety_trait: np.ndarray
    needs: np.ndarray  # M3: (n, N_NEEDS) backlog of tasks
    contacts_week: np.ndarray  # M9: recent contacts per week (smoothed)
    contacts_today: np.ndarray  # M9: contacts-equivalents today
    tie_user: np.ndarray  # M9: (T,) owner of each tie, users in order (ties stored flat)
    tie_start: np.ndarray  # M9: (n + 1,) user i's ties are tie_start[i]:tie_start[i + 1]
    tie_strength: np.ndarray  # M9: (T,) 0-1
    tie_kind: np.ndarray  # M9: (T,) FAMILY/FRIEND/OTHER
    landscape: np.ndarray  # M5: (n, N_PLACES) places the user uses alone
    fear_place: np.ndarray  # M6: (n, N_PLACES) feared crowded places
    fear_transit: np.ndarray  # M6: fears public transport
    legs: np.ndarray  # M5: (n, N_PLACES, 4) one-way minutes by mode
    home_xy: np.ndarray  # M5: (n, 2) km, where each user lives
    place_xy: np.ndarray  # M5: (N_PLACES - 1, 2) km, the shared places (same for all users)
    alliance: np.ndarray  # M8: with the regular worker
    knowledge: np.ndarray  # M8: the regular worker's knowledge of the user
    relation_days: np.ndarray  # M8: days since the relationship with the regular worker began
    bond_worker: np.ndarray  # id of the regular worker the alliance is with (-1 none yet)
    bond_rate: np.ndarray  # M8: how fast the alliance with that worker grows (pair x worker, mean 1)

    @property
    def n(self) -> int:
        return self.courage.shape[0]

    def per_user(self, values: np.ndarray) -> np.ndarray:
        """Sum a per-tie quantity over each user's ties."""
        return np.bincount(self.tie_user, weights=values, minlength=self.n)


def _clip01(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 1.0)


def make_network(n: int, pars: ModelParams, rng: np.random.Generator,
                 sizes: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Ties per user: ~12 people, ~3.4 friends, 43 % family, 13 % without friends.

    ``sizes``, if given, is each user's number of ties (a new user taking over a place's ties, ODD §7.19);
    otherwise it is drawn. Returns flat arrays (owner, strength, kind) and the per-user offsets.
    """
    net = pars.network
    t = net.max_ties
    if sizes is not None:
        size = np.asarray(sizes, dtype=int)
    elif net.size_mean > 0:
        k = net.size_dispersion
        size = rng.negative_binomial(k, k / (k + net.size_mean), n)
    else:
        size = np.zeros(n, dtype=int)
    size = np.minimum(size, t)
    t = max(int(size.max(initial=0)), 1)  # store only as many tie slots as the largest network
    has_tie = np.arange(t)[None, :] < size[:, None]
    u = rng.random((n, t))
    kind = np.where(u < net.family_share, FAMILY, np.where(u < net.family_share + net.friend_share, FRIEND, OTHER))
    kind = np.where(has_tie, kind, NO_TIE)
    # exactly the no-friends share has none; everyone else with a network has at least one friend
    no_friends = rng.random(n) < net.no_friends_share
    kind = np.where(no_friends[:, None] & (kind == FRIEND), OTHER, kind)
    lacking = ~no_friends & (size > 0) & ~(kind == FRIEND).any(axis=1)
    kind[lacking, 0] = FRIEND
    active = rng.random((n, t)) < net.initial_active_share
    strong = rng.uniform(net.active_strength_min, net.active_strength_max, (n, t))
    weak = rng.uniform(0.0, net.dormant_strength_max, (n, t))
    strength = np.where(active, strong, weak)
    owner = np.nonzero(has_tie)[0]
    start = np.concatenate([[0], np.cumsum(size)])
    return owner, start, strength[has_tie], kind[has_tie].astype(np.int8)


def make_users(n: int, pars: ModelParams, streams: Streams, tie_counts: np.ndarray | None = None,
               shared: np.ndarray | None = None) -> UserState:
    """The users at assessment, drawn from their own streams.

    A new user of an open cohort (ODD §7.19) is drawn the same way with ``tie_counts`` (the ties of the place
    taken over) and ``shared`` (the world's shared places, which they share with everyone else).
    """
    rng = streams["population"]
    ini, day = pars.initial, pars.daily
    courage_trait = _clip01(rng.normal(day.courage_mean, day.courage_sd, n))
    anxiety_trait = _clip01(rng.normal(pars.wellbeing.anxiety_trait_mean, pars.wellbeing.anxiety_trait_sd, n))
    se = _clip01(rng.normal(ini.self_efficacy_mean, ini.self_efficacy_sd, n))
    offset = rng.normal(0.0, ini.loneliness_offset_sd, n)
    needs = rng.poisson(ini.needs_mean / N_NEEDS, (n, N_NEEDS)).astype(float)
    fear_transit = rng.random(n) < pars.places.fear_transit_prob
    fear_place = (rng.random((n, N_PLACES)) < pars.places.fear_crowd_prob) & CROWDED[None, :]
    se_floor = _clip01(rng.normal(pars.household.se_floor, pars.household.se_floor_sd, n))

    homes, own_shared = place_coordinates(n, pars.places, streams["places"])
    shared = own_shared if shared is None else shared
    legs = travel_legs(homes, shared, pars.places)

    lrng = streams["landscape"]
    p_known = min(1.0, pars.places.initial_landscape_mean / (N_PLACES - 1))
    landscape = (lrng.random((n, N_PLACES)) < p_known) & ~fear_place
    landscape[:, 0] = True

    owner, start, strength, kind = make_network(n, pars, streams["network"], tie_counts)
    wellbeing_offset = streams["wellbeing"].normal(0.0, pars.wellbeing.offset_sd, n)
    anxiety = anxiety_trait * (1 - pars.wellbeing.anxiety_se_buffer * se)
    state = UserState(
        courage_trait=courage_trait,
        courage=courage_trait.copy(),
        loneliness=np.full(n, 0.5),
        loneliness_offset=offset,
        wellbeing=np.zeros(n),
        wellbeing_lasting=np.zeros(n),
        wellbeing_offset=wellbeing_offset,
        affect=np.zeros(n),
        recognition=np.zeros(n),
        self_efficacy=se,
        self_efficacy_floor=se_floor,
        anxiety=anxiety,
        anxiety_trait=anxiety_trait,
        needs=needs,
        contacts_week=np.zeros(n),
        contacts_today=np.zeros(n),
        tie_user=owner,
        tie_start=start,
        tie_strength=strength,
        tie_kind=kind,
        landscape=landscape,
        fear_place=fear_place,
        fear_transit=fear_transit,
        legs=legs,
        home_xy=homes,
        place_xy=shared,
        alliance=np.zeros(n),
        knowledge=np.zeros(n),
        relation_days=np.zeros(n),
        bond_worker=np.full(n, -1),
        bond_rate=np.ones(n),
    )
    return state
