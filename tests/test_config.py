"""The parameter schema: every field documented, every range enforced."""

from __future__ import annotations

import dataclasses
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config.schema import SimConfig
from sim.config.validate import ConfigError, config_from_dict, leaf_field, nested


def leaves(cls=SimConfig, prefix=""):
    for f in dataclasses.fields(cls):
        typ = f.type if not isinstance(f.type, str) else None
        sub = getattr(cls(), f.name) if dataclasses.is_dataclass(cls) else None
        if dataclasses.is_dataclass(sub):
            yield from leaves(type(sub), f"{prefix}{f.name}.")
        else:
            yield f"{prefix}{f.name}", f, typ


ALL = list(leaves())
NUMERIC = [(k, f) for k, f, _ in ALL if "range" in f.metadata]
PROBS = [k for k, f in NUMERIC if f.metadata["range"] == (0.0, 1.0)]


def test_defaults_are_valid():
    assert config_from_dict({}) == SimConfig()


def test_every_numeric_parameter_has_unit_and_range():
    named = {k for k, _, _ in ALL} - {"scenario.name", "regime.name", "regime.extra_rules", "reform.regime",
                                       "reform.extra_rules", "model.organisation.vacancy_cover"}  # choices by name
    named -= {k for k, f, _ in ALL if f.type in (bool, "bool")}  # switches (``enabled``, ``equal_budget``)
    assert named == {k for k, _ in NUMERIC}
    for key, f in NUMERIC:
        assert f.metadata["unit"], key
        lo, hi = f.metadata["range"]
        default = f.default
        assert (default is None and f.metadata.get("optional")) or lo <= default <= hi, key


@pytest.mark.parametrize("key", PROBS)
def test_probabilities_outside_unit_interval_are_rejected(key):
    for bad in (-0.01, 1.01):
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            config_from_dict(nested({key: bad}))


@given(st.sampled_from(NUMERIC), st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_any_value_is_accepted_iff_in_range(entry, value):
    key, f = entry
    typ, _ = leaf_field(key)
    if f.metadata.get("optional"):  # ``int | None``: null is allowed beside the range
        typ = next(t for t in typing.get_args(typ) if t is not type(None))
    if typ is int:
        value = round(value)
    lo, hi = f.metadata["range"]
    if lo <= value <= hi:
        try:
            config_from_dict(nested({key: value}))
        except ConfigError as err:  # only cross-checks between keys may object
            assert "must be <=" in str(err) or "must lie between" in str(err)
    else:
        with pytest.raises(ConfigError, match=r"must be in|must be >="):
            config_from_dict(nested({key: value}))


def test_cross_checks_name_both_keys():
    with pytest.raises(ConfigError, match="hours_per_week_min"):
        config_from_dict(nested({"model.organisation.hours_per_week_mean": 0.5}))
    with pytest.raises(ConfigError, match="family_share"):
        config_from_dict(nested({"model.network.friend_share": 0.8}))
    with pytest.raises(ConfigError, match="level_max"):
        config_from_dict(nested({"model.loneliness.level_min": 0.95}))
