"""Reject bad parameters loudly, before any simulation work starts.

Each message names the dotted key, the value given and what is allowed, so a
typo in a sweep fails in the first second rather than after an hour.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim.config.packaged import group_options
from sim.config.schema import SimConfig
from sim.params.fields import ConfigError
from sim.params.schema import OVERHEAD_ITEMS
from sim.rules import REGISTRY, plugin_spec, rule_class
from sim.rules.base import SPEC_FORMS, target_of

GROUPS = ("scenario", "regime")


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
    if f.metadata.get("plugins"):
        return check_plugins(key, value)
    value = plain(value)
    if value is None and f.metadata.get("optional"):
        return None
    typ = next((t for t in typing.get_args(typ) if t is not type(None)), typ) if f.metadata.get("optional") else typ
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
        choices = f.metadata.get("choices")
        if choices is not None and value not in choices:
            raise ConfigError(f"{key}={value!r}: unknown; allowed: {', '.join(choices)}")
        return value
    lo, hi = f.metadata.get("range", (-float("inf"), float("inf")))
    if not (lo <= value <= hi):
        unit = f.metadata.get("unit", "")
        raise ConfigError(f"{key}={value!r}: must be {_describe(lo, hi)} ({unit})")
    return value


def check_plugins(key: str, value: Any) -> list[dict[str, Any]]:
    """Check ``regime.extra_rules``: each entry names an importable rule, its parameters checked and completed.

    Entries come back as ``{_target_: module.Class, <param>: value}`` with every
    parameter of the rule's ``Params`` (defaults filled in), so the resolved config
    holds them all and the run id changes with each.
    """
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{key}={value!r}: must be a list of rules, each {SPEC_FORMS}")
    out, names = [], set(REGISTRY)
    for i, item in enumerate(value):
        where = f"{key}[{i}]"
        try:
            spec = plugin_spec(item)
        except ConfigError:
            raise ConfigError(f"{where}={item!r}: must be {SPEC_FORMS}") from None
        target = spec.pop("_target_")
        try:
            cls = rule_class(str(target))
        except Exception as err:  # whatever importing the user's module raises, it is reported here
            raise ConfigError(f"{where}._target_={target!r}: must be an importable sim.rules.Rule subclass "
                              f"(module.Class; {type(err).__name__}: {err})") from None
        if REGISTRY.get(cls.name) is cls:
            raise ConfigError(f"{where}._target_={target!r}: a built-in rule; switch it on with "
                              f"regime.{cls.name}.enabled=true")
        if cls.name in names:
            raise ConfigError(f"{where}._target_={target!r}: its name {cls.name!r} is already taken by another "
                              f"rule; give the class its own name")
        names.add(cls.name)
        unpriced = [item for item in cls.overheads if item not in OVERHEAD_ITEMS]
        if unpriced:
            raise ConfigError(f"{where}._target_={target!r}: overhead item {unpriced[0]!r} has no price; allowed: "
                              f"{', '.join(OVERHEAD_ITEMS)} (model.costs.<item>_sek_per_user_year)")
        params = build(cls.Params, spec, f"{where}.")
        out.append({"_target_": target_of(cls), **dataclasses.asdict(params)})
    return out


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
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise ConfigError(f"{key}: missing; it has no default, so it must be given")
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
    if org.capacity_fit and org.min_visit_minutes > org.visit_minutes_max:
        raise ConfigError(
            f"model.organisation.min_visit_minutes={org.min_visit_minutes!r}: must be <= visit_minutes_max "
            f"({org.visit_minutes_max})"
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
    oc = cfg.scenario.open_cohort
    if oc.review_months_min > oc.review_months_max:
        raise ConfigError(
            f"scenario.open_cohort.review_months_min={oc.review_months_min!r}: must be <= review_months_max "
            f"({oc.review_months_max})"
        )
    lon = cfg.model.loneliness
    if lon.level_min > lon.level_max:
        raise ConfigError(
            f"model.loneliness.level_min={lon.level_min!r}: must be <= level_max ({lon.level_max})"
        )


def _check_reform(cfg: SimConfig) -> None:
    """``reform.*``: a known regime, its day inside the horizon, the way back after it (ODD §7.18).

    Without ``reform.regime`` there is no reform and the other ``reform`` keys are not used (a sweep over
    ``reform.regime=null,npm`` shares its days between the reformed runs and their counterfactual)."""
    r, days = cfg.reform, cfg.scenario.days
    if r.regime is None:
        return
    options = group_options("regime")
    if r.regime not in options:
        raise ConfigError(f"reform.regime={r.regime}: unknown regime; allowed: null, {', '.join(options)}")
    if r.day is None:
        raise ConfigError(f"reform.day: missing; a reform needs the day it starts (0 < day < scenario.days={days})")
    if not 0 < r.day < days:
        raise ConfigError(f"reform.day={r.day!r}: must be in [1, {days - 1}] (after day 0, before the horizon "
                          f"scenario.days={days})")
    if r.back_day is not None and not r.day < r.back_day < days:
        raise ConfigError(f"reform.back_day={r.back_day!r}: must be in [{r.day + 1}, {days - 1}] (after "
                          f"reform.day={r.day}, before the horizon scenario.days={days})")


def config_from_dict(data: dict[str, Any]) -> SimConfig:
    """The validated :class:`SimConfig` for a nested dict (e.g. a resolved Hydra config)."""
    cfg = build(SimConfig, data)
    _cross_checks(cfg)
    _check_reform(cfg)
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


def check_option(group: str, value: Any, folders: Iterable[Path] = ()) -> None:
    """Check the choice of a config group (``scenario``, ``regime``) against its yaml files (in ``conf/``
    and in ``folders``, config folders added to Hydra's search path)."""
    options = group_options(group, folders)
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
