import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from coursekit.authoring import assign as assign_module
from coursekit import checks
from coursekit.authoring.assign import (
    AssignError, assign, nbgrader_metadata, strip_solutions, with_nbgrader_metadata,
)
from coursekit.cli import main

ROOT = Path(__file__).resolve().parents[1]


def solution_notebook(*cells):
    notebook = new_notebook(cells=list(cells))
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.7"},
        "coursekit": {"notebook": "99_demo"},
        "widgets": {"state": {}},
    }
    return notebook


def code(source, **metadata):
    cell = new_code_cell(source, execution_count=3, outputs=[new_output("stream", text="hi\n")])
    cell.metadata.update(metadata)
    return cell


@pytest.fixture
def course(tmp_path):
    solutions, notebooks = tmp_path / "solutions", tmp_path / "notebooks"
    solutions.mkdir()
    notebook = solution_notebook(
        new_markdown_cell("# Demo"),
        code("x = ...\n### BEGIN SOLUTION\nx = 'hidden answer'\n### END SOLUTION",
             tags=["exercise"], collapsed=True, execution={"iopub.status.busy": "now"}),
        code("def f(a):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    return a + 1\n"
             "    ### END SOLUTION"),
        new_markdown_cell("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
    )
    nbformat.write(notebook, solutions / "99_demo.ipynb")
    return solutions, notebooks


def test_strip_solutions_keeps_indentation_and_surroundings():
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\nprint(f)"
    assert strip_solutions(source) == (
        "def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()\nprint(f)"
    )


def test_student_notebook_has_no_solution_no_output_and_no_volatile_metadata(course):
    solutions, notebooks = course
    assign(solutions, notebooks)
    student = nbformat.read(notebooks / "99_demo.ipynb", as_version=4)
    text = (notebooks / "99_demo.ipynb").read_text()
    assert "hidden answer" not in text and "a + 1" not in text and "Because." not in text
    assert "SOLUTION" not in text
    value_cell, function_cell, answer_cell = student.cells[1:]
    assert value_cell.source == "x = ...\n# YOUR CODE HERE\nraise NotImplementedError()"
    assert "    raise NotImplementedError()" in function_cell.source
    assert answer_cell.source == "Why?\nYOUR ANSWER HERE"
    for cell in (value_cell, function_cell):
        assert cell.outputs == [] and cell.execution_count is None
    assert value_cell.metadata == {"tags": ["exercise"], "nbgrader": {
        "grade": False, "grade_id": f"answer-{value_cell.id}", "locked": False,
        "schema_version": 3, "solution": True, "task": False}}
    assert student.metadata["coursekit"] == {"notebook": "99_demo"}
    assert "widgets" not in student.metadata
    assert student.metadata["language_info"] == {"name": "python"}


def test_assign_is_idempotent(course):
    solutions, notebooks = course
    first = assign(solutions, notebooks)
    text = (notebooks / "99_demo.ipynb").read_text()
    second = assign(solutions, notebooks)
    assert [o.changed for o in first] == [True] and [o.changed for o in second] == [False]
    assert (notebooks / "99_demo.ipynb").read_text() == text


def test_check_reports_out_of_date_without_writing(course, capsys):
    solutions, notebooks = course
    args = ["assign", "--solutions", str(solutions), "--notebooks", str(notebooks), "--check"]
    assert main(args) == 1
    assert "99_demo.ipynb" in capsys.readouterr().err
    assert not notebooks.exists()
    assert main(args[:-1]) == 0
    assert main(args) == 0
    (notebooks / "99_demo.ipynb").write_text("edited by hand")
    assert main(args) == 1


@pytest.mark.parametrize("source, problem", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "with no '### BEGIN SOLUTION' before it"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n### END SOLUTION", "nested"),
])
def test_malformed_markers_name_notebook_and_cell_and_write_nothing(course, source, problem,
                                                                     capsys):
    solutions, notebooks = course
    good = nbformat.read(solutions / "99_demo.ipynb", as_version=4)
    nbformat.write(good, solutions / "50_fine.ipynb")
    bad = solution_notebook(new_markdown_cell("# Bad"), code(source))
    bad.cells[1].id = "broken-cell"
    nbformat.write(bad, solutions / "98_bad.ipynb")
    with pytest.raises(AssignError, match=problem) as info:
        assign(solutions, notebooks)
    assert "98_bad.ipynb, cell 1 (id broken-cell)" in str(info.value)
    assert not notebooks.exists()
    args = ["assign", "--solutions", str(solutions), "--notebooks", str(notebooks)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "98_bad.ipynb" in err and "Nothing was written" in err


def test_unreadable_solution_is_refused(course):
    solutions, notebooks = course
    (solutions / "97_broken.ipynb").write_text("{ not json")
    with pytest.raises(AssignError, match="97_broken.ipynb: not a readable notebook"):
        assign(solutions, notebooks)


def test_empty_solutions_folder_is_refused(tmp_path):
    with pytest.raises(AssignError, match="no solution notebooks"):
        assign(tmp_path, tmp_path / "out")


def test_the_course_student_notebooks_are_in_sync():
    outcomes = assign(ROOT / "solutions", ROOT / "notebooks", check=True)
    stale = [str(o.target) for o in outcomes if o.changed]
    assert not stale, f"run `coursekit assign`: {stale}"


def test_assigning_the_course_twice_in_a_copy_changes_nothing(tmp_path):
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    assign(tmp_path / "solutions", tmp_path / "notebooks")
    first = {p.name: p.read_bytes() for p in (tmp_path / "notebooks").iterdir()}
    assign(tmp_path / "solutions", tmp_path / "notebooks")
    assert first == {p.name: p.read_bytes() for p in (tmp_path / "notebooks").iterdir()}
    assert first == {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}


def test_markers_are_nbgrader_s():
    assert assign_module.BEGIN == "### BEGIN SOLUTION"
    assert assign_module.END == "### END SOLUTION"


def test_execute_reports_each_broken_notebook_and_goes_on(tmp_path, capsys):
    missing = tmp_path / "missing.ipynb"
    not_json = tmp_path / "broken.ipynb"
    not_json.write_text("{ not json")
    assert main(["execute", str(missing), str(not_json)]) == 1
    err = capsys.readouterr().err
    assert "missing.ipynb" in err and "broken.ipynb" in err


def test_execute_runs_a_notebook_over_an_encrypted_channel_without_a_warning(tmp_path, capfd):
    path = tmp_path / "tiny.ipynb"
    nbformat.write(solution_notebook(code("print(6 * 7)")), path)
    assert main(["execute", str(path)]) == 0
    outputs = nbformat.read(path, as_version=4).cells[0].outputs
    assert [output.get("text") for output in outputs] == ["42\n"]
    # The kernel writes to the same stderr: ipykernel warns there about a kernel on
    # TCP without CurveZMQ keys.
    assert "without encryption" not in capfd.readouterr().err


# ---------------------------------------------------------------- nbgrader metadata

def course_notebook(stem="01_random_baseline"):
    return nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4)


def cell_index(cell_id, stem="01_random_baseline"):
    """Where a cell of a course notebook is, by its id: cells may be added before it."""
    cells = nbformat.read(ROOT / "solutions" / f"{stem}.ipynb", as_version=4).cells
    return next(index for index, cell in enumerate(cells) if cell.id == cell_id)


# Notebook 01's first answer cell, its check cell, and the check cell of exercise 2.
ANSWER, CHECK, LATER_CHECK = cell_index("01-10"), cell_index("01-11"), cell_index("01-19")


def locked(grade_id):
    return {"grade": False, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": False, "task": False}


def test_nbgrader_metadata_of_notebook_01_is_derived_from_its_cells():
    notebook = course_notebook()
    derived = nbgrader_metadata(notebook, "solutions/01_random_baseline.ipynb")
    assert len(derived) == len(notebook.cells)
    by_id = {cell.id: meta for cell, meta in zip(notebook.cells, derived)}
    answer, test = by_id["01-10"], by_id["01-11"]
    assert notebook.cells[ANSWER].source.startswith("def to_vector")
    assert answer == {"grade": False, "grade_id": "01-scale-pixels-answer", "locked": False,
                      "schema_version": 3, "solution": True, "task": False}
    assert test == {"grade": True, "grade_id": "01-scale-pixels", "locked": True, "points": 1,
                    "schema_version": 3, "solution": False, "task": False}
    assert by_id["01-00"] == locked("cell-01-00")  # markdown
    assert by_id["01-01"] == locked("cell-01-01")  # the set-up code
    tests = {m["grade_id"]: m["points"] for m in derived if m["grade"]}
    assert tests == {"01-scale-pixels": 1, "01-which-digit": 1, "01-evaluate-range": 2}
    assert [m["grade_id"] for m in derived if m["solution"]] == [
        "01-scale-pixels-answer", "01-which-digit-answer", "01-evaluate-range-answer"]


@pytest.mark.parametrize("path", sorted((ROOT / "solutions").glob("*.ipynb")),
                         ids=lambda path: path.stem)
def test_every_course_notebook_is_a_valid_nbgrader_source_worth_its_exercises(path):
    notebook = nbformat.read(path, as_version=4)
    derived = nbgrader_metadata(notebook, str(path))
    ids = [m["grade_id"] for m in derived]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-zA-Z0-9_-]+", grade_id) for grade_id in ids)
    exercises = checks.exercises_for(path.stem)
    assert {m["grade_id"]: m["points"] for m in derived if m["grade"]} == {
        e.id: e.points for e in exercises}
    for cell, meta in zip(notebook.cells, derived):
        has_block = "### BEGIN SOLUTION" in cell.source
        assert meta["solution"] == has_block
        assert meta["locked"] == (not has_block)
        calls_check = re.search(r"^check\(", cell.source, flags=re.MULTILINE) is not None
        assert meta["grade"] == (cell.cell_type == "code" and calls_check)


def test_with_nbgrader_metadata_is_idempotent_and_touches_nothing_else():
    notebook = course_notebook("03_mlp_from_scratch")
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    first, changed = with_nbgrader_metadata(notebook)
    second, changed_again = with_nbgrader_metadata(first)
    assert changed and not changed_again
    assert second == first
    for before, after in zip(notebook.cells, first.cells):
        assert ({k: v for k, v in after.items() if k != "metadata"}
                == {k: v for k, v in before.items() if k != "metadata"})
        assert {k: v for k, v in after.metadata.items() if k != "nbgrader"} == before.metadata


def course_copy(tmp_path, stem="01_random_baseline"):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    shutil.copy(ROOT / "solutions" / f"{stem}.ipynb", solutions)
    return solutions, tmp_path / "notebooks"


def test_assign_writes_stale_nbgrader_metadata_into_the_solution_and_check_refuses_it(
        tmp_path, capsys):
    solutions, notebooks = course_copy(tmp_path)
    path = solutions / "01_random_baseline.ipynb"
    args = ["assign", "--solutions", str(solutions), "--notebooks", str(notebooks)]
    assert main(args) == 0
    consistent = path.read_text()
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[CHECK].metadata["nbgrader"]["points"] = 5  # a hand edit the exercise disagrees with
    del notebook.cells[0].metadata["nbgrader"]  # a new cell
    notebook.cells[LATER_CHECK].metadata["nbgrader"]["locked"] = False
    nbformat.write(notebook, path)
    capsys.readouterr()
    assert main([*args, "--check"]) == 1
    err = capsys.readouterr().err
    assert "nbgrader metadata is out of date" in err and str(path) in err
    assert nbformat.read(path, as_version=4) == notebook  # --check wrote nothing
    assert main(args) == 0
    assert f"updated the nbgrader metadata of {path}" in capsys.readouterr().out
    assert path.read_text() == consistent
    assert main([*args, "--check"]) == 0


def broken(notebook, index, source):
    notebook.cells[index].source = source
    return notebook


@pytest.mark.parametrize("edit, problem", [
    (lambda nb: broken(nb, CHECK, 'check("01-no-such-thing", to_vector)'),
     f"cell {CHECK} \\(id 01-11\\): check\\('01-no-such-thing', ...\\) names no exercise"),
    (lambda nb: broken(nb, CHECK, 'check("02-averages", to_vector)'),
     "exercise '02-averages' belongs to notebook '02_average_image', not '01_random_baseline'"),
    (lambda nb: broken(nb, LATER_CHECK, 'check("01-scale-pixels", to_vector)'),
     f"exercise '01-scale-pixels' is already checked in cell {CHECK}"),
    (lambda nb: broken(nb, CHECK, 'x = 1'),
     "no check cell for exercise\\(s\\) 01-scale-pixels"),
    (lambda nb: broken(nb, ANSWER, nb.cells[ANSWER].source + '\ncheck("01-scale-pixels", to_vector)'),
     f"cell {ANSWER} .* in a cell with a solution block"),
    (lambda nb: broken(nb, CHECK, 'check("01-scale-pixels", to_vector)\n'
                               'check("01-which-digit", predicted_digit)'),
     "checks several exercises"),
    (lambda nb: broken(nb, LATER_CHECK, 'check("01-which-digit", predicted_digit)') and
     nb.cells[LATER_CHECK].metadata.update(coursekit={"exercise": "01-scale-pixels"}) or nb,
     "checks '01-which-digit' but its coursekit metadata says exercise '01-scale-pixels'"),
])
def test_inconsistent_exercises_are_refused_before_anything_is_written(tmp_path, edit, problem,
                                                                        capsys):
    solutions, notebooks = course_copy(tmp_path)
    path = solutions / "01_random_baseline.ipynb"
    notebook = edit(nbformat.read(path, as_version=4))
    nbformat.write(notebook, path)
    before = path.read_bytes()
    with pytest.raises(AssignError, match=problem):
        assign(solutions, notebooks)
    args = ["assign", "--solutions", str(solutions), "--notebooks", str(notebooks)]
    assert main(args) == 2 and main([*args, "--check"]) == 2
    assert "Nothing was written" in capsys.readouterr().err
    assert path.read_bytes() == before and not notebooks.exists()


def test_a_markdown_answer_is_a_manually_graded_cell_worth_nothing(course):
    solutions, _ = course
    notebook = nbformat.read(solutions / "99_demo.ipynb", as_version=4)
    derived = nbgrader_metadata(notebook, "99_demo.ipynb")
    assert derived[3] == {"grade": True, "grade_id": f"answer-{notebook.cells[3].id}",
                          "locked": False, "points": 0, "schema_version": 3, "solution": True,
                          "task": False}


def test_second_answer_cell_of_an_exercise_gets_its_own_grade_id():
    notebook = course_notebook()
    extra = new_code_cell("### BEGIN SOLUTION\nhelper = 1\n### END SOLUTION")
    extra.metadata["coursekit"] = {"exercise": "01-scale-pixels"}
    notebook.cells.insert(CHECK, extra)
    derived = nbgrader_metadata(notebook, "01_random_baseline.ipynb")
    assert [derived[ANSWER]["grade_id"], derived[CHECK]["grade_id"]] == [
        "01-scale-pixels-answer", "01-scale-pixels-answer-2"]
