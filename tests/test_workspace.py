"""Students' own work is never lost when the kit's lessons change."""
import hashlib

import pytest

from braindyn.workspace import sync_lessons


def digest(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_first_sync_copies_then_updates_only_untouched_copies(tmp_path):
    kit, mine = tmp_path / "lessons", tmp_path / "my-lessons"
    kit.mkdir()
    (kit / "01_a.ipynb").write_text('{"v": 1}')
    (kit / "02_b.ipynb").write_text('{"v": 1}')
    assert sync_lessons(kit, mine)["copied"] == ["01_a.ipynb", "02_b.ipynb"]
    (mine / "02_b.ipynb").write_text('{"v": 1, "student": "my answer"}')  # student edits
    before = digest(mine / "02_b.ipynb")
    (kit / "01_a.ipynb").write_text('{"v": 2}')                          # kit update
    (kit / "02_b.ipynb").write_text('{"v": 2}')
    (kit / "03_c.ipynb").write_text('{"v": 1}')
    result = sync_lessons(kit, mine)
    assert result["updated"] == ["01_a.ipynb"] and result["copied"] == ["03_c.ipynb"]
    assert result["conflict"] == ["02_b.ipynb"]
    assert (mine / "01_a.ipynb").read_text() == '{"v": 2}'
    assert digest(mine / "02_b.ipynb") == before                      # the student's work
    assert (mine / "02_b.updated.ipynb").read_text() == '{"v": 2}'
    # syncing again changes nothing and never overwrites the .updated copy either
    (mine / "02_b.updated.ipynb").write_text('{"v": 2, "student": "looked at it"}')
    (kit / "02_b.ipynb").write_text('{"v": 3}')
    sync_lessons(kit, mine)
    assert digest(mine / "02_b.ipynb") == before
    assert (mine / "02_b.updated.ipynb").read_text() == '{"v": 2, "student": "looked at it"}'
    assert (mine / "02_b.updated2.ipynb").read_text() == '{"v": 3}'


def test_refuses_to_sync_onto_the_kit(tmp_path):
    (tmp_path / "lessons").mkdir()
    with pytest.raises(ValueError, match="another folder"):
        sync_lessons(tmp_path / "lessons", tmp_path / "lessons")
    with pytest.raises(FileNotFoundError):
        sync_lessons(tmp_path / "nope", tmp_path / "mine")


def test_braindyn_lessons_command(tmp_path, capsys):
    from braindyn.cli import main
    kit = tmp_path / "lessons"
    kit.mkdir()
    (kit / "01_a.ipynb").write_text("{}")
    assert main(["lessons", "--source", str(kit), "--dest", str(tmp_path / "mine")]) == 0
    assert (tmp_path / "mine" / "01_a.ipynb").exists()
    assert "copied: 01_a.ipynb" in capsys.readouterr().out


def test_the_homework_is_copied_too_but_never_the_instructor_folder(tmp_path, capsys):
    from braindyn.cli import main
    kit = tmp_path / "kit"
    (kit / "lessons").mkdir(parents=True)
    (kit / "lessons" / "01_a.ipynb").write_text("{}")
    hw = kit / "homework" / "hh"
    (hw / "instructor" / "grading").mkdir(parents=True)
    (hw / "hh_homework.ipynb").write_text('{"v": 1}')
    (hw / "README.md").write_text("the assignment")
    (hw / "instructor" / "hh_homework_source.ipynb").write_text('{"solutions": 1}')
    (hw / "instructor" / "grading" / "test_hh.py").write_text("POINTS = {}")
    mine = tmp_path / "mine"
    assert main(["lessons", "--source", str(kit / "lessons"), "--dest", str(mine)]) == 0
    assert "copied: homework/hh/README.md, homework/hh/hh_homework.ipynb" in \
        capsys.readouterr().out
    copied = sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*") if p.is_file())
    assert copied == [".braindyn-sync.json", "01_a.ipynb", "homework/.braindyn-sync.json",
                      "homework/hh/README.md", "homework/hh/hh_homework.ipynb"]
    # the student's homework survives a kit update
    (mine / "homework" / "hh" / "hh_homework.ipynb").write_text('{"v": 1, "mine": 1}')
    (hw / "hh_homework.ipynb").write_text('{"v": 2}')
    main(["lessons", "--source", str(kit / "lessons"), "--dest", str(mine)])
    assert (mine / "homework" / "hh" / "hh_homework.ipynb").read_text() == '{"v": 1, "mine": 1}'
    assert (mine / "homework" / "hh" / "hh_homework.updated.ipynb").read_text() == '{"v": 2}'
