"""Reject bad parameters loudly, before any simulation work starts.

Each message names the dotted key, the value given and what is allowed, so a
typo in a sweep fails in the first second rather than after an hour.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.config.packaged import group_options
from sim.config.schema import SimConfig

GROUPS = ("scenario", "regime")


class ConfigError(ValueError):
    """A parameter is unknown, of the wrong type or out of its range."""


def _fields(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _describe(lo: float, hi: float) -> str:
    if hi == float("inf"):
        return f">= {_num(lo)}"
    return f"in [{_num(lo)}, {_num(hi)}]"


def plain(value: Any) -> Any:
    """The Python value a numpy scalar holds (``np.int64(3)`` -> ``3``, ``np.True_`` -> ``True``).

    Values read from numpy arrays and pandas frames (which hand out numpy scalars) are thereby
    accepted wherever the equivalent Python value is, and stored as that Python value.
    """
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    return value


def check_value(key: str, value: Any, typ: Any, f: dataclasses.Field) -> Any:
    """Check one leaf value against its declared type and range; return it as a plain Python value."""
    value = plain(value)
    if typ is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key}={value!r}: must be true or false")
        return value
    if typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ConfigError(f"{key}={value!r}: must be a whole number")
    elif typ is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{key}={value!r}: must be a number")
        value = float(value)
    elif typ is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key}={value!r}: must be text")
        return value
    lo, hi = f.metadata.get("range", (-float("inf"), float("inf")))
    if not (lo <= value <= hi):
        unit = f.metadata.get("unit", "")
        raise ConfigError(f"{key}={value!r}: must be {_describe(lo, hi)} ({unit})")
    return value


def build(cls: type, data: dict[str, Any] | None, prefix: str = "") -> Any:
    """Build dataclass ``cls`` from a nested dict, checking every key and value."""
    data = dict(data or {})
    fields, hints = _fields(cls), _hints(cls)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        where = prefix.rstrip(".") or "the top level"
        allowed = ", ".join(sorted(fields))
        raise ConfigError(
            f"{prefix}{unknown[0]}: unknown key; allowed under {where}: {allowed}"
        )
    kwargs = {}
    for name, f in fields.items():
        key, typ = f"{prefix}{name}", hints[name]
        if name not in data:
            continue
        value = data[name]
        if dataclasses.is_dataclass(typ):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{key}={value!r}: must be a group of keys")
            kwargs[name] = build(typ, value, f"{key}.")
        else:
            kwargs[name] = check_value(key, value, typ, f)
    return cls(**kwargs)


def _cross_checks(cfg: SimConfig) -> None:
    org = cfg.model.organisation
    if not org.hours_per_week_min <= org.hours_per_week_mean <= org.hours_per_week_max:
        raise ConfigError(
            "model.organisation.hours_per_week_mean="
            f"{org.hours_per_week_mean!r}: must lie between hours_per_week_min "
            f"({org.hours_per_week_min}) and hours_per_week_max ({org.hours_per_week_max})"
        )
    net = cfg.model.network
    if net.friend_share + net.family_share > 1.0:
        raise ConfigError(
            f"model.network.friend_share={net.friend_share!r}: friend_share + "
            f"family_share must be <= 1 (family_share={net.family_share})"
        )
    if net.active_strength_min > net.active_strength_max:
        raise ConfigError(
            f"model.network.active_strength_min={net.active_strength_min!r}: must be <= active_strength_max "
            f"({net.active_strength_max})"
        )
    lon = cfg.model.loneliness
    if lon.level_min > lon.level_max:
        raise ConfigError(
            f"model.loneliness.level_min={lon.level_min!r}: must be <= level_max ({lon.level_max})"
        )


def config_from_dict(data: dict[str, Any]) -> SimConfig:
    """The validated :class:`SimConfig` for a nested dict (e.g. a resolved Hydra config)."""
    cfg = build(SimConfig, data)
    _cross_checks(cfg)
    return cfg


def validate(cfg: SimConfig) -> SimConfig:
    """Re-check a config built elsewhere (round-trips it through :func:`build`)."""
    return config_from_dict(dataclasses.asdict(cfg))


def nested(dotted: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1}`` -> ``{"a": {"b": 1}}``: dotted keys, as on the command line, to a config dict."""
    out: dict[str, Any] = {}
    for key, value in dotted.items():
        node = out
        *head, last = key.split(".")
        for part in head:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def leaf_field(key: str) -> tuple[Any, dataclasses.Field] | None:
    """The (type, field) a dotted key names in the schema, or None if unknown."""
    cls: Any = SimConfig
    parts = key.split(".")
    for i, part in enumerate(parts):
        fields = _fields(cls)
        if part not in fields:
            return None
        typ = _hints(cls)[part]
        if i == len(parts) - 1:
            return typ, fields[part]
        if not dataclasses.is_dataclass(typ):
            return None
        cls = typ
    return None


def allowed_under(key: str) -> list[str]:
    """Names allowed at the level of a dotted key (for error messages)."""
    cls: Any = SimConfig
    for part in key.split(".")[:-1]:
        fields = _fields(cls)
        if part not in fields or not dataclasses.is_dataclass(_hints(cls)[part]):
            return sorted(_fields(cls))
        cls = _hints(cls)[part]
    return sorted(_fields(cls))


def check_option(group: str, value: Any) -> None:
    """Check the choice of a config group (``scenario``, ``regime``) against its yaml files."""
    options = group_options(group)
    if str(value) not in options:
        raise ConfigError(f"{group}={value}: unknown {group}; allowed: {', '.join(options)}")


def check_key(key: str, value: Any) -> Any:
    """Check one dotted override ``key=value`` against the schema; return the value typed.

    The check ``python -m sim.run key=value`` makes before Hydra starts, and
    :func:`sim.configure` makes for each of its ``overrides``: same rules, same messages.
    """
    found = leaf_field(key)
    if found is None:
        raise ConfigError(f"{key}: unknown key; allowed under {key.rpartition('.')[0] or 'the top level'}: "
                          f"{', '.join(allowed_under(key))}")
    typ, field = found
    if dataclasses.is_dataclass(typ):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}={value!r}: must be a group of keys")
        return build(typ, value, f"{key}.")
    return check_value(key, value, typ, field)
