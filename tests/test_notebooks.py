"""The solution notebooks follow the course's conventions; nbval re-runs them separately."""

import re
from pathlib import Path

import nbformat
import pytest

from coursekit import checks
from coursekit.authoring.execute import problems

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
WARNING = re.compile(r"\b\w*Warning\b")


def read(path):
    return nbformat.read(path, as_version=4)


def test_there_are_solutions():
    assert [p.name[:2] for p in SOLUTIONS][:2] == ["01", "02"]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_metadata_names_the_notebook(path):
    assert read(path).metadata["coursekit"]["notebook"] == path.stem


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_stored_outputs_hold_no_error_and_no_warning(path):
    notebook = read(path)
    assert problems(notebook) == []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"cell {index} was never executed"
        for output in cell.outputs:
            text = output.get("text", "") + output.get("data", {}).get("text/plain", "")
            assert not WARNING.search(text), f"cell {index}: {text[:200]}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_opens_with_goals_and_closes_with_summary_and_going_further(path):
    cells = read(path).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert "learning goals" in cells[0].source.lower()
    closing = "\n".join(c.source for c in cells[-3:] if c.cell_type == "markdown")
    assert "## Summary" in closing and "## Going further" in closing


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_exercise_has_an_exercise_cell_and_a_check_cell(path):
    notebook = read(path)
    by_role = {"exercise": {}, "check": {}}
    for index, cell in enumerate(notebook.cells):
        for role in by_role:
            if role in cell.metadata.get("tags", []):
                by_role[role][cell.metadata["coursekit"]["exercise"]] = (index, cell)
    expected = {e.id for e in checks.exercises_for(path.stem)}
    assert set(by_role["exercise"]) == expected == set(by_role["check"])
    for exercise_id, (index, cell) in by_role["check"].items():
        exercise = checks.get(exercise_id)
        assert cell.source.strip() == f'check("{exercise_id}", {exercise.answer_name})'
        exercise_index, exercise_cell = by_role["exercise"][exercise_id]
        assert exercise_index < index
        assert "### BEGIN SOLUTION" in exercise_cell.source
        heading = f"### Exercise {exercise.number}"
        assert any(heading in c.source for c in notebook.cells[:exercise_index]
                   if c.cell_type == "markdown"), heading
        stored = "".join(o.get("text", "") for o in cell.outputs)
        assert stored.startswith("✅"), f"{exercise_id}: {stored}"


def stored_text(path):
    return "".join(
        output.get("text", "") + output.get("data", {}).get("text/plain", "")
        for cell in read(path).cells if cell.cell_type == "code" for output in cell.outputs
    )


def test_01_reaches_the_syllabus_figures():
    text = stored_text(ROOT / "solutions" / "01_random_baseline.ipynb")
    first = float(re.search(r"first 1,000 images: (0\.\d+)", text).group(1))
    assert 0.07 <= first <= 0.13
    assert re.search(r"mean 0\.(09|10)\d", text)


def test_02_reproduces_the_dot_product_accuracy():
    text = stored_text(ROOT / "solutions" / "02_average_image.ipynb")
    assert "dot-product classifier, first 1,000 images: 0.853" in text
