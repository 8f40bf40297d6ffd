"""The cost model: prices as parameters, cost per user-year and its parts, equal budget, cost-effectiveness."""

from __future__ import annotations

import dataclasses
import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import stats
from sim.analysis.report import write_report
from sim.model import costs
from sim.model.model import SIDLModel
from sim.outputs import outcomes
from sim.outputs.summary import summarise
from sim.params.schema import DECISION_KINDS, OVERHEAD_ITEMS, Costs
from sim.rules import REGISTRY, Rule
from tests.conftest import make_cfg

PARTS = ("staff", "travel", "overhead")
#: What a run must hold for each price to matter, and the regime that has it.
PRICED = {
    "staff_sek_per_hour": "npm", "other_provider_sek_per_hour": "npm", "car_sek_per_km": "npm",
    "transit_sek_per_leg": "car_ban", "monitoring_system_sek_per_user_year": "npm",
    "assessment_sek_per_decision": "npm", "review_sek_per_decision": "npm", "application_sek_per_decision": "npm",
    "elsewhere_sek_per_task": "npm",
}


#: Plan reviews twice in a classroom year, so that reviews are priced.
REVIEWS = {"regime.rigid_plan.review_days": 150}


@cache
def classroom(regime: str, **overrides) -> SIDLModel:
    m = SIDLModel(sim.configure("classroom", regime, seed=1, overrides={**REVIEWS, **overrides}))
    m.run()
    return m


def key(part: str) -> str:
    return f"cost_{part}_sek_per_user_year" if part != "total" else "cost_sek_per_user_year"


def test_every_price_is_a_declared_parameter_with_a_range_and_every_priced_item_has_its_price():
    prices = [f for f in dataclasses.fields(Costs) if f.type in ("float", float) and f.name != "overtime_premium"]
    assert {f.name for f in prices} == {*PRICED, "budget_sek_per_user_year"}
    assert all(f.metadata["range"][0] == 0.0 and f.metadata["unit"] for f in prices)
    fields = {f.name for f in prices}
    assert {f"{kind}_sek_per_decision" for kind in DECISION_KINDS} <= fields
    assert {f"{item}_sek_per_user_year" for item in OVERHEAD_ITEMS} <= fields
    assert all(set(cls.overheads) <= set(OVERHEAD_ITEMS) for cls in REGISTRY.values())
    premium = next(f for f in dataclasses.fields(Costs) if f.name == "overtime_premium")  # a multiple, not a price
    assert premium.metadata["range"][0] == 1.0 and premium.metadata["unit"]


@pytest.mark.parametrize("regime", ["trust_based", "npm", "car_ban", "no_support"])
def test_the_parts_sum_to_the_cost_and_the_staff_cost_is_every_paid_minute_at_the_staff_price(regime):
    m = classroom(regime)
    s, c = summarise(m), m.params.costs
    assert s[key("total")] == pytest.approx(sum(s[key(p)] for p in PARTS), rel=1e-12)
    assert s[key("travel")] == pytest.approx(s[key("car")] + s[key("transit")], rel=1e-12, abs=1e-9)
    assert s[key("overhead")] == pytest.approx(sum(s[key(p)] for p in ("other_providers", "elsewhere", "decisions",
                                                                       "systems")), rel=1e-12)
    years = m.users_state.n * m.day / 365.25
    staffed = sum(m.minutes.values()) * c.staff_sek_per_hour / 60.0 / years
    assert s[key("staff")] == pytest.approx(staffed if m.rules.employs_staff else 0.0, rel=1e-12)
    assert 0 <= s[key("documentation")] <= s[key("staff")]


@pytest.mark.parametrize("price", sorted(PRICED))
def test_each_price_changes_the_cost_by_what_it_prices_and_nothing_else(price):
    base = classroom(PRICED[price])
    default = getattr(base.params.costs, price)
    dearer = classroom(PRICED[price], **{f"model.costs.{price}": 3.0 * default})
    free = classroom(PRICED[price], **{f"model.costs.{price}": 0.0})
    before, after, zero = summarise(base), summarise(dearer), summarise(free)
    rise = after[key("total")] - before[key("total")]
    assert rise > 0, f"{price}: the run has nothing it prices"
    assert before[key("total")] - zero[key("total")] == pytest.approx(rise / 2.0, rel=1e-9)  # linear, through 0
    if price.endswith("_sek_per_decision"):
        kind = price.removesuffix("_sek_per_decision")
        assert rise == pytest.approx(2.0 * default * base.decisions[kind] / (12 * base.day / 365.25), rel=1e-9)
    changed = {k for k in before if before[k] != after[k]}
    assert changed and all(k.startswith("cost_") for k in changed)  # prices change no dynamics


def test_a_new_category_of_paid_minutes_is_priced_at_the_staff_rate():
    m = classroom("trust_based")
    before = costs.cost_sek(m)["staff"]
    m.minutes["overtime"] = 600.0
    try:
        assert costs.cost_sek(m)["staff"] - before == pytest.approx(10 * m.params.costs.staff_sek_per_hour)
    finally:
        del m.minutes["overtime"]


def test_npm_shows_its_overheads_and_no_support_pays_no_staff():
    trust, npm, none = (summarise(classroom(r)) for r in ("trust_based", "npm", "no_support"))
    assert npm[key("overhead")] > trust[key("overhead")] + 1000
    for part in ("systems", "decisions", "other_providers", "elsewhere"):
        assert npm[key(part)] > trust[key(part)], part
    assert trust[key("systems")] == trust[key("other_providers")] == trust[key("elsewhere")] == 0
    assert npm[key("documentation")] > trust[key("documentation")]
    assert none[key("staff")] == none[key("travel")] == 0 and none["visits_per_user_week"] == 0
    assert none[key("total")] == pytest.approx(
        12 * Costs().assessment_sek_per_decision / (12 * none["days"] / 365.25))  # the day-0 assessments only


def test_decisions_are_counted_by_kind():
    m = classroom("npm")
    split = next(r for r in m.rules if r.name == "split_social")
    assert m.decisions["assessment"] == 12
    assert m.decisions["application"] >= split.applies.sum() and m.decisions["application"] >= split.refusals
    review_days = m.cfg.regime.rigid_plan.review_days
    assert m.decisions["review"] == 12 * ((m.day - 1) // review_days)
    assert dict(classroom("trust_based").decisions) == {"assessment": 12}
    with pytest.raises(ValueError, match="decision kind 'tender'"):
        costs.decision_price(m.params.costs, "tender")


def test_travel_is_the_km_driven_and_the_legs_ridden():
    m = classroom("trust_based")
    frame = m.events.frame()
    sidl = frame[frame["provider"] == "sidl"]
    km, legs = costs.travel_counts(m)
    assert legs == 2 * int((sidl["mode"] == "transit").sum())
    assert np.all(np.diff(m.user_uid) > 0)  # the event log's user ids map to indices by search
    car = sidl[sidl["mode"] == "car"]
    pl = m.params.places
    one_way = (car["travel_minutes"] / 2 - pl.car_park_min) * pl.car_kmh / 60.0  # the car legs' own minutes
    assert km - m.visits_made * costs.between_visits_km(m) == pytest.approx(2 * one_way.sum(), rel=1e-9)


def test_lonely_user_years_are_the_share_lonely_over_the_run():
    m = classroom("trust_based")
    share = m.datacollector.get_model_vars_dataframe()["share_lonely"].to_numpy()
    assert summarise(m)["lonely_user_years_per_user_year"] == pytest.approx(share[1:].mean())


@pytest.mark.parametrize(("key_", "value"), [("model.costs.staff_sek_per_hour", -1.0),
                                             ("model.costs.car_sek_per_km", -0.5),
                                             ("model.costs.budget_sek_per_user_year", -10.0)])
def test_a_negative_price_is_refused_before_any_work(key_, value):
    with pytest.raises(sim.ConfigError, match=rf"^{key_}={value}: must be in \[0, "):
        sim.configure("classroom", overrides={key_: value})


class Surveillance(Rule):
    """A plugin rule whose overhead has no price."""

    name = "surveillance"
    overheads = ("cctv",)


def test_an_overhead_without_a_price_is_refused():
    with pytest.raises(sim.ConfigError, match="overhead item 'cctv' has no price"):
        sim.configure("classroom", overrides={"regime.extra_rules": [sim.rules.plugin_spec(Surveillance)]})


@pytest.fixture(scope="module")
def municipality_trust() -> SIDLModel:
    m = SIDLModel(sim.configure("municipality", "trust_based", seed=0))
    m.run()
    return m


def test_the_default_budget_is_what_trust_based_costs_at_the_defaults(municipality_trust):
    cost = summarise(municipality_trust)["cost_sek_per_user_year"]
    assert cost == pytest.approx(Costs().budget_sek_per_user_year, rel=0.05)


@pytest.mark.parametrize("regime", ["npm", "trust_based"])
def test_under_an_equal_budget_a_regime_spends_the_budget(regime):
    budget = 60_000.0 if regime == "trust_based" else Costs().budget_sek_per_user_year
    m = SIDLModel(sim.configure("municipality", regime, seed=0, overrides={
        "model.costs.equal_budget": True, "model.costs.budget_sek_per_user_year": budget}))
    m.run()
    s = summarise(m)
    assert s["cost_sek_per_user_year"] == pytest.approx(budget, rel=0.05)
    assert s["staff_factor_mean"] < 1.0


def test_the_staff_factor_scales_the_funded_contracted_time():
    full = SIDLModel(make_cfg(days=14, regime__no_support__enabled=True))
    half = SIDLModel(make_cfg(days=14, regime__no_support__enabled=True))
    half.staff_factor = 0.5
    full.run()
    half.run()
    org = full.params.organisation
    contracted = full.worker_uid.size * org.working_minutes_per_day * 10
    assert full.minutes["unscheduled"] == pytest.approx(contracted - full.minutes["admin"])
    assert half.minutes["unscheduled"] == pytest.approx(0.5 * contracted - half.minutes["admin"])
    assert summarise(full)["staff_factor_mean"] == 1.0 and summarise(half)["staff_factor_mean"] == 0.5


def test_equal_budget_off_leaves_the_workforce_fully_funded(municipality_trust):
    assert municipality_trust.staff_factor == 1.0 and municipality_trust._budget is None


@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory) -> tuple:
    store = tmp_path_factory.mktemp("ce_sweep")
    configs = [sim.configure("classroom", regime, seed, {"scenario.days": 60})
               for regime in ("trust_based", "npm", "no_support") for seed in (1, 2, 3)]
    runs = sim.run_many(configs, n_jobs=1, store=str(store), progress=False)
    return store, runs


def test_cost_effectiveness_against_trust_based_and_no_support(tiny_sweep):
    _, runs = tiny_sweep
    ce = stats.cost_effectiveness(runs)
    assert tuple(ce.columns) == stats.CE_COLUMNS
    assert set(zip(ce["reference"], ce["regime"], strict=True)) == {
        ("trust_based", "npm"), ("trust_based", "no_support"), ("no_support", "npm"), ("no_support", "trust_based")}
    assert set(ce["effect"]) == set(stats.CE_EFFECTS) and (ce["n"] == 3).all()
    row = ce[(ce["reference"] == "no_support") & (ce["regime"] == "trust_based") & (ce["effect"] == "wemwbs_points")]
    row = row.iloc[0]
    wide = runs.pivot_table(index="seed", columns="regime", values=["cost_sek_per_user_year", "wellbeing_mean_end"])
    d_cost = (wide["cost_sek_per_user_year"]["trust_based"] - wide["cost_sek_per_user_year"]["no_support"]).mean()
    d_well = (wide["wellbeing_mean_end"]["trust_based"] - wide["wellbeing_mean_end"]["no_support"]).mean()
    assert row["cost_diff"] == pytest.approx(d_cost) and row["effect_diff"] == pytest.approx(d_well)
    assert row["icer"] == pytest.approx(d_cost / d_well) and row["cost_ci_low"] <= row["cost_diff"]
    mirror = ce[(ce["reference"] == "trust_based") & (ce["regime"] == "no_support")
                & (ce["effect"] == "wemwbs_points")].iloc[0]
    assert mirror["cost_diff"] == pytest.approx(-d_cost) and mirror["icer"] == pytest.approx(row["icer"])
    averted = ce[(ce["reference"] == "no_support") & (ce["regime"] == "trust_based")
                 & (ce["effect"] == "lonely_user_years_averted")].iloc[0]
    lonely = wide_of(runs, "lonely_user_years_per_user_year")
    assert averted["effect_diff"] == pytest.approx((lonely["no_support"] - lonely["trust_based"]).mean())


def wide_of(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    return runs.pivot_table(index="seed", columns="regime", values=column)


def test_the_sweep_report_writes_the_cost_effectiveness_table_json_and_plane(tiny_sweep):
    store, _ = tiny_sweep
    report = write_report(store).read_text()
    assert "## Cost-effectiveness" in report and "cost_effectiveness_plane.png" in report
    table = pd.read_csv(store / "cost_effectiveness.csv")
    assert tuple(table.columns) == stats.CE_COLUMNS and len(table) == 8
    data = json.loads((store / "cost_effectiveness.json").read_text())
    assert data["references"] == list(stats.CE_REFERENCES) and len(data["rows"]) == 8
    assert (store / "figures" / "cost_effectiveness_plane.png").exists()


def test_quadrants_and_a_ratio_without_effect():
    assert stats.quadrant(-1.0, 1.0) == "dominates" and stats.quadrant(1.0, -1.0) == "dominated"
    assert stats.quadrant(1.0, 1.0) == "dearer, better"
    assert np.isnan(stats.ratio_interval(np.ones(3), np.zeros(3))["icer"])


def test_every_cost_key_is_declared_with_its_unit():
    cost_keys = [o for o in outcomes.SUMMARY if o.name.startswith("cost_")]
    assert {o.name for o in cost_keys} == {key(p) for p in ("total", *costs.PARTS, *sum(costs.PARTS.values(), ()))}
    assert all("SEK per user-year" in o.unit and o.group == outcomes.COST for o in cost_keys)


def test_overtime_is_priced_at_the_premium_and_stays_inside_the_staff_cost():
    from sim.model import costs as cost_model
    from tests.conftest import run_model

    full = dict(n_users=120, n_workers=2, days=28, model__organisation__working_minutes_per_day=240.0,
                model__organisation__capacity_fit=True)
    m = run_model(**full)
    c = cost_model.cost_sek(m)
    assert m.overtime_minutes > 0
    assert c["overtime"] == pytest.approx(377.0 / 60.0 * 0.5 * m.overtime_minutes)
    assert c["total"] == pytest.approx(c["staff"] + c["travel"] + c["overhead"])
    flat = cost_model.cost_sek(run_model(**full, model__costs__overtime_premium=1.0))
    assert flat["overtime"] == 0.0 and flat["staff"] == pytest.approx(c["staff"] - c["overtime"])
