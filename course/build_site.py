"""Build the course site: the syllabus, the instructor guide and every lesson,
executed, into ``_build/html`` (``make site``).

Sphinx only reads files under its source folder, so the pages are gathered into
``_build/site_src`` first; the kit's files are never modified.  In that copy:

* solution cells (tag ``solution``, or the collapsed-source setting
  ``"jupyter": {"source_hidden": true}`` that JupyterLab shows folded) get
  myst-nb's ``hide-input`` tag, so the site folds them too ("Show code cell
  source"); a cell with ``outputs_hidden`` gets ``hide-output``;
* every lesson is executed here, top to bottom in a fresh kernel (nbclient, as
  myst-nb would; Sphinx then only renders the stored outputs), so that each
  widget output can keep a *still*, taken right after the cell that showed it
  ran: the picture of the widget's first ``ipywidgets.Image`` (the explorers'
  figure), or for a widget without one (tqdm's progress bar) its text as static
  HTML.  The still goes in front of the widget view (``<img class="jupyter-widget">``
  as html-manager's embedding expects, or ``<div class="jupyter-widget-still">``);
  once the widget manager has drawn the live widget, ``site/_static/widgets.css``
  hides the still; without JavaScript the page shows it.

The site works offline: MathJax, the widget manager and the icons of
matplotlib's animations (Font Awesome 4, see ``OUTPUT_CDN``) are copied from their
npm packages (``course/offline_assets.py``) into ``_build/html/_static/`` and
loaded from there with relative paths, so ``_build/html`` works from ``file://``
without internet.
"""
from __future__ import annotations

import datetime
import html
import json
import pathlib
import re
import shutil
import subprocess
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

import offline_assets

ROOT = pathlib.Path(__file__).resolve().parents[1]
SRC = ROOT / "_build" / "site_src"
OUT = ROOT / "_build" / "html"
ASSETS = "_offline"          # in SRC; conf.py's html_static_path: copied to _build/html/_static
CELL_TIMEOUT_S = 300         # as conf.py's nb_execution_timeout was
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STILL_CLASS = "jupyter-widget"   # html-manager removes an <img> of this class in front of a view
TEXT_STILL_CLASS = "jupyter-widget-still"   # the still of a widget without a picture
# what lesson outputs load from a CDN -> the local copy in _static that replaces it
OUTPUT_CDN = {
    # matplotlib's JavaScript animations (Animation.to_jshtml) style their buttons with it
    re.compile(r"(?:https?:)?//maxcdn\.bootstrapcdn\.com/font-awesome/4\.\d+\.\d+/css/"
               r"font-awesome(?:\.min)?\.css"): "font-awesome/css/font-awesome.min.css",
}


def read_calendar(path: pathlib.Path) -> dict:
    """The ``name: value`` lines of calendar.yml (a flat file; no YAML library needed)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if ":" in line:
            key, value = (part.strip() for part in line.split(":", 1))
            values[key] = value
    return values


def fill_dates(text: str, calendar: dict) -> str:
    """Replace {{ week N }} by the Monday of week N and {{ name }} by its value."""
    first = datetime.date.fromisoformat(calendar["first_monday"])

    def replace(match):
        words = match.group(1).split()
        if len(words) == 2 and words[0] == "week":
            return (first + datetime.timedelta(weeks=int(words[1]) - 1)).isoformat()
        if len(words) == 1 and words[0] in calendar:
            return calendar[words[0]]
        raise KeyError(f"unknown placeholder {{{{ {match.group(1)} }}}}: add it to "
                       f"course/calendar.yml")
    return re.sub(r"\{\{\s*([^}]*?)\s*\}\}", replace, text)


def gather() -> None:
    if SRC.exists():
        shutil.rmtree(SRC)
    shutil.copytree(ROOT / "course" / "site", SRC)
    calendar = read_calendar(ROOT / "course" / "calendar.yml")
    for page in ("syllabus.md", "instructor_guide.md"):
        text = (ROOT / "course" / page).read_text(encoding="utf-8")
        (SRC / page).write_text(fill_dates(text, calendar), encoding="utf-8")
    decks = sorted((ROOT / "course" / "slides").glob("[0-9][0-9]_*.ipynb"))
    links = "\n".join(f'* <a href="slides/{nb.stem}.slides.html">{nb.stem.replace("_", " ")}</a>'
                      for nb in decks)
    (SRC / "slides.md").write_text(
        "# Lecture slides\n\nThe course's two lectures as reveal.js slides (`make slides`; "
        "press `s` for the speaker notes). Sources: `course/slides/`.\n\n" + links + "\n",
        encoding="utf-8")
    (SRC / "lessons").mkdir()
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        fold_solutions(nb)
        link_slides(nb)
        nbformat.write(nb, SRC / "lessons" / path.name)


SLIDE_LINK = re.compile(r"\[([^\]]*)\]\(\.\./course/slides/([0-9][0-9]_\w+)\.ipynb\)")


def link_slides(nb) -> int:
    """A lesson's link to a slide deck (``../course/slides/NN_name.ipynb``, which opens
    in JupyterLab) points on the site at the deck built there
    (``../slides/NN_name.slides.html``), as raw HTML: the site has no page of that name
    for Sphinx to resolve.  Returns the number of links changed."""
    changed = 0

    def anchor(match):
        nonlocal changed
        changed += 1
        text = re.sub(r"`([^`]*)`", r"<code>\1</code>", match.group(1))
        return f'<a href="../slides/{match.group(2)}.slides.html">{text}</a>'

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = SLIDE_LINK.sub(anchor, cell.source)
    return changed


def fold_solutions(nb) -> int:
    """Tag cells that JupyterLab shows folded with myst-nb's hide-input / hide-output.

    Solutions carry the tag ``solution`` and ``"jupyter": {"source_hidden": true}``
    (lessons/README.md); either one folds the cell's source.  Returns the number of
    cells whose source is folded."""
    folded = 0
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        hidden = cell.metadata.get("jupyter", {})
        if "solution" in tags or hidden.get("source_hidden"):
            if "hide-input" not in tags:
                tags.append("hide-input")
            folded += 1
        if hidden.get("outputs_hidden") and "hide-output" not in tags:
            tags.append("hide-output")
        if not tags:
            del cell.metadata["tags"]
    return folded


# -- widget stills -------------------------------------------------------------------
def _children(state: dict) -> list[str]:
    """Model ids a widget's state refers to (children, layout, ...), in order."""
    refs = []
    for value in state.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.startswith("IPY_MODEL_"):
                refs.append(item[len("IPY_MODEL_"):])
    return refs


def first_image(model_id: str, states: dict, buffers: dict) -> tuple[str, str] | None:
    """(format, base64 data) of the first ipywidgets.Image inside widget model_id, or None."""
    todo, seen = [model_id], set()
    while todo:
        mid = todo.pop(0)
        if mid in seen or mid not in states:
            continue
        seen.add(mid)
        state = states[mid]
        data = buffers.get(mid, {}).get(("value",), {}).get("data")
        if state.get("_model_name") == "ImageModel" and data:
            return state.get("format", "png"), data
        todo[:0] = _children(state)                  # depth first: the order on the screen
    return None


def text_still(model_id: str, states: dict) -> str:
    """A widget without a picture (a progress bar, say) as static HTML: its text, labels,
    values and progress, laid out as its boxes; "" if it shows nothing of the kind."""
    state = states.get(model_id)
    if state is None:
        return ""
    name = state.get("_model_name", "")
    value = state.get("value")
    description = html.escape(str(state.get("description") or ""))
    label = f"{description} " if description else ""
    if name.endswith("BoxModel"):
        kids = [text_still(ref[len("IPY_MODEL_"):], states) for ref in state.get("children", [])
                if isinstance(ref, str) and ref.startswith("IPY_MODEL_")]
        kids = [k for k in kids if k]
        direction = "column" if name in ("VBoxModel", "GridBoxModel") else "row"
        return (f'<div style="display: flex; flex-direction: {direction}; gap: 0.5em; '
                f'align-items: baseline">{"".join(kids)}</div>') if kids else ""
    if name in ("HTMLModel", "HTMLMathModel"):
        return f"<span>{label}{value or ''}</span>" if (value or label) else ""
    if name.endswith("ProgressModel"):
        return (f'<span>{label}<progress value="{value}" max="{state.get("max", 100)}">'
                f'</progress></span>')
    if value is None or isinstance(value, (dict, list)) or name in ("ImageModel",):
        return f"<span>{label}</span>" if label else ""
    return f"<span>{label}{html.escape(str(value))}</span>"


def still_html(view: dict, fmt: str | None, data: str) -> str:
    """The still followed by the widget view, as html-manager expects them: a picture
    (fmt, base64 data), or static HTML (fmt None, data the HTML; see text_still)."""
    script = json.dumps(view).replace("</", "<\\/")
    if fmt is None:
        still = f'<div class="{TEXT_STILL_CLASS}">{data}</div>'
    else:
        still = (f'<img class="{STILL_CLASS}" style="max-width: 100%" '
                 f'alt="the widget when this page was built" src="data:image/{fmt};base64,{data}"/>')
    return f'{still}<script type="{WIDGET_VIEW}">{script}</script>'


def execute(nb, folder: pathlib.Path) -> int:
    """Execute nb in a fresh kernel started in folder; add a still to each widget output.

    Returns the number of widget outputs that got a still.  An error in a cell not
    tagged raises-exception raises CellExecutionError."""
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    stills = 0

    def snapshot(cell, cell_index, execute_reply):
        nonlocal stills
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if output.get("output_type") not in ("display_data", "execute_result") or not view:
                continue
            image = first_image(view["model_id"], client.widget_state, client.widget_buffers)
            if image is not None:
                fmt, data = image
                output.data[f"image/{fmt}"] = data
            else:
                fmt, data = None, text_still(view["model_id"], client.widget_state)
                if not data:
                    print(f"  note: cell {cell_index} shows a widget with neither a picture "
                          f"nor text: no still for it", flush=True)
                    continue
            output.data["text/html"] = still_html(view, fmt, data)   # conf.py prefers it
            stills += 1

    client.on_cell_executed = snapshot
    client.execute()
    return stills


def localise_outputs(nb, static: str) -> int:
    """Point what HTML outputs load from a CDN (OUTPUT_CDN) at the local copies under
    the static folder, ``static`` being its path relative to the page.  Returns the
    number of addresses replaced."""
    replaced = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if isinstance(data.get("text/html"), str):
                for pattern, local in OUTPUT_CDN.items():
                    data["text/html"], n = pattern.subn(f"{static}/{local}", data["text/html"])
                    replaced += n
    return replaced


def execute_lessons() -> int:
    """Execute every gathered lesson in place; 0, or 1 after saying which cell failed."""
    for path in sorted((SRC / "lessons").glob("*.ipynb")):
        start = time.perf_counter()
        print(f"executing {path.name} ...", flush=True)
        nb = nbformat.read(path, as_version=4)
        try:
            stills = execute(nb, path.parent)
        except CellExecutionError as err:
            # err's text shows the failing cell's source and the traceback
            print(f"error: lesson {path.name} failed to execute; fix the cell below (in "
                  f"lessons/) and rebuild.\n{err}", file=sys.stderr)
            return 1
        except (DeadKernelError, CellTimeoutError) as err:
            print(f"error: lesson {path.name} did not finish (the kernel died or a cell ran "
                  f"longer than {CELL_TIMEOUT_S} s): {err}", file=sys.stderr)
            return 1
        localise_outputs(nb, "../_static")              # the lessons' pages are in lessons/
        nbformat.write(nb, path)
        print(f"  done in {time.perf_counter() - start:.1f} s"
              + (f", {stills} widget still(s)" if stills else ""), flush=True)
    return 0


def main() -> int:
    gather()
    try:
        offline_assets.install(["mathjax", "html-manager", "font-awesome"], SRC / ASSETS)
    except offline_assets.AssetError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if execute_lessons() != 0:
        return 1
    cmd = [sys.executable, "-m", "sphinx", "-E", "-b", "html", "-q", "-W", "--keep-going",
           str(SRC), str(OUT)]
    status = subprocess.call(cmd, cwd=ROOT)
    slides = ROOT / "_build" / "slides"
    if status == 0 and slides.is_dir():      # built by `make slides` (make site runs it)
        shutil.copytree(slides, OUT / "slides", dirs_exist_ok=True)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
