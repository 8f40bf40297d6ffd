"""The outcome declaration is the one list: summary.json, time series, README and the readers agree with it."""

from pathlib import Path

import pytest

from sim.apps import cli
from sim.model.reporters import TIMESERIES
from sim.outputs import outcomes
from sim.outputs.outcomes import Outcome
from sim.outputs.summary import summarise
from tests.conftest import run_model

README = (Path(__file__).parent.parent / "README.md").read_text()


@pytest.fixture(scope="module")
def summary():
    return summarise(run_model(n_users=20, n_workers=3, days=40, regime__rotation__enabled=True))


def test_summarise_gives_exactly_the_declared_keys_in_order(summary):
    assert list(summary) == [o.name for o in outcomes.SUMMARY]


def test_timeseries_columns_are_the_declared_variables_in_order():
    assert tuple(o.name for o in outcomes.TIMESERIES) == TIMESERIES


def test_names_are_unique_and_every_group_is_used():
    names = [o.name for o in (*outcomes.SUMMARY, *outcomes.TIMESERIES)]
    assert len(names) == len(set(names)) == len(outcomes.BY_NAME)
    assert {o.group for o in outcomes.SUMMARY} == set(outcomes.GROUPS)


def test_run_info_is_information_only_and_headlines_say_which_way_is_better():
    assert all(o.better is None for o in outcomes.SUMMARY if o.group == outcomes.RUN)
    assert outcomes.HEADLINE and all(outcomes.get(h).better for h in outcomes.HEADLINE)
    assert set(outcomes.PRIMARY) <= set(outcomes.HEADLINE)


def test_readme_table_is_the_declaration():
    assert outcomes.markdown_table() in README, "README's summary.json table: paste outcomes.markdown_table()"


def test_readme_names_every_timeseries_column_in_order():
    row = next(line for line in README.splitlines() if line.startswith("| `timeseries.parquet`"))
    assert [c for c in row.split("`") if c in {o.name for o in outcomes.TIMESERIES}] == list(TIMESERIES)


def test_cli_prints_each_headline_after_its_start_value():
    assert cli.HEADLINE[:2] == ("loneliness_mean_start", "loneliness_mean_end")
    assert [h for h in cli.HEADLINE if not h.endswith("_start")] == list(outcomes.HEADLINE)
    assert all(outcomes.get(h) for h in cli.HEADLINE)


def test_labels_carry_the_scale_and_unknown_names_pass_through():
    assert outcomes.label("loneliness_mean_end") == "Loneliness at the end (UCLA-3 points, 3-9; lonely at >= 6)"
    assert outcomes.label("wall_seconds") == "wall_seconds"
    assert outcomes.get("plan_adherence").direction == "higher is better"
    assert outcomes.get("seed").direction == "information only"
    with pytest.raises(KeyError, match="not a declared outcome"):
        outcomes.get("lonelyness_mean_end")


@pytest.mark.parametrize(("field", "value", "allowed"), [("better", "up", "'lower', 'higher'"),
                                                        ("group", "users", "user outcome")])
def test_a_bad_declaration_is_refused(field, value, allowed):
    kw = dict(name="x", label="X", unit="0-1", better="lower", group=outcomes.USER) | {field: value}
    with pytest.raises(ValueError, match=f"x: {field}='{value}'; allowed: {allowed}"):
        Outcome(**kw)
