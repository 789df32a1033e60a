"""Set-up files agree with each other, and CI runs exactly the README's command."""
import re
import sys

from support import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _name_and_bound(req: str) -> tuple:
    m = re.match(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)", req)
    return m.group(1).lower().split("[")[0], m.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name_and_bound(r) for r in project["dependencies"]}
    wanted |= {_name_and_bound(r) for r in project["optional-dependencies"]["dev"]}
    conda = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("- ") and not line.startswith("- pip") and "python" not in line \
                and not line.startswith("- -e"):
            conda.add(_name_and_bound(line[2:]))
    assert conda == wanted, f"only in environment.yml: {conda - wanted}; " \
                            f"only in pyproject.toml: {wanted - conda}"


def test_ci_runs_make_test_and_nothing_else():
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()
             if ln.strip() and not ln.strip().startswith("#")]
    commands = [ln for ln in lines if not ln.startswith(("set ", "cd "))]
    assert commands == ["make test"]


def test_readme_starts_with_the_two_setup_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make lab" in first_screen and "make test" in first_screen
