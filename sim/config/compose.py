"""A run's config from a named scenario and regime plus dotted overrides, without Hydra.

:func:`compose` reads ``conf/scenario/<scenario>.yaml`` and
``conf/regime/<regime>.yaml`` (plain OmegaConf loading), lays the overrides over
them and validates the result, giving the very config
``python -m sim.run scenario=<scenario> regime=<regime> seed=<seed> key=value ...``
runs, with the same checks and messages (:func:`sim.config.validate.check_key`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from omegaconf import OmegaConf

from sim.config.packaged import CONF_DIR
from sim.config.schema import RegimeConfig, SimConfig
from sim.config.validate import GROUPS, ConfigError, build, check_key, check_option, config_from_dict, nested


def option(group: str, name: str) -> dict[str, Any]:
    """The keys of ``conf/<group>/<name>.yaml`` as a plain dict (after checking ``name`` is offered)."""
    check_option(group, name)
    return OmegaConf.to_container(OmegaConf.load(CONF_DIR / group / f"{name}.yaml"), resolve=True)


def merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` laid over ``base``, group by group (a new dict; neither input is changed)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = dict(value) if isinstance(value, Mapping) else value
    return out


def compose(scenario: str = "municipality", regime: str = "trust_based", seed: Any = 0,
            overrides: Mapping[str, Any] | None = None, extra_rules: Iterable[dict[str, Any]] = ()) -> SimConfig:
    """The validated config of ``scenario`` x ``regime`` x ``seed`` with dotted ``overrides`` on top.

    ``overrides`` maps dotted keys to values (``{"model.talk.talk_share": 0.4}``); a key may also
    name a group with a dict of its keys (``{"regime.car_ban": {"enabled": True}}``).
    ``extra_rules`` are plugin specs (``{"_target_": "module.Class", ...}``) added to
    ``regime.extra_rules``. Raises :class:`sim.config.validate.ConfigError` on the first bad input.
    """
    data = {"scenario": option("scenario", scenario), "regime": option("regime", regime)}
    dotted = dict(overrides or {})
    for key, value in dotted.items():
        if key in GROUPS and not isinstance(value, Mapping):
            raise ConfigError(f"{key}={value!r}: a config group; choose it by name with {key}=..., not in overrides")
        check_key(key, value)
    data = merge(data, nested({"seed": seed, **dotted}))
    if extra_rules:
        regime_keys = data["regime"]
        regime_keys["extra_rules"] = [*regime_keys.get("extra_rules", []), *extra_rules]
    return config_from_dict(data)


def reform_regime(cfg: SimConfig) -> RegimeConfig:
    """The rules a reform switches to: ``conf/regime/<reform.regime>.yaml`` plus ``reform.extra_rules``."""
    data = option("regime", str(cfg.reform.regime))
    data["extra_rules"] = [*data.get("extra_rules", []), *cfg.reform.extra_rules]
    return build(RegimeConfig, data, "reform.regime.")
