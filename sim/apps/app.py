"""The classroom app: twin worlds in the browser (Mesa SolaraViz).

Start it with ``python -m sim.app`` (http://127.0.0.1:8765; ``--host 0.0.0.0`` to let a classroom
network in). Thin on purpose: the worlds are built from the same configs as ``python -m sim.run``
(:mod:`sim.apps.classroom`); this file only lays out controls and views. Each browser session gets its
own model (``solara.use_memo`` inside the page), so one student's stepping never moves another's.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys

import solara
from mesa.visualization import SolaraViz, solara_viz
from mesa.visualization.utils import update_counter

from sim.apps.classroom import REGIMES, RULES, TwinWorlds, map_option, outcome_option, snapshot, story, switch_b

MODEL_PARAMS = {
    "regime_a": {"type": "Select", "value": "trust_based", "values": list(REGIMES), "label": "World A regime"},
    "regime_b": {"type": "Select", "value": "npm", "values": list(REGIMES), "label": "World B regime"},
    **{switch_b(r): {"type": "Checkbox", "value": False, "label": f"B also: {r.replace('_', ' ')}"} for r in RULES},
    "n_users": {"type": "SliderInt", "value": 12, "min": 4, "max": 60, "step": 1, "label": "Users"},
    "n_workers": {"type": "SliderInt", "value": 3, "min": 1, "max": 8, "step": 1, "label": "Workers"},
    "travel_factor": {"type": "SliderFloat", "value": 2.5, "min": 1.0, "max": 4.0, "step": 0.5,
                      "label": "Car ban: slow-down of trips without a car"},
    "plan_strength": {"type": "SliderFloat", "value": 1.0, "min": 0.0, "max": 1.0, "step": 0.1,
                      "label": "Rigid plan: share of visits held to the plan"},
    "any_worker_share": {"type": "SliderFloat", "value": 0.5, "min": 0.0, "max": 1.0, "step": 0.1,
                         "label": "Rotation: share of visits by any worker"},
    "story_user": {"type": "SliderInt", "value": 1, "min": 1, "max": 60, "step": 1, "label": "Story of user"},
    "seed": {"type": "InputText", "value": 1, "label": "Seed"},
}


HEIGHTS = (11, 8, 11)  # grid rows of the maps, the plots and the stories


def full_width_layout(num_components: int) -> list[dict]:
    """Mesa lays components out two to a row; the twin views need the whole width, one under the other."""
    heights = [HEIGHTS[i] if i < len(HEIGHTS) else 10 for i in range(num_components)]
    return [{"i": i, "w": 12, "h": h, "moved": False, "x": 0, "y": sum(heights[:i])} for i, h in enumerate(heights)]


solara_viz.make_initial_grid_layout = full_width_layout


def Rich(text: str, tag: str = "div"):
    """Text with our few marks (``**bold**``, ``_italic_``) as HTML.

    solara.Markdown builds a new widget whenever its text changes; this updates one in place,
    which keeps a step's round trip to the browser short (docs/PERFORMANCE.md).
    """
    out = html.escape(text)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"<i>\1</i>", out)
    return solara.HTML(tag=tag, unsafe_innerHTML=out)


@solara.component
def Maps(model: TwinWorlds):
    update_counter.get()  # re-render after every step
    with solara.Columns([1, 1]):
        for key in ("A", "B"):
            world = model.worlds[key]
            with solara.Column():
                Rich(f"**World {key}: {world.cfg.regime.name} - day {world.day}**")
                solara.FigureEcharts(option=map_option(model, key), attributes={"style": "height: 410px"})


@solara.component
def Outcomes(model: TwinWorlds):
    update_counter.get()  # re-render after every step
    now = snapshot(model)
    Rich(
        f"**Day {model.day}.** World A: UCLA-3 {now['A_ucla3']:.2f}, WEMWBS {now['A_wemwbs']:.1f}, plan adherence "
        f"{now['A_adherence']:.0%} \u00a0|\u00a0 World B: UCLA-3 {now['B_ucla3']:.2f}, WEMWBS {now['B_wemwbs']:.1f}, "
        f"plan adherence {now['B_adherence']:.0%}"
    )
    with solara.Columns([1, 1, 1]):
        for variable in ("loneliness", "wellbeing", "adherence"):
            solara.FigureEcharts(option=outcome_option(model, variable), attributes={"style": "height: 260px"})


@solara.component
def Story(model: TwinWorlds):
    update_counter.get()  # re-render after every step
    user = model.story_user + 1
    with solara.Columns([1, 1]):
        for key in ("A", "B"):
            with solara.Card(f"Story of user {user} in world {key} ({model.worlds[key].cfg.regime.name})"):
                lines = story(model, key)
                for line in lines or ["_Press Step to begin._"]:
                    Rich(line, tag="p")


@solara.component
def Page():
    model = solara.use_memo(TwinWorlds, [])  # one model per browser session
    return SolaraViz(model, components=[(Maps, 0), (Outcomes, 0), (Story, 0)], model_params=MODEL_PARAMS,
                     name="Support in daily living: twin worlds", play_interval=150)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve the classroom app.")
    ap.add_argument("--host", default="127.0.0.1", help="127.0.0.1 (this machine); 0.0.0.0 for a classroom network")
    ap.add_argument("--port", default="8765")
    args = ap.parse_args(argv)
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    cmd = [sys.executable, "-m", "solara", "run", "sim.apps.app:Page", "--host", args.host, "--port", args.port,
           "--production", "--no-open"]
    os.execv(sys.executable, cmd)


if __name__ == "__main__":
    main()
