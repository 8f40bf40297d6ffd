"""Rules of one's own (plugins): switched on by ``regime.extra_rules`` from the CLI, a config folder or Python.

The example rule of the docs (``docs/examples/no_fridays.py``) is run here from the command line
and from Python; the checks of its entry (target, parameters) are those of every other parameter.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.config.validate import ConfigError, config_from_dict
from sim.model.model import SIDLModel
from sim.outputs.runner import simulate
from sim.outputs.store import run_id
from sim.params.fields import p
from sim.rules import Rule, build_rules, plugin_spec

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "docs" / "examples"
FRIDAY = 4
SMALL = {"scenario": {"name": "classroom", "n_users": 12, "n_workers": 3, "days": 42}, "seed": 1}


class Early(Rule):
    """Folds before every built-in rule."""

    name = "early"
    priority = 5

    @dataclass
    class Params:
        minutes: float = p(30.0, "minutes", 1.0, 600.0)

    def visit_minutes(self, view, batch, minutes):
        return np.full_like(minutes, self.params.minutes)


class Late(Rule):
    """Folds after every built-in rule (the default priority)."""

    name = "late"

    def visit_minutes(self, view, batch, minutes):
        return minutes * 2


class Between(Late):
    """Folds between rotation (50) and time monitoring (70)."""

    name = "between"
    priority = 60


class Needy(Rule):
    """A parameter without a default must be given."""

    name = "needy"

    @dataclass
    class Params:
        level: int = dataclasses.field(metadata={"unit": "level", "range": (0, 9)})


@pytest.fixture
def examples_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))


def cfg_with(*extra, **regime):
    return config_from_dict({**SMALL, "regime": {"extra_rules": list(extra), **regime}})


def sim_run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(EXAMPLES), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "sim.run", *args], capture_output=True, text=True, cwd=cwd, env=env)


def fridays(visits: pd.DataFrame) -> int:
    return int((visits["day"] % 7 == FRIDAY).sum())


def test_example_plugin_from_the_command_line(tmp_path):
    out = tmp_path / "plugin"
    res = sim_run("scenario=classroom", "scenario.days=42", "seed=1",
                  "regime.extra_rules=[{_target_: no_fridays.NoFridays}]", f"hydra.run.dir={out}")
    assert res.returncode == 0, res.stderr
    config = (out / "config.yaml").read_text()
    assert "- _target_: no_fridays.NoFridays\n    weekday: 4\n" in config  # every parameter, defaults filled in
    assert json.loads((out / "summary.json").read_text())["rules"] == "no_fridays"
    assert fridays(pd.read_parquet(out / "visits.parquet")) == 0
    plain = config_from_dict(SMALL)
    assert fridays(simulate(plain).events.frame()) > 0  # without the rule, Friday is a visiting day
    rid = json.loads((out / "run.json").read_text())["run_id"]
    assert rid != run_id(plain)


def test_example_plugin_with_a_parameter_and_a_regime_file_from_a_search_path_folder(tmp_path):
    regimes = tmp_path / "myconf" / "regime"
    regimes.mkdir(parents=True)
    (regimes / "wednesdays_off.yaml").write_text(
        "name: wednesdays_off\ncar_ban:\n  enabled: true\nextra_rules:\n  - _target_: no_fridays.NoFridays\n"
        "    weekday: 2\n")
    out = tmp_path / "run"
    res = sim_run("scenario=classroom", "scenario.days=42", "seed=1",
                  f"hydra.searchpath=[file://{tmp_path / 'myconf'}]", "regime=wednesdays_off", f"hydra.run.dir={out}")
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["regime"] == "wednesdays_off" and summary["rules"] == "car_ban+no_fridays"  # in fold order
    visits = pd.read_parquet(out / "visits.parquet")
    assert not (visits["day"] % 7 == 2).any() and fridays(visits) > 0


def test_a_regime_from_an_unlisted_folder_is_still_refused(tmp_path):
    res = sim_run("scenario=classroom", "regime=wednesdays_off", f"hydra.run.dir={tmp_path / 'run'}")
    assert res.returncode == 2 and "regime=wednesdays_off: unknown regime" in res.stderr


@pytest.mark.parametrize(("entry", "message"), [
    ("{_target_: no_fridays.Nope}", "regime.extra_rules[0]._target_='no_fridays.Nope': must be an importable "
                                    "sim.rules.Rule subclass"),
    ("{_target_: nowhere.NoFridays}", "No module named 'nowhere'"),
    ("{_target_: no_fridays.NoFridays, wekday: 2}", "regime.extra_rules[0].wekday: unknown key; allowed under "
                                                     "regime.extra_rules[0]: weekday"),
    ("{_target_: no_fridays.NoFridays, weekday: fri}", "regime.extra_rules[0].weekday='fri': must be a whole number"),
    ("{_target_: no_fridays.NoFridays, weekday: 7}", "regime.extra_rules[0].weekday=7: must be in [0, 6]"),
])
def test_bad_plugin_entry_one_line_exit_2_no_folder(tmp_path, entry, message):
    out = tmp_path / "run"
    res = sim_run("scenario=classroom", f"regime.extra_rules=[{entry}]", f"hydra.run.dir={out}")
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 2 and len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]
    assert not out.exists()


def test_example_plugin_from_python(examples_on_path):
    from no_fridays import NoFridays

    cfg = cfg_with({"_target_": "no_fridays.NoFridays"})
    assert cfg.regime.extra_rules == [{"_target_": "no_fridays.NoFridays", "weekday": 4}]
    (rule,) = build_rules(cfg.regime).rules
    assert type(rule) is NoFridays and rule.params.weekday == FRIDAY
    m = simulate(cfg)
    assert fridays(m.events.frame()) == 0 and m.visits_made > 0
    assert m.rules.rules[0].rng is m.streams["rule:no_fridays"]  # its own named stream, like a built-in rule
    wednesdays = simulate(cfg_with({"_target_": "no_fridays.NoFridays", "weekday": 2})).events.frame()
    assert fridays(wednesdays) > 0 and not (wednesdays["day"] % 7 == 2).any()


def test_no_rule_of_ones_own_leaves_the_run_id_as_before_the_key_existed():
    cfg = cfg_with()
    data = dataclasses.asdict(cfg)
    del data["regime"]["extra_rules"], data["reform"]  # no rule of one's own, no reform
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    assert run_id(cfg) == hashlib.sha256(text.encode()).hexdigest()[:12]


def test_plugin_parameters_enter_the_run_id(examples_on_path):
    ids = {run_id(cfg_with()), run_id(cfg_with({"_target_": "no_fridays.NoFridays"})),
           run_id(cfg_with({"_target_": "no_fridays.NoFridays", "weekday": 3}))}
    assert len(ids) == 3
    assert run_id(cfg_with({"_target_": "no_fridays.NoFridays"})) == run_id(
        cfg_with({"_target_": "no_fridays.NoFridays", "weekday": 4}))


@pytest.mark.parametrize(("extra", "key", "allowed"), [
    ({"_target_": "no_fridays.NoFridays", "weekdy": 1}, "regime.extra_rules[0].weekdy: unknown key", "weekday"),
    ({"_target_": "no_fridays.NoFridays", "weekday": "Friday"}, "regime.extra_rules[0].weekday='Friday'",
     "whole number"),
    ({"_target_": "no_fridays.NoFridays", "weekday": 1.5}, "regime.extra_rules[0].weekday=1.5", "whole number"),
    ({"_target_": "no_fridays.NoFriday"}, "regime.extra_rules[0]._target_='no_fridays.NoFriday'",
     "must be an importable sim.rules.Rule subclass"),
    ({"_target_": "numpy.ndarray"}, "regime.extra_rules[0]._target_='numpy.ndarray'", "not a sim.rules.Rule subclass"),
    ({"_target_": "sim.rules.rotation.Rotation"}, "regime.extra_rules[0]._target_", "regime.rotation.enabled=true"),
    ({"weekday": 1}, "regime.extra_rules[0]={'weekday': 1}", "_target_: module.Class"),
])
def test_bad_plugin_entries_from_python(examples_on_path, extra, key, allowed):
    with pytest.raises(ConfigError) as err:
        cfg_with(extra)
    assert key in str(err.value) and allowed in str(err.value), str(err.value)


def test_a_parameter_without_default_must_be_given():
    with pytest.raises(ConfigError, match=r"regime.extra_rules\[0\].level: missing; it has no default"):
        cfg_with(Needy)
    assert cfg_with({"_target_": f"{__name__}.Needy", "level": 3}).regime.extra_rules[0]["level"] == 3


def test_two_rules_may_not_share_a_name_or_stream(examples_on_path):
    with pytest.raises(ConfigError, match=r"regime.extra_rules\[1\]._target_.*'no_fridays' is already taken"):
        cfg_with({"_target_": "no_fridays.NoFridays"}, {"_target_": "no_fridays.NoFridays", "weekday": 3})
    clash = type("CarBanToo", (Rule,), {"name": "car_ban", "__module__": __name__})
    globals()["CarBanToo"] = clash
    try:
        with pytest.raises(ConfigError, match="'car_ban' is already taken"):
            cfg_with(clash)
    finally:
        del globals()["CarBanToo"]


def test_plugins_fold_in_priority_order_among_the_built_in_rules():
    cfg = cfg_with(Late, {"_target_": f"{__name__}.Early", "minutes": 45}, Between,
                   rotation={"enabled": True}, time_monitoring={"enabled": True})
    rules = build_rules(cfg.regime)
    assert [r.name for r in rules] == ["early", "rotation", "between", "time_monitoring", "late"]
    m = SIDLModel(cfg)
    batch = m.make_batch(np.arange(m.view.n_users))
    # early's 45, doubled by between, less time monitoring's extra documentation, doubled by late
    assert (batch.minutes == 2 * (2 * 45 - 10)).all()
    summary_rules = "+".join(r.name for r in m.rules)
    assert summary_rules == "early+rotation+between+time_monitoring+late"


def test_plugin_spec_normalises_a_class_an_instance_and_a_dict():
    target = f"{__name__}.Early"
    assert plugin_spec(Early) == {"_target_": target}
    assert plugin_spec(Early(minutes=20.0)) == {"_target_": target, "minutes": 20.0}
    assert plugin_spec(Early(Early.Params(minutes=25.0))) == {"_target_": target, "minutes": 25.0}
    entry = {"_target_": target, "minutes": 10}
    assert plugin_spec(entry) == entry and plugin_spec(entry) is not entry
    for bad in (3, "Early", {"minutes": 1}, Early.Params()):
        with pytest.raises(ConfigError, match="must be a sim.rules.Rule subclass"):
            plugin_spec(bad)
    assert cfg_with(Early(minutes=20.0)).regime.extra_rules == [{"_target_": target, "minutes": 20.0}]


def test_a_rule_defined_where_it_cannot_be_imported_is_refused():
    class Local(Rule):
        name = "local"

    with pytest.raises(ConfigError, match=r"regime.extra_rules\[0\]._target_='tests.test_plugins.*<locals>.Local'"):
        cfg_with(Local)


def test_importing_the_cli_or_the_classroom_app_leaves_hydra_as_it_is():
    code = (
        "from hydra.plugins.sweeper import Sweeper\n"
        "from omegaconf import OmegaConf\n"
        "before = Sweeper.validate_batch_is_legal\n"
        "import sim.apps.cli, sim.apps.classroom, sim.run\n"
        "assert Sweeper.validate_batch_is_legal is before, 'Sweeper patched at import'\n"
        "assert not OmegaConf.has_resolver('sim_run_id'), 'resolver registered at import'\n"
        "sim.apps.cli.prepare_hydra()\n"
        "assert Sweeper.validate_batch_is_legal is not before and OmegaConf.has_resolver('sim_run_id')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr


def test_the_plugin_guide_shows_the_example_as_it_is_and_its_python_runs(examples_on_path):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "plugins.md").read_text(), flags=re.S)
    shown, usage = blocks
    source = (EXAMPLES / "no_fridays.py").read_text()
    assert all(line in source.splitlines() for line in shown.splitlines()), "docs/plugins.md differs from the example"
    namespace: dict = {}
    exec(usage, namespace)
    assert namespace["cfg"].regime.extra_rules == [{"_target_": "no_fridays.NoFridays", "weekday": 4}]
