"""`make lab` and `start` open JupyterLab without its news pop-up (jupyter-config/).

The pop-up ("Would you like to get notified about official Jupyter news?") comes from
JupyterLab's announcements plugin; ``--LabApp.news_url=None`` does not remove it, so
``jupyter-config/labconfig/page_config.json`` disables the plugin and both ways of
starting the server put that folder on ``JUPYTER_CONFIG_PATH``.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from support import ROOT

PLUGIN = "@jupyterlab/apputils-extension:announcements"
CONFIG = ROOT / "jupyter-config"


def test_the_config_disables_the_announcements_plugin():
    page_config = json.loads((CONFIG / "labconfig" / "page_config.json").read_text())
    assert page_config["disabledExtensions"] == {PLUGIN: True}


def test_the_installed_jupyterlab_still_has_that_plugin():
    """A renamed plugin would make the setting silently do nothing."""
    import jupyterlab
    static = pathlib.Path(sys.prefix) / "share" / "jupyter" / "lab" / "static"
    if not static.is_dir():                                  # pragma: no cover
        static = pathlib.Path(jupyterlab.__file__).parent / "static"
    bundles = list(static.glob("*.js"))
    assert bundles, f"no JupyterLab bundles in {static}"
    assert any(PLUGIN.encode() in p.read_bytes() for p in bundles), \
        f"JupyterLab {jupyterlab.__version__} has no plugin {PLUGIN}: update jupyter-config/"


def test_jupyterlab_reads_the_folder_from_jupyter_config_path(tmp_path):
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(CONFIG),
               JUPYTER_CONFIG_DIR=str(tmp_path / "user"))
    code = ("import json; from jupyterlab_server.config import get_static_page_config; "
            "print(json.dumps(get_static_page_config()))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60, check=True).stdout
    assert json.loads(out)["disabledExtensions"].get(PLUGIN) is True


def test_start_puts_the_folder_on_jupyter_config_path(tmp_path):
    repo = tmp_path / "repo"
    (repo / "lessons").mkdir(parents=True)
    shutil.copy2(ROOT / "start", repo / "start")
    env = dict(os.environ, JUPYTER_CONFIG_PATH="/elsewhere",
               PATH=str(pathlib.Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    proc = subprocess.run([str(repo / "start"), "sh", "-c", "echo $JUPYTER_CONFIG_PATH"],
                          cwd="/", env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"{repo / 'jupyter-config'}:/elsewhere"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_puts_the_folder_on_jupyter_config_path():
    proc = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    assert f'JUPYTER_CONFIG_PATH="{CONFIG}' in proc.stdout
    assert "jupyter lab my-lessons/" in proc.stdout
