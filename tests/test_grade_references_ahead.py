"""The judges' shared references, computed ahead of the answers in a low-priority thread."""

import os
import sys
import threading

import pytest

from coursekit import grading as grade
from coursekit import judging
from coursekit.grading import references_ahead
from coursekit.grading.backends import local
from coursekit.judging.nb06 import notebook_state, scaled_pipeline
from grading import submissions as build

NB06 = "06_logistic_grid_search"
NB01 = "01_random_baseline"
SANDBOX = "auto" if os.environ.get("CI") or not grade.bwrap_problem() else "none"


@pytest.fixture(autouse=True)
def _nothing_started(monkeypatch):
    monkeypatch.setattr(references_ahead, "_started", set())


def test_notebook_06_shares_the_final_models_fits_with_every_answer():
    notebook_state.final_coef.cache_clear()
    scaled_pipeline.scaled_final_fit.cache_clear()
    for compute in judging.shared_references(NB06):
        compute()
    assert notebook_state.final_coef.cache_info().currsize == 1
    assert scaled_pipeline.scaled_final_fit.cache_info().currsize == 1
    # What the judge of a right pipeline compares it with is what was computed ahead.
    before = scaled_pipeline.scaled_final_fit.cache_info()
    scaled_pipeline.scaled_final_fit("train")
    assert scaled_pipeline.scaled_final_fit.cache_info().hits == before.hits + 1
    assert judging.shared_references(NB01) == ()
    assert judging.shared_references("99_no_such_notebook") == ()


def test_references_are_computed_in_a_thread_of_lower_priority_once_per_notebook(monkeypatch):
    seen = []

    def failing():
        raise RuntimeError("a reference that fails is left to its judge")

    def recording():
        seen.append((threading.current_thread().name,
                     os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))

    monkeypatch.setattr(judging, "shared_references",
                        lambda notebook: (failing, recording) if notebook == NB06 else ())
    thread = references_ahead.compute_ahead([NB01, NB06, NB06])
    thread.join(timeout=60)
    [(name, priority)] = seen
    assert name == "coursekit-references"
    if sys.platform.startswith("linux"):
        mine = os.getpriority(os.PRIO_PROCESS, 0)
        assert priority == min(19, mine + references_ahead.NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == os.getpriority(
        os.PRIO_PROCESS, 0)  # the grader's own thread is left as it was
    # Started once per process: the next batch of the same notebooks starts no thread.
    assert references_ahead.compute_ahead([NB06]) is None and len(seen) == 1


def test_a_local_batch_computes_ahead_the_references_of_the_notebooks_it_grades(
        tmp_path, monkeypatch):
    asked = []
    monkeypatch.setattr(local, "compute_ahead", lambda notebooks: asked.append(list(notebooks)))
    build.save(build.solution(NB01), tmp_path / "subs" / f"a_{NB01}.ipynb")
    (tmp_path / "subs" / "b_06_logistic_grid_search.ipynb").write_text("not json")
    grade.grade([tmp_path / "subs"], tmp_path / "grades.csv", jobs=1, sandbox=SANDBOX,
                progress=False)
    assert asked == [[NB01]]  # not the notebook that cannot be read
