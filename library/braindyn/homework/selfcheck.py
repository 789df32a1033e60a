"""``braindyn check NOTEBOOK``: run a homework notebook and report every part.

The notebook runs in a fresh kernel from a temporary copy (``notebooks.py``),
as "Restart and Run All" would, except that a cell's error does not stop the
cells after it, and that it runs part by part (the headings "Part 1", ...),
each part with its own time budget (``limits.py``, the same limits as
``submit`` and ``grade``): a hang, a crash or ``exit()`` costs only the parts
it touches.  Its cells call the self-checks (``checks.part1(HH)``, ...);
after each part one more cell collects their verdicts (``parts.collected``)
and this module prints, per part, "passed" or what is wrong with a hint, and
the cells that failed, in Chinese and English.  The exit status is 0 when
every checked part passed and no cell failed, 1 otherwise.  The student's
file is only read.
"""
from __future__ import annotations

import json
import pathlib
import re
import secrets
import shutil
from dataclasses import dataclass, field

from .limits import AFTER_TIMEOUT, PART_TIMEOUT
from .notebooks import (CellProblem, Execution, execute, fresh_workdir, read_notebook,
                        sections_of)
from .parts import BY_HAND, HINT, NOT_PASSED, PASSED

DEFAULT_TIMEOUT = PART_TIMEOUT     # seconds for the cells of one part


def collector_cell(marker: str) -> str:
    """Code run after each part: print the recorded verdicts after ``marker``."""
    return ("import json as _bd_json, braindyn.homework.parts as _bd_parts\n"
            f"print({marker!r} + _bd_json.dumps(_bd_parts.collected()))\n"
            "del _bd_json, _bd_parts")


def parse_collected(outputs: list, marker: str) -> dict:
    """The verdicts printed by the collector cell ({} when it printed none)."""
    for out in outputs:
        for line in out.get("text", "").splitlines():
            if line.startswith(marker):
                try:
                    return json.loads(line[len(marker):])
                except ValueError:
                    return {}
    return {}


def collected_verdicts(execution: Execution, marker: str) -> dict:
    """The verdicts of every part's collector cell, merged (a kernel started again
    after a crash remembers only what ran since)."""
    merged: dict = {}
    for outputs in execution.after_outputs:
        for name, data in parse_collected(outputs, marker).items():
            entry = merged.setdefault(name, {"parts": data.get("parts", []), "results": {}})
            entry["results"].update(data.get("results", {}))
    return merged


def plan(nb, marker: str):
    """The notebook's sections, each followed by the verdict collector."""
    sections = sections_of(nb)
    for section in sections:
        section.after.append(collector_cell(marker))
    return sections


@dataclass
class PartReport:
    name: str
    title: str
    points: float
    status: str           # "passed", "failed", "not checked", "manual"
    text: str             # what to print


@dataclass
class CheckReport:
    parts: list[PartReport] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.parts) and \
            all(p.status in ("passed", "manual") for p in self.parts)

    @property
    def unfinished(self) -> list[PartReport]:
        return [p for p in self.parts if p.status in ("failed", "not checked")]


def _cell_calling(nb, part: str) -> int | None:
    """Index of the first code cell that seems to call the check of ``part``:
    ``checks.part1(...)`` or ``assignment.check("part1", ...)``."""
    call = re.compile(rf"\.{re.escape(part)}\s*\(|\.check\(\s*['\"]{re.escape(part)}['\"]")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and call.search(cell.source):
            return i
    return None


def build_report(execution: Execution, collected: dict) -> CheckReport:
    """Per part: the verdict, or why the check never ran."""
    report = CheckReport(problems=list(execution.problems))
    problem_at = {p.index: p for p in execution.problems}
    for data in collected.values():
        for p in data["parts"]:
            if p["manual"]:
                report.parts.append(PartReport(p["name"], p["title"], p["points"], "manual",
                                               f"{p['title']}: {BY_HAND}"))
                continue
            result = data["results"].get(p["name"])
            if result is not None:
                lines = [f"{p['title']}: {PASSED}" if result["passed"]
                         else f"{p['title']}: {NOT_PASSED}\n  {result['message']}"]
                if not result["passed"] and result["hint"]:
                    lines.append(f"  {HINT}: {result['hint']}")
                report.parts.append(PartReport(p["name"], p["title"], p["points"],
                                               "passed" if result["passed"] else "failed",
                                               "\n".join(lines)))
                continue
            where = _cell_calling(execution.notebook, p["name"])
            if where is None:
                why = f"没有单元格调用 {p['name']} 的检查 / no cell calls the check of {p['name']}"
            elif where in problem_at:
                why = problem_at[where].describe()
            else:
                why = (f"第 {where + 1} 个单元格里的检查没有运行 / its check in cell {where + 1} "
                       f"did not run")
            report.parts.append(PartReport(p["name"], p["title"], p["points"], "not checked",
                                           f"{p['title']}: 未检查 / not checked: {why}"))
    return report


def check_notebook(path: str | pathlib.Path, timeout: float = DEFAULT_TIMEOUT,
                   progress=lambda text: None) -> CheckReport:
    """Run the notebook at ``path`` from a temporary copy and collect its self-checks."""
    path = pathlib.Path(path)
    nb = read_notebook(path)
    progress(f"在新内核中运行 {path}（不会修改你的文件）/ Running {path} in a fresh kernel "
             f"(your file is not changed)...")
    marker = f"@@braindyn-checks-{secrets.token_hex(8)}@@"
    workdir = fresh_workdir("braindyn-check-")
    try:
        shutil.copyfile(path, workdir / path.name)
        execution = execute(nb, workdir, timeout=timeout, sections=plan(nb, marker),
                            after_timeout=AFTER_TIMEOUT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return build_report(execution, collected_verdicts(execution, marker))


def format_report(report: CheckReport) -> str:
    lines = []
    if report.problems:
        lines.append("没有正常运行的单元格 / Cells that did not run cleanly:")
        lines.extend(f"  {p.describe()}" for p in report.problems)
        lines.append("")
    if not report.parts:
        lines.append("没有运行任何自查：笔记本没有调用 braindyn.homework.checks（或导入它的单元格出错了，"
                     "见上）/ No self-check ran: the notebook never called "
                     "braindyn.homework.checks (or the cell importing it failed, see above).")
        return "\n".join(lines)
    lines.extend(p.text for p in report.parts)
    checked = [p for p in report.parts if p.status != "manual"]
    passed = sum(p.status == "passed" for p in checked)
    lines.append("")
    if report.ok:
        lines.append(f"{len(checked)} 个检查的部分中 {passed} 个通过。/ {passed} of "
                     f"{len(checked)} checked parts passed.")
    else:
        lines.append(f"{len(checked)} 个检查的部分中 {passed} 个通过；改好其余部分后再运行 "
                     f"`braindyn check`。/ {passed} of {len(checked)} checked parts passed; "
                     f"fix the rest and run `braindyn check` again.")
    return "\n".join(lines)


def command(notebook: str, timeout: float = DEFAULT_TIMEOUT) -> int:
    """The ``braindyn check`` command: print the report; 0 if all passed, else 1."""
    report = check_notebook(notebook, timeout, progress=lambda text: print(text, flush=True))
    print(format_report(report))
    return 0 if report.ok else 1
