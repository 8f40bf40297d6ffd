"""Management rules: small objects whose hooks the model consults (see :mod:`sim.rules.base`).

Importing this package registers every rule; hooks fold in the order below.
"""

from sim.rules.base import REGISTRY, OnlyActivities, Rule, RuleSet, build_rules, management_rules, register
from sim.rules.car_ban import CarBan
from sim.rules.in_home_only import InHomeOnly
from sim.rules.no_support import NoSupport
from sim.rules.rigid_plan import RigidPlan
from sim.rules.rotation import Rotation
from sim.rules.split_social import SplitSocial
from sim.rules.time_monitoring import TimeMonitoring

__all__ = [
    "REGISTRY", "CarBan", "InHomeOnly", "NoSupport", "OnlyActivities", "RigidPlan", "Rotation", "Rule", "RuleSet",
    "SplitSocial", "TimeMonitoring", "build_rules", "management_rules", "register",
]
