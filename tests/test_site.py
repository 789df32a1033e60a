"""The course site builds, with a page and figures for every lesson, and works offline.

The slow test builds the site once per session (course_build.py, shared with
tests/test_course_offline.py, which opens it in a browser without network) and reads
the HTML: every lesson has its page and figures, solutions are folded, every widget
output carries a still picture, and every script and style sheet is a local file.
"""
import base64
import html as html_lib
import io
import json
import re
import sys

import nbformat
import pytest

import course_build
from support import ROOT

sys.path.insert(0, str(ROOT / "course"))
import build_site  # noqa: E402

# one worker builds the site and slides for all three course test files (course_build.py)
pytestmark = pytest.mark.xdist_group("course")

WIDGET_CALLS = re.compile(r"\b(?:integrator_lab|neuron_explorer|phase_plane_explorer)\(")
# a script or style sheet that a page loads, and what it would load from another host
LOADS = re.compile(r'<script[^>]+src="([^"]+)"|<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"'
                   r'|<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"')
REMOTE_LOAD = re.compile(r"""url\(\s*["']?(?:https?:)?//[^)]*|import\s[^;]*?["'](?:https?:)?//[^"']*"""
                         r"""|<script[^>]+src=["'](?:https?:)?//[^"']*"""
                         r"""|<link[^>]+href=["'](?:https?:)?//[^"']*""")
# a widget's still (its picture, or the text of a widget without one) before its view
STILL_THEN_VIEW = re.compile(r'(?:<img class="jupyter-widget"[^>]*src="data:image/png;base64,'
                             r'([A-Za-z0-9+/=]+)"/>|<div class="jupyter-widget-still">.+?</div>)'
                             r'<script type="application/vnd\.jupyter\.widget-view\+json">')


def solution_cells(nb) -> int:
    return sum("solution" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.slow
def test_site_builds_with_every_lesson_and_its_figures():
    build = course_build.site()
    build.check("course/build_site.py")
    assert build.sources_after == build.sources_before, "building the site changed a lesson"
    html = build.out
    for page in ("index.html", "syllabus.html", "instructor_guide.html"):
        assert (html / page).exists(), page
    lessons = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert lessons
    widget_pages = 0
    for nb_path in lessons:
        page = html / "lessons" / (nb_path.stem + ".html")
        assert page.exists(), f"no page for {nb_path.name}"
        text = page.read_text(encoding="utf-8")
        source = nb_path.read_text(encoding="utf-8")
        figures = re.findall(r'<img[^>]+src="[^"]+\.(?:png|svg)"', text)
        plots = re.findall(r"plt\.|\.plot\(|_plot\(|integrator_lab\(|explorer\(|imshow\(", source)
        if plots:   # a lesson that draws must show its figures
            assert figures, f"{page.name} draws ({len(plots)} calls) but shows no figure"

        # solutions are folded as in JupyterLab: each solution cell (markdown) is a
        # closed <details>, and never runs
        nb = nbformat.read(nb_path, as_version=4)
        folded = re.findall(r"<details( open)?>\s*<summary>Solution", text)
        assert len(folded) == solution_cells(nb) > 0, (
            f"{page.name}: {len(folded)} folded solutions, the lesson has "
            f"{solution_cells(nb)}")
        assert not any(folded), f"{page.name}: a solution is unfolded"

        # every widget view comes after a still of the widget; the explorers' is a real PNG
        views = text.count('<script type="application/vnd.jupyter.widget-view+json">')
        stills = STILL_THEN_VIEW.findall(text)
        assert len(stills) == views, f"{page.name}: {views} widgets, {len(stills)} stills"
        pictures = [base64.b64decode(still) for still in stills if still]
        if WIDGET_CALLS.search(source):
            widget_pages += 1
            assert pictures, f"{page.name} shows an explorer, but the page has no still of it"
        for png in pictures:
            assert png.startswith(b"\x89PNG") and len(png) > 5000, f"{page.name}: empty still"

        # offline: every script and style sheet is a file of the site, by a relative path
        loads = [next(filter(None, m)) for m in LOADS.findall(text)]
        if 'class="math' in text:
            assert any(u.startswith("../_static/mathjax/tex-mml-chtml.js") for u in loads), loads
        if views:
            assert any(u.startswith("../_static/html-manager/embed.js") for u in loads), loads
        for url in loads:
            path = (page.parent / html_lib.unescape(url).split("?")[0]).resolve()
            assert "://" not in url and path.is_file(), f"{page.name} loads {url}"
        assert not REMOTE_LOAD.findall(text), f"{page.name} loads from another host"
    assert widget_pages >= 3, "lessons 4, 8 and 9 show widgets"
    for css in (html / "_static").rglob("*.css"):
        remote = REMOTE_LOAD.findall(css.read_text(encoding="utf-8", errors="replace"))
        assert not remote, f"{css} loads from another host: {remote}"
    syllabus = (html / "syllabus.html").read_text(encoding="utf-8")
    assert "{{" not in syllabus and "2026-10-26" in syllabus


def test_syllabus_dates_come_from_the_calendar():
    cal = {"first_monday": "2026-09-14", "due": "2026-10-26"}
    assert build_site.fill_dates("{{ week 1 }} / {{ week 3 }} / {{ due }}", cal) == \
        "2026-09-14 / 2026-09-28 / 2026-10-26"
    with pytest.raises(KeyError, match="add it to course/calendar.yml"):
        build_site.fill_dates("{{ nope }}", cal)


def test_solutions_are_folded_in_the_copy_only():
    path = ROOT / "lessons" / "01_why_python_models.ipynb"
    before = path.read_bytes()
    nb = nbformat.read(path, as_version=4)
    assert build_site.fold_solutions(nb) == solution_cells(nb) == 1
    for cell in nb.cells:
        hidden = "solution" in cell.metadata.get("tags", []) or \
            cell.metadata.get("jupyter", {}).get("source_hidden")
        assert ("hide-input" in cell.metadata.get("tags", [])) == bool(hidden)
    assert path.read_bytes() == before
    cell = nbformat.v4.new_code_cell("x", metadata={"jupyter": {"outputs_hidden": True}})
    build_site.fold_solutions(nbformat.v4.new_notebook(cells=[cell]))
    assert cell.metadata.tags == ["hide-output"]


def test_the_still_is_the_first_image_inside_the_widget():
    png = base64.b64encode(b"\x89PNG fake").decode()
    states = {"box": {"_model_name": "VBoxModel", "layout": "IPY_MODEL_lay",
                      "children": ["IPY_MODEL_controls", "IPY_MODEL_img1", "IPY_MODEL_img2"]},
              "lay": {"_model_name": "LayoutModel"},
              "controls": {"_model_name": "HBoxModel", "children": ["IPY_MODEL_slider"]},
              "slider": {"_model_name": "FloatSliderModel"},
              "img1": {"_model_name": "ImageModel", "format": "png"},
              "img2": {"_model_name": "ImageModel", "format": "png"}}
    buffers = {"img1": {("value",): {"data": png, "encoding": "base64", "path": ["value"]}},
               "img2": {("value",): {"data": "other", "encoding": "base64", "path": ["value"]}}}
    assert build_site.first_image("box", states, buffers) == ("png", png)
    assert build_site.first_image("controls", states, buffers) is None
    view = {"model_id": "box", "version_major": 2, "version_minor": 0}
    html = build_site.still_html(view, "png", png)
    assert STILL_THEN_VIEW.search(html)
    script = html.split('widget-view+json">', 1)[1].removesuffix("</script>")
    assert json.load(io.StringIO(script)) == view
    assert "</" not in build_site.still_html({"model_id": "</script>"}, "png", png)[:-9].split(
        "<script", 1)[1]


def test_a_widget_without_a_picture_gets_a_text_still():
    """tqdm's progress bar: an HBox of HTML, FloatProgress and HTML."""
    states = {"bar": {"_model_name": "HBoxModel", "layout": "IPY_MODEL_lay",
                      "children": ["IPY_MODEL_left", "IPY_MODEL_progress", "IPY_MODEL_right"]},
              "lay": {"_model_name": "LayoutModel"},
              "left": {"_model_name": "HTMLModel", "value": "simulating: 100%"},
              "progress": {"_model_name": "FloatProgressModel", "value": 50.0, "max": 100.0},
              "right": {"_model_name": "HTMLModel", "value": "50/100 [00:01&lt;00:01]"},
              "empty": {"_model_name": "VBoxModel", "children": []},
              "slider": {"_model_name": "FloatSliderModel", "description": "dt", "value": 0.5}}
    still = build_site.text_still("bar", states)
    assert still.count("<span>") == 3 and "flex-direction: row" in still
    assert '<progress value="50.0" max="100.0">' in still and "simulating: 100%" in still
    assert build_site.text_still("empty", states) == ""
    assert build_site.text_still("slider", states) == "<span>dt 0.5</span>"
    html = build_site.still_html({"model_id": "bar"}, None, still)
    assert STILL_THEN_VIEW.search(html) and not STILL_THEN_VIEW.search(html).group(1)


def test_outputs_load_local_copies_instead_of_a_cdn():
    link = ('<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/'
            'css/font-awesome.min.css">')
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("anim", outputs=[
        nbformat.v4.new_output("display_data", {"text/html": link + "<div>frames</div>",
                                                "text/plain": "<Animation>"})])])
    assert build_site.localise_outputs(nb, "../_static") == 1
    html = nb.cells[0].outputs[0].data["text/html"]
    assert 'href="../_static/font-awesome/css/font-awesome.min.css"' in html
    assert not REMOTE_LOAD.findall(html)


def test_links_to_the_slide_decks_point_at_the_decks_built_on_the_site():
    # in JupyterLab a lesson links to the deck's notebook; the site has no page of that
    # name (Sphinx would warn, and the build runs with warnings as errors)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Slides: [`course/slides/01_a.ipynb`]"
                                      "(../course/slides/01_a.ipynb) and [deck 2]"
                                      "(../course/slides/02_b.ipynb); [other](other.ipynb)"),
        nbformat.v4.new_code_cell("# [x](../course/slides/01_a.ipynb)")])
    assert build_site.link_slides(nb) == 2
    text = nb.cells[0].source
    assert '<a href="../slides/01_a.slides.html"><code>course/slides/01_a.ipynb</code></a>' \
        in text and '<a href="../slides/02_b.slides.html">deck 2</a>' in text
    assert "[other](other.ipynb)" in text and "../course/slides" in nb.cells[1].source
