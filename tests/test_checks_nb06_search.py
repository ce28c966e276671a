"""Notebook 06's honest search and weight images: right answers pass, each slip is named.

A search of the whole grid costs about 2.5 s of CPU on the digits. The slips that the
judge finds before it compares scores (a grid, a scorer, folds, refit) are fitted on a
few hundred training images only; the rest, and the right answers, on the real parts.
"""

import copy
import functools
import json
import types
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, get_scorer, make_scorer, roc_auc_score
from sklearn.model_selection import (GridSearchCV, KFold, PredefinedSplit, RandomizedSearchCV,
                                     StratifiedKFold)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from coursekit import checks, judging
from coursekit.checks import spec
from coursekit.data import load_digits, stratified_split
from coursekit.judging.nb06 import (
    DIGITS_CHOICE, FINAL_SETTINGS, SEARCH_SETTINGS, digits_as_mnist, notebook_state, search_fits,
)
from verdicts import assert_wrong, verdict

ROOT = Path(__file__).resolve().parents[1]
X, y = load_digits()
X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = stratified_split(X, y, test_size=0.2, random_state=0)
#: Enough images for a search whose slip the judge names before it compares scores.
FEW = 150
GRID = {"l1_ratio": [0, 1], "C": np.logspace(-1, 2, 7)}


def search(model=None, images=X_TRAIN, labels=Y_TRAIN, fit=True, **changes):
    """The notebook's search with ``changes``, fitted on ``images`` unless ``fit`` is False."""
    settings = {"param_grid": GRID, "scoring": "roc_auc_ovr", "cv": 3, "n_jobs": 1, **changes}
    built = GridSearchCV(model or LogisticRegression(**SEARCH_SETTINGS), **settings)
    return built.fit(images, labels) if fit else built


@pytest.fixture(scope="module")
def right_search():
    return search()


def test_grid_search_the_notebook_s_answer_passes(right_search):
    result = verdict("06-grid-search", right_search)
    assert result.passed, result
    assert "training part alone" in result.message


def test_grid_search_other_spellings_of_the_same_search_pass():
    # A list of dicts in another order, a scorer object, stratified folds spelled out,
    # all cores: the same candidates, folds and scores.
    answer = search(param_grid=[{"l1_ratio": [1], "C": np.logspace(-1, 2, 7)[::-1]},
                                {"C": np.geomspace(0.1, 100, 7), "l1_ratio": [0.0]}],
                    scoring=get_scorer("roc_auc_ovr"), cv=StratifiedKFold(3), n_jobs=2,
                    verbose=0)
    assert verdict("06-grid-search", answer).passed


@pytest.mark.parametrize("C_values", [
    np.logspace(-1, 2, 7, dtype=np.float32),
    [0.1, 0.31622777, 1.0, 3.16227766, 10.0, 31.6227766, 100.0],  # numpy's printout
], ids=["float32", "printed"])
def test_grid_search_the_grid_s_C_to_float32_precision_passes(C_values):
    # The eleventh student's false fail: the same search, score for score, was "rounded".
    assert verdict("06-grid-search", search(param_grid={"l1_ratio": [0, 1],
                                                        "C": C_values})).passed


def test_grid_search_a_scorer_built_by_hand_passes():
    scorer = make_scorer(roc_auc_score, response_method="predict_proba", multi_class="ovr")
    assert verdict("06-grid-search", search(scoring=scorer)).passed


def test_grid_search_the_judge_sees_plain_data_only(right_search):
    exercise = judging.get("06-grid-search")
    cases = exercise.cases(3)
    decoded = checks.decode(checks.encode(cases))
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, right_search,
                                                                decoded)))
    assert judging.judge_safely(exercise, payload, decoded).passed


def test_grid_search_cases_are_settings_of_the_grid_chosen_by_the_seed():
    exercise = judging.get("06-grid-search")
    assert exercise.cases(0) != exercise.cases(1)
    for l1_ratio, C, fold in exercise.cases(5):
        assert l1_ratio in (0.0, 1.0) and np.isclose(GRID["C"], C).any() and fold in (0, 1, 2)


def scored_on_the_test_part(estimator, images, labels):
    # A scorer that ignores the fold it is given and reads the test part instead.
    return roc_auc_score(Y_TEST, estimator.predict_proba(X_TEST), multi_class="ovr")


def with_test_scorer():
    return search(scoring=scored_on_the_test_part)


SEARCH_LEAKS = [
    ("the whole data", lambda: search(images=X, labels=y), ("all images", "X_train")),
    ("the test part", lambda: search(images=X_TEST, labels=Y_TEST),
     ("the test part", "training part only")),
    ("a scorer that reads the test part", with_test_scorer, ("scored on the test part",
                                                             "no `x_test`")),
    ("the test part as the one validation fold",
     lambda: search(images=np.concatenate([X_TRAIN, X_TEST]),
                    labels=np.concatenate([Y_TRAIN, Y_TEST]),
                    cv=PredefinedSplit([-1] * len(X_TRAIN) + [0] * len(X_TEST))),
     ("all images", "training part only")),
    ("accuracy as a callable", lambda: search(scoring=make_scorer(accuracy_score)),
     ("accuracy", 'scoring="roc_auc_ovr"')),
]


@pytest.mark.parametrize("name, build, words", SEARCH_LEAKS, ids=[s[0] for s in SEARCH_LEAKS])
def test_grid_search_leaks_and_other_scores_are_named(name, build, words):
    assert_wrong(verdict("06-grid-search", build()), *words)


def few(**changes):
    return search(images=X_TRAIN[:FEW], labels=Y_TRAIN[:FEW], **changes)


def quietly(build):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the deprecated `penalty`, lbfgs stopping early
        return build()


SEARCH_SLIPS = [
    ("not fitted", lambda: search(fit=False), ("not fitted", "search.fit(X_train, y_train)")),
    ("refit=False", lambda: few(refit=False), ("refit=False", "default")),
    ("refit picks the worst setting",
     lambda: few(refit=lambda results: int(np.argmin(results["mean_test_score"]))),
     ("`refit` to a function", "best_score_", "leave `refit` at its default")),
    ("only L1", lambda: few(param_grid={"l1_ratio": [1], "C": GRID["C"]}),
     ("L2 penalty is missing", '"l1_ratio": [0, 1]')),
    ("no l1_ratio", lambda: few(param_grid={"C": GRID["C"]}), ("`l1_ratio`", "search both")),
    ("the manual grid's values of C",
     lambda: few(param_grid={"l1_ratio": [0, 1], "C": np.logspace(-2, 2, 25)}),
     ("25 values from 0.01 to 100", "np.logspace(-1, 2, 7)")),
    ("a value of C missing", lambda: few(param_grid={"l1_ratio": [0, 1], "C": GRID["C"][:-1]}),
     ("missing: 100", "np.logspace(-1, 2, 7)")),
    ("C evenly spaced", lambda: few(param_grid={"l1_ratio": [0, 1],
                                                "C": np.linspace(0.1, 100, 7)}),
     ("not on a log scale", "np.logspace(-1, 2, 7)")),
    ("C rounded", lambda: few(param_grid={"l1_ratio": [0, 1], "C": np.round(GRID["C"], 2)}),
     ("rounded", "np.logspace")),
    ("the penalty spelled the old way",
     lambda: quietly(lambda: few(param_grid={"penalty": ["l1", "l2"], "C": GRID["C"]})),
     ("penalty", "deprecated", "l1_ratio")),
    ("a grid with another setting", lambda: few(param_grid={**GRID, "tol": [0.01, 0.1]}),
     ("`tol`", "SEARCH_SETTINGS")),
    # The fourteenth student's FF2: one value "varies" nothing; the grid sets it.
    ("a grid with a constant setting", lambda: few(param_grid={**GRID, "warm_start": [False]}),
     ("the grid also sets `warm_start`", "SEARCH_SETTINGS")),
    ("no scoring", lambda: few(scoring=None), ("no `scoring`", "accuracy")),
    ("one-vs-one", lambda: few(scoring="roc_auc_ovo"), ("one-vs-one", 'scoring="roc_auc_ovr"')),
    ("weighted", lambda: few(scoring="roc_auc_ovr_weighted"), ("weighted",)),
    ("two metrics", lambda: few(scoring={"auc": "roc_auc_ovr", "acc": "accuracy"},
                                refit="auc"), ("mean_test_score", "one scorer")),
    ("5 folds", lambda: few(cv=5), ("5 split", "cv=3", "this exercise asks for 3")),
    ("shuffled folds", lambda: few(cv=StratifiedKFold(3, shuffle=True, random_state=0)),
     ("shuffled", "without `shuffle`")),
    ("folds not stratified", lambda: few(cv=KFold(3)), ("KFold", "StratifiedKFold(3)")),
    ("default solver", lambda: search(LogisticRegression(), fit=False),
     ("solver='lbfgs'", "**SEARCH_SETTINGS")),
    ("the final tolerance", lambda: search(LogisticRegression(**FINAL_SETTINGS), fit=False),
     ("tol=0.001", "SEARCH_SETTINGS")),
    ("another setting of the model",
     lambda: search(LogisticRegression(class_weight="balanced", **SEARCH_SETTINGS), fit=False),
     ("class_weight='balanced'", "drop `class_weight")),
    ("a pipeline", lambda: search(make_pipeline(StandardScaler(), LogisticRegression()),
                                  fit=False), ("Pipeline", "best_params_")),
    ("a randomized search", lambda: RandomizedSearchCV(LogisticRegression(**SEARCH_SETTINGS),
                                                       GRID, n_iter=3),
     ("RandomizedSearchCV", "GridSearchCV")),
    ("the final model instead", lambda: LogisticRegression(**SEARCH_SETTINGS),
     ("not a GridSearchCV",)),
]


@pytest.mark.parametrize("name, build, words", SEARCH_SLIPS, ids=[s[0] for s in SEARCH_SLIPS])
def test_grid_search_slips_are_named(name, build, words):
    assert_wrong(verdict("06-grid-search", build()), *words)


def test_grid_search_unanswered():
    assert verdict("06-grid-search", ...).status == checks.MISSING


# ---------------------------------------------------------------- item 3: what later cells need


def test_grid_search_changed_search_settings_are_named(monkeypatch, right_search):
    settings = {**SEARCH_SETTINGS, "tol": 1e-3}
    monkeypatch.setattr(spec, "user_namespace", lambda: {"SEARCH_SETTINGS": settings})
    assert_wrong(verdict("06-grid-search", right_search), "SEARCH_SETTINGS", "leave")


@pytest.mark.parametrize("name, change", [
    ("reassigned to all images", lambda: {"X_train": X, "y_train": y}),
    ("shuffled in place", lambda: {"X_train": X_TRAIN[::-1], "y_train": Y_TRAIN[::-1]}),
    ("scaled in place", lambda: {"X_train": X_TRAIN * 16, "y_train": Y_TRAIN}),
])
def test_grid_search_changed_training_part_is_named(monkeypatch, right_search, name, change):
    monkeypatch.setattr(spec, "user_namespace",
                        lambda: {**change(), "SEARCH_SETTINGS": dict(SEARCH_SETTINGS)})
    assert_wrong(verdict("06-grid-search", right_search), "`X_train`", "leave")


def test_grid_search_passes_next_to_the_notebook_s_own_names(monkeypatch, right_search):
    monkeypatch.setattr(spec, "user_namespace", lambda: {
        "X_train": X_TRAIN.copy(), "y_train": Y_TRAIN.copy(),
        "SEARCH_SETTINGS": dict(SEARCH_SETTINGS)})
    assert verdict("06-grid-search", right_search).passed


# ---------------------------------------------------------------- the weights as images


@pytest.fixture(scope="module")
def best_model():
    return LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS).fit(X_TRAIN, Y_TRAIN)


@pytest.fixture(scope="module")
def search_refit():
    # What `search.best_estimator_` holds: the chosen setting with the search's tolerance.
    model = LogisticRegression(**DIGITS_CHOICE, **SEARCH_SETTINGS).fit(X_TRAIN, Y_TRAIN)
    return types.SimpleNamespace(best_estimator_=model)


def in_notebook(monkeypatch, best_model, search_refit=None):
    names = {"best_model": best_model}
    if search_refit is not None:
        names["search"] = search_refit
    monkeypatch.setattr(spec, "user_namespace", lambda: names)


WEIGHTS_RIGHT = [
    lambda m: m.coef_.reshape(10, 8, 8),
    lambda m: m.coef_.reshape(-1, 8, 8).copy(),
    lambda m: np.stack([row.reshape(8, 8) for row in m.coef_]),
    lambda m: np.array([m.coef_[digit].reshape((8, 8)) for digit in m.classes_]),
    lambda m: m.coef_.reshape(len(m.classes_), *(int(np.sqrt(m.coef_.shape[1])),) * 2),
    lambda m: m.coef_.astype(np.float32).reshape(10, 8, 8),
]


@pytest.mark.parametrize("answer", WEIGHTS_RIGHT)
def test_weight_images_right_answers_pass(monkeypatch, best_model, search_refit, answer):
    in_notebook(monkeypatch, best_model, search_refit)
    result = verdict("06-weight-images", answer(best_model))
    assert result.passed, result


def test_weight_images_pass_outside_a_notebook_too(best_model):
    assert verdict("06-weight-images", best_model.coef_.reshape(10, 8, 8)).passed


WEIGHTS_WRONG = [
    ("a list", lambda m, s: m.coef_.reshape(10, 8, 8).tolist(), ("a list", "numpy array")),
    ("a list of images", lambda m, s: [row.reshape(8, 8) for row in m.coef_], ("list",)),
    ("not reshaped", lambda m, s: m.coef_.copy(), ("(10, 64)", "reshape")),
    ("digits last", lambda m, s: m.coef_.T.reshape(8, 8, 10), ("last axis", "no `.T`")),
    ("transposed images", lambda m, s: m.coef_.reshape(10, 8, 8).transpose(0, 2, 1),
     ("transposed",)),
    ("Fortran order", lambda m, s: m.coef_.reshape((10, 8, 8), order="F"),
     ("transposed", 'order="F"')),
    ("coef_.T reshaped", lambda m, s: m.coef_.T.reshape(10, 8, 8), ("coef_.t", "one row per")),
    ("intercept added", lambda m, s: m.coef_.reshape(10, 8, 8) + m.intercept_[:, None, None],
     ("intercept",)),
    ("classes reversed", lambda m, s: m.coef_.reshape(10, 8, 8)[::-1],
     ("another order", "digit 9's", "classes_")),
    ("two classes swapped", lambda m, s: m.coef_[[1, 0, *range(2, 10)]].reshape(10, 8, 8),
     ("another order", "digit 1's")),
    ("absolute values", lambda m, s: np.abs(m.coef_).reshape(10, 8, 8), ("absolute", "sign")),
    ("scaled for the picture", lambda m, s: m.coef_.reshape(10, 8, 8) / np.abs(m.coef_).max(),
     ("rescaled", "vmin=-m")),
    # The seventh student's #16: "times 1", the factor rounded.
    ("scaled by a hair", lambda m, s: m.coef_.reshape(10, 8, 8) * 1.001,
     ("times 1.001:", "vmin=-m")),
    ("normalised image by image",
     lambda m, s: (lambda w: w / np.abs(w).max(axis=(1, 2), keepdims=True))(
         m.coef_.reshape(10, 8, 8)), ("a factor of its own", "same colour limits")),
    ("digits mixed by a reshape", lambda m, s: np.moveaxis(m.coef_.reshape(8, 8, 10), 2, 0),
     ("mixes the weights of several digits", "reshape(10, side, side)")),
    ("a tuple of images", lambda m, s: tuple(m.coef_.reshape(10, 8, 8)),
     ("tuple", "np.array(...)", "np.abs(weight_images).max()")),
    ("the search's refit", lambda m, s: s.best_estimator_.coef_.reshape(10, 8, 8),
     ("best_estimator_", "best_model")),
    ("another model", lambda m, s: LogisticRegression(C=1.0, **SEARCH_SETTINGS, l1_ratio=0).fit(
        X_TRAIN, Y_TRAIN).coef_.reshape(10, 8, 8), ("not hold the final model's weights",)),
    ("a number", lambda m, s: 0.5, ("float",)),
    ("zeros made NaN in a copy",
     lambda m, s: np.where(m.coef_ == 0, np.nan, m.coef_).reshape(10, 8, 8),
     ("nan", "white by itself")),
]


@pytest.mark.parametrize("name, answer, words", WEIGHTS_WRONG, ids=[w[0] for w in WEIGHTS_WRONG])
def test_weight_images_slips_are_named(monkeypatch, best_model, search_refit, name, answer,
                                       words):
    in_notebook(monkeypatch, best_model, search_refit)
    assert_wrong(verdict("06-weight-images", answer(best_model, search_refit)), *words)


def test_weight_images_scaled_in_place_changed_the_model_and_is_named(monkeypatch, best_model):
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    model.coef_, model.intercept_, model.classes_ = (
        best_model.coef_.copy(), best_model.intercept_, best_model.classes_)
    weight_images = model.coef_.reshape(10, 8, 8)  # a view of the model's weights
    weight_images /= np.abs(weight_images).max()
    in_notebook(monkeypatch, model)
    assert_wrong(verdict("06-weight-images", weight_images), "view", "changed the model",
                 "rerun the cell that fits `best_model`")


@pytest.mark.parametrize("name, change", [
    ("zeros made NaN", lambda images: images.__setitem__(images == 0, np.nan)),
    ("clipped", lambda images: np.clip(images, -1, 1, out=images)),
])
def test_weight_images_partly_changed_through_the_view_is_named(monkeypatch, best_model, name,
                                                                change):
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    model.coef_, model.intercept_, model.classes_ = (
        best_model.coef_.copy(), best_model.intercept_, best_model.classes_)
    weight_images = model.coef_.reshape(10, 8, 8)
    change(weight_images)
    in_notebook(monkeypatch, model)
    assert_wrong(verdict("06-weight-images", weight_images), "view", "changed the model")


def test_weight_images_the_model_s_own_weights_reshaped_is_named(monkeypatch, best_model):
    model = LogisticRegression(**DIGITS_CHOICE, **FINAL_SETTINGS)
    model.coef_ = best_model.coef_.reshape(10, 8, 8)
    model.intercept_, model.classes_ = best_model.intercept_, best_model.classes_
    in_notebook(monkeypatch, model)
    assert_wrong(verdict("06-weight-images", model.coef_), "shape (10, 8, 8)", "predict",
                 "never assign to `best_model.coef_`")


def test_weight_images_a_best_model_of_another_setting_is_named(monkeypatch, best_model):
    other = LogisticRegression(**{**DIGITS_CHOICE, "C": 1.0}, **SEARCH_SETTINGS).fit(
        X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, other)
    assert_wrong(verdict("06-weight-images", other.coef_.reshape(10, 8, 8)),
                 "not the final model", "rerun the cells from the search on")


def test_weight_images_on_mnist_compare_with_the_kernel_s_model(monkeypatch):
    # 784 pixels: the judge has no MNIST; it compares with the notebook's best_model.
    rng = np.random.default_rng(0)
    model = types.SimpleNamespace(coef_=rng.normal(size=(10, 784)), intercept_=np.zeros(10),
                                  classes_=np.arange(10))
    in_notebook(monkeypatch, model)
    result = verdict("06-weight-images", model.coef_.reshape(10, 28, 28))
    assert result.passed and "not with the model the search chose" in result.message
    assert_wrong(verdict("06-weight-images", model.coef_.reshape(10, 8, 98)), "(10, 28, 28)")
    assert_wrong(verdict("06-weight-images", model.coef_.reshape(10, 28, 28, order="F")),
                 "transposed")


def test_weight_images_unanswered():
    assert verdict("06-weight-images", ...).status == checks.MISSING


def test_grid_search_the_training_part_s_facts_survive_the_wire(monkeypatch, right_search):
    # In the grader the facts come through encode/decode: shapes may come back as arrays.
    monkeypatch.setattr(spec, "user_namespace", lambda: {
        "X_train": X_TRAIN, "y_train": Y_TRAIN[::-1], "SEARCH_SETTINGS": dict(SEARCH_SETTINGS)})
    exercise = judging.get("06-grid-search")
    cases = exercise.cases(0)
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, right_search, cases)))
    payload["value"]["inputs"]["X_train"]["shape"] = np.asarray(
        payload["value"]["inputs"]["X_train"]["shape"])
    assert_wrong(judging.judge_safely(exercise, payload, cases), "`y_train`", "leave")


# ---------------------------------------------------------------- the fifth student's table


def test_grid_search_the_folds_of_cv_3_spelled_out_pass(monkeypatch):
    names = {"X_train": X_TRAIN, "y_train": Y_TRAIN, "SEARCH_SETTINGS": dict(SEARCH_SETTINGS)}
    monkeypatch.setattr(spec, "user_namespace", lambda: names)
    for folds in (list(StratifiedKFold(3).split(X_TRAIN, Y_TRAIN)),
                  tuple(StratifiedKFold(3).split(X_TRAIN, Y_TRAIN)),
                  StratifiedKFold(3).split(X_TRAIN, Y_TRAIN)):
        result = verdict("06-grid-search", search(cv=folds))
        assert result.passed, (type(folds), result)


def reversed_folds(n):
    # Stratified folds of the images in reverse order, given back as positions.
    return [(n - 1 - train, n - 1 - test)
            for train, test in StratifiedKFold(3).split(X_TRAIN[:n][::-1], Y_TRAIN[:n][::-1])]


@pytest.mark.parametrize("name, folds", [
    ("the folds of another order", lambda: reversed_folds(FEW)),
    ("shuffled stratified folds",
     lambda: list(StratifiedKFold(3, shuffle=True, random_state=1).split(X_TRAIN[:FEW],
                                                                       Y_TRAIN[:FEW]))),
])
def test_grid_search_other_folds_in_a_list_are_named(name, folds):
    assert_wrong(verdict("06-grid-search", few(cv=folds())), "folds in the list", "cv=3")


def test_grid_search_a_generator_of_other_folds_is_named():
    assert_wrong(verdict("06-grid-search", search(cv=KFold(3).split(X_TRAIN))),
                 "generator given as `cv` made other folds", "StratifiedKFold(3)")


def test_grid_search_on_float32_pixels_is_named_by_its_dtype():
    assert_wrong(verdict("06-grid-search", search(images=X_TRAIN.astype(np.float32))),
                 "float32", "search.fit(X_train, y_train)")
    assert "other images" not in verdict("06-grid-search",
                                         search(images=X_TRAIN.astype(np.float32))).message


def test_grid_search_x_train_made_float32_is_named_by_its_dtype(monkeypatch, right_search):
    monkeypatch.setattr(spec, "user_namespace", lambda: {
        "X_train": X_TRAIN.astype(np.float32), "y_train": Y_TRAIN,
        "SEARCH_SETTINGS": dict(SEARCH_SETTINGS)})
    assert_wrong(verdict("06-grid-search", right_search), "`X_train`", "dtype float32")


def test_grid_search_x_train_standardized_by_a_later_cell_is_named(monkeypatch, right_search):
    monkeypatch.setattr(spec, "user_namespace", lambda: {
        "X_train": StandardScaler().fit_transform(X_TRAIN), "y_train": Y_TRAIN,
        "SEARCH_SETTINGS": dict(SEARCH_SETTINGS)})
    assert_wrong(verdict("06-grid-search", right_search), "`X_train`", "standardized",
                 "copy=False")


def test_grid_search_a_refit_changed_and_refitted_later_is_named():
    # Exercise 7's slip, seen again by progress(): the search's own model given the final
    # settings and refitted on standardized pixels.
    answer = search()
    refit = answer.best_estimator_.set_params(**FINAL_SETTINGS)
    make_pipeline(StandardScaler(), refit).fit(X_TRAIN, Y_TRAIN)
    assert_wrong(verdict("06-grid-search", answer), "changed after the search", "tol=0.001",
                 "rerun the search's cell")


def test_grid_search_a_refit_inside_a_pipeline_is_named(monkeypatch):
    answer = search()
    scaled_model = make_pipeline(StandardScaler(), answer.best_estimator_).fit(X_TRAIN, Y_TRAIN)
    monkeypatch.setattr(spec, "user_namespace", lambda: {
        "search": answer, "scaled_model": scaled_model, "X_train": X_TRAIN, "y_train": Y_TRAIN,
        "SEARCH_SETTINGS": dict(SEARCH_SETTINGS)})
    assert_wrong(verdict("06-grid-search", answer), "pipeline `scaled_model`",
                 "new model")


def test_grid_search_of_the_test_part_refitted_on_the_training_part_is_named():
    answer = search(images=X_TEST, labels=Y_TEST)
    answer.best_estimator_.fit(X_TRAIN, Y_TRAIN)
    assert_wrong(verdict("06-grid-search", answer), "search of the test part",
                 "refitted on the training part afterwards", "search.fit(X_train, y_train)")


@pytest.mark.parametrize("name, answer, words", [
    ("upside down", lambda w: w[:, ::-1, :], "upside down"),
    ("mirrored", lambda w: w[:, :, ::-1], "mirrored"),
    ("rotated by 90", lambda w: np.rot90(w, 1, axes=(1, 2)), "rotated by 90"),
    ("rotated by 180", lambda w: np.rot90(w, 2, axes=(1, 2)), "rotated by 180"),
    ("rotated by 270", lambda w: np.rot90(w, 3, axes=(1, 2)), "rotated by 270"),
    ("sorted in each image", lambda w: np.sort(w.reshape(10, 64), axis=1).reshape(10, 8, 8),
     "another order within the image"),
])
def test_weight_images_moved_within_each_image_are_not_called_mixed(
        monkeypatch, best_model, search_refit, name, answer, words):
    in_notebook(monkeypatch, best_model, search_refit)
    result = verdict("06-weight-images", answer(best_model.coef_.reshape(10, 8, 8)))
    assert_wrong(result, "each digit's own weights", words, "without flipping")
    assert "mixes" not in result.message


def test_weight_images_after_x_train_was_changed_name_x_train(monkeypatch):
    # Exercise 4's slip (X_train shuffled and reassigned): the final model fitted on it
    # differs, and the check says why.
    order = np.random.default_rng(0).permutation(len(X_TRAIN))
    model = LogisticRegression(**DIGITS_CHOICE, **SEARCH_SETTINGS).fit(X_TRAIN[order],
                                                                      Y_TRAIN[order])
    monkeypatch.setattr(spec, "user_namespace", lambda: {
        "best_model": model, "X_train": X_TRAIN[order], "y_train": Y_TRAIN[order]})
    assert_wrong(verdict("06-weight-images", model.coef_.reshape(10, 8, 8)), "`X_train`",
                 "other values", "leave `X_train` as the split made it")


def test_grid_search_best_params_changed_through_best_is_named():
    answer = few()
    best = answer.best_params_
    best.update({"tol": 1e-3, "max_iter": 1000})  # a later cell's `best.update(...)`
    assert_wrong(verdict("06-grid-search", answer), "`max_iter`, `tol`", "best.update",
                 "**FINAL_SETTINGS")


def test_weight_images_after_a_search_that_chose_another_setting_send_to_exercise_4(
        monkeypatch):
    other = LogisticRegression(**{**DIGITS_CHOICE, "C": 10.0}, **SEARCH_SETTINGS).fit(
        X_TRAIN, Y_TRAIN)
    search = types.SimpleNamespace(best_estimator_=other,
                                   best_params_={"l1_ratio": 1, "C": 10.0})
    in_notebook(monkeypatch, other, search)
    assert_wrong(verdict("06-weight-images", other.coef_.reshape(10, 8, 8)),
                 "search of exercise 4 chose C=10", "fix exercise 4 first")


def test_grid_search_text_asks_for_the_3_folds_the_check_asks_for():
    # The seventh student's #6: the text called 5 folds "a common choice too", and the
    # check refused them. The cells after the search describe three folds.
    notebook = json.loads((ROOT / "solutions" / "06_logistic_grid_search.ipynb").read_text())
    text = next(" ".join("".join(cell["source"]).split()) for cell in notebook["cells"]
                if cell.get("id") == "06-grid-search-text")
    assert "use 3 folds (`cv=3`)" in text and "Use 3 folds here, not the 5" in text
    assert "a common choice too" not in text
    assert_wrong(verdict("06-grid-search", few(cv=5)), "not 3 folds", "asks for 3")


def test_grid_search_best_params_assigned_after_the_search_is_named():
    # The seventh student's #13: it was blamed on `best_estimator_`, which was untouched.
    answer = few()
    chosen = dict(answer.best_params_)
    answer.best_params_ = {"l1_ratio": 0, "C": 4.6415888336127775}  # picked by the test table
    result = verdict("06-grid-search", answer)
    assert_wrong(result, "`search.best_params_` is C=4.64, l1_ratio=0",
                 f"scores choose C={chosen['C']:.3g}", "no assigning to it")
    assert "best_estimator_" not in result.message


def test_grid_search_best_params_changed_through_best_in_place_is_named():
    answer = few()
    best = answer.best_params_
    best["C"] = 4.6415888336127775  # a later cell's `best["C"] = ...`
    result = verdict("06-grid-search", answer)
    assert_wrong(result, "C=4.64", "tried and chose", "`best[...] = ...`",
                 "leave `best` as it is")
    assert "missing" not in result.message


# The ninth student's MH1: `best["C"] = 1.0`, a value the grid has, sent the learner to fix
# a right grid ("missing: 100"). The search's `param_*` columns keep what it tried.
@pytest.mark.parametrize("change", [{"C": 1.0}, {"l1_ratio": 0}, {"C": 1.0, "l1_ratio": 0}])
def test_grid_search_a_grid_value_put_into_best_is_named_not_the_grid(change):
    answer = few()
    chosen = dict(answer.best_params_)
    answer.best_params_.update(change)
    result = verdict("06-grid-search", answer)
    was = ", ".join(f"{name}={chosen[name]:.3g}" for name in change)
    assert_wrong(result, "`search.best_params_` now holds", f"tried and chose {was}",
                 "after the search made it", "leave `best` as it is")
    assert "missing" not in result.message and "np.logspace" not in result.hint
    answer.best_params_.update(chosen)  # put back: this slip is no longer named
    assert "now holds" not in verdict("06-grid-search", answer).message


def test_weight_images_after_best_changed_in_place_name_best_not_exercise_4(monkeypatch):
    answer = search(param_grid={"l1_ratio": [1], "C": [100.0]})
    answer.best_params_["C"] = 1.0  # then `best_model` is fitted with C=1
    other = LogisticRegression(l1_ratio=1, C=1.0, **SEARCH_SETTINGS).fit(X_TRAIN, Y_TRAIN)
    in_notebook(monkeypatch, other, answer)
    result = verdict("06-weight-images", other.coef_.reshape(10, 8, 8))
    assert_wrong(result, "now holds C=1", "tried and chose C=100", "`best[...] = ...`")
    assert "fix exercise 4 first" not in result.hint


@pytest.mark.parametrize("images, labels, where", [(X_TEST, Y_TEST, "the test part"),
                                                   (X, y, "all images")])
def test_grid_search_an_honest_search_whose_refit_was_refitted_on_test_images_is_named(
        right_search, images, labels, where):
    # The seventh student's #14: the setting was chosen on the training part; only the
    # refit saw the test images afterwards, and the verdict said the search had.
    answer = copy.deepcopy(right_search)
    answer.best_estimator_.fit(images, labels)
    result = verdict("06-grid-search", answer)
    assert_wrong(result, f"`search.best_estimator_` was fitted again on {where}",
                 "chose its setting on the training part", "no `search.best_estimator_.fit")
    assert "the search was fitted on" not in result.message


# ---------------------------------------------------------------- on MNIST


def mnist_part(n=1500, seed=0):
    # The digits drawn the MNIST way, float32 as the course loads MNIST.
    rows = np.random.default_rng(seed).integers(0, len(X), size=n)
    return digits_as_mnist(X[rows]), y[rows]


@functools.cache
def mnist_notebook():
    """A notebook's MNIST images as its loading cell leaves them (2,500 float32 images of
    8-bit values: the digits and their mirror images, drawn the MNIST way), and its split."""
    from coursekit.checks.mnist_images import mnist_pixels

    images = np.vstack([X, X.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64)])[:2500]
    labels = np.concatenate([y, y])[:2500]
    images = mnist_pixels(np.rint(digits_as_mnist(images) * 255).astype(np.uint8), np.float32)
    X_train, X_test, y_train, y_test = stratified_split(images, labels, test_size=1000,
                                                        random_state=0)
    return {"X": images, "y": labels, "X_train": X_train, "y_train": y_train,
            "X_test": X_test, "y_test": y_test}


def test_on_mnist_the_search_s_refit_is_fitted_again_on_the_notebook_s_training_part():
    # The fourteenth student's FP1 and FP2: on MNIST the search of `X, y`, of the test part,
    # of other rows or labels passed, as the judge has no MNIST images; the kernel now
    # sends the notebook's MNIST images, which the judge splits itself, and refits the
    # choice on the training part.
    namespace = mnist_notebook()
    X_mnist, y_mnist = namespace["X_train"], namespace["y_train"]
    X_other, y_other = mnist_part(100, seed=1)
    setting = {"l1_ratio": 0, "C": 0.1}
    sent = checks.nb06.mnist_images(namespace)
    assert sent is not None and sent["images"] == 2500

    def facts(images, labels):
        refit = LogisticRegression(**setting, **SEARCH_SETTINGS).fit(images, labels)
        return {"refit_coef": refit.coef_, "best_params": setting, "mnist_images": sent}

    assert search_fits.judge_search_data(facts(X_mnist, y_mnist)) is None
    for images, labels in ((np.vstack([X_mnist[:-100], X_other]),
                            np.concatenate([y_mnist[:-100], y_other])),
                           (X_mnist, np.roll(y_mnist, 1))):
        assert_wrong(search_fits.judge_search_data(facts(images, labels)),
                     "not what a search of the training part ends at",
                     "search.fit(X_train, y_train)")
    # Without the images (the digits, or nothing sent), the judge says nothing here.
    assert search_fits.judge_search_data({**facts(X_mnist[:1000], y_mnist[:1000]),
                                          "mnist_images": None}) is None


def test_on_mnist_a_training_part_reassigned_the_same_size_is_named():
    # Found beside the twenty-eighth student's FP1 on notebook 07: `X_train` given test
    # rows in place of training rows, the same size, passed on MNIST, where the judge
    # refitted on `X_train` as it then was. It now splits the notebook's `X` itself.
    namespace = dict(mnist_notebook())
    namespace["X_train"] = np.vstack([namespace["X_train"][:-100], namespace["X_test"][:100]])
    namespace["y_train"] = np.concatenate([namespace["y_train"][:-100],
                                           namespace["y_test"][:100]])
    setting = {"l1_ratio": 0, "C": 0.1}
    refit = LogisticRegression(**setting, **SEARCH_SETTINGS).fit(namespace["X_train"],
                                                                 namespace["y_train"])
    facts = {"refit_coef": refit.coef_, "best_params": setting,
             "mnist_images": checks.nb06.mnist_images(namespace)}
    assert_wrong(search_fits.judge_search_data(facts), "not what a search of the training "
                 "part ends at")
    inputs = {name: checks.nb06.fingerprint(namespace[name])
              for name in ("X_train", "y_train")}
    changed = notebook_state.changed_part(inputs, ("X_train", "y_train"),
                                          facts["mnist_images"])
    assert changed is not None and changed[0] == "X_train"


def test_on_mnist_weight_images_compare_with_the_final_model_fitted_again(monkeypatch):
    # The fourteenth student's FP3: on MNIST `weight_images /= ...` through a view changed
    # `best_model`, and `best_model.fit(X, y)` refitted it, and both passed.
    namespace = mnist_notebook()
    X_mnist, y_mnist = namespace["X_train"], namespace["y_train"]
    X_other, y_other = mnist_part(100, seed=1)
    choice = {"l1_ratio": 0, "C": 0.1}
    search = types.SimpleNamespace(best_params_=choice, best_estimator_=None)

    def best_model(images=X_mnist, labels=y_mnist):
        return LogisticRegression(**choice, **FINAL_SETTINGS).fit(images, labels)

    def judged(model, answer):
        monkeypatch.setattr(spec, "user_namespace", lambda: {
            **namespace, "best_model": model, "search": search})
        return verdict("06-weight-images", answer)

    model = best_model()
    result = judged(model, model.coef_.reshape(10, 28, 28).copy())
    assert result.passed and "On MNIST" not in result.message, result
    viewed = best_model()
    images = viewed.coef_.reshape(10, 28, 28)
    images /= np.abs(images).max()
    assert_wrong(judged(viewed, images), "changed after its fit", "a view")
    other = best_model(np.vstack([X_mnist[:-100], X_other]),
                       np.concatenate([y_mnist[:-100], y_other]))
    assert_wrong(judged(other, other.coef_.reshape(10, 28, 28)), "not the final model")
