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
