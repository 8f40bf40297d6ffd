"""The start: P9 (baseline loneliness and networks) and the assessment (brief §7)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.model import SIDLModel, dynamics
from sim.world.population import FAMILY, FRIEND
from tests.conftest import make_cfg


@pytest.fixture(scope="module")
def start():
    return SIDLModel(make_cfg(n_users=3000, n_workers=220, days=1, seed=11))


def test_p9_most_users_lonely_at_referral(start):
    assert 0.75 <= start.datacollector.column("share_lonely")[0] <= 0.94  # day 0, before any visit


def test_p9_networks_about_twelve_people_three_friends(start):
    s = start.users_state
    kind = s.tie_kind
    size = np.diff(s.tie_start)
    friends = s.per_user(kind == FRIEND)
    assert size.mean() == pytest.approx(12, abs=1.0)
    assert friends.mean() == pytest.approx(3.4, abs=0.5)
    assert (kind == FAMILY).mean() == pytest.approx(0.43, abs=0.03)
    assert (friends == 0).mean() == pytest.approx(0.13, abs=0.04)


def test_contacts_per_week_near_observed(start):
    assert start.users_state.contacts_week.mean() == pytest.approx(3.9, abs=1.0)


def test_start_is_settled_not_a_transient(start):
    s = start.users_state
    target = dynamics.loneliness_target(s.contacts_week, start.params, s.loneliness_offset)
    assert abs(target.mean() - s.loneliness.mean()) < 0.02


def test_assessment_grants_one_to_three_visits_and_balances_caseloads(start):
    a = start.assessment
    assert a.hours.min() >= 1 and a.hours.max() <= 6 and a.hours.mean() == pytest.approx(2.0, abs=0.3)
    assert set(np.unique(a.weekdays.sum(axis=1))) <= {1, 2, 3}
    assert not a.weekdays[:, 5:].any()
    caseload = np.bincount(a.regular, minlength=220)
    assert caseload.min() >= 11 and caseload.max() <= 16
    assert a.plan[np.arange(a.goal.size), a.goal].all()
