"""The project's set-up files agree with each other and with the README."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def requirement_names(requirements):
    return {re.split(r"[<>=!~ ]", line.strip(), maxsplit=1)[0].lower() for line in requirements}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    # conda-forge's dask package holds distributed: extras are pip's spelling only.
    declared = {re.sub(r"\[.*?\]", "", spec) for spec in
                [*pyproject["project"]["dependencies"], *extras["test"], *extras["cluster"]]}
    text = (ROOT / "environment.yml").read_text()
    section = text.split("\ndependencies:\n", 1)[1]
    lines = [line.strip()[2:] for line in section.splitlines()
             if line.strip().startswith("- ") and not line.strip().startswith("- -e")]
    conda = {line for line in lines if not line.startswith(("python", "pip"))}
    # Same names and the same lowest versions; the course itself is installed with pip -e .
    normalise = lambda specs: {spec.replace(" ", "").lower() for spec in specs}  # noqa: E731
    assert normalise(conda) == normalise(declared)
    assert "- -e ." in section


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.S)
    assert blocks and blocks[0].split() == ["make", "lab"]
    assert blocks[1].split() == ["make", "test"]


def test_make_lab_passes_allow_root_only_to_root():
    out = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True).stdout
    lab_line = next(line for line in out.splitlines() if "jupyter lab" in line)
    assert ("--allow-root" in lab_line) == (os.geteuid() == 0)
    assert "--notebook-dir=notebooks" in lab_line


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_coursekit_command_is_installed():
    out = subprocess.run(["coursekit", "--help"], capture_output=True, text=True,
                         env={"PATH": str(Path(sys.executable).parent)})
    assert out.returncode == 0 and "assign" in out.stdout
