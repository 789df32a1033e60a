"""``braindyn submit NOTEBOOK --name 张三 --id 2100012345``: pack the homework.

What it does, in order (nothing is written before the name and the ID are
right):

1. checks the name (no path separators, no ``_``, which separates the parts
   of the file name) and the student ID (digits; full-width digits are
   accepted and converted), and that the zip does not exist yet (``--force``
   replaces it);
2. runs a temporary copy of the notebook in a fresh kernel, part by part, with
   the limits ``check`` and ``grade`` use (``limits.py``); a cell that fails
   does not stop the others, as in ``grade``;
3. exports the executed notebook as HTML with every figure embedded, and as
   PDF when a converter is available (``report.py``), saying so otherwise;
4. writes ``姓名_学号_HH报告.zip`` holding the student's notebook exactly as it
   is on disk (byte for byte), the report, and ``submission.json`` (name,
   ID, the notebook's SHA-256, the self-check verdicts, the cells that
   failed), which ``braindyn grade`` reads.

The student's notebook is only read.  Partial work may be handed in: the zip
is written whatever the self-checks say, and the command lists the parts that
are unfinished and the cells that failed, in Chinese and English.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import pathlib
import re
import secrets
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass

from .errors import UsageError
from .limits import AFTER_TIMEOUT, PART_TIMEOUT
from .notebooks import CellProblem, execute, fresh_workdir, parse_notebook
from .report import to_html, to_pdf
from .selfcheck import PartReport, build_report, collected_verdicts, plan

DEFAULT_TIMEOUT = PART_TIMEOUT     # seconds for the cells of one part (as check and grade)
DEFAULT_LABEL = "HH报告"        # the assignment's part of the zip name
SUBMISSION_INFO = "submission.json"
# Not allowed in a name: path separators, characters Windows forbids in file
# names, and "_" (it separates name, ID and label in the zip's name).
_FORBIDDEN = set('/\\:*?"<>|_')


class SubmitRefused(Exception):
    """No report can be made (the kernel does not start); the message says why.  Exit 1."""


def clean_name(name: str) -> str:
    """The name as it goes into the file name, or UsageError saying what to change."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise UsageError("--name 是空的：写上你的姓名，例如 --name 张三 / --name is empty: give your "
                         "name, e.g. --name 张三")
    bad = sorted({c for c in name if c in _FORBIDDEN or unicodedata.category(c).startswith("C")})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise UsageError(f"--name {name!r} 含有 {shown}：姓名会写进文件名，不能含 / \\ : * ? \" < > | "
                         f"或 _（用空格或连字符）/ --name {name!r} contains {shown}: a name goes "
                         f"into a file name, so it may not contain / \\ : * ? \" < > | or _ (use a "
                         f"space or a hyphen)")
    if name in (".", "..") or name.startswith("."):
        raise UsageError(f"--name {name!r} 不能以点开头 / --name {name!r} may not start with a "
                         f"dot")
    if len(name) > 40:
        raise UsageError(f"--name 有 {len(name)} 个字符，最多 40 个 / --name is {len(name)} "
                         f"characters long: at most 40")
    return name


def clean_id(student_id: str) -> str:
    """The student ID as ASCII digits, or UsageError saying what to change."""
    sid = unicodedata.normalize("NFKC", student_id or "").strip()   # full-width digits -> ASCII
    if not re.fullmatch(r"[0-9]{1,20}", sid):
        raise UsageError(f"--id {student_id!r} 不是学号：只写数字，例如 --id 2100012345 / "
                         f"--id {student_id!r} is not a student ID: use the digits only, "
                         f"e.g. --id 2100012345")
    return sid


def zip_name(name: str, student_id: str, label: str = DEFAULT_LABEL) -> str:
    return f"{name}_{student_id}_{label}.zip"


@dataclass
class Submission:
    zip_path: pathlib.Path
    members: list[str]
    pdf_note: str          # "" when a PDF is in the zip, otherwise why not
    checks: list[PartReport]   # the self-check verdicts, one per part
    problems: list[CellProblem] = ()   # cells that did not run cleanly


def submit(notebook: str | pathlib.Path, name: str, student_id: str,
           out_dir: str | pathlib.Path = ".", force: bool = False,
           timeout: float = DEFAULT_TIMEOUT, pdf: bool = True,
           label: str = DEFAULT_LABEL, progress=print) -> Submission:
    """Run, export and pack ``notebook``; raise UsageError or SubmitRefused on failure."""
    name, student_id = clean_name(name), clean_id(student_id)
    notebook = pathlib.Path(notebook)
    if notebook.suffix != ".ipynb":
        raise UsageError(f"{notebook}：请给出作业的 .ipynb 文件 / {notebook}: give the .ipynb "
                         f"file of your homework")
    if not notebook.is_file():
        raise UsageError(f"{notebook}：没有这个文件 / {notebook}: no such file")
    out_dir = pathlib.Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} 是文件：请给出文件夹 / --out {out_dir} is a file: give "
                         f"a folder")
    target = out_dir / zip_name(name, student_id, label)
    if target.exists() and not force:
        raise UsageError(f"{target} 已经存在：加 --force 覆盖它，或者删掉它 / {target} exists "
                         f"already: pass --force to replace it, or remove it")

    original = notebook.read_bytes()       # what goes into the zip, byte for byte
    nb = parse_notebook(original, str(notebook))
    progress(f"在新内核中运行 {notebook}（不会修改你的文件）/ Running {notebook} in a fresh "
             f"kernel (your file is not changed)...")
    marker = f"@@braindyn-checks-{secrets.token_hex(8)}@@"
    workdir = fresh_workdir("braindyn-submit-")
    try:
        (workdir / notebook.name).write_bytes(original)
        execution = execute(nb, workdir, timeout=timeout, sections=plan(nb, marker),
                            after_timeout=AFTER_TIMEOUT)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if any(p.line == "(kernel start)" for p in execution.problems):
        raise SubmitRefused("没有提交：内核无法启动 / not submitted: the kernel could not start "
                            f"({execution.problems[0].evalue})")

    checks = build_report(execution, collected_verdicts(execution, marker))
    title = f"{name} {student_id} {label}"
    html = to_html(execution.notebook, title)
    pdf_bytes, pdf_note = to_pdf(execution.notebook, html, title) if pdf else \
        (None, "PDF not requested (--no-pdf)")

    stem = notebook.stem
    members = {notebook.name: original, f"{stem}_report.html": html.encode("utf-8")}
    if pdf_bytes:
        members[f"{stem}_report.pdf"] = pdf_bytes
    info = {"name": name, "id": student_id, "label": label, "notebook": notebook.name,
            "notebook_sha256": hashlib.sha256(original).hexdigest(),
            "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "checks": {p.name: p.status for p in checks.parts},
            "problems": [p.describe() for p in execution.problems]}
    members[SUBMISSION_INFO] = json.dumps(info, ensure_ascii=False, indent=1).encode("utf-8")

    out_dir.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(buffer.getvalue())
    partial.replace(target)          # a complete zip or none, never half of one
    return Submission(target, list(members), pdf_note, checks.parts, execution.problems)


def command(notebook: str, name: str, student_id: str, out_dir: str = ".", force: bool = False,
            timeout: float = DEFAULT_TIMEOUT, pdf: bool = True) -> int:
    """The ``braindyn submit`` command: print what was packed; exit status."""
    try:
        result = submit(notebook, name, student_id, out_dir, force, timeout, pdf,
                        progress=lambda text: print(text, flush=True))
    except SubmitRefused as e:
        print(e)
        return 1
    print(f"已写入 / wrote {result.zip_path}")
    for member in result.members:
        print(f"  {member}")
    if result.pdf_note:
        print(f"只生成了 HTML 报告：{result.pdf_note}。HTML 文件包含所有图，用浏览器打开。/ "
              f"only the HTML report was produced: {result.pdf_note}. "
              f"The HTML file holds every figure; open it in a browser.")
    if result.problems:
        print("这些单元格没有正常运行（报告里也能看到）/ these cells did not run cleanly "
              "(the report shows them too):")
        for p in result.problems:
            print(f"  {p.describe()}")
    unfinished = [p for p in result.checks if p.status in ("failed", "not checked")]
    if unfinished:
        print("未完成的部分（压缩包照样写好了，可以提交部分完成的作业）/ unfinished parts (the zip "
              "was written anyway: partial work may be handed in):")
        for p in unfinished:
            status = "未通过 / not passed" if p.status == "failed" else "未检查 / not checked"
            print(f"  {p.title}: {status}")
    return 0
