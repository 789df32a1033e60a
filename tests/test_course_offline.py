"""The course works offline (issue #11): the built site and slides, opened from file:// in
Chromium with the network switched off, typeset their equations, paginate, show their
figures, and show every widget, as a live widget or, without JavaScript, as its still.

The site and the slides are built once per session (course_build.py) and shared with
tests/test_site.py and tests/test_slides.py.  Every request that is not for a local file
is recorded and aborted: the pages must make none.  Needs Debian's chromium and the
playwright package (``make browser``): without them the test is skipped, saying so,
except on CI, where it fails (as tests/test_browser_e2e.py).
"""
from __future__ import annotations

import re

import pytest

import course_build
from support import ROOT
from test_browser_e2e import CHROMIUM, _require_browser

# one worker builds the site and slides for all three course test files (course_build.py)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("course")]

WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
LOCAL = ("file:", "data:", "blob:")
DRAWS = re.compile(r"plt\.|\.plot\(|_plot\(|integrator_lab\(|explorer\(|imshow\(")
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac\{")

# the text of a page outside code, scripts and typeset math: raw TeX there was not typeset
VISIBLE_TEXT = """() => {
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "TEXTAREA", "MJX-CONTAINER"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement) {
        if (skip.has(el.tagName)) return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    }});
  const parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.textContent);
  return parts.join(" ");
}"""
# images of the page's content that did not load (naturalWidth 0), by their address
BROKEN_IMAGES = """(root) => Array.from(document.querySelectorAll(root + " img"))
  .filter(img => !img.complete || img.naturalWidth === 0).map(img => img.src.slice(0, 80))"""
MATHJAX_DONE = """() => window.MathJax && MathJax.startup && MathJax.startup.promise
  ? MathJax.startup.promise.then(() => true) : false"""


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site():
    build = course_build.site()
    build.check("course/build_site.py")
    return build.out


@pytest.fixture(scope="module")
def slides():
    build = course_build.slides()
    build.check("course/build_slides.py")
    return build.out


class OfflinePage:
    """A page opened from file:// with the network off; remote requests are aborted and
    kept in .remote, uncaught JavaScript errors in .errors."""

    def __init__(self, browser, path, javascript: bool = True):
        self.context = browser.new_context(offline=True, java_script_enabled=javascript,
                                           viewport={"width": 1280, "height": 900})
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.on("request", lambda r: None if r.url.startswith(LOCAL)
                     else self.remote.append(r.url))
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.goto(path.as_uri(), wait_until="load")

    def _route(self, route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.context.close()

    def check_equations(self, name: str, min_count: int = 1) -> int:
        """MathJax ran and typeset every math element; no raw TeX is left in the text."""
        self.page.wait_for_function("() => window.MathJax && window.MathJax.startup")
        assert self.page.evaluate(MATHJAX_DONE), f"{name}: MathJax did not start"
        typeset = self.page.locator("mjx-container").count()
        assert typeset >= min_count, f"{name}: {typeset} typeset equations"
        raw = RAW_TEX.findall(self.page.evaluate(VISIBLE_TEXT))
        assert not raw, f"{name}: TeX left as text: {raw[:5]}"
        return typeset

    def check_done(self, name: str) -> None:
        assert not self.remote, f"{name} asked the network for {self.remote}"
        assert not self.errors, f"{name}: JavaScript errors {self.errors}"


def lesson_pages(site):
    pages = sorted((site / "lessons").glob("[0-9][0-9]_*.html"))
    assert len(pages) >= 12, f"lesson pages: {pages}"
    return pages


def test_site_offline_typesets_draws_and_shows_widgets(browser, site):
    widgets_seen = 0
    for path in [site / "index.html"] + lesson_pages(site):
        name = path.relative_to(site).as_posix()
        with OfflinePage(browser, path) as p:
            if p.page.locator(".math").count():
                math = p.page.locator(".math").count()
                assert p.check_equations(name) >= math, name
                untypeset = p.page.locator(".math:not(:has(mjx-container))").count()
                assert untypeset == 0, f"{name}: {untypeset} of {math} equations not typeset"
            views = p.page.locator(WIDGET_VIEW).count()
            if views:   # the widget manager draws each widget, the explorers with a picture
                pictures = p.page.locator("img.jupyter-widget").count()
                p.page.wait_for_function(
                    """([n, pictures]) => {
                      const drawn = Array.from(document.querySelectorAll('.widget-subarea'))
                        .filter(a => a.querySelector('.jupyter-widgets'));
                      const withPicture = drawn.filter(a => Array.from(
                        a.querySelectorAll('img.widget-image')).some(i => i.naturalWidth > 0));
                      return drawn.length >= n && withPicture.length >= pictures;
                    }""", arg=[views, pictures])
                shown = p.page.locator(".jupyter-widget-still:visible, "
                                       "img.jupyter-widget:visible").count()
                assert shown == 0, f"{name}: {shown} stills shown beside their live widgets"
                widgets_seen += pictures
            assert not p.page.evaluate(BROKEN_IMAGES, "article"), f"{name}: broken images"
            figures = p.page.locator("article .cell_output img").count()
            lesson = ROOT / "lessons" / (path.stem + ".ipynb")
            if lesson.exists() and DRAWS.search(lesson.read_text(encoding="utf-8")):
                assert figures > 0, f"{name} draws but shows no figure"
            p.check_done(name)
    assert widgets_seen >= 4, f"{widgets_seen} explorers on the site (lessons 4, 8, 9 have 4)"


def test_site_without_javascript_shows_the_widget_stills(browser, site):
    with_widgets = [p for p in lesson_pages(site)
                    if "widget-view+json" in p.read_text(encoding="utf-8")]
    assert with_widgets, "no lesson page shows a widget"
    pictures_seen = 0
    for path in with_widgets:
        name = path.relative_to(site).as_posix()
        with OfflinePage(browser, path, javascript=False) as p:
            views = p.page.locator(WIDGET_VIEW).count()
            # (picture width or 0 for a text still, shown height) of the still before each view
            stills = p.page.evaluate(f"""() => Array.from(document.querySelectorAll('{WIDGET_VIEW}'))
                .map(s => s.previousElementSibling)
                .map(el => el && el.matches('img.jupyter-widget, .jupyter-widget-still')
                     ? [el.naturalWidth || 0, el.getBoundingClientRect().height] : null)""")
            assert views > 0 and len(stills) == views, name
            assert all(s and s[1] > 10 for s in stills), (
                f"{name}: widget stills (picture width, shown height): {stills}")
            pictures = [s for s in stills if s[0]]
            assert all(w > 100 and h > 100 for w, h in pictures), (
                f"{name}: widget pictures (width, shown height): {pictures}")
            pictures_seen += len(pictures)
            assert not p.page.evaluate(BROKEN_IMAGES, "article"), f"{name}: broken images"
            # solutions stay folded without JavaScript too (a closed <details>)
            solutions = p.page.locator("details:not([open]):has(summary:text-matches('Solution'))")
            assert solutions.count() >= 1, name
            assert not solutions.first.locator("pre, code").first.is_visible(), name
            p.check_done(name)
    assert pictures_seen >= 4, f"{pictures_seen} explorer stills (lessons 4, 8, 9 have 4)"


def test_slides_offline_paginate_and_typeset(browser, slides):
    decks = sorted(slides.glob("*.slides.html"))
    assert len(decks) >= 2, decks
    for path in decks:
        name = path.name
        with OfflinePage(browser, path) as p:
            p.page.wait_for_selector(".reveal.ready", state="attached")
            top = p.page.locator(".reveal .slides > section")
            assert top.count() > 1, f"{name}: {top.count()} slides"
            assert p.page.locator(".reveal .slides > section.present").count() == 1, (
                f"{name}: not one slide at a time")
            first = top.first.bounding_box()
            assert first and first["height"] < 900, f"{name}: the first slide is {first}"
            p.check_equations(name)
            assert not p.page.evaluate(BROKEN_IMAGES, ".reveal"), f"{name}: broken images"
            assert p.page.locator(".reveal img").count() > 0, f"{name} shows no figure"
            # the arrow key turns to the next slide
            before = p.page.evaluate("location.hash")
            p.page.locator(".reveal").press("ArrowRight")
            p.page.wait_for_function("(h) => location.hash !== h", arg=before)
            assert p.page.locator(".reveal .slides > section.past").count() == 1, (
                f"{name}: the arrow key did not turn to the second slide")
            p.check_done(name)
