"""Where the packaged Hydra configs live: ``conf/`` (scenarios, regimes) and ``experiments/``.

In a checkout they are the repository's top-level folders; an installed wheel
carries them as ``sim/conf`` and ``sim/experiments`` (``pyproject.toml``). Every
list of scenarios, regimes and experiments is read from these folders, so a new
yaml file is the only change needed to offer a new option.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sim.config.schema import SimConfig

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # .../sim (resolved: strict editable installs link the files)


def resource_dir(name: str) -> Path:
    """``conf`` or ``experiments`` as a real folder: inside the installed package, else the checkout's top level."""
    for folder in (PACKAGE_DIR / name, PACKAGE_DIR.parent / name):
        if folder.is_dir():
            return folder
    raise FileNotFoundError(f"{name}/ is neither in {PACKAGE_DIR} nor in {PACKAGE_DIR.parent}")


CONF_DIR = resource_dir("conf")
EXPERIMENTS_DIR = resource_dir("experiments")


def group_options(group: str, folders: Iterable[Path] = ()) -> list[str]:
    """Options of a config group (``scenario``, ``regime``): the yaml files of ``conf/<group>/`` and of
    ``<folder>/<group>/`` for each further config folder (one added to Hydra's search path)."""
    return sorted({p.stem for folder in (CONF_DIR, *folders) for p in (Path(folder) / group).glob("*.yaml")})


def experiment_names() -> list[str]:
    """Experiments offered by ``python -m sim.sweep``, from the yaml files of ``experiments/``."""
    return sorted(p.stem for p in EXPERIMENTS_DIR.glob("*.yaml"))


def store_schema() -> None:
    """Offer :class:`SimConfig` to Hydra's ConfigStore as ``schema``, the first entry of ``conf/config.yaml``'s
    defaults: Hydra then type-checks every key and rejects unknown ones. Composing ``conf/`` needs it."""
    from hydra.core.config_store import ConfigStore

    ConfigStore.instance().store(name="schema", node=SimConfig)
