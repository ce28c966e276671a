"""coursekit.import_costs: the instructor's tools start without compiling IRI grammars,
validate notebooks as before, and the student's side is left as it is; a command ends
without collecting what its imports made; and a cluster's client imports neither
scikit-learn nor pandas."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import nbformat

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"

PROBE = """
import json, sys
{imports}
print(json.dumps({{"lark": "lark" in sys.modules,
                   "skipped": sys.modules.get("rfc3987_syntax", "absent") is None}}))
"""


def _imports(*modules):
    source = PROBE.format(imports="\n".join(f"import {module}" for module in modules))
    return json.loads(subprocess.run([sys.executable, "-c", source], check=True,
                                     capture_output=True, text=True).stdout)


@pytest.mark.parametrize("entry", ["coursekit.cli", "coursekit.grading.backends.grading_process",
                                   "coursekit.grading.backends.dask_preload"])
def test_the_command_line_and_the_grading_processes_skip_the_grammars(entry):
    assert _imports(entry, "nbformat") == {"lark": False, "skipped": True}


def test_what_a_students_kernel_imports_is_left_as_it_is():
    # The checks a notebook imports never import import_costs (the kernel side of the
    # trust boundary imports nothing of the grader's).
    assert _imports("coursekit.checks", "coursekit.checks.shim", "coursekit.plots",
                    "nbformat")["skipped"] is False


def test_notebooks_are_still_validated(tmp_path):
    import coursekit.grading  # noqa: F401  (the skip in place, in this process too)

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    notebook.cells[0]["execution_count"] = "one"
    with pytest.raises(nbformat.ValidationError, match="execution_count"):
        nbformat.validate(notebook)


def test_a_command_leaves_its_objects_to_the_exit_rather_than_collecting_them():
    # Registered before the command line is imported, this runs after its handler: the
    # last garbage collections then find every object frozen (a quarter of a second saved
    # at the end of each command).
    probe = ("import atexit, gc\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
             "from coursekit.cli import main\n"
             "main(['assign', '--check'])\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("frozen True")


def test_reading_a_class_and_its_grades_back_imports_no_scikit_learn(tmp_path):
    # A cluster's client reads the submissions and the grades its workers send back, and
    # a worker the grades of its grading processes; neither judges: scikit-learn and
    # pandas are left to the grading processes. Every notebook's submission is read here,
    # and its grade read back.
    probe = f"""
import json, sys
from pathlib import Path
from coursekit.grading import api
from coursekit.grading.backends import dask_worker
from coursekit.grading.results import Grade, ungraded
dask_worker.prepare()  # what a worker imports to read its grading processes' grades
with api.Store(Path({str(tmp_path)!r}) / "gradebook.db") as store:
    plan = api.plan_batch([Path("solutions")], store)
grades = [Grade.from_data(ungraded(s, "crashed", "a test").to_data(), s)
          for s in plan.todo]
print(json.dumps({{"notebooks": sorted(s.notebook for s in plan.todo),
                   "exercises": sum(len(g.exercises) for g in grades),
                   "sklearn": "sklearn" in sys.modules, "pandas": "pandas" in sys.modules}}))
"""
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["notebooks"] == sorted(p.stem for p in SOLUTIONS.glob("*.ipynb"))
    assert seen["exercises"] > 20
    assert seen["sklearn"] is False and seen["pandas"] is False
