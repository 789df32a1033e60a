"""End to end, as a student meets it: JupyterLab in a real (headless) Chromium.

Starts JupyterLab on a free loopback port, opens the integrator-lab lesson, runs
all cells, moves the dt slider with the keyboard, and checks that the plot image
changes.  Screenshots go to test-artifacts/.  Needs Debian's chromium and the
playwright package (``make browser``); without them the test is skipped, saying
so, except on CI (CI=true), where it fails.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from support import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
LESSON = "04_runge_kutta_and_order.ipynb"


def _require_browser():
    missing = []
    if not pathlib.Path(CHROMIUM).exists():
        missing.append("Debian's chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        message = f"{' and '.join(missing)} not installed: run `make browser`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a copy of the lessons (the kit's files stay clean)."""
    _require_browser()
    yield from serve(tmp_path)


def serve(tmp_path):
    work = tmp_path / "lessons"
    shutil.copytree(ROOT / "lessons", work)
    port, token = _free_port(), "braindyn-e2e"
    # jupyter-config/: the kit's settings, as `make lab` uses them (no news pop-up)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
               JUPYTER_CONFIG_PATH=str(ROOT / "jupyter-config"),
               JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
         "--LabApp.news_url=None", "--allow-root"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api?token={token}", timeout=2)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("JupyterLab did not start") from None
                time.sleep(0.5)
        yield url, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.slow
def test_moving_the_dt_slider_redraws_the_integrator_lab(jupyterlab):
    from playwright.sync_api import sync_playwright

    url, token = jupyterlab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(f"{url}/lab/tree/{LESSON}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        # a fresh JupyterLab may ask which kernel to start: take the proposed one
        accept = page.locator(".jp-Dialog .jp-mod-accept")
        try:
            accept.wait_for(timeout=10_000)
            accept.click()
        except Exception:
            pass   # no dialog: the notebook's kernel started by itself
        # wait for the kernel, then run every cell from the Run menu
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=120_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_text("Run All Cells", exact=True).click()
        lab_image = page.locator(".widget-image").first
        try:
            lab_image.wait_for(timeout=300_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "integrator_lab_timeout.png"), full_page=True)
            raise
        _wait_until_idle(page)
        slider = page.locator(".widget-slider").first   # the lab's dt slider
        assert "dt" in slider.inner_text()
        slider.scroll_into_view_if_needed()
        before = lab_image.get_attribute("src")
        page.screenshot(path=str(ARTIFACTS / "integrator_lab_before.png"))
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        for _ in range(8):   # towards smaller dt: RK4 stops diverging
            handle.press("ArrowLeft")
        deadline = time.time() + 60
        after = before
        while after == before and time.time() < deadline:
            time.sleep(0.5)
            after = lab_image.get_attribute("src")
        _wait_until_idle(page)
        page.screenshot(path=str(ARTIFACTS / "integrator_lab_after.png"))
        readout = slider.inner_text()
        browser.close()
    assert before and before.startswith(("blob:", "data:"))
    assert after != before, "moving the dt slider did not change the plot"
    assert "0.1995" not in readout, f"the slider did not move: {readout!r}"


def _wait_until_idle(page, quiet: float = 3.0, limit: float = 300.0) -> None:
    """Wait until the kernel has been idle for `quiet` seconds in a row."""
    start = last_busy = time.time()
    while time.time() - last_busy < quiet:
        if time.time() - start > limit:
            raise TimeoutError("the kernel stayed busy")
        status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
        if status != "idle":
            last_busy = time.time()
        time.sleep(0.25)
