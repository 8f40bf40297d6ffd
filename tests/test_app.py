"""The classroom app in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

The server is started as a user would (``python -m sim.app``); every request that is not to the
local server is blocked, to prove the app works offline. A screenshot is kept in ``tests/artifacts/``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]
playwright_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "sim.app", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the app did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


def open_page(browser, url: str, blocked: list[str]):
    ctx = browser.new_context(viewport={"width": 1500, "height": 1500})

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.goto(url, wait_until="networkidle")
    page.get_by_text("Story of user 1 in world A").wait_for(timeout=60_000)
    return ctx, page


def step(page, times: int, start: int = 0) -> None:
    for i in range(times):
        page.get_by_role("button", name="STEP").click()
        page.get_by_text(f"Day {start + i + 1}.").wait_for(timeout=20_000)


def test_loads_offline_steps_plots_and_story(server, browser):
    blocked: list[str] = []
    ctx, page = open_page(browser, server, blocked)
    assert page.get_by_text("World A: trust_based - day 0").count() == 1  # twin worlds: two maps
    assert page.get_by_text("World B: npm - day 0").count() == 1
    step(page, 10)
    page.get_by_text("World B: npm - day 10").wait_for()
    assert page.locator("canvas").count() >= 5  # two maps and three plots drawn by ECharts
    story = page.inner_text("body")
    assert "(day 10)" in story and "(day 4)" in story and ("with Sara" in story or "no visit" in story)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)
    assert blocked == [], f"fetched from the internet: {blocked[:5]}"
    ctx.close()


def test_switching_a_regime_and_a_rule(server, browser):
    ctx, page = open_page(browser, server, [])
    page.get_by_label("World B regime").click(force=True)
    page.get_by_role("option", name="car_ban").click()
    page.get_by_role("button", name="RESET").click()  # new parameters take effect on reset
    page.get_by_text("World B: car_ban - day 0").wait_for(timeout=30_000)
    page.get_by_text("B also: rotation").click()
    page.get_by_role("button", name="RESET").click()
    page.get_by_text("World B: car_ban+rotation - day 0").wait_for(timeout=30_000)
    step(page, 2)
    page.get_by_text("World B: car_ban+rotation - day 2").wait_for()
    ctx.close()


def test_each_browser_session_has_its_own_model(server, browser):
    ctx1, one = open_page(browser, server, [])
    ctx2, two = open_page(browser, server, [])
    step(one, 3)
    two.reload(wait_until="networkidle")
    two.get_by_text("Story of user 1 in world A").wait_for(timeout=60_000)
    assert two.get_by_text("Day 0.").count() == 1
    step(two, 1)
    assert one.get_by_text("Day 3.").count() == 1 and two.get_by_text("Day 1.").count() == 1
    ctx1.close()
    ctx2.close()
