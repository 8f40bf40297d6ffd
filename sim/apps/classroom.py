"""Classroom views: two worlds from one seed, side by side, their map, plots and one user's story.

:class:`TwinWorlds` is a Mesa model holding two :class:`sim.model.model.SIDLModel`
worlds built from the same configs as ``python -m sim.run`` (:func:`sim.configure`
over ``conf/``) with the same seed, so they start with the same users,
networks and schedules and differ only by their regime. The drawing and
narrating functions here are plain Python, used by the Solara app
(:mod:`sim.apps.app`) and by its benchmark and tests.
"""

from __future__ import annotations

from dataclasses import asdict

import mesa
import numpy as np
from omegaconf import OmegaConf

from sim.api import configure
from sim.config.packaged import group_options
from sim.config.schema import SimConfig
from sim.model.model import SIDLModel
from sim.model.reporters import ucla3, wemwbs
from sim.outputs import outcomes
from sim.rules import management_rules
from sim.world import activities as act
from sim.world.places import MODE_NAMES, PLACE_NAMES

#: The management rules world B can switch on over its regime, and the regimes either world can have.
RULES: tuple[str, ...] = tuple(management_rules())
REGIMES: tuple[str, ...] = tuple(group_options("regime"))
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WORKER_NAMES = ("Sara", "Ahmed", "Lena", "Johan", "Maria", "Erik", "Aisha", "Karin", "Omar", "Eva", "Nils", "Fatima")
MODE_COLOURS = {"walk": "#2a9d3a", "transit": "#1f5fbf", "car": "#c8321e", "none": "#888888"}
PHRASES = {
    "cleaning": "cleaned", "cooking": "cooked", "laundry": "did the laundry", "paying_bills": "paid the bills",
    "grocery_shopping": "went grocery shopping", "pharmacy": "went to the pharmacy", "bank_errand": "went to the bank",
    "dentist": "went to the dentist", "health_centre": "went to the health centre",
    "insurance_office": "went to the insurance office", "library": "went to the library",
    "swim_and_sauna": "swam and took a sauna", "cafe": "had a coffee at a café", "town_trip": "went into town",
    "walk_in_park": "walked in the park", "day_centre": "went to the day centre",
    "shopping_centre": "went to the shopping centre", "coffee_and_talk": "had tea and talked",
    "being_there": "just spent time together",
}


def compose_config(regime: str, rules: tuple[str, ...], n_users: int, n_workers: int, seed: int,
                   overrides: tuple[str, ...] = ()) -> SimConfig:
    """The same config ``python -m sim.run scenario=classroom regime=<regime> ...`` would run.

    ``rules`` are switched on over the regime (named ``<regime>+<rule>+...``); ``overrides``
    are ``key=value`` texts as on the command line.
    """
    keys = {"scenario.n_users": n_users, "scenario.n_workers": n_workers,
            **{f"regime.{r}.enabled": True for r in rules}}
    if rules:
        keys["regime.name"] = "+".join([regime, *rules])
    for text in overrides:
        key = text.partition("=")[0]
        keys[key] = OmegaConf.select(OmegaConf.from_dotlist([text]), key)
    return configure("classroom", regime, seed, keys)


def switch_b(rule: str) -> str:
    """The keyword of :class:`TwinWorlds` (and the app's checkbox) that switches ``rule`` on in world B."""
    return f"{rule}_b"


class TwinWorlds(mesa.Model):
    """World A and world B: same seed, same people, two regimes, stepping together.

    ``<rule>_b=True`` (one keyword for each of :data:`RULES`, e.g. ``rotation_b``) switches that
    rule on in world B on top of its regime.
    """

    def __init__(self, regime_a: str = "trust_based", regime_b: str = "npm", n_users: int = 12, n_workers: int = 3,
                 seed: int = 1, story_user: int = 1, travel_factor: float = 2.5, plan_strength: float = 1.0,
                 any_worker_share: float = 0.5, **kwargs: bool) -> None:
        unknown = sorted(set(kwargs) - {switch_b(r) for r in RULES})
        if unknown:
            raise TypeError(f"TwinWorlds: unknown argument {', '.join(unknown)}; allowed: "
                            f"{', '.join(switch_b(r) for r in RULES)} besides the named ones")
        super().__init__(seed=int(seed))
        seed = int(seed)
        overrides = (f"regime.car_ban.travel_factor={travel_factor}", f"regime.rigid_plan.strength={plan_strength}",
                     f"regime.rotation.any_worker_share={any_worker_share}")
        rules_b = tuple(r for r in RULES if kwargs.get(switch_b(r)))
        self.worlds = {
            "A": SIDLModel(compose_config(regime_a, (), n_users, n_workers, seed, overrides)),
            "B": SIDLModel(compose_config(regime_b, rules_b, n_users, n_workers, seed, overrides)),
        }
        self.story_user = int(np.clip(story_user, 1, n_users)) - 1
        self.history: dict[str, list[tuple[float, float]]] = {k: [self._feel(w)] for k, w in self.worlds.items()}

    def _feel(self, world: SIDLModel) -> tuple[float, float]:
        s = world.users_state
        return float(s.wellbeing[self.story_user]), float(s.loneliness[self.story_user])

    @property
    def day(self) -> int:
        return self.worlds["A"].day

    def step(self) -> None:
        for key, world in self.worlds.items():
            world.step()
            self.history[key].append(self._feel(world))

    def config(self, key: str) -> dict:
        return asdict(self.worlds[key].cfg)


# -- what happened --------------------------------------------------------------------------------
def day_rows(world: SIDLModel, day: int) -> dict[str, np.ndarray]:
    """The event-log rows of one day, as arrays."""
    ev = world.events
    days = ev.column("day")
    if days.size == 0:
        return {c: np.zeros(0) for c in ("user_id", "worker_id", "activity", "mode", "success", "category")}
    on = days == day
    return {c: ev.column(c)[on] for c in ("user_id", "worker_id", "activity", "mode", "success", "category",
                                          "provider")}


def worker_name(world: SIDLModel, uid: int) -> str:
    if uid < 0:
        return "someone from the activity provider"
    first = int(world.worker_uid.min()) if world.worker_uid.size else 0
    return WORKER_NAMES[(uid - first) % len(WORKER_NAMES)]


def story(twins: TwinWorlds, key: str, days: int = 7) -> list[str]:
    """One user's recent days in plain words, newest first."""
    world = twins.worlds[key]
    uid = int(world.user_uid[twins.story_user])
    hist = twins.history[key]
    lines = []
    for day in range(world.day - 1, max(world.day - 1 - days, -1), -1):
        rows = day_rows(world, day)
        mine = rows["user_id"] == uid
        mood = _mood(hist, day)
        if not mine.any():
            lines.append(f"**{WEEKDAYS[day % 7]}** (day {day + 1}): no visit; {mood}.")
            continue
        parts, who = [], worker_name(world, int(rows["worker_id"][mine][0]))
        for a, mode, ok, cat in zip(rows["activity"][mine], rows["mode"][mine], rows["success"][mine],
                                    rows["category"][mine], strict=True):
            text = PHRASES[act.NAMES[int(a)]]
            if MODE_NAMES[int(mode)] in ("walk", "transit", "car"):
                text += {"walk": " on foot", "transit": " by bus and subway", "car": " by car"}[MODE_NAMES[int(mode)]]
            if int(cat) == act.CHALLENGE:
                text += " - a big step, and it went well" if ok else " - it was too much, they turned back"
            parts.append(text)
        lines.append(f"**{WEEKDAYS[day % 7]}** (day {day + 1}): {' and '.join(parts)} with {who}; {mood}.")
    return lines


def _mood(hist: list[tuple[float, float]], day: int) -> str:
    if day + 1 >= len(hist):
        return "an ordinary day"
    (w0, l0), (w1, l1) = hist[day], hist[day + 1]
    if w1 - w0 > 0.004:
        return "felt good"
    if l1 - l0 > 0.004 or w1 - w0 < -0.004:
        return "felt low"
    return "an ordinary day"


def plan_adherence_series(world: SIDLModel) -> np.ndarray:
    """The organisation's KPI day by day: share of SIDL activities so far that were plan items."""
    ev = world.events
    days = ev.column("day").astype(int)
    out = np.zeros(world.day + 1)
    if days.size == 0:
        return out
    sidl = ev.column("provider") == 0
    planned = np.bincount(days[sidl], weights=ev.column("planned")[sidl].astype(float), minlength=world.day + 1)
    total = np.bincount(days[sidl], minlength=world.day + 1)
    cum_t = np.cumsum(total)
    return np.divide(np.cumsum(planned), cum_t, out=np.zeros_like(out), where=cum_t > 0)[: world.day + 1]


def snapshot(twins: TwinWorlds) -> dict[str, float]:
    """Current outcomes of both worlds (for the text beside the plots)."""
    out = {}
    for key, world in twins.worlds.items():
        s = world.users_state
        out[f"{key}_ucla3"] = float(ucla3(s.loneliness).mean())
        out[f"{key}_wemwbs"] = float(wemwbs(s.wellbeing).mean())
        out[f"{key}_adherence"] = float(plan_adherence_series(world)[-1])
    return out


# -- the same views as ECharts options (drawn in the browser, so a step costs the server almost nothing) --
def map_option(twins: TwinWorlds, key: str) -> dict:
    world = twins.worlds[key]
    s = world.users_state
    rows = day_rows(world, world.day - 1)
    trips = {m: [] for m in ("walk", "transit", "car")}
    visited = []
    for uid, wid, a, mode in zip(rows["user_id"], rows["worker_id"], rows["activity"], rows["mode"], strict=True):
        i = int(np.searchsorted(world.user_uid, uid))
        place = int(act.PLACE[int(a)])
        home = s.home_xy[i].round(2).tolist()
        where = home if place == 0 else s.place_xy[place - 1].round(2).tolist()
        if place:
            trips[MODE_NAMES[int(mode)]].append({"coords": [home, where]})
        visited.append({"value": where, "name": f"user {i + 1} with {worker_name(world, int(wid))}"})
    series = [
        {"type": "scatter", "name": "places", "symbol": "rect", "symbolSize": 11, "itemStyle": {"color": "#f0c040"},
         "label": {"show": True, "position": "right", "fontSize": 9, "formatter": "{b}"},
         "data": [{"value": xy.round(2).tolist(), "name": n.replace("_", " ")}
                  for xy, n in zip(s.place_xy, PLACE_NAMES[1:], strict=True)]},
        {"type": "scatter", "name": "homes", "symbol": "triangle", "symbolSize": 7, "itemStyle": {"color": "#bbbbbb"},
         "data": s.home_xy.round(2).tolist()},
        *[{"type": "lines", "coordinateSystem": "cartesian2d", "name": m, "data": d,
           "lineStyle": {"color": MODE_COLOURS[m], "width": 2.5, "opacity": 0.85}} for m, d in trips.items()],
        {"type": "scatter", "name": "user with worker", "symbolSize": 12, "itemStyle": {"color": "#6a3d9a"},
         "data": visited, "label": {"show": True, "position": "bottom", "fontSize": 8, "formatter": "{b}"}},
    ]
    return {
        "legend": {"bottom": 0, "data": ["walk", "transit", "car", "user with worker"]},
        "xAxis": {"show": False, "min": 0, "max": world.params.places.area_km},
        "yAxis": {"show": False, "min": 0, "max": world.params.places.area_km},
        "grid": {"left": 5, "right": 60, "top": 10, "bottom": 35},
        "animation": False, "series": series,
    }


#: The declared outcome (:mod:`sim.outputs.outcomes`) each plot shows: its label the title, its scale below.
PLOTTED = {"loneliness": "loneliness_mean", "wellbeing": "wellbeing_mean", "adherence": "plan_adherence"}


def outcome_option(twins: TwinWorlds, variable: str) -> dict:
    series = []
    for key, dash in (("A", "solid"), ("B", "dashed")):
        world = twins.worlds[key]
        y = plan_adherence_series(world) if variable == "adherence" else world.datacollector.column(f"{variable}_mean")
        series.append({"type": "line", "name": f"{key}: {world.cfg.regime.name}", "showSymbol": False,
                       "lineStyle": {"type": dash}, "data": np.round(y, 3).tolist()})
    shown = outcomes.get(PLOTTED[variable])
    return {"title": {"text": shown.label, "subtext": shown.unit, "textStyle": {"fontSize": 12},
                      "subtextStyle": {"fontSize": 10}}, "animation": False,
            "legend": {"bottom": 0, "textStyle": {"fontSize": 10}}, "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 10, "top": 48, "bottom": 45},
            "xAxis": {"type": "category", "name": "day", "data": list(range(twins.day + 1))},
            "yAxis": {"type": "value", "scale": True, **({"min": 0, "max": 1} if variable == "adherence" else {})},
            "series": series}
