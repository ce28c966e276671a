"""The project's set-up files agree with each other and with the README."""

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def requirement_names(requirements):
    return {re.split(r"[<>=!~ \[]", line.strip(), maxsplit=1)[0].lower()
            for line in requirements}


def declared_dependencies():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = pyproject["project"]["optional-dependencies"]
    return pyproject["project"]["dependencies"] + [
        requirement for extra in extras.values() for requirement in extra]


def locked_versions(lock):
    """Package -> version in a lock file (the first, where Python versions fork)."""
    found = {}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==([^ ;\\\n]+)", lock.read_text(), re.M):
        found.setdefault(match.group(1).lower(), match.group(2))
    return found


def test_every_dependency_is_locked_with_hashes():
    test_lock = locked_versions(ROOT / "requirements" / "test.txt")
    course_lock = locked_versions(ROOT / "requirements" / "course.txt")
    assert requirement_names(declared_dependencies()) <= set(test_lock)
    # The course's lock is the test lock less the test tools, at the very same versions.
    assert course_lock.items() <= test_lock.items()
    for lock in ("course.txt", "test.txt"):
        text = (ROOT / "requirements" / lock).read_text()
        assert text.count("==") <= text.count("--hash=sha256:")


def test_make_installs_from_the_lock_with_hashes():
    out = subprocess.run(["make", "-n", "-B", ".venv/.installed"], cwd=ROOT,
                         capture_output=True, text=True).stdout
    assert "--require-hashes -r requirements/test.txt" in out
    assert "--no-deps -e ." in out


def test_environment_yml_pins_the_locked_versions():
    locked = locked_versions(ROOT / "requirements" / "test.txt")
    text = (ROOT / "environment.yml").read_text()
    section = text.split("\ndependencies:\n", 1)[1]
    lines = [line.strip()[2:] for line in section.splitlines()
             if line.strip().startswith("- ") and not line.strip().startswith("- -e")]
    conda = {line for line in lines if not line.startswith(("python", "pip"))}
    assert requirement_names(conda) == requirement_names(declared_dependencies())
    for line in conda:
        name, version = line.split("==")
        assert locked[name.lower()] == version, line
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
    assert "--KernelManager.transport_encryption=auto" in lab_line


def test_the_files_run_first_exist():
    # A renamed file would silently go back to the end of the run.
    tree = ast.parse((ROOT / "conftest.py").read_text())
    listed = next(ast.literal_eval(node.value) for node in tree.body
                  if isinstance(node, ast.Assign) and node.targets[0].id == "LONGEST_FIRST")
    assert listed and all((ROOT / path).is_file() for path in listed), listed


def test_ci_runs_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_coursekit_command_is_installed():
    out = subprocess.run(["coursekit", "--help"], capture_output=True, text=True,
                         env={"PATH": str(Path(sys.executable).parent)})
    assert out.returncode == 0 and "assign" in out.stdout


def _code_lines(function):
    """Lines of a function's body, its docstring left out."""
    body = function.body
    first = body[0]
    has_docstring = (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                     and isinstance(first.value.value, str))
    start = body[1].lineno if has_docstring and len(body) > 1 else first.lineno
    return function.end_lineno - start + 1


@pytest.mark.parametrize("package", ["grading", "judging/nb06", "judging/nb07"])
def test_no_function_of_the_grader_runs_past_sixty_lines(package):
    # The grader is a pipeline of small steps (CONTRIBUTING.md, "Layout"): a longer
    # function is doing more than one of them. So are the judges split into packages,
    # one module per exercise, each judge a chain of small checks.
    long = []
    for path in sorted((ROOT / "coursekit" / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if _code_lines(node) > 60:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert long == []
