import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from coursekit import assign as assign_module
from coursekit.assign import AssignError, assign, strip_solutions
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
    assert value_cell.metadata == {"tags": ["exercise"]}
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
