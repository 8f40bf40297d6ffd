"""Time use: a visit may run over its slot for an outside task, the overrun comes off the user's next
visits (the grant is a budget), and contracted time no visit or admin fills is paid as unscheduled."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.model import SIDLModel
from sim.world import activities as act
from tests.conftest import make_cfg, run_model

CAR_BAN = {"regime__car_ban__enabled": True}


def test_owed_minutes_come_off_the_next_visits():
    m = SIDLModel(make_cfg(n_users=20, days=5))
    users = np.arange(4)
    slot = m.assessment.visit_minutes[users]
    m.owed[users] = [0.0, slot[1] / 2, slot[2], 2 * slot[3]]
    batch = m.make_batch(users)
    assert batch.users.tolist() == [0, 1]  # a visit whose whole slot repays what is owed is not made
    assert batch.minutes == pytest.approx([slot[0], slot[1] / 2])
    longest = m.params.organisation.visit_minutes_max
    assert batch.longest == pytest.approx([longest, longest])
    assert m.owed[users] == pytest.approx([0.0, 0.0, 0.0, slot[3]])


def visit_lengths(m: SIDLModel):
    """Each SIDL visit's minutes and travel as logged, its granted length, and whether it went outside for a task."""
    ev = m.events.frame()
    ev = ev[ev["provider"] == "sidl"].assign(
        length=ev["minutes"] + ev["travel_minutes"],
        outside_task=ev["activity"].map(act.NAMES.index).map(lambda a: act.OUTSIDE[a] and act.IS_TASK[a]))
    visits = ev.groupby(["day", "user_id"]).agg(length=("length", "sum"), outside_task=("outside_task", "any"))
    granted = m.assessment.visit_minutes[visits.index.get_level_values("user_id").to_numpy() - 1]
    return visits.assign(granted=granted)


def test_an_outside_task_runs_the_visit_over_rather_than_dropping_out():
    m = run_model(n_users=60, days=120, **CAR_BAN)
    visits = visit_lengths(m)
    over = visits[visits["length"] > visits["granted"] + 1e-9]
    assert len(over) > 0 and over["outside_task"].all()  # only outside tasks run a visit over its slot
    assert (visits["length"] <= m.params.organisation.visit_minutes_max + 1e-9).all()
    paid = m.minutes["client"] + m.minutes["travel_with_user"]
    assert paid >= visits["length"].sum() - 1e-6  # the overrun is paid visit time, and logged

    strict = run_model(n_users=60, days=120, model__organisation__visit_minutes_max=0, **CAR_BAN)
    kept = visit_lengths(strict)
    assert (kept["length"] <= kept["granted"] + 1e-9).all()  # no room to run over: outside tasks drop out
    outside = [act.OUTSIDE[act.NAMES.index(a)] for a in m.events.frame()["activity"]]
    outside_strict = [act.OUTSIDE[act.NAMES.index(a)] for a in strict.events.frame()["activity"]]
    assert sum(outside) > 1.5 * sum(outside_strict)


def test_the_weekly_grant_is_kept_when_visits_run_over():
    m = run_model(n_users=60, days=240, **CAR_BAN)
    strict = run_model(n_users=60, days=240, model__organisation__visit_minutes_max=0, **CAR_BAN)
    visit_time = [x.minutes["client"] + x.minutes["travel_with_user"] for x in (m, strict)]
    assert visit_time[0] - m.owed.sum() == pytest.approx(visit_time[1], rel=0.001)  # later visits lack what ran over
    assert m.visits_made < strict.visits_made


def test_contracted_time_left_over_is_unscheduled():
    m = run_model(n_users=60, days=14)
    org, workdays = m.params.organisation, 10
    contracted = m.worker_uid.size * org.working_minutes_per_day * workdays
    assert sum(m.minutes.values()) >= contracted and m.minutes["unscheduled"] > 0
    idle = run_model(n_users=60, days=14, regime__no_support__enabled=True)
    assert idle.minutes["unscheduled"] == pytest.approx(contracted - idle.minutes["admin"])
