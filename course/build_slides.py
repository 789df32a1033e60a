"""Build the lecture slides: execute each deck and export it as reveal.js HTML.

    python course/build_slides.py                        # every deck in course/slides/
    python course/build_slides.py course/slides/02_implementing_hodgkin_huxley.ipynb
    python course/build_slides.py --reveal-prefix reveal.js   # a local copy (offline classroom)

Each deck is a notebook whose cells carry slide metadata
(``"slideshow": {"slide_type": "slide" | "subslide" | "fragment" | "notes" | "skip"}``).
The build runs a copy of it top to bottom in a fresh kernel (nbclient), so
every figure on the slides is drawn by the library at build time, and writes
``_build/slides/NAME.slides.html`` with nbconvert's ``SlidesExporter``: figures
embedded as base64 PNG, the input of cells tagged ``hide-input`` removed (their
output stays), cells tagged ``remove-cell`` removed altogether.  The sources are
only read, never written.

reveal.js itself is not copied: the page loads it from ``--reveal-prefix``,
by default nbconvert's CDN address (see ``course/slides/README.md`` for an
offline copy).  A deck that raises an error stops the build with exit status 1
and names the deck and the cell.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, DeadKernelError, CellTimeoutError
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = pathlib.Path(__file__).resolve().parents[1]
DECKS = ROOT / "course" / "slides"
OUT = ROOT / "_build" / "slides"
CELL_TIMEOUT_S = 300          # one cell; a deck runs in well under a minute
HIDE_INPUT_TAG = "hide-input"  # show the cell's output (a figure, a table), not its code
REMOVE_CELL_TAG = "remove-cell"


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
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_input_tags = {HIDE_INPUT_TAG}
    c.TagRemovePreprocessor.remove_cell_tags = {REMOVE_CELL_TAG}
    c.SlidesExporter.exclude_input_prompt = True     # no "In [3]:" on a projector
    c.SlidesExporter.exclude_output_prompt = True
    c.SlidesExporter.reveal_scroll = True            # long code cells scroll instead of overflowing
    if reveal_prefix is not None:
        c.SlidesExporter.reveal_url_prefix = reveal_prefix
    return SlidesExporter(config=c)


def build(path: pathlib.Path, out: pathlib.Path, export: SlidesExporter) -> pathlib.Path:
    """Execute a copy of the deck in a fresh kernel and write its HTML; returns the path."""
    nb = nbformat.read(path, as_version=4)          # a copy in memory: the source is not touched
    # kernel started in the deck's folder, as Jupyter would; an error in any cell stops the run
    NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    html, _ = export.from_notebook_node(nb)
    target = out / f"{path.stem}.slides.html"
    target.write_text(html, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="decks to build (default: course/slides/*.ipynb)")
    parser.add_argument("--out", default=str(OUT), help="output folder (default: _build/slides)")
    parser.add_argument("--reveal-prefix", default=None,
                        help="where the page loads reveal.js from: a URL or a path relative "
                             "to the HTML file (default: nbconvert's CDN)")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    export = exporter(args.reveal_prefix)
    todo = decks(args.paths)
    if not todo:
        print(f"error: no decks found in {DECKS}", file=sys.stderr)
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
        except (DeadKernelError, CellTimeoutError) as err:
            print(f"error: deck {path} did not finish (the kernel died or a cell ran longer "
                  f"than {CELL_TIMEOUT_S} s): {err}", file=sys.stderr)
            return 1
        print(f"  wrote {target} in {time.perf_counter() - start:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
