"""Worker capacity (ODD §7.17): a day too full for its visits shortens or cancels them, and counts them."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.validate import ConfigError
from sim.model.capacity import fit_day
from tests.conftest import make_cfg, run_model

FULL = {"model__organisation__capacity_fit": True}


def test_a_full_day_shortens_or_cancels_visits_and_counts_them():
    m = run_model(n_users=120, n_workers=2, days=28, model__organisation__working_minutes_per_day=240.0, **FULL)
    assert m.visits_cancelled > 0 and m.visits_shortened > 0
    assert m.unmet_visit_minutes > 0 and m.overtime_minutes > 0


def test_with_ample_hours_no_visit_is_shortened_or_cancelled():
    m = run_model(n_users=20, n_workers=10, days=28, model__organisation__working_minutes_per_day=1440.0, **FULL)
    assert m.visits_cancelled == 0 and m.visits_shortened == 0 and m.unmet_visit_minutes == 0


def test_fit_keeps_the_longest_visits_shortens_them_to_fit_and_leaves_others_alone():
    workers = np.array([0, 0, 0, 0, 1, -1])
    minutes = np.array([60.0, 90.0, 30.0, 60.0, 60.0, 500.0])
    fit = fit_day(workers, minutes, 2, day_minutes=150.0, overtime_max=30.0, fixed_per_visit=20.0, min_visit=40.0)
    assert fit.kept.tolist() == [True, True, False, True, True, True]
    assert fit.cancelled == 1 and fit.shortened == 3
    used = (fit.minutes[:4][fit.kept[:4]] + 20.0).sum()
    assert used == pytest.approx(180.0)
    assert fit.minutes[4] == 60.0 and fit.minutes[5] == 500.0
    assert fit.overtime_minutes == pytest.approx(30.0)


def test_a_shortest_visit_longer_than_any_visit_may_run_is_refused():
    with pytest.raises(ConfigError, match="min_visit_minutes"):
        make_cfg(model__organisation__min_visit_minutes=300.0, model__organisation__capacity_fit=True)


def test_negative_overtime_is_refused():
    with pytest.raises(ConfigError, match="overtime_minutes_max"):
        make_cfg(model__organisation__overtime_minutes_max=-1.0)


def test_sick_days_take_visits_from_the_regular_and_substitutes_or_cancellations_appear():
    well = run_model(n_users=60, n_workers=5, days=60)
    sick = run_model(n_users=60, n_workers=5, days=60, model__organisation__sick_rate=0.3)
    assert sick.sick_worker_days > 0 and sick.visits_substituted > 0 and sick.visits_cancelled > 0
    assert sick.visits_by_regular < well.visits_by_regular
    none = run_model(n_users=60, n_workers=5, days=60, model__organisation__sick_rate=0.3,
                     model__organisation__sick_cover_prob=0.0)
    assert none.visits_substituted == 0 and none.visits_cancelled > sick.visits_cancelled


def test_caseload_and_realised_turnover_are_reported_and_follow_the_turnover_rate():
    from sim.outputs.summary import summarise

    calm = summarise(run_model(n_users=40, n_workers=8, days=365, model__organisation__worker_turnover_per_year=0.0))
    assert calm["caseload_mean"] == pytest.approx(5.0) and calm["turnover_realised_per_year"] == 0.0
    busy = summarise(run_model(n_users=40, n_workers=8, days=365, model__organisation__worker_turnover_per_year=0.9))
    assert 0.5 < busy["turnover_realised_per_year"] < 4.0


VACANT = dict(n_users=40, n_workers=6, days=180, model__organisation__worker_turnover_per_year=0.9)


def test_vacancies_cancel_visits_under_wait_and_give_them_to_colleagues_under_spread():
    from sim.outputs.summary import summarise

    base = run_model(**VACANT)
    wait = run_model(**VACANT, model__organisation__vacancy_days=60, model__organisation__vacancy_cover="wait")
    spread = run_model(**VACANT, model__organisation__vacancy_days=60, model__organisation__vacancy_cover="spread")
    assert base.visits_cancelled == 0 and base.visits_substituted == 0 and base.vacant_slot_days == 0
    assert wait.vacant_slot_days > 0 and wait.visits_cancelled > 0 and wait.visits_substituted == 0
    assert spread.visits_substituted > 0 and spread.visits_cancelled == 0
    assert spread.visits_made > wait.visits_made
    assert summarise(wait)["vacancy_days_per_post_year"] > 0 and summarise(wait)["caseload_mean"] > 40 / 6


def test_zero_vacancy_days_are_todays_model_whatever_the_cover():
    from sim.outputs.summary import summarise

    a = summarise(run_model(**VACANT))
    b = summarise(run_model(**VACANT, model__organisation__vacancy_cover="wait"))
    assert a == b and a["vacancy_days_per_post_year"] == 0.0


def test_an_unknown_vacancy_cover_is_refused():
    with pytest.raises(ConfigError, match="vacancy_cover='share'.*spread, wait"):
        make_cfg(model__organisation__vacancy_cover="share")


BUSY = dict(n_users=60, n_workers=3, days=365, model__organisation__working_minutes_per_day=300.0,
            model__organisation__worker_turnover_per_year=0.3)


def test_overload_raises_turnover_when_the_workload_effect_is_on():
    on = run_model(**BUSY, model__organisation__turnover_workload_effect=2.0)
    assert on._load.max() > 0.5
    leavers = [sum(run_model(**BUSY, seed=s, model__organisation__turnover_workload_effect=e).leavers
                   for s in range(4)) for e in (0.0, 2.0)]
    assert leavers[1] > 1.3 * leavers[0]


def test_rules_that_take_discretion_raise_turnover_only_with_the_discretion_effect():
    from sim.outputs.summary import summarise
    from sim.rules import REGISTRY, RuleSet

    assert RuleSet([REGISTRY["rigid_plan"]()]).takes_discretion
    assert not RuleSet([REGISTRY["rotation"]()]).takes_discretion
    rigid = dict(n_users=30, n_workers=5, days=365, regime__rigid_plan__enabled=True,
                 model__organisation__worker_turnover_per_year=0.3)
    leavers = [sum(run_model(**rigid, seed=s, model__organisation__turnover_discretion_effect=e).leavers
                   for s in range(4)) for e in (0.0, 3.0)]
    assert leavers[1] > 2 * leavers[0]
    a = summarise(run_model(n_users=30, n_workers=5, days=120))
    b = summarise(run_model(n_users=30, n_workers=5, days=120, model__organisation__workload_memory_days=7,
                            model__organisation__turnover_discretion_effect=3.0))
    assert a == b
