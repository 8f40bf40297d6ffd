"""Pattern-oriented validation: P1-P12 of the brief (§5, §7), each a statistical test over seeds.

Comparisons are paired: regime A and B with the same seed share users,
networks and daily states (common random numbers), so differences are
measured within seed. Lower bounds are set at roughly three standard errors of
the paired difference over the 6 seeds (measured when the test was written),
so a test is stable but fails if the pattern's mechanism is removed; upper
bounds come from the evidence (the effect of SIDL itself in trials, ODD §11)
where there is a figure, otherwise at several times the measured size, so a
pattern that grows out of all proportion fails too. A pattern the model does
not reproduce is a strict xfail with what it measures instead (ODD §1).
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.model import SIDLModel, dynamics
from sim.outputs.summary import summarise
from sim.world import activities as act
from tests.conftest import make_cfg
from tests.patterns.conftest import SEEDS


def series(m: SIDLModel, col: str) -> np.ndarray:
    return m.datacollector.get_model_vars_dataframe()[col].to_numpy()


def paired(runs, a: str, b: str, f) -> np.ndarray:
    return np.array([f(runs(a, s)) - f(runs(b, s)) for s in SEEDS])


def test_p1_trust_based_beats_npm_and_the_gap_widens(runs):
    years = [365, 730, 1095]
    gap_l = np.array([[series(runs("npm", s), "loneliness_mean")[d] - series(runs("trust_based", s),
                       "loneliness_mean")[d] for d in years] for s in SEEDS])
    gap_w = np.array([[series(runs("trust_based", s), "wellbeing_mean")[d] - series(runs("npm", s),
                       "wellbeing_mean")[d] for d in years] for s in SEEDS])
    trust_l = np.array([series(m, "loneliness_mean")[[0, 1095]] for m in runs.all("trust_based")])
    assert (trust_l[:, 1] < trust_l[:, 0]).mean() >= 5 / 6  # loneliness falls under trust-based work
    assert (trust_l[:, 1] - trust_l[:, 0]).mean() > -0.85  # by less than trials' largest effect (0.6 SD)
    assert (gap_l > 0).all() and (gap_w > 0).all()
    # the gap widens as relationships mature: measured +0.029 UCLA-3 (se 0.006), +1.07 WEMWBS (se 0.11)
    assert (gap_l[:, 2] > gap_l[:, 0]).all() and gap_l[:, 2].mean() > gap_l[:, 0].mean() + 0.01
    assert gap_w[:, 2].mean() > gap_w[:, 0].mean() + 0.5
    # and stays within what SIDL as a whole does in trials (0.6 SD of UCLA-3, 6 WEMWBS points)
    assert gap_l[:, 2].mean() < 0.85 and gap_w[:, 2].mean() < 6.0


def test_p2_car_ban_cuts_outside_activities(runs):
    outside = paired(runs, "car_ban", "trust_based", lambda m: summarise(m)["outside_activities_per_user_month"])
    assert (outside < 0).all() and outside.mean() < -2.0
    # errands take longer rather than vanish: measured -4.5 of 6.8 a user-month (-65 %)
    trust = np.array([summarise(m)["outside_activities_per_user_month"] for m in runs.all("trust_based")])
    assert outside.mean() > -0.85 * trust.mean()
    travel = [runs("car_ban", s).events.frame() for s in SEEDS]
    assert all((ev["mode"] != "car").all() for ev in travel)


def test_p3_split_social_zero_social_with_worker_delay_and_refusals(runs):
    for m in runs.all("split_social"):
        ev = m.events.frame()
        social = ev[ev["activity"].map(act.NAMES.index).map(lambda a: act.IS_SOCIAL[a])]
        assert (social["provider"] != "sidl").all()
        rule = m.rules.rules[0]
        assert social["day"].min() >= rule.params.decision_days
        assert rule.refusals > 0


def test_p4_rigid_plan_kpi_up_failures_anxiety_up_capacity_down(runs):
    kpi = paired(runs, "rigid_plan", "trust_based", lambda m: summarise(m)["plan_adherence"])
    fails = paired(runs, "rigid_plan", "trust_based", lambda m: summarise(m)["failed_challenges_per_user_year"])
    anxiety = paired(runs, "rigid_plan", "trust_based", lambda m: series(m, "anxiety_mean")[:366].mean())
    assert (kpi > 0.3).all() and kpi.mean() < 0.9  # measured +0.62 (se 0.01)
    assert (fails > 0).all() and 0.3 < fails.mean() < 4.0  # measured +1.1 a user-year (se 0.1)
    assert (anxiety > 0).all() and anxiety.mean() < 0.1  # year-one anxiety, measured +0.026 (se 0.003)
    se_growth = paired(runs, "rigid_plan", "trust_based",
                       lambda m: series(m, "self_efficacy_mean")[365] - series(m, "self_efficacy_mean")[0])
    assert (se_growth < 0).all() and se_growth.mean() > -0.1  # year one, measured -0.015 (se 0.002)


def test_p5_rotation_lowers_alliance_knowledge_and_fit(runs):
    alliance = paired(runs, "rotation", "trust_based", lambda m: series(m, "alliance_mean")[1:].mean())
    knowledge = paired(runs, "rotation", "trust_based", lambda m: m.users_state.knowledge.mean())
    fit = paired(runs, "rotation", "trust_based", lambda m: summarise(m)["activity_fit_mean"])
    assert (alliance < 0).all() and (knowledge < 0).all() and (fit < 0).all()
    # measured -0.13 alliance, -0.24 knowledge, -0.003 fit: rotation does not undo everything
    assert alliance.mean() > -0.5 and knowledge.mean() > -0.7 and fit.mean() > -0.05


def test_p6_becoming_is_rare_in_the_first_months(runs):
    early, later = [], []
    for m in runs.all("trust_based"):
        ev = m.events.frame()
        won = ev[(ev["category"] == "challenge") & ev["success"]]["day"].to_numpy()
        early.append((won < 60).sum() / 60)
        later.append(((won >= 120) & (won < 365)).sum() / 245)
    assert np.mean(early) < 0.1 * np.mean(later)
    assert 0.02 < np.mean(later) < 0.5  # measured 0.11 successes a day in 100 users (se 0.009)


@pytest.mark.xfail(strict=True, reason="open (ODD §1): against no_support the most isolated third gains least "
                   "(3 years: 0.35, 0.48, 0.39 UCLA-3 points, most to least isolated tertile at referral): "
                   "ties a visit revives hold only where the user's own contact keeps them up")
def test_p7_the_most_isolated_gain_most_under_trust_based(runs):
    gains = []
    for s in SEEDS:
        trust, alone = runs("trust_based", s), runs("no_support", s)
        contacts = SIDLModel(make_cfg(seed=s, n_users=100, n_workers=8, days=1)).users_state.contacts_week
        tertile = np.digitize(contacts, np.quantile(contacts, [1 / 3, 2 / 3]))
        gain = 6 * (alone.users_state.loneliness - trust.users_state.loneliness)  # the effect of SIDL, per user
        gains.append([gain[tertile == k].mean() for k in range(3)])
    gains = np.array(gains).mean(axis=0)
    assert gains[2] + 0.1 < gains[0] < 0.85


def test_p8_without_sidl_lonelier_and_worse_than_with_it_and_steady(runs):
    """Without SIDL users end lonelier and worse than with it; on their own they stay where they were.

    The brief's "drifts up" is read against support: control arms of trials barely move (ODD §11), so
    the no-support mean moves by less than 0.2 baseline SD (UCLA-3 ~0.28, WEMWBS ~1.5 points).
    """
    lonelier = paired(runs, "no_support", "trust_based", lambda m: series(m, "loneliness_mean")[-1])
    worse = paired(runs, "no_support", "trust_based", lambda m: series(m, "wellbeing_mean")[-1])
    assert (lonelier > 0).all() and lonelier.mean() < 0.85  # measured +0.37 UCLA-3 at 3 years (se 0.01)
    assert (worse < 0).all() and worse.mean() > -9.0  # measured -6.3 WEMWBS (se 0.2); trials' 6 x 1.5
    drift_l = [series(m, "loneliness_mean")[-1] - series(m, "loneliness_mean")[0] for m in runs.all("no_support")]
    drift_w = [series(m, "wellbeing_mean")[-1] - series(m, "wellbeing_mean")[0] for m in runs.all("no_support")]
    assert abs(np.mean(drift_l)) < 0.28 and abs(np.mean(drift_w)) < 1.5


def test_p9_baseline_most_are_lonely(runs):
    share = np.mean([series(m, "share_lonely")[0] for m in runs.all("trust_based")])
    assert 0.75 <= share <= 0.94


def test_p10_contact_rises_more_than_loneliness_falls_and_dose_matters(runs):
    contact_gain, lonely_drop, dose = [], [], []
    for s in SEEDS:
        t, n = runs("trust_based", s), runs("no_support", s)
        contact_gain.append(t.users_state.contacts_week.mean() / n.users_state.contacts_week.mean() - 1)
        lonely_drop.append(1 - t.users_state.loneliness.mean() / n.users_state.loneliness.mean())
        benefit = n.users_state.loneliness - t.users_state.loneliness
        dose.append(np.corrcoef(t.assessment.hours, benefit)[0, 1])
    assert 2.0 > np.mean(contact_gain) > 3 * np.mean(lonely_drop) > 0  # measured +51 % contact, -9 % loneliness
    assert 0.05 < np.mean(dose) < 0.6  # more support hours, more benefit (measured r = 0.19, se 0.05)


def test_p11_time_monitoring_client_time_and_more_workers(runs):
    share = [summarise(m)["client_time_share"] for m in runs.all("time_monitoring")]
    assert 0.52 <= np.mean(share) <= 0.62  # Jordahl & Persson 2018: 58 %
    workers = paired(runs, "time_monitoring", "trust_based", lambda m: summarise(m)["distinct_workers_per_user"])
    assert (workers > 3).all() and workers.mean() < 20  # measured +8.6 (se 0.4)


@pytest.mark.xfail(strict=True, reason="open (ODD §1): with others reaching out on dormant ties (what keeps a "
                   "network steady without support) a network recovers from any loss: halving every tie of half "
                   "the users leaves -2.7 active ties, -0.9 after 2 years; no user is caught below a threshold")
@pytest.mark.parametrize("seed", [1, 2])
def test_p12_isolation_tips_below_a_contact_threshold(seed):
    """With a steady drive (no loss of capacity), few contacts slide into isolation, many hold."""
    m = SIDLModel(make_cfg(seed=seed, n_users=600, n_workers=45, days=730, regime__no_support__enabled=True,
                           model__household__se_decay=0.0))
    start_contacts, start_l = m.users_state.contacts_week.copy(), m.users_state.loneliness.copy()
    start_active = dynamics.active_ties(m.users_state, m.params)
    m.run()
    rise = 6 * (m.users_state.loneliness - start_l)
    lost_all = (dynamics.active_ties(m.users_state, m.params) == 0) & (start_active > 0)
    few, many = start_contacts < 2, start_contacts > 6
    assert rise[few].mean() > 0.05 and rise[many].mean() < 0
    assert lost_all[few].mean() > 0.3 and lost_all[many].mean() < 0.05
