"""The catalogue of things a worker and a user can do in a visit (002 §3.1-3.3).

Held as parallel numpy arrays so that a whole day's visits can be negotiated at
once (see :mod:`sim.model.visits`). Needs are the household needs of M3; ``demand``
is how much courage an activity asks for (M1, M8 fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.world.places import PLACE_NAMES

CATEGORIES: tuple[str, ...] = (
    "household", "errand", "service", "social", "talk", "presence", "challenge",
)
HOUSEHOLD, ERRAND, SERVICE, SOCIAL, TALK, PRESENCE, CHALLENGE = range(7)

NEED_NAMES: tuple[str, ...] = ("home", "shopping", "admin", "service")
NO_NEED = -1
N_NEEDS = len(NEED_NAMES)


@dataclass(frozen=True)
class Activity:
    """One kind of activity: where it happens, how long it takes, what it meets."""

    name: str
    category: int
    place: str
    minutes: int
    need: int = NO_NEED
    pleasure: float = 0.0
    demand: float = 0.1


CATALOGUE: tuple[Activity, ...] = (
    Activity("cleaning", HOUSEHOLD, "home", 40, 0, 0.0, 0.15),
    Activity("cooking", HOUSEHOLD, "home", 40, 0, 0.2, 0.15),
    Activity("laundry", HOUSEHOLD, "home", 30, 0, 0.0, 0.1),
    Activity("paying_bills", HOUSEHOLD, "home", 30, 2, 0.0, 0.2),
    Activity("grocery_shopping", ERRAND, "grocery", 15, 1, 0.2, 0.35),
    Activity("pharmacy", ERRAND, "pharmacy", 10, 1, 0.0, 0.3),
    Activity("bank_errand", ERRAND, "bank", 10, 2, 0.0, 0.35),
    Activity("dentist", SERVICE, "dentist", 45, 3, 0.0, 0.45),
    Activity("health_centre", SERVICE, "health_centre", 45, 3, 0.0, 0.4),
    Activity("insurance_office", SERVICE, "insurance_office", 30, 2, 0.0, 0.45),
    Activity("library", SERVICE, "library", 30, NO_NEED, 0.4, 0.3),
    Activity("swim_and_sauna", SOCIAL, "swim_hall", 75, NO_NEED, 1.0, 0.45),
    Activity("cafe", SOCIAL, "cafe", 45, NO_NEED, 0.8, 0.4),
    Activity("town_trip", SOCIAL, "town_centre", 60, NO_NEED, 0.8, 0.55),
    Activity("walk_in_park", SOCIAL, "park", 45, NO_NEED, 0.6, 0.25),
    Activity("day_centre", SOCIAL, "day_centre", 60, NO_NEED, 0.6, 0.4),
    Activity("shopping_centre", SOCIAL, "shopping_centre", 60, NO_NEED, 0.6, 0.55),
    Activity("coffee_and_talk", TALK, "home", 30, NO_NEED, 0.5, 0.0),
    Activity("being_there", PRESENCE, "home", 30, NO_NEED, 0.3, 0.0),
)

NAMES = tuple(a.name for a in CATALOGUE)
N_ACTIVITIES = len(CATALOGUE)
CATEGORY = np.array([a.category for a in CATALOGUE])
PLACE = np.array([PLACE_NAMES.index(a.place) for a in CATALOGUE])
MINUTES = np.array([a.minutes for a in CATALOGUE], dtype=float)
NEED = np.array([a.need for a in CATALOGUE])
PLEASURE = np.array([a.pleasure for a in CATALOGUE])
DEMAND = np.array([a.demand for a in CATALOGUE])
OUTSIDE = PLACE != 0
IS_TASK = NEED != NO_NEED
AT_HOME_TASK = IS_TASK & ~OUTSIDE
#: Social/pleasure activities: what a split social intervention (R3) takes away.
IS_SOCIAL = CATEGORY == SOCIAL


def index(name: str) -> int:
    """Catalogue index of an activity by name."""
    return NAMES.index(name)
