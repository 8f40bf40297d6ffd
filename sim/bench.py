"""Benchmark: cost per simulated user-day against Mesa's own BoltzmannWealth.

``python -m sim.bench`` runs the ``municipality`` scenario (trust_based) and
Mesa's BoltzmannWealth example in the same process and prints microseconds
per simulated user-day, microseconds per Boltzmann agent-step and their ratio
(lower is better; a ratio of 1 means one of our user-days costs what one
Boltzmann agent-step does). Each figure is the best of ``--repeat`` runs, which
filters out noise from other work on the machine. Not a test: timings are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import time

from sim.config import ScenarioConfig, SimConfig
from sim.model import SIDLModel


def time_sidl(n_users: int, n_workers: int, days: int, seed: int = 1) -> float:
    """Seconds to build and run the model (no output writing)."""
    cfg = SimConfig(scenario=ScenarioConfig(name="bench", n_users=n_users, n_workers=n_workers, days=days), seed=seed)
    t0 = time.perf_counter()
    SIDLModel(cfg).run()
    return time.perf_counter() - t0


def time_boltzmann(n_agents: int = 200, steps: int = 200, seed: int = 1) -> float:
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannWealth

    model = BoltzmannWealth(n=n_agents, seed=seed)
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    return time.perf_counter() - t0


def time_classroom_step(steps: int = 60) -> float:
    """Milliseconds for one step of both twin worlds plus building every view (the server's redraw)."""
    from sim.classroom import TwinWorlds, map_option, outcome_option, snapshot, story

    twins = TwinWorlds()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        twins.step()
        for key in ("A", "B"):
            map_option(twins, key)
            story(twins, key)
        for variable in ("loneliness", "wellbeing", "adherence"):
            outcome_option(twins, variable)
        snapshot(twins)
        times.append(time.perf_counter() - t0)
    return 1000 * float(sorted(times)[len(times) // 2])


def time_classroom_browser(clicks: int = 15) -> float | None:
    """Milliseconds from a click on Step to the new day shown in Chromium (median), or None without a browser."""
    import shutil
    import socket
    import subprocess
    import sys
    import urllib.request

    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "sim.app", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(180):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1500, "height": 1500})
            page.goto(url, wait_until="networkidle")
            page.get_by_text("Story of user 1 in world A").wait_for(timeout=60_000)
            times = []
            for i in range(clicks):
                ms = page.evaluate(
                    """(day) => new Promise(resolve => {
                        const t0 = performance.now();
                        const done = () => document.body.innerText.includes(`Day ${day}.`);
                        const obs = new MutationObserver(() => { if (done()) { obs.disconnect();
                            requestAnimationFrame(() => resolve(performance.now() - t0)); } });
                        obs.observe(document.body, {subtree: true, childList: true, characterData: true});
                        [...document.querySelectorAll('button')].find(b => b.innerText.trim() === 'STEP').click();
                    })""", i + 1)
                times.append(ms)
            browser.close()
        return float(sorted(times[2:])[len(times[2:]) // 2])
    finally:
        server.terminate()
        server.wait(timeout=20)


def measure(repeat: int = 3, days: int = 1826) -> dict[str, float]:
    n_users, n_workers, agents, steps = 200, 15, 200, 200
    sidl = min(time_sidl(n_users, n_workers, days) for _ in range(repeat))
    boltz = min(time_boltzmann(agents, steps) for _ in range(repeat))
    us_user_day = 1e6 * sidl / (n_users * days)
    us_agent_step = 1e6 * boltz / (agents * steps)
    return {
        "scenario": "municipality",
        "n_users": n_users,
        "days": days,
        "municipality_seconds": round(sidl, 4),
        "us_per_user_day": round(us_user_day, 4),
        "boltzmann_agents": agents,
        "boltzmann_steps": steps,
        "boltzmann_us_per_agent_step": round(us_agent_step, 4),
        "ratio_vs_boltzmann": round(us_user_day / us_agent_step, 4),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure; the best is kept")
    ap.add_argument("--days", type=int, default=1826, help="days of the municipality run")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--app", action="store_true",
                    help="also time the classroom app (server and, with Chromium, browser)")
    args = ap.parse_args(argv)
    res = measure(args.repeat, args.days)
    if args.app:
        res["classroom_step_redraw_ms"] = round(time_classroom_step(), 2)
        browser = time_classroom_browser()
        res["classroom_browser_click_to_update_ms"] = None if browser is None else round(browser, 1)
    if args.json:
        print(json.dumps(res))
        return
    print(f"municipality ({res['n_users']} users x {res['days']} days): {res['municipality_seconds']:.2f} s")
    print(f"  us per simulated user-day          {res['us_per_user_day']:8.3f}")
    print(f"  us per BoltzmannWealth agent-step  {res['boltzmann_us_per_agent_step']:8.3f}  (reference, same run)")
    print(f"  ratio (lower is better)            {res['ratio_vs_boltzmann']:8.3f}")
    if args.app:
        print(f"classroom app: step of both twins + building every view  {res['classroom_step_redraw_ms']:.1f} ms"
              " (target 100 ms)")
        if res["classroom_browser_click_to_update_ms"] is not None:
            ms = res["classroom_browser_click_to_update_ms"]
            print(f"classroom app: click on Step to new day drawn in Chromium {ms} ms (median of 13)")


if __name__ == "__main__":
    main()
