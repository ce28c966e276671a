"""Notebook 06's stored references: a right answer is judged without a fit, and nothing else
changes, whatever the stored file holds (coursekit/judging/nb06/stored_fits.py)."""

import types

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from coursekit import judging
from coursekit.checks import spec
from coursekit.data import load_digits, stratified_split
from coursekit.judging import nb06, stored_references
from coursekit.judging.nb06 import (
    DIGITS_CHOICE, FINAL_SETTINGS, SEARCH_GRID, SEARCH_SETTINGS, notebook_state, scaled_pipeline,
    search_fits, stored_fits,
)
from verdicts import assert_wrong, verdict

X, y = load_digits()
X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = stratified_split(X, y, test_size=0.2, random_state=0)


@pytest.fixture(scope="module")
def right():
    """The notebook's right answers: its search, final model and scaled pipeline."""
    search = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS), param_grid=SEARCH_GRID,
                          scoring="roc_auc_ovr", cv=3, n_jobs=1).fit(X_TRAIN, Y_TRAIN)
    best_model = LogisticRegression(**search.best_params_, **FINAL_SETTINGS).fit(X_TRAIN,
                                                                                 Y_TRAIN)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(**DIGITS_CHOICE,
                                                                  **FINAL_SETTINGS))
    return types.SimpleNamespace(search=search, best_model=best_model,
                                 pipeline=pipeline.fit(X_TRAIN, Y_TRAIN))


def right_verdicts(monkeypatch, right, seeds=(0,)):
    """Each right answer's verdicts, on the cases of each of ``seeds``, in a notebook."""
    monkeypatch.setattr(spec, "user_namespace",
                        lambda: {"search": right.search, "best_model": right.best_model})
    answers = {"06-grid-search": right.search,
               "06-weight-images": right.best_model.coef_.reshape(10, 8, 8),
               "06-scaled-pipeline": right.pipeline}
    return {(exercise_id, seed): judging.evaluate(judging.get(exercise_id), answer, seed=seed)
            for exercise_id, answer in answers.items() for seed in seeds}


def test_stored_references_are_those_the_judges_compute():
    # If this fails, scikit-learn's fits changed: run
    # `python -c "from coursekit.judging import nb06; nb06.save_references()"`.
    stored = nb06.stored_references()
    computed = nb06.computed_references()
    assert sorted(stored) == sorted(computed)
    assert stored["fold_scores"].shape == (len(SEARCH_GRID["l1_ratio"]), len(SEARCH_GRID["C"]),
                                           search_fits.SEARCH_FOLDS)
    for name, array in computed.items():
        assert stored[name].shape == array.shape, name
        assert np.abs(stored[name] - array).max() <= 1e-9, name


def test_right_answers_are_judged_without_fits_of_the_judges_own(monkeypatch, right):
    def no_fit(*args):
        raise AssertionError("the judge fitted its own reference")

    for module, name in ((notebook_state, "fitted_final_coef"),
                         (scaled_pipeline, "scaled_final_fit"), (search_fits, "refit_coef"),
                         (search_fits, "fold_scores")):
        monkeypatch.setattr(module, name, no_fit)
    # Every secret seed draws its own folds of the grid: each is stored.
    for key, result in right_verdicts(monkeypatch, right, seeds=range(6)).items():
        assert result.passed, (key, result)


@pytest.mark.parametrize("where", ["elsewhere", "missing"])
def test_stored_references_only_ever_speed_up_a_pass(monkeypatch, right, where):
    # Stored references of a machine whose arithmetic ended elsewhere, or no file at all: the
    # right answers are judged on the judges' own fits and pass; wrong ones are named alike.
    arrays = {"elsewhere": {name: array + 1e-3 for name, array
                            in nb06.stored_references().items()}, "missing": {}}[where]
    monkeypatch.setattr(stored_fits, "stored_references", lambda: arrays)
    for key, result in right_verdicts(monkeypatch, right).items():
        assert result.passed, (key, result)
    other = LogisticRegression(**{**DIGITS_CHOICE, "C": 1.0}, **SEARCH_SETTINGS).fit(
        X_TRAIN, Y_TRAIN)
    monkeypatch.setattr(spec, "user_namespace", lambda: {"best_model": other})
    assert_wrong(verdict("06-weight-images", other.coef_.reshape(10, 8, 8)),
                 "not the final model")
    monkeypatch.setattr(spec, "user_namespace", lambda: {"best_model": right.best_model})
    test_part = make_pipeline(StandardScaler(), LogisticRegression(**DIGITS_CHOICE,
                                                                   **FINAL_SETTINGS))
    assert_wrong(verdict("06-scaled-pipeline", test_part.fit(X_TEST, Y_TEST)),
                 "fitted on the test part")
    accuracy = GridSearchCV(LogisticRegression(**SEARCH_SETTINGS), param_grid=SEARCH_GRID,
                            scoring=make_scorer(accuracy_score), cv=3).fit(X_TRAIN, Y_TRAIN)
    assert_wrong(verdict("06-grid-search", accuracy), "accuracy", 'scoring="roc_auc_ovr"')


def test_a_stored_fold_score_is_found_for_the_grid_only(monkeypatch):
    scores = np.arange(2 * 7 * 3, dtype=float).reshape(2, 7, 3)
    monkeypatch.setattr(stored_fits, "stored_references", lambda: {"fold_scores": scores})
    C = SEARCH_GRID["C"]
    assert stored_fits.stored_fold_score(1.0, C[2], 1) == scores[1, 2, 1]
    assert stored_fits.stored_fold_score(0.0, float(C[6]), 0) == scores[0, 6, 0]
    for off_the_grid in ((0.5, C[0], 0), (1.0, C[2] * (1 + 1e-6), 0), (1.0, C[0], 3),
                         (1.0, C[0], -1), (1.0, C[0], 1.0)):
        assert stored_fits.stored_fold_score(*off_the_grid) is None, off_the_grid
    monkeypatch.setattr(stored_fits, "stored_references", lambda: {})
    assert stored_fits.stored_fold_score(1.0, C[2], 1) is None


def test_stored_arrays_are_written_and_a_missing_or_broken_file_reads_empty(tmp_path):
    path = tmp_path / "references" / "nb99.npz"
    assert stored_references.read(path) == {}
    stored_references.write(path, {"weights": np.eye(3)})
    assert np.array_equal(stored_references.read(path)["weights"], np.eye(3))
    path.write_bytes(b"not an npz file")
    assert stored_references.read(path) == {}
