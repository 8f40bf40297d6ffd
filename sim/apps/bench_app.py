"""Classroom app timings: a step of both twin worlds plus the redraw, in the server and in Chromium."""

from __future__ import annotations

import time


def time_classroom_step(steps: int = 60) -> float:
    """Milliseconds for one step of both twin worlds plus building every view (the server's redraw)."""
    from sim.apps.classroom import TwinWorlds, map_option, outcome_option, snapshot, story

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
