"""Mesa agents are views into the model's arrays."""

from __future__ import annotations

import numpy as np

from sim.model.agents import ServiceUser, SupportWorker
from sim.model.model import SIDLModel
from tests.conftest import make_cfg


def test_agents_index_the_state_arrays():
    m = SIDLModel(make_cfg(n_users=30, n_workers=3, days=10))
    m.run()
    users = m.agents_by_type[ServiceUser]
    assert len(users) == 30 and len(m.agents_by_type[SupportWorker]) == 3
    u = users.select(lambda a: a.idx == 4)[0]
    s = m.users_state
    assert u.loneliness == s.loneliness[4] and u.ucla3 == 3 + 6 * s.loneliness[4]
    assert u.wemwbs == 14 + 56 * s.wellbeing[4] and u.alliance == s.alliance[4]
    assert u.regular_worker.slot == m.assessment.regular[4]
    assert set(u.landscape) <= {"grocery", "pharmacy", "bank", "dentist", "health_centre", "insurance_office",
                                "library", "swim_hall", "cafe", "town_centre", "park", "day_centre",
                                "shopping_centre"}
    assert sum(w.caseload for w in m.workers) == 30
    assert np.isclose(np.mean(users.get("ucla3")), 3 + 6 * s.loneliness.mean())


def test_turnover_brings_new_workers_with_new_ids():
    m = SIDLModel(make_cfg(n_users=30, n_workers=10, days=1, model__organisation__worker_turnover_per_year=1.0))
    before = set(m.worker_uid.tolist())
    m.run(365)
    after = set(m.worker_uid.tolist())
    assert len(after - before) >= 4 and len(m.agents_by_type[SupportWorker]) == 10
