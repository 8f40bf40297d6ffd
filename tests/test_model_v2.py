"""Model v2 (issue 13): one test per new mechanism, each failing if the mechanism is removed.

Small worlds and short horizons; paired runs share a seed (common random numbers), so a difference
between them is the mechanism's doing. Where nothing feeds back, the tests ask for exact equality.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model import kernels
from sim.model.model import SIDLModel
from sim.model.visits import visit_params
from sim.params.schema import ModelParams
from sim.world.places import PLACE_NAMES
from tests.conftest import make_cfg, run_model

NO_SUPPORT = dict(regime__name="no_support", regime__no_support__enabled=True)
SMALL = dict(n_users=60, n_workers=5)


def series(m: SIDLModel, col: str):
    return m.datacollector.get_model_vars_dataframe()[col]


def end(m: SIDLModel, col: str) -> float:
    return float(series(m, col).iloc[-1])


def known_places(m: SIDLModel) -> np.ndarray:
    return m.users_state.landscape[:, 1:].sum(axis=1)


# -- fleeting affect apart from lasting wellbeing -------------------------------------------------------
def test_affect_fades_within_a_week_and_never_reaches_lasting_wellbeing():
    lifted, plain = (SIDLModel(make_cfg(seed=3, days=7, **SMALL, **NO_SUPPORT)) for _ in range(2))
    lifted.users_state.affect[:] = 0.3  # a very good day for everyone
    for _ in range(7):
        lifted.step()
        plain.step()
    s, twin = lifted.users_state, plain.users_state
    keep = 1.0 - lifted.params.wellbeing.affect_decay
    np.testing.assert_allclose(s.affect, 0.3 * keep**7)  # 0.3 x 0.7^7 = 0.025: most of it gone in a week
    assert (s.affect < 0.1 * 0.3).all()
    assert np.array_equal(s.wellbeing_lasting, twin.wellbeing_lasting)  # no bonus builds a lasting level
    np.testing.assert_allclose(s.wellbeing, np.minimum(s.wellbeing_lasting + s.affect, 1.0))


def test_support_raises_wellbeing_gradually_not_in_the_first_months():
    m = run_model(seed=1, n_users=150, n_workers=11, days=365)
    wb = series(m, "wellbeing_mean")
    # issue 13: bonuses used to stack into +5.4 WEMWBS by day 90; now lasting states carry it (seed 1: +1.7 of +4.3)
    assert 1.5 < wb.iloc[365] - wb.iloc[0] < 8.0
    assert wb.iloc[90] - wb.iloc[0] < 0.5 * (wb.iloc[365] - wb.iloc[0])


# -- recognition ---------------------------------------------------------------------------------------
def test_recognition_grows_with_being_heard_and_fades_without_visits():
    heard = run_model(seed=2, days=180, **SMALL)
    unheard = run_model(seed=2, days=180, model__talk__recognition_gain=0.0, **SMALL)
    assert 0.05 < heard.users_state.recognition.mean() < 0.6
    assert not unheard.users_state.recognition.any()
    assert end(heard, "wellbeing_mean") > end(unheard, "wellbeing_mean") + 0.3  # it is what lasts of being heard

    m = SIDLModel(make_cfg(seed=2, days=30, **SMALL, **NO_SUPPORT))
    m.users_state.recognition[:] = 0.5
    m.run()
    np.testing.assert_allclose(m.users_state.recognition, 0.5 * (1 - m.params.talk.recognition_decay) ** 30)
    assert (m.users_state.recognition < 0.4).all()  # 0.5 x 0.99^30 = 0.37: it fades over months, not days


# -- what a visit gives: kernels.benefit -------------------------------------------------------------------
P = visit_params(ModelParams())
GOOD_DAY, BAD_DAY = 0.9, 0.0  # courage at / below organisation.move_threshold


def test_benefit_stranger_floor_trusted_knowing_worker_full_and_a_bad_day_halves_it():
    assert kernels.benefit(0.0, 0.0, GOOD_DAY, P) == pytest.approx(P.benefit_floor)
    assert kernels.benefit(1.0, 1.0, GOOD_DAY, P) == pytest.approx(1.0)
    assert kernels.benefit(1.0, 1.0, BAD_DAY, P) == pytest.approx(P.bad_day_benefit)
    half = P.benefit_floor + (1 - P.benefit_floor) * (1 - P.knowledge_share)  # trusted, knows nothing yet
    assert kernels.benefit(1.0, 0.0, GOOD_DAY, P) == pytest.approx(half)
    assert kernels.benefit(0.5, 0.5, P.bad_day_below, P) == pytest.approx(kernels.benefit(0.5, 0.5, 1.0, P))


UNIT = st.floats(0.0, 1.0)


@settings(max_examples=200, deadline=None)
@given(alliance=UNIT, knowledge=UNIT, courage=UNIT, more=UNIT)
def test_benefit_is_a_share_and_grows_with_alliance_and_knowledge(alliance, knowledge, courage, more):
    b = kernels.benefit(alliance, knowledge, courage, P)
    assert 0.0 <= b <= 1.0
    assert b >= P.benefit_floor * P.bad_day_benefit - 1e-12
    hi_a, hi_k = alliance + more * (1 - alliance), knowledge + more * (1 - knowledge)
    assert kernels.benefit(hi_a, knowledge, courage, P) >= b - 1e-12
    assert kernels.benefit(alliance, hi_k, courage, P) >= b - 1e-12
    assert kernels.benefit(alliance, knowledge, max(courage, P.bad_day_below), P) >= b - 1e-12


# -- imposed activities give less -----------------------------------------------------------------------------
def test_imposed_activities_give_less_and_user_voice_decides_how_many_are_imposed():
    def capacity_lost(voice: float) -> float:
        """Self-efficacy an imposed_benefit of 0.5 (against 1) costs over half a year."""
        # no visit running over: a visit shortened to repay an earlier one leaves the user's wishes no room
        full, half = (run_model(seed=3, days=180, model__negotiation__user_voice=voice,
                                model__negotiation__imposed_benefit=ib, model__organisation__visit_minutes_max=0,
                                **SMALL) for ib in (1.0, 0.5))
        return end(full, "self_efficacy_mean") - end(half, "self_efficacy_mean")

    worker_decides, user_decides = capacity_lost(0.0), capacity_lost(1.0)
    # the worker's choice is often not the user's (seed 3: -0.017 SE); the user's own almost always is (-0.002)
    assert worker_decides > 0.008
    assert abs(user_decides) < 0.25 * worker_decides


# -- relationships: pair and worker rates, a start from zero, ruptures -------------------------------------------
def test_alliance_rates_differ_between_pairs_and_workers_only_with_their_spread():
    def world(pair_sd: float, worker_sd: float) -> SIDLModel:
        return run_model(seed=2, n_users=150, n_workers=11, days=365, model__relation__pair_sd=pair_sd,
                         model__relation__worker_sd=worker_sd, model__relation__rupture_prob=0.0,
                         model__organisation__worker_turnover_per_year=0.0)

    same, spread = world(0.0, 0.0), world(0.5, 0.3)
    assert (same.users_state.bond_rate == 1.0).all() and (same.worker_skill == 1.0).all()
    assert np.log(spread.worker_skill).std() > 0.1
    pair = np.log(spread.users_state.bond_rate / spread.worker_skill[spread.assessment.regular])
    assert pair.std() == pytest.approx(0.5, abs=0.1) and pair.mean() == pytest.approx(-0.125, abs=0.1)  # mean 1
    # seed 2: sd of alliance 0.11 with equal rates, 0.20 with spread rates, means alike (0.62, 0.61)
    assert spread.users_state.alliance.std() > 1.5 * same.users_state.alliance.std()


def test_a_new_regular_worker_starts_from_initial_alliance_with_a_new_rate():
    m = SIDLModel(make_cfg(seed=4, days=1, model__organisation__worker_turnover_per_year=0.0, **SMALL))
    m.run(120)
    s, users = m.users_state, np.flatnonzero(m.assessment.regular == 0)
    rate, skill = s.bond_rate[users].copy(), m.worker_skill[0]
    assert s.alliance[users].min() > 0.0
    m.replace_worker(0)
    assert m.worker_skill[0] != skill  # the new person's own skill
    m.run(1)
    met = users[s.bond_worker[users] == m.worker_uid[0]]
    assert met.size > 0 and (s.bond_rate[met] != rate[np.isin(users, met)]).all()
    gain = m.params.relation.alliance_gain * s.bond_rate[met] * (1 + m.params.talk.mutuality)
    assert (s.alliance[met] <= gain + 1e-12).all()  # one visit's growth from initial_alliance 0
    assert (s.relation_days[met] == 1).all() and (s.knowledge[met] <= m.params.relation.knowledge_gain + 1e-12).all()


RIGID = dict(regime__rigid_plan__enabled=True, days=180, **SMALL)


def test_ruptures_under_a_rigid_plan_cost_alliance():
    kept = run_model(seed=6, model__relation__rupture_prob=0.0, **RIGID)
    torn = run_model(seed=6, model__relation__rupture_prob=1.0, **RIGID)
    harmless = run_model(seed=6, model__relation__rupture_prob=1.0, model__relation__rupture_loss=0.0, **RIGID)
    ev = torn.events.frame()
    assert (~ev[ev["category"] == "challenge"]["success"]).sum() > 50  # pushed every 14 days, mostly failing
    # seed 6: 0.33 -> 0.27 (the plan's own content counts as wanted, so the strains are the failed pushes)
    assert torn.users_state.alliance.mean() < kept.users_state.alliance.mean() - 0.03
    assert np.array_equal(harmless.users_state.alliance, kept.users_state.alliance)  # a rupture is its loss only


# -- a steady start: other help, others reaching out, the burn-in ------------------------------------------------
def test_other_help_keeps_needs_bounded_without_support():
    helped = run_model(seed=3, days=365, **SMALL, **NO_SUPPORT)
    assert series(helped, "unmet_needs_mean").max() < 10  # seed 3: 3.7-5.9 all year
    alone = run_model(seed=3, days=365, model__household__other_help_rate=0.0, **SMALL, **NO_SUPPORT)
    assert series(alone, "unmet_needs_mean").iloc[0] > 5 * series(helped, "unmet_needs_mean").max()
    fresh = run_model(seed=3, days=365, model__household__other_help_rate=0.0, model__initial__burn_in_days=0,
                      **SMALL, **NO_SUPPORT)
    assert end(fresh, "unmet_needs_mean") > series(fresh, "unmet_needs_mean").iloc[0] + 30  # they pile up


def test_others_reaching_out_revive_dormant_ties():
    def revived(rate: float) -> tuple[float, float]:
        m = SIDLModel(make_cfg(seed=3, days=365, model__network__reach_out_rate=rate, **SMALL, **NO_SUPPORT))
        strength, active = m.users_state.tie_strength, m.params.network.active_threshold
        dormant = strength < active
        m.run()
        return float((strength[dormant] >= active).mean()), end(m, "network_active_mean")

    share, ties = revived(0.006)
    assert share > 0.1 and ties > 2.0  # seed 3: 24 % of dormant ties active a year later, 4.7 active ties
    share, ties = revived(0.0)
    assert share == 0.0 and ties < 0.5  # a dormant tie stays dormant; the network dies out in the burn-in


def test_the_burn_in_starts_every_state_at_its_no_support_steady_state():
    def band(burn_in: int) -> dict[str, float]:
        m = run_model(seed=1, n_users=200, n_workers=5, days=365, model__initial__burn_in_days=burn_in, **NO_SUPPORT)
        ts = m.datacollector.get_model_vars_dataframe()
        return {c: float(ts[c].max() - ts[c].min()) for c in BAND}

    # the range of each daily mean over a year (seeds 1-4, 200 users: at most 0.09, 0.73, 0.002, 0.44, 1.22);
    # without a burn-in: 0.14-0.19, 0.94-1.23, 0.09, 1.5-1.6, 1.6-2.2
    BAND = {"loneliness_mean": 0.12, "wellbeing_mean": 0.9, "self_efficacy_mean": 0.02, "network_active_mean": 0.8,
            "unmet_needs_mean": 1.5}
    steady = band(1095)
    assert all(steady[c] < most for c, most in BAND.items()), steady
    drifting = band(0)
    assert sum(drifting[c] > most for c, most in BAND.items()) >= 4, drifting


# -- the landscape: bounded growth, fears that return -----------------------------------------------------------
EAGER = dict(model__places__landscape_learn_prob=1.0, model__becoming__initiate_prob=1.0,
             model__becoming__success_logit=20.0, seed=5, days=365, **SMALL)


def test_landscape_grows_only_while_it_holds_fewer_than_landscape_max_places():
    def grown(most: float) -> tuple[np.ndarray, np.ndarray]:
        m = SIDLModel(make_cfg(model__places__landscape_max=most, **EAGER))
        start = known_places(m).copy()
        m.run()
        return start, known_places(m)

    start, bounded = grown(3.5)
    # a place is added only while fewer than 3.5 are known: no one ends above 4 who did not start there
    assert (bounded <= np.maximum(start, 4)).all() and (bounded > start).sum() > 10
    _, open_ended = grown(13.0)
    assert open_ended.mean() > bounded.mean() + 1.0 and open_ended.max() > 6  # seed 5: 5.35 against 3.78


def test_a_failed_challenge_may_make_its_place_feared_again():
    failing = dict(model__becoming__initiate_prob=1.0, model__becoming__success_logit=-20.0,
                   model__becoming__brave_logit=0.0, model__becoming__alliance_logit=0.0,
                   model__becoming__se_logit=0.0, model__becoming__anxiety_logit=0.0, seed=8, days=365, **SMALL)

    def after_failures(prob: float) -> tuple[np.ndarray, np.ndarray]:
        m = run_model(model__becoming__fear_return_prob=prob, **failing)
        ev = m.events.frame()
        tried = ev[(ev["category"] == "challenge") & (ev["place"] != "home")]
        assert len(tried) > 50 and not tried["success"].any()
        row = {uid: i for i, uid in enumerate(m.user_uid.tolist())}
        users = tried["user_id"].map(row).to_numpy()
        places = tried["place"].astype(str).map(PLACE_NAMES.index).to_numpy()
        return m.users_state.fear_place[users, places], m.users_state.landscape[users, places]

    feared, known = after_failures(1.0)
    assert feared.all() and not known.any()
    feared, known = after_failures(0.0)  # only where the transit, not the place, was feared (seed 8: 60 %)
    assert feared.mean() < 0.8 and known.any()


# -- reproducibility ------------------------------------------------------------------------------------------------
def test_same_seed_same_run_including_the_new_states():
    def run(seed: int) -> SIDLModel:
        m = SIDLModel(scenario="classroom", regime="trust_based", seed=seed, scenario__days=60)
        m.run()
        return m

    a, b, other = run(1), run(1), run(2)
    assert a.datacollector.get_model_vars_dataframe().equals(b.datacollector.get_model_vars_dataframe())
    assert a.events.frame().equals(b.events.frame())
    for name in ("wellbeing", "wellbeing_lasting", "wellbeing_offset", "affect", "recognition", "alliance",
                 "bond_rate", "needs", "tie_strength"):
        assert np.array_equal(getattr(a.users_state, name), getattr(b.users_state, name)), name
    assert np.array_equal(a.worker_skill, b.worker_skill)
    assert not np.array_equal(a.users_state.wellbeing, other.users_state.wellbeing)
