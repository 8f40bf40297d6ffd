"""Places ("here, there and everywhere", M5) and travel times by mode."""

from __future__ import annotations

import numpy as np

from sim.params.schema import Places

#: Index 0 is each user's own home; the rest are shared places (brief §1).
PLACE_NAMES: tuple[str, ...] = (
    "home",
    "grocery",
    "pharmacy",
    "bank",
    "dentist",
    "health_centre",
    "insurance_office",
    "library",
    "swim_hall",
    "cafe",
    "town_centre",
    "park",
    "day_centre",
    "shopping_centre",
)
HOME = 0
N_PLACES = len(PLACE_NAMES)
#: Places where crowds can make a user afraid (002 §3.2: town, shopping centre).
CROWDED = np.array([name in ("town_centre", "shopping_centre") for name in PLACE_NAMES])

MODE_NAMES: tuple[str, ...] = ("none", "walk", "transit", "car")
NONE, WALK, TRANSIT, CAR = range(4)


def place_coordinates(n_users: int, pars: Places, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Homes scattered over the area; shared places nearer its centre."""
    homes = rng.uniform(0.0, pars.area_km, size=(n_users, 2))
    centre = np.full(2, pars.area_km / 2)
    spread = pars.area_km / 4
    shared = centre + rng.normal(0.0, spread, size=(N_PLACES - 1, 2))
    shared = np.clip(shared, 0.0, pars.area_km)
    shared[PLACE_NAMES.index("town_centre") - 1] = centre
    return homes, shared


def travel_legs(homes: np.ndarray, shared: np.ndarray, pars: Places) -> np.ndarray:
    """One-way minutes from each home to each place by each mode.

    Shape ``(n_users, N_PLACES, 4)`` indexed by the mode codes above; the home
    column and the ``none`` mode are zero. Street distance is ``street_factor`` x
    the straight line.
    """
    km = pars.street_factor * np.linalg.norm(homes[:, None, :] - shared[None, :, :], axis=2)
    legs = np.zeros((homes.shape[0], N_PLACES, 4))
    legs[:, 1:, WALK] = 60.0 * km / pars.walk_kmh
    legs[:, 1:, TRANSIT] = pars.transit_access_min + 60.0 * km / pars.transit_kmh
    legs[:, 1:, CAR] = pars.car_park_min + 60.0 * km / pars.car_kmh
    return legs
