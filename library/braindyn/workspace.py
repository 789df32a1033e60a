"""A student's own copy of the lessons, kept safe across kit updates.

``make lab`` (or ``braindyn lessons``) copies ``lessons/`` into ``my-lessons/``
and opens JupyterLab there.  Students edit their copies; the kit's originals
stay untouched, so ``git pull`` never conflicts with a student's work.  Later
syncs, after the kit was updated:

* a lesson the student does not have yet is copied;
* a copy the student never changed (its hash is the one recorded when it was
  copied) is replaced by the new version;
* a copy the student changed is left exactly as it is, and the new version is
  written beside it as ``NAME.updated.ipynb`` (never over an existing file).

The record of what was copied is ``my-lessons/.braindyn-sync.json``.

The homework next to the lessons (``homework/``) is kept the same way in
``my-lessons/homework/``, so a student works on their own copy of the assignment
inside the folder JupyterLab opens.  Folders named ``instructor`` (solutions,
hidden grading tests) are never copied.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import shutil
import sys

RECORD = ".braindyn-sync.json"
NEVER_COPIED = {".ipynb_checkpoints", "instructor"}   # folder names


def _digest(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sync_lessons(source: pathlib.Path, dest: pathlib.Path) -> dict[str, list[str]]:
    """Bring ``dest`` up to date with ``source`` without losing student edits.

    Returns the file names by what happened: 'copied', 'updated', 'kept'
    (student's copy unchanged in content and kit unchanged), 'conflict' (student
    edited and the kit changed: new version beside it).
    """
    source, dest = pathlib.Path(source), pathlib.Path(dest)
    if not source.is_dir():
        raise FileNotFoundError(f"no lessons folder at {source}")
    if dest.resolve() == source.resolve():
        raise ValueError("the working copy must be another folder than the kit's lessons/")
    dest.mkdir(parents=True, exist_ok=True)
    record_path = dest / RECORD
    record = json.loads(record_path.read_text()) if record_path.exists() else {}
    result: dict[str, list[str]] = {"copied": [], "updated": [], "kept": [], "conflict": []}
    files = [p for p in sorted(source.rglob("*"))
             if p.is_file() and not NEVER_COPIED & set(p.relative_to(source).parts)]
    for src in files:
        rel = src.relative_to(source).as_posix()
        target = dest / rel
        new_hash = _digest(src)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            record[rel] = new_hash
            result["copied"].append(rel)
            continue
        current = _digest(target)
        if record.get(rel) == new_hash or current == new_hash:
            record[rel] = new_hash if current == new_hash else record.get(rel)
            result["kept"].append(rel)
        elif current == record.get(rel):       # untouched by the student: safe to update
            shutil.copy2(src, target)
            record[rel] = new_hash
            result["updated"].append(rel)
        else:                                   # the student's work: never overwritten
            beside = target.with_name(target.stem + ".updated" + target.suffix)
            k = 2
            while beside.exists() and _digest(beside) != new_hash:
                beside = target.with_name(f"{target.stem}.updated{k}{target.suffix}")
                k += 1
            if not beside.exists():
                shutil.copy2(src, beside)
            result["conflict"].append(rel)
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="braindyn lessons",
        description="Copy the kit's lessons into your own folder (never overwriting your edits).")
    parser.add_argument("--source", default="lessons", help="the kit's lessons (default lessons/)")
    parser.add_argument("--dest", default="my-lessons", help="your copy (default my-lessons/)")
    args = parser.parse_args(argv)
    source, dest = pathlib.Path(args.source), pathlib.Path(args.dest)
    homework = source.resolve().parent / "homework"     # the kit's homework, beside lessons/
    pairs = [(source, dest)] + ([(homework, dest / "homework")] if homework.is_dir() else [])
    for src, dst in pairs:
        try:
            result = sync_lessons(src, dst)
        except (FileNotFoundError, ValueError) as err:
            print(f"braindyn lessons: error: {err} (give --source the kit's lessons folder "
                  f"and --dest a folder of your own)", file=sys.stderr)
            return 2
        prefix = "" if dst == dest else f"{dst.relative_to(dest).as_posix()}/"
        for what, names in result.items():
            if names and what != "kept":
                print(f"{what}: {', '.join(prefix + n for n in names)}")
        for name in result["conflict"]:
            stem = pathlib.PurePosixPath(name)
            print(f"  {prefix}{name}: you edited it and the kit has a new version; yours is "
                  f"unchanged, the new one is {stem.stem}.updated{stem.suffix}")
    print(f"your lessons are in {args.dest}/" +
          (f", your homework in {args.dest}/homework/" if len(pairs) > 1 else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
