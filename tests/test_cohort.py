"""The open cohort (ODD §7.19) and the service events it and worker capacity log (``service_events.parquet``)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.compose import compose
from sim.config.validate import ConfigError
from sim.model.model import SIDLModel
from sim.outputs import outcomes
from sim.outputs.runner import execute
from sim.params.schema import OpenCohort

OPEN = {"scenario.open_cohort.enabled": True}


def relation_years(m: SIDLModel) -> np.ndarray:
    s = m.users_state
    return s.relation_days[(s.bond_worker >= 0) & m.in_service] / 365.25


def test_closed_cohort_has_no_flow():
    result = execute(compose("classroom", "trust_based", 0, {"scenario.days": 60}))
    s = result.summary
    assert all(s[k] == 0 for k in outcomes.names(outcomes.COHORT))
    assert result.users["in_service"].all() and (result.users["referred_day"] == 0).all()
    assert (result.timeseries["caseload"] == 12).all() and (result.timeseries["cohort_share"] == 0).all()
    assert not result.service_events["event"].isin(["referral", "admission", "review", "exit"]).any()


@pytest.fixture(scope="module")
def open_run():
    cfg = compose("municipality", "trust_based", 3, {**OPEN, "scenario.days": 730, "scenario.n_users": 100,
                                                     "scenario.n_workers": 8,
                                                     "scenario.open_cohort.warmup_days": 1461})
    return execute(cfg)


def test_open_cohort_logs_referrals_reviews_and_exits(open_run):
    s, ev = open_run.summary, open_run.service_events
    counts = ev.groupby("event", observed=False).size()
    assert counts["referral"] > 0 and counts["review"] > 0 and counts["exit"] > 0 and counts["admission"] > 0
    place_years = 100 * 730 / 365.25
    assert s["reviews_per_place_year"] == pytest.approx(counts["review"] / place_years)
    assert s["exits_per_place_year"] == pytest.approx(counts["exit"] / place_years)
    exits = ev[ev["event"] == "exit"]
    assert set(exits["reason"].astype(str)) <= {"improved", "declined", "moved"}
    assert sum(s[f"exits_{r}_share"] for r in ("improved", "declined", "moved")) == pytest.approx(1.0)
    # a review is due 6-12 months after each decision: about 1.0-2.0 a place-year while places are taken
    assert 0.8 < s["reviews_per_place_year"] < 2.0
    # new people join with new ids and new relationships; the users referred after day 0 are followed
    admitted = ev[ev["event"] == "admission"]
    assert (admitted["user_id"] > open_run.users["user_id"].min()).all()
    assert s["cohort_users"] > 0 and 0 < s["cohort_share_end"] <= 1
    assert open_run.timeseries["caseload"].max() <= 100


def test_open_cohort_starts_mature():
    """After the default warm-up the relationship lengths are at their steady distribution: over the first
    year their mean and median (pooled over two seeds) move by less than 10 %; after a warm-up of one year
    they grow by more than 30 % (the test can fail). A single seed's quartiles move more, as a leaving worker
    restarts a whole caseload's relationships at once."""
    def drift(warmup: int, seeds: tuple[int, ...]) -> float:
        before, after = [], []
        for seed in seeds:
            m = SIDLModel(scenario="municipality", seed=seed, **{"scenario__open_cohort__enabled": True,
                                                                 "scenario__open_cohort__warmup_days": warmup})
            before.append(relation_years(m))
            m.run(365)
            after.append(relation_years(m))
        b, a = np.concatenate(before), np.concatenate(after)
        return max(abs(f(a) - f(b)) / f(b) for f in (np.mean, np.median))

    assert drift(OpenCohort().warmup_days, (5, 6)) < 0.1
    assert drift(365, (5,)) > 0.3


def test_open_cohort_is_reproducible():
    cfg = compose("classroom", "npm", 7, {**OPEN, "scenario.days": 200, "scenario.open_cohort.warmup_days": 400,
                                          "scenario.open_cohort.referrals_per_year": 2.0})
    a, b = execute(cfg), execute(cfg)
    assert a.summary == b.summary
    assert a.service_events.equals(b.service_events) and a.users.equals(b.users)


def test_open_cohort_rejects_bad_input():
    with pytest.raises(ConfigError, match="review_months_min=13"):
        compose("classroom", "trust_based", 0, {**OPEN, "scenario.open_cohort.review_months_min": 13})
    with pytest.raises(ConfigError, match="moved_per_year"):
        compose("classroom", "trust_based", 0, {**OPEN, "scenario.open_cohort.moved_per_year": 1.5})


def test_new_user_gets_a_fresh_rule_state():
    """split_social keeps per-user applications; a new person in a place applies afresh (Rule.new_users)."""
    m = SIDLModel(scenario="classroom", regime="split_social", seed=2, scenario__days=400,
                  scenario__open_cohort__enabled=True, scenario__open_cohort__warmup_days=0,
                  scenario__open_cohort__moved_per_year=0.9, scenario__open_cohort__referrals_per_year=3.0)
    rule = next(iter(m.rules))
    m.run(120)
    joined = np.flatnonzero(m.cohort.admitted > 0)
    assert joined.size > 0
    fresh = joined[m.cohort.admitted[joined] > 100]
    assert not rule.granted[fresh].any()
    assert (rule.decision_day[fresh][rule.applies[fresh]] > 100).all()


def test_capacity_changes_are_logged_with_their_reason():
    over = {"scenario.n_users": 80, "scenario.n_workers": 2, "scenario.days": 28,
            "model.organisation.capacity_fit": True, "model.organisation.sick_rate": 0.1}
    m = SIDLModel(compose("municipality", "trust_based", 1, over))
    m.run()
    ev = m.service_events.frame()
    shortened = ev[ev["event"] == "visit_shortened"]
    cancelled = ev[ev["event"] == "visit_cancelled"]
    assert len(shortened) > 0 and (shortened["reason"] == "capacity").all() and (shortened["minutes"] > 0).all()
    assert len(cancelled) > 0 and set(cancelled["reason"].astype(str)) <= {"capacity", "sick"}
    assert len(shortened) == m.visits_shortened and len(cancelled) == m.visits_cancelled
    assert (ev["event"] == "visit_substituted").sum() == m.visits_substituted > 0
    assert m.unmet_visit_minutes == pytest.approx(shortened["minutes"].sum() + cancelled.query(
        "reason == 'capacity'")["minutes"].sum())
