"""The lecture slides (course/slides/*.ipynb -> _build/slides/*.slides.html).

The fast tests read the decks' metadata; the slow one builds the decks with
course/build_slides.py into a temporary folder (once per session, shared with
tests/test_course_offline.py: see course_build.py) and checks the HTML against
counts taken independently from the notebooks: one top-level reveal.js
<section> per "slide" cell, one nested <section> per slide and subslide, one
embedded PNG per cell tagged "figure", no traceback, sources untouched, and
every script and style sheet loaded from the local assets/ folder.
"""
from __future__ import annotations

import pathlib
import re
import sys
from html.parser import HTMLParser

import nbformat
import pytest

import course_build

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "course"))
import build_slides  # noqa: E402

# one worker builds the site and slides for all three course test files (course_build.py)
pytestmark = pytest.mark.xdist_group("course")
# what a page would load from another host: CSS url(...)/@import, a module import, require([...])
REMOTE_LOAD = re.compile(r"""url\(\s*["']?(?:https?:)?//[^)]*|import\s[^;]*?["'](?:https?:)?//[^"']*|"""
                         r"""require\([^)]*["'](?:https?:)?//[^"']*""")
DECKS = sorted((ROOT / "course" / "slides").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
# (fewest, most) visible slides of each deck, from the size of the lecture it follows
EXPECTED_SIZE = {"01_brain_modelling_in_python": (12, 19),
                 "02_implementing_hodgkin_huxley": (18, 25)}


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def expected_sections(nb) -> tuple[int, int]:
    """(slides, slides + subslides) as reveal.js will nest them.

    Skipped cells vanish and notes become <aside>; the first shown cell opens
    a slide whatever its type (nbconvert does the same)."""
    shown = [slide_type(c) for c in nb.cells if slide_type(c) not in ("skip", "notes")]
    if not shown:
        return 0, 0
    shown[0] = "slide"
    slides = shown.count("slide")
    return slides, slides + shown.count("subslide")


class SectionCounter(HTMLParser):
    """Counts <section> elements by nesting depth and <img> with PNG data; collects the
    addresses of scripts and style sheets."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.by_depth: dict[int, int] = {}
        self.png_images = 0
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.depth += 1
            self.by_depth[self.depth] = self.by_depth.get(self.depth, 0) + 1
        elif tag == "img" and attrs.get("src", "").startswith("data:image/png;base64,"):
            self.png_images += 1
        elif tag == "script" and attrs.get("src"):
            self.loads.append(attrs["src"])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.loads.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "section":
            self.depth -= 1


def test_there_are_two_decks():
    assert [d.stem for d in DECKS] == sorted(EXPECTED_SIZE), (
        f"course/slides/ holds {[d.name for d in DECKS]}; update EXPECTED_SIZE when adding a deck")


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_deck_metadata(deck):
    nb = nbformat.read(deck, as_version=4)
    bad = [(i, slide_type(c)) for i, c in enumerate(nb.cells) if slide_type(c) not in SLIDE_TYPES]
    assert not bad, f"{deck.name}: cells with an unknown slide_type (index, type): {bad}"
    missing = [i for i, c in enumerate(nb.cells) if "slideshow" not in c.metadata]
    assert not missing, f"{deck.name}: cells {missing} have no slideshow metadata"
    _, n_shown = expected_sections(nb)
    low, high = EXPECTED_SIZE[deck.stem]
    assert low <= n_shown <= high, f"{deck.name} has {n_shown} slides, expected {low}-{high}"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "import braindyn as bp" in code and "import braindyn.math as bm" in code, (
        f"{deck.name}: the code cells should use the course's imports")
    for i, c in enumerate(nb.cells):
        if "figure" in c.metadata.get("tags", []):
            assert c.cell_type == "code" and slide_type(c) not in ("skip", "notes"), (
                f"{deck.name}: cell {i} is tagged 'figure' but is not a shown code cell")


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_deck_is_stored_stripped(deck):
    nb = nbformat.read(deck, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, (f"{deck.name}: cells {dirty} have outputs; run "
                       f"python tools/strip_notebooks.py {deck.relative_to(ROOT)}")


@pytest.mark.slow
def test_build_slides():
    build = course_build.slides()
    build.check("course/build_slides.py")
    assert build.sources_after == build.sources_before, "building the slides changed a source deck"
    out = build.out

    built = sorted(p.name for p in out.iterdir())
    assert built == sorted([f"{d.stem}.slides.html" for d in DECKS] + ["assets"]), f"built {built}"
    for deck in DECKS:
        nb = nbformat.read(deck, as_version=4)
        html = (out / f"{deck.stem}.slides.html").read_text(encoding="utf-8")
        counter = SectionCounter()
        counter.feed(html)
        # offline: reveal.js, MathJax, require.js, jQuery from the copies beside the slides
        assert counter.loads, f"{deck.name}: no script or style sheet"
        for url in counter.loads:
            assert url.startswith("assets/") and (out / url).is_file(), (
                f"{deck.name} loads {url}, not a file in {out}/assets")
            if url.endswith(".css"):        # reveal.js's themes import web fonts
                remote = REMOTE_LOAD.findall((out / url).read_text(encoding="utf-8"))
                assert not remote, f"{url} loads from another host: {remote}"
        remote = REMOTE_LOAD.findall(html)
        assert not remote, f"{deck.name} loads from another host: {remote}"
        slides, inner = expected_sections(nb)
        assert counter.depth == 0, f"{deck.name}: unbalanced <section> tags"
        assert counter.by_depth.get(1, 0) == slides and counter.by_depth.get(2, 0) == inner, (
            f"{deck.name}: the HTML has {counter.by_depth} sections by depth, the notebook "
            f"metadata gives {slides} slides and {inner} slides + subslides")
        figures = sum("figure" in c.metadata.get("tags", []) for c in nb.cells)
        assert figures > 0, f"{deck.name} draws no figure"
        assert counter.png_images == figures, (
            f"{deck.name}: {counter.png_images} embedded PNG figures for {figures} cells "
            f"tagged 'figure' (each should draw exactly one)")
        assert "Traceback" not in html, f"{deck.name}: a Python traceback is on a slide"
        assert 'class="jp-RenderedText jp-OutputArea-output" data-mime-type="application/' \
               'vnd.jupyter.stderr"' not in html, f"{deck.name}: a warning is printed on a slide"
        # every cell shown (speaker notes included) has an input area, except those
        # whose input is hidden by the tag
        shown = [c for c in nb.cells if slide_type(c) != "skip"]
        hidden = sum("hide-input" in c.metadata.get("tags", []) for c in shown)
        inputs = html.count('<div class="jp-InputArea jp-Cell-inputArea">')
        assert inputs == len(shown) - hidden, (
            f"{deck.name}: {inputs} cell inputs on the slides for {len(shown)} shown cells "
            f"of which {hidden} are tagged hide-input")


@pytest.mark.parametrize("deck", DECKS, ids=lambda p: p.stem)
def test_exported_slides_load_only_the_local_assets(deck):
    """Without running the deck: what the exported page loads, and from where."""
    html, _ = build_slides.exporter(None).from_notebook_node(nbformat.read(deck, as_version=4))
    counter = SectionCounter()
    counter.feed(html)
    assert sorted(counter.loads) == ["assets/jquery/jquery.min.js",
                                     "assets/mathjax/tex-mml-chtml.js",
                                     "assets/requirejs/require.js",
                                     "assets/reveal.js/dist/reveal.css",
                                     "assets/reveal.js/dist/theme/simple.css"]
    assert '"assets/reveal.js/dist/reveal.js"' in html and "window.MathJax" in html
    assert "MathJax.Hub" not in html and "mermaid" not in html
    assert not REMOTE_LOAD.findall(html)
