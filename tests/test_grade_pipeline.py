"""The grader as a pipeline: its settings, its outputs, its plain data, its backends.

No kernel starts here: the batches grade files that are not notebooks (no kernel is
needed for them), so each test takes a fraction of a second.
"""

import dataclasses
import importlib

import pytest

from coursekit import judging
from coursekit.checks import results as verdicts
from coursekit import grading
from coursekit.grading import api
from coursekit.grading.outputs import (
    FeedbackFiles, GradebookRecord, Output, Outputs, Progress, ReportRecord,
)
from coursekit.grading.results import ExerciseGrade, Grade

NB01 = "01_random_baseline"


# ---------------------------------------------------------------- settings

@pytest.mark.parametrize("name, value", [
    ("jobs", 0), ("jobs", 1.5), ("jobs", True), ("pool", -1), ("pool", "2"),
    ("timeout", 0), ("memory_limit", -1), ("notebook_timeout", 0), ("process_limit", -5),
    ("figures", "yes"), ("figures", 1),
])
def test_each_bad_setting_is_refused_naming_it(name, value):
    with pytest.raises(ValueError, match=f"^{name} must be .*; got {value!r}"):
        api.GradeSettings(**{name: value})


def test_a_bad_sandbox_is_refused_naming_it():
    with pytest.raises(ValueError, match="sandbox must be one of auto, bwrap, none"):
        api.GradeSettings(sandbox="docker")


def test_settings_are_frozen_and_cross_the_wire_unchanged():
    settings = api.GradeSettings(jobs=3, pool=0, timeout=9, memory_limit=0,
                                 notebook_timeout=99, process_limit=7, sandbox="none",
                                 figures=False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.timeout = 1
    assert api.GradeSettings.from_data(settings.to_data()) == settings
    # What crossed a network is checked again.
    with pytest.raises(ValueError, match="timeout"):
        api.GradeSettings.from_data({**settings.to_data(), "timeout": -1})


def test_kernels_started_for_other_limits_do_not_serve():
    settings = api.GradeSettings(sandbox="none")
    assert settings.same_kernels(dataclasses.replace(settings, jobs=4, notebook_timeout=5))
    for change in ({"timeout": 5}, {"memory_limit": 5}, {"process_limit": 5}, {"pool": 3},
                   {"sandbox": "bwrap"}, {"figures": False}):
        assert not settings.same_kernels(dataclasses.replace(settings, **change)), change


def test_grade_checks_its_settings_before_anything_is_read(tmp_path):
    with pytest.raises(ValueError, match="^notebook_timeout must be"):
        api.grade([tmp_path / "missing.ipynb"], tmp_path / "g.csv", notebook_timeout=0)
    assert not (tmp_path / "g.csv").exists()


# ---------------------------------------------------------------- plain data

def _grade_of_01(points=(1, 0, 2), label="alice.ipynb"):
    exercises = judging.exercises_for(NB01)
    items = tuple(ExerciseGrade(exercise, verdicts.Result(verdicts.CORRECT if p else verdicts.WRONG,
                                                      f"said {p}", "a hint"), p)
                  for exercise, p in zip(exercises, points))
    return Grade(label, NB01, items, "ok", "", "ab" * 32)


class _Submitted:
    label, notebook = "alice.ipynb", NB01


def test_a_grade_crosses_the_wire_unchanged():
    grade = _grade_of_01()
    assert api.Grade.from_data(grade.to_data(), _Submitted) == grade


@pytest.mark.parametrize("tamper", [
    lambda data: data["exercises"][0].__setitem__(4, 99),  # more than the exercise's points
    lambda data: data["exercises"][0].__setitem__(4, -1),
    lambda data: data["exercises"][0].__setitem__(1, "brilliant"),  # no such verdict
    lambda data: data["exercises"].reverse(),  # not the notebook's exercises in order
    lambda data: data["exercises"].pop(),
    lambda data: data.__setitem__("submission", "mallory.ipynb"),
    lambda data: data.__setitem__("status", "excellent"),
])
def test_a_grade_that_is_not_the_submissions_is_refused(tamper):
    data = _grade_of_01().to_data()
    tamper(data)
    with pytest.raises(ValueError, match="a worker sent"):
        api.Grade.from_data(data, _Submitted)


def test_a_submission_crosses_the_wire_unchanged(tmp_path):
    path = tmp_path / f"x_{NB01}.ipynb"
    path.write_text('{"cells": [{"cell_type": "code", "source": "x = 1", "metadata": {}}], '
                    '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}', encoding="utf-8")
    submission = api.read_submission(path)
    assert submission.cells and not submission.problem
    assert api.Submission.from_data(submission.to_data()) == submission


# ---------------------------------------------------------------- outputs

class _Recorder(Output):
    def __init__(self):
        self.seen, self.closed = [], None

    def on_result(self, grade, submission):
        self.seen.append((grade.status, grade.reason))

    def close(self, finished):
        self.closed = finished
        return ""


class _Broken(Output):
    what = "thing"

    def on_result(self, grade, submission):
        raise OSError(28, "No space left on device")

    def close(self, finished):
        raise ValueError("thing: cannot be written")


def test_an_output_that_fails_for_a_row_makes_it_that_rows_problem_only():
    after = _Recorder()
    outputs = Outputs([_Broken(), after])
    first = outputs.on_result(_grade_of_01(), None)
    assert first.status == "error"
    assert first.reason == "its thing could not be written (No space left on device)"
    assert first.exercises == _grade_of_01().exercises  # the points stand
    assert after.seen == [("error", first.reason)]
    # Closing goes on past the one that fails, and says what it could not do.
    assert outputs.close(finished=True) == ["thing: cannot be written"]
    assert after.closed is True


def test_a_report_page_or_a_progress_line_that_fails_leaves_the_grade_as_it_is(
        tmp_path, capsys):
    # The folder is there (a report folder that is a file is refused before grading,
    # tests/test_cli_paths.py); the page itself cannot be written at the end.
    blocked = tmp_path / "report"
    (blocked / "report.html").mkdir(parents=True)
    grade = _grade_of_01()
    result = Outputs([ReportRecord(blocked, {}), _Recorder()]).on_result(grade, _Submitted)
    assert result == grade
    assert "the report's page of alice.ipynb could not be written" in capsys.readouterr().err
    progress = Progress(1, enabled=True)
    assert progress.failed(grade, OSError("closed")) == grade


def test_a_feedback_file_that_fails_makes_the_row_an_error(tmp_path):
    blocked = tmp_path / "feedback"
    blocked.write_text("a file where the feedback folder should be")
    result = Outputs([FeedbackFiles(blocked)]).on_result(_grade_of_01(), _Submitted)
    assert result.status == "error" and "its feedback could not be written" in result.reason


def test_a_grade_that_cannot_be_recorded_does_not_stop_the_batch(tmp_path, capsys):
    with api.Store(tmp_path / "gradebook.db") as store:
        attempt = store.add("alice.ipynb", "ab", student="alice", notebook=NB01)
        store.claim()
        store.close()  # the gradebook is gone from under the batch
        after = _Recorder()
        record = GradebookRecord(store, {"alice.ipynb": attempt}, set(), None, api.Deadlines())
        result = Outputs([record, after]).on_result(_grade_of_01(), _Submitted)
    # Not recorded, so a rerun grades it; the outputs after it still have it.
    assert result == _grade_of_01() and after.seen == [("ok", "")]
    assert "the grade of alice.ipynb could not be recorded in" in capsys.readouterr().err


def test_a_batch_whose_report_cannot_be_written_still_writes_every_row(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("a", "b"):
        (subs / f"{name}_{NB01}.ipynb").write_text("{", encoding="utf-8")
    # The folder is there (a report folder that is a file is refused before grading,
    # tests/test_cli_paths.py); the page itself cannot be written at the end.
    blocked = tmp_path / "report"
    (blocked / "report.html").mkdir(parents=True)
    summary = api.grade([subs], tmp_path / "grades.csv", report=blocked,
                        export=tmp_path / "lms.csv", sandbox="none", progress=False)
    assert [g.status for g in summary.graded] == ["invalid", "invalid"]
    rows = api.GradesFile(tmp_path / "grades.csv").rows
    assert len(rows) == 2
    # The export is written; the report's folder is named in what could not be.
    assert summary.exported is not None and (tmp_path / "lms.csv").exists()
    assert summary.class_report is None
    assert len(summary.problems) == 1 and "report" in summary.problems[0]


# ---------------------------------------------------------------- backends and the API

def test_the_factory_chooses_the_backend():
    settings = api.GradeSettings(sandbox="none")
    assert type(api.backend_for(settings)).__name__ == "LocalJobs"
    assert type(api.backend_for(settings, scheduler="tcp://127.0.0.1:1")).__name__ == \
        "DaskClient"
    assert type(api.backend_for(settings, on_worker=True)).__name__ == "DaskWorker"
    for backend in (api.backend_for(settings), api.backend_for(settings, on_worker=True)):
        assert backend.settings is settings


def test_the_package_exports_exactly_the_public_api():
    assert sorted(grading.__all__) == sorted(api.__all__)
    for name in api.__all__:
        assert getattr(grading, name) is getattr(api, name), name


def test_the_grading_process_module_is_the_one_that_exists():
    module = importlib.import_module(api.GRADING_PROCESS_MODULE)
    assert callable(module.serve)


# ---------------------------------------------------------------- the order of a batch

def test_the_longest_notebooks_are_graded_first_the_rest_in_the_order_found():
    from types import SimpleNamespace

    from coursekit.grading import schedule

    found = [SimpleNamespace(notebook=name, n=n) for n, name in enumerate(
        [NB01, "05_rbm_features", "", "07_weight_visualization", NB01, "05_rbm_features",
         "99_a_new_notebook"])]
    ordered = schedule.longest_first(found)
    # No notebook known: refused without a kernel, its row first (kept if interrupted).
    assert [s.n for s in ordered] == [2, 1, 5, 6, 3, 0, 4]
    # Every notebook of the course has its estimate: a new one counts as the longest.
    assert set(api.known_notebooks()) <= set(schedule.EXPECTED_SECONDS)
    assert schedule.expected_seconds("99_a_new_notebook") == max(
        schedule.EXPECTED_SECONDS.values())


def test_the_examples_of_the_schedule_run():
    import doctest

    from coursekit.grading import schedule

    assert doctest.testmod(schedule).failed == 0
