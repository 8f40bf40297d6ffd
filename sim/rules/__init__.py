"""Management rules: small objects whose hooks the model consults (see :mod:`sim.rules.base`).

Importing this package imports every module in it, so each built-in rule
registers itself (a new rule is a new file here, nothing else to list); the
order of their hooks is their declared ``priority``, not the order of files.
"""

import importlib
import pkgutil

from sim.rules.base import (
    REGISTRY,
    OnlyActivities,
    Rule,
    RuleSet,
    build_rules,
    management_rules,
    plugin_spec,
    register,
    rule_class,
)
from sim.rules.view import DayView, VisitBatch

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "REGISTRY", "DayView", "OnlyActivities", "Rule", "RuleSet", "VisitBatch", "build_rules", "management_rules",
    "plugin_spec", "register", "rule_class",
]
