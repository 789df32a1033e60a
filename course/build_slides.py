"""Build the lecture slides: execute each deck and export it as reveal.js HTML.

    python course/build_slides.py                        # every deck in course/slides/
    python course/build_slides.py course/slides/02_implementing_hodgkin_huxley.ipynb
    python course/build_slides.py --out /tmp/slides     # somewhere else than _build/slides

Each deck is a notebook whose cells carry slide metadata
(``"slideshow": {"slide_type": "slide" | "subslide" | "fragment" | "notes" | "skip"}``).
The build runs a copy of it top to bottom in a fresh kernel (nbclient), so
every figure on the slides is drawn by the library at build time, and writes
``_build/slides/NAME.slides.html`` with nbconvert's ``SlidesExporter``: figures
embedded as base64 PNG, the input of cells tagged ``hide-input`` removed (their
output stays), cells tagged ``remove-cell`` removed altogether.  The sources are
only read, never written.

The slides work offline: reveal.js, MathJax, require.js and jQuery (and the
widget manager, for a deck that shows widgets) are copied from their npm
packages (``course/offline_assets.py``) into ``_build/slides/assets/`` and
loaded from there with relative paths, so a slides folder copied to a USB
stick works from ``file://`` without internet.  ``--reveal-prefix URL`` loads
reveal.js from elsewhere instead.  A deck that raises an error stops the build
with exit status 1 and names the deck and the cell.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError
from jinja2 import DictLoader
from nbconvert import SlidesExporter
from traitlets.config import Config

import offline_assets

ROOT = pathlib.Path(__file__).resolve().parents[1]
DECKS = ROOT / "course" / "slides"
OUT = ROOT / "_build" / "slides"
CELL_TIMEOUT_S = 300          # one cell; a deck runs in well under a minute
HIDE_INPUT_TAG = "hide-input"  # show the cell's output (a figure, a table), not its code
REMOVE_CELL_TAG = "remove-cell"
ASSETS = "assets"             # beside the HTML files: ASSETS/mathjax/, ASSETS/reveal.js/, ...

# nbconvert's reveal.js template, changed where it would load from a CDN:
# * MathJax 3 from the local copy, configured for the $...$ and $$...$$ of the
#   decks' Markdown (the template's own configuration is for MathJax 2);
# * no Mermaid (loaded as a module from a CDN; the decks draw no Mermaid diagram);
# * Reveal.initialize as in the template, less the MathJax 2 re-render on every
#   slide change (MathJax 3 typesets hidden slides correctly at load time).
TEMPLATE_NAME = "braindyn_offline_slides.html.j2"
TEMPLATE = r"""
{%- extends 'index.html.j2' -%}

{%- block html_head_js_mermaidjs -%}
{%- endblock html_head_js_mermaidjs -%}

{%- block html_head_js_mathjax -%}
<script>
window.MathJax = {
  tex: {
    inlineMath: [['$', '$'], ['\\(', '\\)']],
    displayMath: [['$$', '$$'], ['\\[', '\\]']],
    processEscapes: true,
    processEnvironments: true,
    tags: 'ams'
  },
  chtml: {displayAlign: 'center'}
};
</script>
<script defer src="{{ resources.mathjax_url }}"></script>
{%- endblock html_head_js_mathjax -%}

{% block footer_js %}
<script>
require(
    {waitSeconds: 15},
    ["{{ reveal_url_prefix }}/dist/reveal.js", "{{ reveal_url_prefix }}/plugin/notes/notes.js"],
    function(Reveal, RevealNotes) {
        Reveal.initialize({
            controls: true,
            progress: true,
            history: true,
            transition: "{{ reveal_transition }}",
            slideNumber: "{{ reveal_number }}",
            plugins: [RevealNotes],
            width: {{ reveal_width }},
            height: {{ reveal_height }}
        });
        function setScrollingSlide() {
            var scroll = {{ reveal_scroll }};
            if (scroll === true) {
              var h = $('.reveal').height() * 0.95;
              $('section.present').find('section')
                .filter(function() { return $(this).height() > h; })
                .css('height', 'calc(95vh)')
                .css('overflow-y', 'scroll')
                .css('margin-top', '20px');
            }
        }
        Reveal.addEventListener('slidechanged', setScrollingSlide);
    }
);
</script>
{% endblock footer_js %}
"""


def decks(paths: list[str]) -> list[pathlib.Path]:
    """The notebooks to build: the given paths, or every deck in course/slides/."""
    if not paths:
        return sorted(DECKS.glob("*.ipynb"))
    found = [pathlib.Path(p).resolve() for p in paths]
    for p in found:
        if p.suffix != ".ipynb" or not p.is_file():
            raise SystemExit(f"error: {p} is not a notebook; give paths of .ipynb decks")
    return found


def exporter(reveal_prefix: str | None) -> SlidesExporter:
    """nbconvert's SlidesExporter, loading every script from ASSETS/ (see install_assets)."""
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT_TAG}
    c.TagRemovePreprocessor.remove_cell_tags = {REMOVE_CELL_TAG}
    c.SlidesExporter.exclude_input_prompt = True     # no "In [3]:" on a projector
    c.SlidesExporter.exclude_output_prompt = True
    c.SlidesExporter.reveal_scroll = True            # long code cells scroll instead of overflowing
    # relative paths, read from the HTML file's folder: the slides work from file://
    c.SlidesExporter.reveal_url_prefix = reveal_prefix or f"{ASSETS}/reveal.js"
    c.SlidesExporter.mathjax_url = f"{ASSETS}/mathjax/tex-mml-chtml.js"
    c.SlidesExporter.require_js_url = f"{ASSETS}/requirejs/require.js"
    c.SlidesExporter.jquery_url = f"{ASSETS}/jquery/jquery.min.js"
    c.SlidesExporter.widget_renderer_url = f"{ASSETS}/html-manager/embed-amd.js"
    c.SlidesExporter.template_file = TEMPLATE_NAME
    return SlidesExporter(config=c, extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})])


def install_assets(out: pathlib.Path, reveal_prefix: str | None) -> None:
    """Copy what the pages load into out/ASSETS (see course/offline_assets.py); the
    widget manager only goes there for a deck that shows widgets (see build)."""
    names = ["mathjax", "requirejs", "jquery"] + (["reveal.js"] if reveal_prefix is None else [])
    offline_assets.install(names, out / ASSETS)


def build(path: pathlib.Path, out: pathlib.Path, export: SlidesExporter) -> pathlib.Path:
    """Execute a copy of the deck in a fresh kernel and write its HTML; returns the path.

    The HTML loads its scripts from out/ASSETS: see install_assets."""
    nb = nbformat.read(path, as_version=4)          # a copy in memory: the source is not touched
    # kernel started in the deck's folder, as Jupyter would; an error in any cell stops the run
    NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    html, _ = export.from_notebook_node(nb)
    if "widgets" in nb.metadata:                      # the page loads the widget manager
        offline_assets.install(["html-manager"], out / ASSETS)
    target = out / f"{path.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="decks to build (default: course/slides/*.ipynb)")
    parser.add_argument("--out", default=str(OUT), help="output folder (default: _build/slides)")
    parser.add_argument("--reveal-prefix", default=None,
                        help="where the page loads reveal.js from: a URL or a path relative "
                             f"to the HTML file (default: the copy in {ASSETS}/reveal.js, made "
                             f"by the build)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    export = exporter(args.reveal_prefix)
    todo = decks(args.paths)
    if not todo:
        print(f"error: no decks found in {DECKS}", file=sys.stderr)
        return 1
    try:
        install_assets(out, args.reveal_prefix)
    except offline_assets.AssetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path in todo:
        start = time.perf_counter()
        print(f"executing {path.name} ...", flush=True)
        try:
            target = build(path, out, export)
        except CellExecutionError as err:
            # err's text shows the failing cell's source and the traceback
            print(f"error: deck {path} failed to execute; fix the cell below and rebuild.\n{err}",
                  file=sys.stderr)
            return 1
        except offline_assets.AssetError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        except (DeadKernelError, CellTimeoutError) as err:
            print(f"error: deck {path} did not finish (the kernel died or a cell ran longer "
                  f"than {CELL_TIMEOUT_S} s): {err}", file=sys.stderr)
            return 1
        print(f"  wrote {target} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
