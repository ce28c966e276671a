"""The course as an nbgrader assignment, proved with the real nbgrader.

The first tests need no nbgrader: the check cells' behaviour under nbgrader and
``coursekit export nbgrader``. The others run nbgrader itself (the ``nbgrader``
extra: ``.venv/bin/pip install -e '.[nbgrader]'``), the way an instructor does,
in a temporary course directory written by ``coursekit export nbgrader``:
``generate_assignment`` for every notebook, then ``autograde`` of four students'
submissions built from the release versions. ``coursekit grade`` grades the
same submitted files at the same time, in another process, and both must give
the same points, exercise by exercise, except to the student who cheats.
Without nbgrader these tests are skipped, except under CI (``CI`` set), where
they fail.
"""

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit import checks
from coursekit.authoring.assign import CODE_PLACEHOLDER
from coursekit.cli import main
from coursekit.authoring.export import CELL_TIMEOUT, ExportError, nbgrader_course

try:
    from nbgrader.api import Gradebook
except ImportError:  # the nbgrader extra is not installed
    Gradebook = None

ROOT = Path(__file__).resolve().parents[1]
STEMS = sorted(path.stem for path in (ROOT / "solutions").glob("*.ipynb"))
BIN = Path(sys.executable).parent
#: Seconds nbgrader and coursekit grade may take for the whole batch.
BATCH_TIMEOUT = 1500

HOW_TO_INSTALL = ("the nbgrader tests need nbgrader: `.venv/bin/pip install -e '.[nbgrader]'` "
                  "(.ci/run installs it)")


# ---------------------------------------------------------------- check cells under nbgrader

def test_a_check_prints_and_never_raises_for_students(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    checks.check("01-which-digit", 7)
    checks.check("01-which-digit", ...)
    checks.check("01-which-digit", 4)
    out = capsys.readouterr().out
    assert out.count("❌") == 1 and out.count("✏️") == 1 and out.count("✅") == 1


@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_under_nbgrader_a_check_raises_unless_the_answer_is_right(monkeypatch, capsys, mode):
    monkeypatch.setenv("NBGRADER_EXECUTION", mode)
    checks.check("01-which-digit", 4)
    assert capsys.readouterr().out.startswith("✅ Exercise 2")
    with pytest.raises(AssertionError, match=r"(?s)^❌ Exercise 2 .*Hint: "):
        checks.check("01-which-digit", 7)
    with pytest.raises(AssertionError, match="not answered yet"):
        checks.check("01-which-digit", ...)
    with pytest.raises(AssertionError, match="should be a function"):
        checks.check("01-scale-pixels", 3)
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- coursekit export nbgrader

def test_export_writes_one_assignment_per_notebook_with_the_solutions_metadata(tmp_path):
    written = nbgrader_course(tmp_path / "course", ROOT / "solutions")
    assert [w.path.relative_to(tmp_path / "course").as_posix() for w in written] == [
        "nbgrader_config.py", *(f"source/{stem}/{stem}.ipynb" for stem in STEMS)]
    assert all(w.changed for w in written)
    for stem in STEMS:
        exported = (tmp_path / "course" / "source" / stem / f"{stem}.ipynb").read_text()
        # solutions/ is up to date (`coursekit assign --check`), so the export is a copy.
        assert exported == (ROOT / "solutions" / f"{stem}.ipynb").read_text()
    assert not any(w.changed for w in nbgrader_course(tmp_path / "course", ROOT / "solutions"))


def test_export_config_sets_the_course_s_placeholders_and_a_cell_timeout(tmp_path):
    nbgrader_course(tmp_path, ROOT / "solutions")

    class Section(dict):
        def __getattr__(self, name):
            return self.setdefault(name, Section())

        def __setattr__(self, name, value):
            self[name] = value

    config = Section()
    exec((tmp_path / "nbgrader_config.py").read_text(), {"get_config": lambda: config})
    assert config["ClearSolutions"]["code_stub"] == {"python": "\n".join(CODE_PLACEHOLDER)}
    assert config["ClearSolutions"]["text_stub"] == "YOUR ANSWER HERE"
    assert config["Execute"]["timeout"] == CELL_TIMEOUT >= 300
    assert config["CourseDirectory"]["course_id"] == "digits"


def test_export_into_one_assignment_and_its_command_line(tmp_path, capsys):
    assert main(["export", "nbgrader", str(tmp_path), "--assignment", "digits"]) == 0
    assert sorted(p.name for p in (tmp_path / "source" / "digits").iterdir()) == [
        f"{stem}.ipynb" for stem in STEMS]
    out = capsys.readouterr().out
    assert "8 of 8 files written" in out and "nbgrader generate_assignment digits" in out
    assert main(["export", "nbgrader", str(tmp_path), "--assignment", "digits"]) == 0
    assert "0 of 8 files written" in capsys.readouterr().out


def test_export_refuses_to_overwrite_edited_files_unless_forced(tmp_path, capsys):
    nbgrader_course(tmp_path, ROOT / "solutions")
    config = tmp_path / "nbgrader_config.py"
    config.write_text("c = get_config()  # the instructor's own\n")
    source = tmp_path / "source" / STEMS[0] / f"{STEMS[0]}.ipynb"
    source.write_text("{}")
    with pytest.raises(ExportError, match="exist with other content") as info:
        nbgrader_course(tmp_path, ROOT / "solutions")
    assert str(config) in str(info.value) and str(source) in str(info.value)
    assert main(["export", "nbgrader", str(tmp_path)]) == 2
    assert "Nothing was written" in capsys.readouterr().err
    assert config.read_text().endswith("the instructor's own\n")
    assert main(["export", "nbgrader", str(tmp_path), "--force"]) == 0
    assert "c.Execute.timeout" in config.read_text()
    assert source.read_text() == (ROOT / "solutions" / f"{STEMS[0]}.ipynb").read_text()


@pytest.mark.parametrize("name", ["", "two words", "../up", "-x", "a/b", 3])
def test_export_refuses_an_assignment_name_nbgrader_or_a_folder_cannot_take(tmp_path, name):
    with pytest.raises(ExportError, match="assignment must be a name"):
        nbgrader_course(tmp_path / "course", ROOT / "solutions", assignment=name)
    assert not (tmp_path / "course").exists()


def test_export_refuses_a_solution_that_cannot_be_assigned(tmp_path):
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    notebook = nbformat.read(ROOT / "solutions" / f"{STEMS[0]}.ipynb", as_version=4)
    notebook.cells[11].source = 'check("01-no-such-thing", to_vector)'
    nbformat.write(notebook, solutions / f"{STEMS[0]}.ipynb")
    with pytest.raises(ExportError, match="names no exercise"):
        nbgrader_course(tmp_path / "course", solutions)
    with pytest.raises(ExportError, match="no solution notebooks"):
        nbgrader_course(tmp_path / "course", tmp_path / "empty")
    assert not (tmp_path / "course").exists()
    (tmp_path / "course").write_text("not a folder")
    with pytest.raises(ExportError, match="course_dir must be a directory"):
        nbgrader_course(tmp_path / "course", ROOT / "solutions")


# ---------------------------------------------------------------- the real nbgrader

def require_nbgrader():
    if Gradebook is not None and (BIN / "nbgrader").exists():
        return
    message = f"nbgrader is missing; {HOW_TO_INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_environment(root):
    # nbgrader runs `alembic` from PATH and kernels from this interpreter; no user
    # configuration may change what it does.
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "JUPYTER_CONFIG_DIR": str(root / "jupyter-config")}


def nbgrader(root, *args):
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=root / "course",
                          env=run_environment(root), capture_output=True, text=True,
                          timeout=BATCH_TIMEOUT)


def grade_ids(notebook, **flags):
    return {cell.metadata["nbgrader"]["grade_id"]: index
            for index, cell in enumerate(notebook.cells)
            if all(cell.metadata.get("nbgrader", {}).get(k) == v for k, v in flags.items())}


_PLACEHOLDER = re.compile(r"^(?P<indent>[ \t]*)" + re.escape(CODE_PLACEHOLDER[0]) + r"\n"
                          r"(?P=indent)" + re.escape(CODE_PLACEHOLDER[1]) + r"$", re.MULTILINE)


def solved(source_cell):
    """A learner's right answer: the solution without its markers."""
    return "\n".join(line for line in source_cell.source.split("\n")
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def answered(release_cell, code):
    """The release cell with its placeholder replaced by ``code`` (at its indentation)."""
    match = _PLACEHOLDER.search(release_cell.source)
    assert match, release_cell.source
    indented = "\n".join(match["indent"] + line for line in code.split("\n"))
    return release_cell.source[:match.start()] + indented + release_cell.source[match.end():]


#: Wrong answers, each a slip a learner could make; written into the placeholder.
WRONG = {
    "01-which-digit": "predicted_digit = 7  # the runner-up",
    "03-cost": "return 0.0",
    "03-sigmoid-prime": "return sigmoid(z) * (1 + sigmoid(z))",
    # No refit: the search still names its choice (`best_params_`), so the cells after it
    # and the exercises that use the final model still run.
    "06-grid-search": ('search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS), '
                       'param_grid={"l1_ratio": [0, 1], "C": np.logspace(-1, 2, 7)}, '
                       'scoring="roc_auc_ovr", cv=3, refit=False).fit(X_train, y_train)'),
}

#: Who submits what: exercise id -> "right", "wrong" or absent (untouched).
STUDENTS = {
    "solver": {stem: {e.id: "right" for e in checks.exercises_for(stem)} for stem in STEMS},
    "blank": {stem: {} for stem in STEMS},
    "halfway": {
        "01_random_baseline": {"01-scale-pixels": "right", "01-which-digit": "wrong",
                               "01-evaluate-range": "right"},
        "03_mlp_from_scratch": {"03-network": "right", "03-sigmoid": "right",
                                "03-feedforward": "right", "03-cost": "wrong",
                                "03-sigmoid-prime": "wrong"},
        "06_logistic_grid_search": {"06-grid-search": "wrong", "06-weight-images": "right",
                                    "06-scaled-pipeline": "right"},
    },
}

#: Replaces the check the notebook imported by one that passes everything: nbgrader's
#: test cells then pass; coursekit grade ignores check cells and judges the answers.
CHEAT = ("\n\n\ndef check(exercise_id, answer):\n"
         "    print(f\"✅ {exercise_id}: right!\")")


def submission(stem, answers, release, source):
    notebook = nbformat.from_dict(release)
    answer_cells, source_cells = grade_ids(release, solution=True), grade_ids(source,
                                                                                solution=True)
    for exercise_id, verdict in answers.items():
        index = answer_cells[f"{exercise_id}-answer"]
        if verdict == "right":
            notebook.cells[index].source = solved(
                source.cells[source_cells[f"{exercise_id}-answer"]])
        else:
            notebook.cells[index].source = answered(release.cells[index], WRONG[exercise_id])
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course: exported, generated, submitted, then autograded by both tools."""
    require_nbgrader()
    root = tmp_path_factory.mktemp("nbgrader")
    (root / "jupyter-config").mkdir()
    nbgrader_course(root / "course", ROOT / "solutions")
    generated = nbgrader(root, "generate_assignment", "*")
    assert generated.returncode == 0, generated.stdout + generated.stderr

    def read(folder, stem):
        return nbformat.read(root / "course" / folder / stem / f"{stem}.ipynb", as_version=4)

    expected = {}
    for student, notebooks in {**STUDENTS, "cheater": {"01_random_baseline": None}}.items():
        for stem, answers in notebooks.items():
            release, source = read("release", stem), read("source", stem)
            if answers is None:
                notebook = nbformat.from_dict(release)
                index = grade_ids(release, solution=True)["01-scale-pixels-answer"]
                notebook.cells[index].source = answered(
                    release.cells[index], "return np.asarray(image).ravel()  # unscaled") + CHEAT
            else:
                notebook = submission(stem, answers, release, source)
                expected[student, stem] = {
                    e.id: e.points if answers.get(e.id) == "right" else 0
                    for e in checks.exercises_for(stem)}
            path = root / "course" / "submitted" / student / stem / f"{stem}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(notebook, path)

    # Both graders at once, on the same files: coursekit grade in a subprocess.
    grades_csv = root / "grades.csv"
    ours = subprocess.Popen(
        [str(BIN / "coursekit"), "grade", str(root / "course" / "submitted"),
         "--out", str(grades_csv)],
        env=run_environment(root), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        theirs = nbgrader(root, "autograde", "*")
        ours_output, _ = ours.communicate(timeout=BATCH_TIMEOUT)
    finally:
        if ours.poll() is None:
            ours.kill()
            ours.communicate()
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr
    assert ours.returncode == 0, ours_output

    nbgrader_points = {}
    with Gradebook(f"sqlite:///{root / 'course' / 'gradebook.db'}") as gradebook:
        for student in [*STUDENTS, "cheater"]:
            for stem in STEMS:
                try:
                    notebook = gradebook.find_submission_notebook(stem, stem, student)
                except Exception:  # nbgrader's MissingEntry: nothing submitted
                    continue
                nbgrader_points[student, stem] = {g.name: g.score for g in notebook.grades}

    coursekit_points = {}
    with open(grades_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = Path(row["submission"])
            student, stem = path.parts[-3], path.parts[-2]
            assert row["status"] == "ok", row
            coursekit_points[student, stem] = {
                e.id: float(row[e.id]) for e in checks.exercises_for(stem)}
    return {"root": root / "course", "read": read, "expected": expected,
            "nbgrader": nbgrader_points, "coursekit": coursekit_points}


def test_generate_assignment_releases_every_notebook_as_notebooks_has_it(course):
    for stem in STEMS:
        release = course["read"]("release", stem)
        ours = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        assert len(release.cells) == len(ours.cells), stem
        for theirs, mine in zip(release.cells, ours.cells):
            assert (theirs.cell_type, theirs.source) == (mine.cell_type, mine.source)
            assert theirs.get("outputs", []) == []
            for key in ("grade", "grade_id", "locked", "points", "solution"):
                assert theirs.metadata["nbgrader"].get(key) == mine.metadata["nbgrader"].get(key)
        # Exercise by exercise: one answer cell, then one test worth the exercise's points.
        tests = {release.cells[i].metadata["nbgrader"]["grade_id"]:
                 release.cells[i].metadata["nbgrader"]["points"]
                 for i in grade_ids(release, grade=True).values()}
        assert tests == {e.id: e.points for e in checks.exercises_for(stem)}
        answers = grade_ids(release, solution=True)
        for exercise in checks.exercises_for(stem):
            cell = release.cells[answers[f"{exercise.id}-answer"]]
            assert "### BEGIN SOLUTION" not in cell.source
            assert "\n".join(CODE_PLACEHOLDER) in re.sub(r"\n[ \t]+", "\n", cell.source)


def test_autograde_gives_the_solutions_full_points(course):
    for stem in STEMS:
        assert course["nbgrader"]["solver", stem] == {
            e.id: e.points for e in checks.exercises_for(stem)}, stem
    total = sum(sum(course["nbgrader"]["solver", stem].values()) for stem in STEMS)
    assert total == sum(e.points for e in checks.EXERCISES.values())


def test_autograde_gives_the_untouched_release_zero(course):
    for stem in STEMS:
        points = course["nbgrader"]["blank", stem]
        assert set(points) == {e.id for e in checks.exercises_for(stem)}
        assert not any(points.values()), (stem, points)


def test_autograde_gives_a_partly_done_notebook_the_points_of_its_right_answers(course):
    for stem in STUDENTS["halfway"]:
        assert course["nbgrader"]["halfway", stem] == course["expected"]["halfway", stem]
    assert sum(course["expected"]["halfway", "01_random_baseline"].values()) == 3
    assert sum(course["expected"]["halfway", "03_mlp_from_scratch"].values()) == 4
    assert sum(course["expected"]["halfway", "06_logistic_grid_search"].values()) == 3


def test_coursekit_grade_gives_the_same_points_exercise_by_exercise(course):
    honest = {key: value for key, value in course["nbgrader"].items() if key[0] != "cheater"}
    assert set(honest) == set(course["expected"])
    for key, points in honest.items():
        assert course["coursekit"][key] == points == course["expected"][key], key


def test_the_feedback_nbgrader_keeps_is_the_check_s_hint(course):
    autograded = course["root"] / "autograded" / "halfway" / "01_random_baseline"
    notebook = nbformat.read(autograded / "01_random_baseline.ipynb", as_version=4)
    test = notebook.cells[grade_ids(notebook, grade=True)["01-which-digit"]]
    (error,) = [output for output in test.outputs if output.output_type == "error"]
    assert error.ename == "AssertionError"
    assert error.evalue.startswith("❌ Exercise 2") and "Hint: " in error.evalue


def test_a_submission_that_replaces_check_fools_nbgrader_but_not_coursekit_grade(course):
    stem = "01_random_baseline"
    maximum = {e.id: e.points for e in checks.exercises_for(stem)}
    assert course["nbgrader"]["cheater", stem] == maximum
    assert course["coursekit"]["cheater", stem] == dict.fromkeys(maximum, 0.0)
