"""Lesson 9 in JupyterLab (headless Chromium): after "Run All" the explorers hold
what the notebook set, and show what the text beside them says.

Why a browser: a slider shown in the browser sends its value back to the kernel
when the value is not one the browser can hold (widgets/slider_grid.py), and the
echo arrives after the cells queued behind the one that showed it.  Morris-Lecar's
phi of 1/15 came back as 0.067 after a later cell had set class II's 0.04, so the
lesson's own Think! question (firing at I = 90) had another answer.  Only a real
page runs that round trip.

The test opens the lesson, runs all cells from the Run menu, waits until the kernel
has been idle for a while (the echoes are processed), then asks the same kernel
(through its connection file, beside the lesson's JupyterLab) for each explorer's
slider values and what it computed, and compares them with what the cells set and
with the sentences of the lesson.  It also reads the sliders' readouts in the page.
Needs Debian's chromium and playwright (``make browser``), as tests/test_browser_e2e.py,
whose server and helpers it uses.
"""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

from test_browser_e2e import ARTIFACTS, CHROMIUM, _require_browser, _wait_until_idle, serve

LESSON = "09_phase_plane_and_bifurcation.ipynb"

# What the lesson's cells set: the slider values of every explorer after Run All.
FHN_DEFAULTS = dict(I=0.0, a=0.7, b=0.8, tau=12.5, x0=-2.0, y0=-0.5)
ML_DEFAULTS = dict(I=30.0, gCa=4.0, V3=12.0, V4=17.4, phi=0.067, x0=-10.0, y0=0.0)
EXPECTED = {
    "explorer": FHN_DEFAULTS,                                    # cell 10: shown as made
    "sweep": {**FHN_DEFAULTS, "I": 1.5},                         # cell 12: the last current
    "ml_explorer": ML_DEFAULTS,                                  # cell 21: class I, shown
    "ml_class_2": {**ML_DEFAULTS, "I": 80.0, "gCa": 4.4, "V3": 2.0, "V4": 30.0,
                   "phi": 0.04},                                 # cell 23: class II, shown
}
SHOWN = ["explorer", "ml_explorer", "ml_class_2"]   # in the order of the page

# Runs in the lesson's kernel: each explorer's sliders, the values its last
# redraw used, its fixed points and what its trajectory does, as one JSON line.
STATE = """
import json as _json
def _bd_state(ex):
    sliders = {n: s.value for n, s in ex.sliders.items()}
    sliders.update(x0=ex.x0_slider.value, y0=ex.y0_slider.value)
    readouts = {n: format(s.value, s.readout_format) for n, s in ex.sliders.items()}
    return {"sliders": sliders, "readouts": readouts, "values": dict(ex.values),
            "start": [float(ex.trajectory[ex.x][0]), float(ex.trajectory[ex.y][0])],
            "fixed_points": [[float(fp[ex.x]), fp.stability]
                             for fp in sorted(ex.fixed_points, key=lambda fp: fp[ex.x])],
            "oscillating": bool(ex.oscillating), "period": ex.period,
            "error": None if ex.error is None else repr(ex.error)}
print(_json.dumps({n: _bd_state(globals()[n]) for n in NAMES if n in globals()}))
"""


def _kernel_client(url: str, token: str, runtime_dir):
    """A client of the lesson's kernel, through the connection file JupyterLab wrote."""
    from jupyter_client import BlockingKernelClient

    with urllib.request.urlopen(f"{url}/api/sessions?token={token}", timeout=10) as r:
        sessions = json.load(r)
    (kernel_id,) = [s["kernel"]["id"] for s in sessions if s["path"].endswith(LESSON)]
    client = BlockingKernelClient(connection_file=str(runtime_dir / f"kernel-{kernel_id}.json"))
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=30)
    return client


def _run(client, code: str) -> dict:
    """Execute ``code`` in the lesson's kernel; the JSON line it printed last."""
    printed = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            printed.append("\n".join(msg["content"]["traceback"]))

    reply = client.execute_interactive(code, timeout=120, output_hook=hook, store_history=False)
    text = "".join(printed)
    assert reply["content"]["status"] == "ok", text
    return json.loads(text.strip().splitlines()[-1])


def _state(client) -> dict:
    return _run(client, f"NAMES = {list(EXPECTED)!r}\n" + STATE)


def _page_readouts(page) -> list[dict]:
    """Per explorer shown (in page order): slider description -> readout text."""
    return page.evaluate("""() => {
        const out = [];
        for (const area of document.querySelectorAll('.jp-OutputArea-output')) {
            if (!area.querySelector('.widget-image')) continue;
            const sliders = {};
            for (const s of area.querySelectorAll('.widget-slider')) {
                const label = s.querySelector('.widget-label');
                const readout = s.querySelector('.widget-readout');
                if (label && readout) {
                    sliders[label.textContent.trim()] = readout.textContent.trim();
                }
            }
            out.push(sliders);
        }
        return out;
    }""")


def _open_and_run_all(page, url: str, token: str) -> None:
    page.goto(f"{url}/lab/tree/{LESSON}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    accept = page.locator(".jp-Dialog .jp-mod-accept")   # "select a kernel", if asked
    try:
        accept.wait_for(timeout=5_000)
        accept.click()
    except Exception:
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           timeout=120_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    # every code cell has run when no prompt says [*] and the last one has a number
    deadline = time.time() + 240
    while time.time() < deadline:
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        if prompts and not any("*" in p for p in prompts) and any(c.isdigit()
                                                                   for c in prompts[-1]):
            break
        time.sleep(0.5)
    else:
        raise TimeoutError("Run All did not finish")
    _wait_until_idle(page, quiet=4.0)


@pytest.fixture
def jupyterlab(tmp_path):
    _require_browser()
    yield from serve(tmp_path)


@pytest.mark.slow
def test_after_run_all_the_explorers_hold_what_the_lesson_set(jupyterlab, tmp_path):
    from playwright.sync_api import sync_playwright

    url, token = jupyterlab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        client = None
        try:
            _open_and_run_all(page, url, token)
            page.wait_for_function("document.querySelectorAll('.widget-image').length >= 3")
            client = _kernel_client(url, token, tmp_path / "rt")
            state = _state(client)
            readouts = _page_readouts(page)

            # -- the kernel holds what the cells set, and computed with it --------------
            for name, want in EXPECTED.items():
                got = state[name]
                assert got["error"] is None, f"{name}: {got['error']}"
                assert got["sliders"] == want, \
                    f"{name}: after Run All the sliders hold {got['sliders']}, the lesson " \
                    f"set {want}"
                params = {n: v for n, v in want.items() if n not in ("x0", "y0")}
                assert got["values"] == params, f"{name} drew with {got['values']}"
                assert got["start"] == [want["x0"], want["y0"]]

            # -- the page shows the same numbers ----------------------------------------
            assert len(readouts) == len(SHOWN), readouts
            for name, shown in zip(SHOWN, readouts):
                for slider, text in state[name]["readouts"].items():
                    assert shown.get(slider, "").replace("\u2212", "-") == text, \
                        f"{name}: the page shows {slider} = {shown.get(slider)}, the kernel {text}"

            # -- what the text beside each explorer says ---------------------------------
            # Section 3: at I = 0 FitzHugh-Nagumo rests on a stable focus (a small kick decays).
            fhn = state["explorer"]
            assert [s for _, s in fhn["fixed_points"]] == ["stable focus"]
            assert not fhn["oscillating"]
            # Cell 12 and section 4: above the second Hopf point (I = 1.42) the neuron is
            # stuck on a stable depolarised state.
            sweep = state["sweep"]
            assert [s for _, s in sweep["fixed_points"]] == ["stable focus"]
            assert sweep["fixed_points"][0][0] > 0.9675 and not sweep["oscillating"]
            # Section 5: "at I = 30 class I has three fixed points, a node, a saddle and
            # an unstable focus".
            assert [s for _, s in state["ml_explorer"]["fixed_points"]] == \
                ["stable node", "saddle", "unstable focus"]
            # ... "Move I towards 40 and watch the node and the saddle ... disappear; just
            # above 40 the trajectory still crawls past the place where they were."
            _run(client, 'ml_explorer.sliders["I"].value = 41.0\nprint("{}")')
            at_41 = _state(client)["ml_explorer"]
            assert [s for _, s in at_41["fixed_points"]] == ["unstable focus"]
            assert at_41["oscillating"] and at_41["period"] > 100, at_41["period"]
            # Cell 22: class II at I = 80 rests on a (filled) stable focus ...
            ml2 = state["ml_class_2"]
            assert [s for _, s in ml2["fixed_points"]] == ["stable focus"]
            assert not ml2["oscillating"]
            # ... and section 6, Think! 1: "Set the class II explorer to I = 90: the rest
            # state is still stable, yet the trajectory from the start point fires."
            _run(client, 'ml_class_2.sliders["I"].value = 90.0\nprint("{}")')
            _wait_until_idle(page, quiet=3.0)
            at_90 = _state(client)["ml_class_2"]
            assert at_90["sliders"] == {**EXPECTED["ml_class_2"], "I": 90.0}, \
                "the page changed a value the kernel set"
            assert [s for _, s in at_90["fixed_points"]] == ["stable focus"]
            assert at_90["oscillating"], "class II at I = 90 should fire from the start point"
            # Cell 22: past the Hopf point (I ~ 93.9) the focus is open (unstable)
            _run(client, 'ml_class_2.sliders["I"].value = 100.0\nprint("{}")')
            _wait_until_idle(page, quiet=2.0)
            at_100 = _state(client)["ml_class_2"]
            assert at_100["sliders"]["I"] == 100.0
            assert [s for _, s in at_100["fixed_points"]] == ["unstable focus"]
            assert at_100["oscillating"]
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "lesson09_failure.png"), full_page=True)
            raise
        finally:
            if client is not None:
                client.stop_channels()
            browser.close()
