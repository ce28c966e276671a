"""The check of notebook 05 accepts right nudges and tells wrong ones apart."""

import copy
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV, SGDClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neural_network import BernoulliRBM
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from coursekit import checks, judging
from coursekit.checks import spec, wire
from coursekit.data import DIRECTIONS
from coursekit.judging import nb05 as nb05_judge
from coursekit.judging.nb05 import (
    LOGISTIC_SETTINGS, RBM_ACCURACY, RBM_ACCURACY_SLACK, RBM_SETTINGS, nudged_split,
    reference_nudge,
)
from nudges import by_slicing
from verdicts import assert_wrong


def verdict(answer):
    return judging.evaluate(judging.get("05-nudge"), answer)


def by_padding(images, direction):
    # Another correct way: pad with a border of zeros, then cut the window out.
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    row, col = {"left": (1, 2), "right": (1, 0), "up": (2, 1), "down": (0, 1)}[direction]
    return padded[:, row:row + 8, col:col + 8]


def with_copies(images, direction):
    # Another correct way: np.roll, then blank the row or column that wrapped around.
    axis, step = {"left": (2, -1), "right": (2, 1), "up": (1, -1), "down": (1, 1)}[direction]
    out = np.roll(images, step, axis=axis)
    edge = {"left": np.s_[:, :, -1], "right": np.s_[:, :, 0], "up": np.s_[:, -1],
            "down": np.s_[:, 0]}[direction]
    out[edge] = 0
    return out


def in_float32(images, direction):
    # Another correct way: float32 keeps every pixel of the course's images closely enough.
    return by_slicing(images, direction).astype(np.float32)


@pytest.mark.parametrize("answer", [by_slicing, by_padding, with_copies, in_float32])
def test_right_answers_pass(answer):
    result = verdict(answer)
    assert result.passed, result


def test_the_exercises_are_registered_for_notebook_05_in_order():
    assert [e.id for e in checks.exercises_for("05_rbm_features")] == [
        "05-nudge", "05-why-chance", "05-rbm-pipeline", "05-own-scale"]
    assert [e.number for e in checks.exercises_for("05_rbm_features")] == [1, 2, 3, 4]


def rolled(images, direction):
    axis, step = {"left": (2, -1), "right": (2, 1), "up": (1, -1), "down": (1, 1)}[direction]
    return np.roll(images, step, axis=axis)


def opposite(images, direction):
    return by_slicing(images, {"left": "right", "right": "left", "up": "down",
                               "down": "up"}[direction])


def rows_for_columns(images, direction):
    return by_slicing(images, {"left": "up", "right": "down", "up": "left",
                               "down": "right"}[direction])


def gap_not_cleared(images, direction):
    out = images.copy()
    fresh = by_slicing(images, direction)
    inner = {"left": np.s_[:, :, :-1], "right": np.s_[:, :, 1:], "up": np.s_[:, :-1],
             "down": np.s_[:, 1:]}[direction]
    out[inner] = fresh[inner]
    return out


def in_place(images, direction):
    images[:] = by_slicing(images, direction)
    return images


def flat(images, direction):
    return by_slicing(images, direction).reshape(len(images), 64)


def only_left(images, direction):
    return by_slicing(images, "left")


WRONG = [
    (rolled, "comes back in on the other side", "`np.roll` wraps around"),
    (lambda images, d: rolled(images, {"left": "right", "right": "left", "up": "down",
                                       "down": "up"}[d]), "opposite direction", "slice"),
    (opposite, "the opposite way", "says where the ink goes"),
    (rows_for_columns, "rows and columns are swapped", "axis 1 indexes rows"),
    (gap_not_cleared, "is not 0", "blank paper"),
    (in_place, "changed the images it was given", "np.zeros_like"),
    (flat, "right pixels but shape (3, 64)", "return the shape you were given"),
    (lambda images, d: images[:, :7], "returned shape (3, 7, 8)", "one shifted 8x8"),
    (lambda images, d: images.copy(), "unchanged", "column j"),
    (lambda images, d: by_slicing(images, d) * 2, "differs from the images moved", "zeros_like"),
    (lambda images, d: "left", "not an array of numbers", "numpy array"),
    (lambda images, d: object(), "returned a value of type object, not an array", "numpy array"),
    (lambda images, d: print(by_slicing(images, d)), "returned None", "forget `return`"),
    # The right shift in the wrong type or container: named as such, not as a wrong shift.
    (lambda images, d: by_slicing(images, d).astype(bool), "returned True and False",
     "no `.astype(bool)`"),
    (lambda images, d: by_slicing(images, d) > 0, "returned True and False", "`> 0`"),
    (lambda images, d: by_slicing(images, d).astype(np.float16), "returned float16 values",
     "convert nothing"),
    (lambda images, d: by_slicing(images, d).astype(int), "returned whole numbers",
     "no `.astype(int)`"),
    (lambda images, d: (by_slicing(images, d),), "returned a tuple holding the right array",
     "no comma after it"),
    (lambda images, d: [by_slicing(images, d)], "returned a list holding the right array",
     "no brackets"),
    (lambda images, d: [by_slicing(images, d)] * 2, "returned shape (2, 3, 8, 8)",
     "one shifted 8x8"),
]


@pytest.mark.parametrize("answer, message, hint", WRONG)
def test_wrong_answers_get_their_own_feedback(answer, message, hint):
    result = verdict(answer)
    assert result.status == checks.WRONG, result
    assert message in result.message
    assert hint in result.hint


def test_a_nudge_right_only_for_left_is_caught_on_another_direction():
    result = verdict(only_left)
    assert result.status == checks.WRONG
    assert "'right'" in result.message and "opposite way" in result.message


def test_unanswered_and_failing_answers():
    def todo(images, direction):
        raise NotImplementedError()

    def broken(images, direction):
        raise KeyError(direction)

    assert verdict(todo).status == checks.MISSING
    assert verdict(...).status == checks.MISSING
    assert verdict(broken).status == checks.ERROR
    assert verdict(np.zeros((3, 8, 8))).status == checks.ERROR  # not a function


def test_the_judge_works_on_data_that_crossed_a_process_boundary():
    exercise = judging.get("05-nudge")
    cases = exercise.cases(seed=3)
    for answer, status in ((by_slicing, checks.CORRECT), (rolled, checks.WRONG)):
        payload = wire.decode(wire.encode(spec.collect_safely(exercise, answer, cases)))
        assert judging.judge_safely(exercise, payload, cases).status == status


def test_a_nudge_into_a_buffer_of_the_digits_size_fails_on_more_images():
    # The twelfth student's: `np.zeros((1797, 8, 8))[:len(images)]` passed on small cases.
    def fixed_buffer(images, direction):
        out = np.zeros((1797, 8, 8))[:len(images)]
        out[:] = by_slicing(images, direction)
        return out

    result = verdict(fixed_buffer)
    assert result.status == checks.ERROR and "(1800, 8, 8)" in result.message, result
    assert verdict(by_slicing).passed


_SHARED = np.zeros((5000, 8, 8))


def test_a_nudge_that_hands_out_one_buffer_every_time_is_named():
    # The twelfth student's: each call overwrote the last result, so the notebook's four
    # nudged copies came out the same, and ✅ was given.
    def shared_buffer(images, direction):
        out = _SHARED[:len(images)]
        out[:] = by_slicing(images, direction)
        return out

    assert_wrong(verdict(shared_buffer), "returned an array that a later call changed",
                 "same memory every time", "np.zeros_like(...)")
    # The same memory handed out, but never changed again, is no slip.
    constant = np.zeros((3, 8, 8))
    exercise = judging.get("05-nudge")
    payload = spec.collect_safely(exercise, lambda images, direction: constant,
                                  exercise.cases(0))
    assert "overwritten" not in payload


def test_cases_put_ink_on_every_border_and_cover_every_direction():
    cases = judging.get("05-nudge").cases(seed=0)
    assert {direction for _, direction in cases} == {"left", "right", "up", "down"}
    for images, _ in cases:
        assert images.shape[1:] == (8, 8) and images.min() > 0


# ---------------------------------------------------------------- exercise 2, a question

@pytest.mark.parametrize("answer", ["b", "B", " b ", "(b)", "b)"])
def test_why_chance_right_letter_passes_with_its_explanation(answer):
    result = judging.evaluate(judging.get("05-why-chance"), answer)
    assert result.passed, result
    assert "below" in result.message


@pytest.mark.parametrize("answer, words", [
    ("a", ("weak penalty", "n_iter_")),
    ("c", ("0 iterations",)),
    ("d", ("0.789",)),
    ("e", ("not one of the options",)),
    (2, ("not a letter", "in quotes")),
])
def test_why_chance_wrong_letters_are_explained(answer, words):
    assert_wrong(judging.evaluate(judging.get("05-why-chance"), answer), *words)


def test_why_chance_unanswered():
    assert judging.evaluate(judging.get("05-why-chance"), ...).status == checks.MISSING


# ---------------------------------------------------------------- exercise 3

X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = nudged_split()


def rbm_pipeline(logistic=None, **rbm_changes):
    rbm = BernoulliRBM(**{**RBM_SETTINGS, **rbm_changes})
    logistic = logistic or LogisticRegression(**LOGISTIC_SETTINGS)
    return Pipeline([("rbm", rbm), ("logistic", logistic)])


@pytest.fixture(scope="module")
def fitted_pipeline():
    return rbm_pipeline().fit(X_TRAIN, Y_TRAIN)


def pipeline_verdict(answer, monkeypatch=None, namespace=None):
    if monkeypatch is not None:
        monkeypatch.setattr(spec, "user_namespace", lambda: namespace)
    return judging.evaluate(judging.get("05-rbm-pipeline"), answer)


def test_rbm_pipeline_the_notebooks_pipeline_passes(fitted_pipeline, monkeypatch):
    namespace = {"rbm": fitted_pipeline[0], "rbm_features": fitted_pipeline}
    result = pipeline_verdict(fitted_pipeline, monkeypatch, namespace)
    assert result.passed, result
    assert f"{RBM_ACCURACY:.3f}" in result.message


def test_rbm_pipeline_make_pipeline_passes_too(fitted_pipeline):
    # The same fitted steps under make_pipeline's names.
    answer = make_pipeline(fitted_pipeline[0], fitted_pipeline[1])
    assert pipeline_verdict(answer).passed


def test_rbm_pipeline_a_new_rbm_next_to_the_notebooks_is_named(fitted_pipeline, monkeypatch):
    namespace = {"rbm": BernoulliRBM(**RBM_SETTINGS), "rbm_features": fitted_pipeline}
    assert_wrong(pipeline_verdict(fitted_pipeline, monkeypatch, namespace),
                 "not the notebook's `rbm`", "`rbm` itself")


def test_rbm_pipeline_a_tol_that_changes_nothing_is_not_blamed_on_set_params():
    # The twenty-third student's MH1: `tol=1e-7` in the constructor ends at the weights of
    # 1e-8, and was told to run the cell again "with no `set_params`", which it had none.
    answer = rbm_pipeline(LogisticRegression(**{**LOGISTIC_SETTINGS, "tol": 1e-7}))
    result = pipeline_verdict(answer.fit(X_TRAIN, Y_TRAIN))
    assert_wrong(result, "happens to change nothing", "`tol=1e-07`", "tol=1e-8)`")
    assert "may stop before" not in result.message


def test_rbm_pipeline_fitted_on_the_test_part_is_caught():
    answer = rbm_pipeline().fit(X_TEST, Y_TEST)
    assert_wrong(pipeline_verdict(answer), "learned other components",
                 "were test images among them", "training part only")


@pytest.mark.parametrize("answer, words", [
    (rbm_pipeline(LogisticRegression(C=100, solver="newton-cg", tol=1)), ("tol=1",
                                                                            "newton-cholesky")),
    (rbm_pipeline(LogisticRegression()), ("C=1.0", "solver='lbfgs'")),
    (rbm_pipeline(n_components=64), ("n_components=64",)),
    (rbm_pipeline(), ("not fitted", "fit(X_train, y_train)")),
    (make_pipeline(StandardScaler(), LogisticRegression(**LOGISTIC_SETTINGS)), ("steps",)),
    (LogisticRegression(**LOGISTIC_SETTINGS), ("not a pipeline",)),
    (Pipeline([("logistic", LogisticRegression(**LOGISTIC_SETTINGS)),
               ("rbm", BernoulliRBM(**RBM_SETTINGS))]), ("steps",)),
    (0.945, ("a float, not a pipeline",)),
])
def test_rbm_pipeline_wrong_builds_are_named(answer, words):
    assert_wrong(pipeline_verdict(answer), *words)


@pytest.mark.parametrize("change, words", [
    ({"class_weight": "balanced"}, ("class_weight='balanced'", "drop `class_weight")),
    ({"fit_intercept": False}, ("fit_intercept=False", "drop `fit_intercept")),
])
def test_rbm_pipeline_another_logistic_setting_is_named(fitted_pipeline, change, words):
    # Both score within the accuracy's slack: only the settings tell them apart.
    logistic = LogisticRegression(**LOGISTIC_SETTINGS, **change).fit(
        fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN)
    assert_wrong(pipeline_verdict(Pipeline([("rbm", fitted_pipeline[0]),
                                            ("logistic", logistic)])), *words)


@pytest.mark.parametrize("change, words", [
    ({"logistic__C": 100}, ("C=100",)),
    ({"logistic__tol": 1}, ("tol=1",)),
    ({"logistic__class_weight": "balanced"}, ("class_weight='balanced'",)),
])
def test_rbm_pipeline_settings_changed_after_a_right_fit_are_named(fitted_pipeline, change,
                                                                     words):
    # The twelfth student's MH3: "use C=6000" without naming the `set_params` behind it.
    answer = copy.deepcopy(fitted_pipeline).set_params(**change)
    result = pipeline_verdict(answer)
    assert_wrong(result, "changed after the pipeline's fit", "set_params", *words)
    # Fitted with that setting from the start, the verdict names the setting alone.
    refitted = copy.deepcopy(answer)
    refitted[-1].fit(fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN)
    assert "changed after" not in pipeline_verdict(refitted).message


def test_rbm_pipeline_a_solver_stopped_early_is_named_as_such(fitted_pipeline):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the ConvergenceWarning is the slip itself
        logistic = LogisticRegression(**LOGISTIC_SETTINGS, max_iter=3).fit(
            fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN)
    result = pipeline_verdict(Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)]))
    assert_wrong(result, "max_iter=3", "before it converges")
    assert "test images" not in result.message


def test_rbm_pipeline_settings_that_change_nothing_pass(fitted_pipeline):
    logistic = LogisticRegression(**LOGISTIC_SETTINGS, max_iter=500, warm_start=True).fit(
        fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN)
    assert pipeline_verdict(Pipeline([("rbm", fitted_pipeline[0]),
                                      ("logistic", logistic)])).passed


def test_rbm_pipeline_an_rbm_trained_further_after_the_fit_is_caught(fitted_pipeline):
    answer = copy.deepcopy(fitted_pipeline)
    answer[0].partial_fit(X_TRAIN[:10])
    assert np.mean(answer.predict(X_TEST) == Y_TEST) > RBM_ACCURACY - RBM_ACCURACY_SLACK
    assert_wrong(pipeline_verdict(answer), "changed after the pipeline's fit",
                 "no `rbm.partial_fit`")


def test_rbm_pipeline_fitted_on_some_training_rows_names_them_too():
    # The eighth student's MH1: only `rbm.partial_fit` was named, for rows left out.
    answer = rbm_pipeline().fit(X_TRAIN[:-10], Y_TRAIN[:-10])
    assert_wrong(pipeline_verdict(answer), "other rows than the training part",
                 "on the whole training part")


def assembled(rbm_images):
    """The RBM fitted on `rbm_images` by hand, the logistic step on its training features."""
    rbm = BernoulliRBM(**RBM_SETTINGS).fit(rbm_images)
    logistic = LogisticRegression(**LOGISTIC_SETTINGS).fit(rbm.transform(X_TRAIN), Y_TRAIN)
    return Pipeline([("rbm", rbm), ("logistic", logistic)])


def test_rbm_pipeline_assembled_from_steps_fitted_on_the_training_part_passes():
    assert pipeline_verdict(assembled(X_TRAIN)).passed


@pytest.mark.parametrize("rbm_images", [
    np.vstack([X_TRAIN, X_TEST]),  # all of X_nudged, in the notebook's order or not
    np.vstack([X_TEST, X_TRAIN]),
    np.vstack([X_TRAIN, X_TRAIN]),
], ids=["train-then-test", "test-then-train", "train-twice-over"])
def test_rbm_pipeline_an_rbm_that_saw_other_images_is_caught(rbm_images):
    # Each scores within the accuracy's slack: only what the RBM learned tells. (An RBM
    # trained on the test part alone scores below it and is named for that.)
    answer = assembled(rbm_images)
    assert abs(np.mean(answer.predict(X_TEST) == Y_TEST) - RBM_ACCURACY) <= RBM_ACCURACY_SLACK
    assert_wrong(pipeline_verdict(answer), "learned other components", "training part only")


def test_rbm_pipeline_an_unfitted_rbm_step_is_named():
    logistic = LogisticRegression(**LOGISTIC_SETTINGS).fit(
        np.random.default_rng(0).random((len(X_TRAIN), 100)), Y_TRAIN)
    answer = Pipeline([("rbm", BernoulliRBM(**RBM_SETTINGS)), ("logistic", logistic)])
    assert_wrong(pipeline_verdict(answer), "its RBM is not", "fit the whole pipeline")


def test_rbm_pipeline_on_shuffled_labels_is_caught():
    labels = np.random.default_rng(0).permutation(Y_TRAIN)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        answer = rbm_pipeline(n_iter=10).fit(X_TRAIN, labels)
    assert_wrong(pipeline_verdict(answer), "other labels", "rbm_features.fit(X_train")


def with_logistic(fitted_pipeline, fit_rows=None, labels=None, **fit_options):
    """The notebook's RBM, its logistic step fitted by hand on ``fit_rows`` of features."""
    rbm = fitted_pipeline[0]
    features, targets = rbm.transform(X_TRAIN), Y_TRAIN if labels is None else labels
    if fit_rows is not None:
        features, targets = fit_rows(features, targets, rbm)
    logistic = LogisticRegression(**LOGISTIC_SETTINGS).fit(features, targets, **fit_options)
    return Pipeline([("rbm", rbm), ("logistic", logistic)])


def plus_test_rows(count):
    def rows(features, targets, rbm):
        return (np.vstack([features, rbm.transform(X_TEST[:count])]),
                np.concatenate([targets, Y_TEST[:count]]))
    return rows


def test_rbm_pipeline_a_logistic_step_fitted_with_test_rows_is_caught(fitted_pipeline):
    # One test row more moves no prediction and leaves the gradient on the training part
    # at its converged size: only the weights, compared with the reference fit, tell.
    for count in (1, 20):
        answer = with_logistic(fitted_pipeline, plus_test_rows(count))
        assert_wrong(pipeline_verdict(answer), "logistic regression was not fitted",
                     "test rows added", "rbm_features.fit(X_train, y_train)")


def _other_labels():
    labels = Y_TRAIN.copy()
    labels[[0, 1]] = (labels[[0, 1]] + 1) % 10
    return labels


@pytest.mark.parametrize("make", [
    lambda p: with_logistic(p, labels=_other_labels()),
    lambda p: with_logistic(p, sample_weight=np.linspace(0.5, 1.5, len(Y_TRAIN))),
    lambda p: with_logistic(p, lambda f, t, _: (f[: len(f) * 9 // 10], t[: len(t) * 9 // 10])),
    lambda p: with_logistic(p, plus_test_rows(40)),
], ids=["two-labels-changed", "sample-weight", "90-percent", "40-test-rows"])
def test_rbm_pipeline_a_logistic_step_fitted_otherwise_is_not_blamed_on_the_rbm(
        fitted_pipeline, make):
    result = pipeline_verdict(make(fitted_pipeline))
    assert_wrong(result, "the RBM is right", "other rows", "labels", "sample_weight")
    assert "changed after the pipeline's fit" not in result.message


def test_rbm_pipeline_settings_changed_after_the_fit_are_named(fitted_pipeline):
    features = fitted_pipeline[0].transform(X_TRAIN)
    stale_c = LogisticRegression(**{**LOGISTIC_SETTINGS, "C": 100}).fit(features, Y_TRAIN)
    stale_c.set_params(C=6000)
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", stale_c)])
    assert_wrong(pipeline_verdict(answer), "a fit with `C=100`", "set_params",
                 "set the settings first")
    stale_solver = LogisticRegression(C=6000, solver="newton-cg").fit(features, Y_TRAIN)
    stale_solver.set_params(solver="newton-cholesky", tol=1e-8)
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", stale_solver)])
    result = pipeline_verdict(answer)
    assert_wrong(result, "the RBM is right", "set_params")
    assert "images or labels" not in result.message.split("rows")[0]


def test_rbm_pipeline_fitted_on_float32_images_is_named():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # newton-cholesky on float32 features warns of them
        answer = rbm_pipeline().fit(X_TRAIN.astype(np.float32), Y_TRAIN)
    assert_wrong(pipeline_verdict(answer), "learned in float32", "without `.astype")


def test_rbm_pipeline_fitted_twice_with_warm_start_is_named(fitted_pipeline):
    features = fitted_pipeline[0].transform(X_TRAIN)
    logistic = LogisticRegression(**LOGISTIC_SETTINGS, warm_start=True).fit(features, Y_TRAIN)
    logistic.fit(features, Y_TRAIN)
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)])
    assert_wrong(pipeline_verdict(answer), "warm_start=True", "a second `fit`", "once")


def test_rbm_pipeline_fitted_on_one_row_fewer_is_not_called_test_images():
    # It scores 0.951, above the pipeline fitted on the whole training part: the RBM's
    # other components show it, and the verdict names fewer rows before test images.
    answer = rbm_pipeline().fit(X_TRAIN[:-1], Y_TRAIN[:-1])
    result = pipeline_verdict(answer)
    assert_wrong(result, "learned other components", "some rows fewer")
    assert "it was fitted on test images" not in result.message


def test_rbm_pipeline_a_smaller_tol_passes_and_a_larger_one_says_why(fitted_pipeline):
    features = fitted_pipeline[0].transform(X_TRAIN)
    strict = LogisticRegression(**{**LOGISTIC_SETTINGS, "tol": 1e-10}).fit(features, Y_TRAIN)
    result = pipeline_verdict(Pipeline([("rbm", fitted_pipeline[0]), ("logistic", strict)]))
    assert result.passed, result
    loose = rbm_pipeline(LogisticRegression(**{**LOGISTIC_SETTINGS, "tol": 1e-6}))
    assert_wrong(pipeline_verdict(loose), "tol=1e-06", "before the minimum", "tol=1e-8")


def test_rbm_pipeline_an_rbm_trained_with_another_n_iter_set_back_is_named():
    # The twelfth student's MH1: the verdict spoke of other images only.
    answer = rbm_pipeline(n_iter=5).fit(X_TRAIN, Y_TRAIN)
    answer[0].set_params(n_iter=10)
    result = pipeline_verdict(answer)
    assert_wrong(result, "learned other components", "set back", "`n_iter`",
                 "rbm = BernoulliRBM(...)")


def test_rbm_pipeline_giving_dataframes_is_named_not_blamed_on_the_learners_code():
    # The thirteenth student's MH6: the check's own arithmetic failed on the DataFrame
    # and the verdict said "your code raised ValueError".
    answer = rbm_pipeline().set_output(transform="pandas").fit(X_TRAIN, Y_TRAIN)
    result = pipeline_verdict(answer)
    assert_wrong(result, "DataFrame", "set_output", "features_train[order]")
    assert "raised" not in result.message


@pytest.mark.parametrize("step", [
    lambda: OneVsRestClassifier(LogisticRegression(**LOGISTIC_SETTINGS)),
    lambda: LogisticRegressionCV(Cs=[6000], solver="newton-cholesky", tol=1e-8, cv=2),
    lambda: SGDClassifier(loss="log_loss", random_state=0),
], ids=["one-vs-rest", "logistic-cv", "sgd"])
def test_rbm_pipeline_another_classifier_is_named_not_blamed_on_the_learners_code(step):
    # The fifteenth student's MH1: the check's own reading of the step failed, and the
    # verdict said "your code raised AttributeError".
    answer = Pipeline([("rbm", BernoulliRBM(**RBM_SETTINGS)), ("logistic", step())])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # LogisticRegressionCV's own deprecations
        answer.fit(X_TRAIN[:300], Y_TRAIN[:300])
    result = pipeline_verdict(answer)
    assert_wrong(result, "the pipeline's steps are", "logistic regression")
    assert "raised" not in result.message


def test_rbm_pipeline_a_uniform_sample_weight_is_named_beside_set_params(fitted_pipeline):
    # The fifteenth student's MH3: a weight of 2 for every image acts as C = 12000.
    logistic = LogisticRegression(**LOGISTIC_SETTINGS).fit(
        fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN, sample_weight=np.full(len(Y_TRAIN), 2.0))
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)])
    assert_wrong(pipeline_verdict(answer), "`C=1.2e+04`", "set_params", "sample_weight")
    # The twenty-fifth student's MH2: every training row twice is the same fit.
    features = fitted_pipeline[0].transform(X_TRAIN)
    logistic = LogisticRegression(**LOGISTIC_SETTINGS).fit(np.vstack([features, features]),
                                                           np.concatenate([Y_TRAIN, Y_TRAIN]))
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)])
    assert_wrong(pipeline_verdict(answer), "`C=1.2e+04`", "every training row repeated")


def test_rbm_pipeline_fitted_with_test_rows_added_names_them():
    # The fifteenth student's MH2: only rows left out and `rbm.partial_fit` were named.
    answer = rbm_pipeline().fit(np.vstack([X_TRAIN, X_TEST[:12]]),
                                np.concatenate([Y_TRAIN, Y_TEST[:12]]))
    assert_wrong(pipeline_verdict(answer), "test rows added")


@pytest.mark.parametrize("max_iter", [12, 13, 50, 99])
def test_rbm_pipeline_a_max_iter_the_solver_never_reaches_passes(max_iter):
    # The seventeenth student's FF1: under 100 was "stops before it converges" (and then
    # "changed with set_params"), though the solver needs 12 iterations.
    answer = rbm_pipeline(LogisticRegression(**LOGISTIC_SETTINGS, max_iter=max_iter))
    result = pipeline_verdict(answer.fit(X_TRAIN, Y_TRAIN))
    assert result.passed, result


def test_rbm_pipeline_iterations_the_working_settings_need_are_those_the_judge_knows():
    features, labels = nb05_judge.reference_features()
    model = LogisticRegression(**LOGISTIC_SETTINGS).fit(features, labels)
    assert model.n_iter_[0] == nb05_judge.LOGISTIC_ITERATIONS


def test_rbm_pipeline_max_iter_cut_after_a_right_fit_is_named_as_set_params(fitted_pipeline):
    answer = copy.deepcopy(fitted_pipeline).set_params(logistic__max_iter=3)
    assert_wrong(pipeline_verdict(answer), "changed after the pipeline's fit", "max_iter=3")


def test_rbm_pipeline_settings_only_liblinear_reads_pass(fitted_pipeline):
    # The seventeenth student's FF2: intercept_scaling only matters to liblinear.
    logistic = LogisticRegression(**LOGISTIC_SETTINGS, intercept_scaling=2).fit(
        fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN)
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)])
    assert pipeline_verdict(answer).passed


def test_rbm_pipeline_a_passthrough_step_is_named_by_its_text(fitted_pipeline):
    # The seventeenth student's MH3: the step was named 'str'.
    answer = Pipeline([("skip", "passthrough"), ("rbm", fitted_pipeline[0]),
                       ("logistic", fitted_pipeline[1])])
    result = pipeline_verdict(answer)
    assert_wrong(result, "'passthrough'")
    assert "'str'" not in result.message


@pytest.mark.parametrize("labels", [lambda y: y + 1, lambda y: y * 2, lambda y: y - 1],
                         ids=["plus-one", "times-two", "minus-one"])
def test_rbm_pipeline_fitted_on_relabelled_digits_fails(fitted_pipeline, labels):
    # The eighteenth student's FP1: "✅ ... accuracy on the test part 0.007". Labels that
    # keep their order keep every weight; only the classes' names differ.
    logistic = LogisticRegression(**LOGISTIC_SETTINGS).fit(
        fitted_pipeline[0].transform(X_TRAIN), labels(Y_TRAIN))
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)])
    assert_wrong(pipeline_verdict(answer), "not the digits", "y_train + 1")


def test_rbm_pipeline_fitted_on_labels_as_text_is_named(fitted_pipeline):
    # The eighteenth student's MH1: the check's own conversion failed and blamed the
    # learner's code.
    logistic = LogisticRegression(**LOGISTIC_SETTINGS).fit(
        fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN.astype(str))
    answer = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)])
    result = pipeline_verdict(answer)
    assert_wrong(result, "predicts text", "astype(str)")
    assert "raised" not in result.message


def test_rbm_pipeline_stored_references_are_those_the_judge_computes():
    # If this fails, scikit-learn's fits changed: run
    # `python -c "from coursekit.judging import nb05; nb05.save_references()"`.
    stored = nb05_judge.stored_references()
    rbm = nb05_judge.reference_rbm()
    computed = {"components": rbm.components_, "intercept_hidden": rbm.intercept_hidden_,
                "intercept_visible": rbm.intercept_visible_,
                "logistic_weights": nb05_judge.reference_logistic_weights()}
    assert sorted(stored) == sorted(computed)
    for name, array in computed.items():
        assert stored[name].shape == array.shape, name
        assert np.abs(stored[name] - array).max() <= 1e-9, name


def test_rbm_pipeline_a_right_fit_is_judged_without_fits_of_the_judges_own(
        fitted_pipeline, monkeypatch):
    def no_fit(*args):
        raise AssertionError("the judge fitted its own reference")
    for name in ("reference_rbm", "reference_logistic_weights"):
        monkeypatch.setattr(nb05_judge, name, no_fit)
    assert pipeline_verdict(fitted_pipeline).passed


def test_rbm_pipeline_stored_references_only_ever_speed_up_a_pass(fitted_pipeline, monkeypatch):
    # Stored references from a machine whose arithmetic ended elsewhere (or no file at
    # all): a right fit is judged on the judge's own references and passes; wrong ones fail.
    logistic = LogisticRegression(**{**LOGISTIC_SETTINGS, "C": 100}).fit(
        fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN)
    stale_c = Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic.set_params(C=6000))])
    shifted_intercept = copy.deepcopy(fitted_pipeline)
    shifted_intercept[0].intercept_hidden_ += 0.1
    elsewhere = {name: array + 1e-3 for name, array in nb05_judge.stored_references().items()}
    for stored in (elsewhere, {}):
        monkeypatch.setattr(nb05_judge, "stored_references", lambda stored=stored: stored)
        assert pipeline_verdict(fitted_pipeline).passed
        assert_wrong(pipeline_verdict(stale_c), "a fit with `C=100`", "set_params")
        assert_wrong(pipeline_verdict(shifted_intercept), "`intercept_hidden_`")


def test_rbm_pipeline_stored_references_are_written_and_a_missing_file_reads_empty(
        monkeypatch, tmp_path):
    monkeypatch.setattr(nb05_judge, "STORED_REFERENCES", tmp_path / "nb05.npz")
    nb05_judge.stored_references.cache_clear()
    try:
        assert nb05_judge.stored_references() == {}
        nb05_judge.save_references(tmp_path / "nb05.npz")
        nb05_judge.stored_references.cache_clear()
        assert np.array_equal(nb05_judge.stored_references()["logistic_weights"],
                              nb05_judge.reference_logistic_weights())
    finally:
        nb05_judge.stored_references.cache_clear()


@pytest.mark.parametrize("logistic", [
    LogisticRegression(**LOGISTIC_SETTINGS, penalty=None),
    # The thirteenth student's MH4: C left at its default was named, not the penalty.
    LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-8),
], ids=["with-C", "C-left-at-its-default"])
def test_rbm_pipeline_penalty_none_says_leave_it_out(logistic):
    result = pipeline_verdict(rbm_pipeline(logistic))
    assert_wrong(result, "penalty=None", "leave it out", "C=6000")
    assert "deprecated" not in result.message


def test_rbm_pipeline_penalty_l2_is_named_deprecated_not_another_model(fitted_pipeline):
    # The eighth student's FF1: the hint said "another model"; it is the same one, in a
    # spelling scikit-learn 1.8 deprecated (it warns when fitted, 1.10 refuses it).
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        logistic = LogisticRegression(**LOGISTIC_SETTINGS, penalty="l2").fit(
            fitted_pipeline[0].transform(X_TRAIN), Y_TRAIN)
    assert any("'penalty' was deprecated" in str(w.message) for w in shown)
    assert np.array_equal(logistic.coef_, fitted_pipeline[1].coef_)
    result = pipeline_verdict(Pipeline([("rbm", fitted_pipeline[0]), ("logistic", logistic)]))
    assert_wrong(result, "penalty='l2'", "the model is the same", "deprecated", "1.10",
                 "drop `penalty=", "l1_ratio")
    assert "another one" not in result.message


# ---------------------------------------------------------------- exercise 4

def own_scale(weights):
    size = np.abs(weights).max(axis=1, keepdims=True)
    return np.where(size > 0, weights / np.where(size > 0, size, 1), 0.0)


def own_scale_in_a_loop(weights):
    out = np.zeros_like(weights)
    for index, row in enumerate(weights):
        if np.abs(row).max() > 0:
            out[index] = row / np.abs(row).max()
    return out


def own_scale_with_a_floor(weights):
    return weights / np.maximum(np.abs(weights).max(axis=1, keepdims=True), 1e-12)


def own_scale_guarded(weights):
    # A guard added to every size, tiny next to the faintest row, moves no tile.
    return weights / (np.abs(weights).max(axis=1, keepdims=True) + 1e-12)


@pytest.mark.parametrize("answer", [own_scale, own_scale_in_a_loop, own_scale_with_a_floor,
                                    own_scale_guarded, lambda w: np.round(own_scale(w), 4)])
def test_own_scale_right_answers_pass(answer):
    result = judging.evaluate(judging.get("05-own-scale"), answer)
    assert result.passed, result


def in_place_scale(weights):
    weights /= np.maximum(np.abs(weights).max(axis=1, keepdims=True), 1e-12)
    return weights


def nan_for_zeros(weights):
    with np.errstate(invalid="ignore"):
        return weights / np.abs(weights).max(axis=1, keepdims=True)


@pytest.mark.parametrize("answer, words", [
    (lambda w: w / np.abs(w).max(), ("same number", "axis=1")),
    (lambda w: own_scale(w) if False else w / np.where(w.max(axis=1, keepdims=True) == 0, 1,
                                                       w.max(axis=1, keepdims=True)),
     ("largest *value*", "np.abs")),
    # The size of each row's smallest weight, guarded (the twenty-fifth student's MH6).
    (lambda w: w / np.where(w.min(axis=1, keepdims=True) == 0, 1,
                            np.abs(w.min(axis=1, keepdims=True))),
     ("smallest weight's size", "the largest *size*")),
    (lambda w: w / np.maximum(np.abs(w).max(axis=0, keepdims=True), 1e-12), ("column",
                                                                               "axis=1")),
    (nan_for_zeros, ("NaN", "row of zeros")),
    (in_place_scale, ("changed the weights", "weights / size")),
    (lambda w: own_scale(w).tolist(), ("list", "numpy array")),
    (lambda w: own_scale(w).reshape(-1, 8, 8), ("expected the shape",)),
    (lambda w: w, ("unchanged", "divide each row")),
])
def test_own_scale_slips_are_named(answer, words):
    assert_wrong(judging.evaluate(judging.get("05-own-scale"), answer), *words)


def _zero_rows_by(test):
    def own_scale(weights):
        size = np.abs(weights).max(axis=1, keepdims=True)
        zero = test(weights)
        out = weights / np.where(size == 0, 1, size)
        out[zero] = weights[zero]
        return out
    return own_scale


@pytest.mark.parametrize("test", [
    lambda w: w.max(axis=1) == 0, lambda w: w[:, 0] == 0, lambda w: w.sum(axis=1) == 0,
], ids=["largest value", "first weight", "sum"])
def test_own_scale_a_row_taken_for_zeros_is_named(test):
    # The twelfth student's: a row with no weight above 0 passed as a row of zeros.
    assert_wrong(judging.evaluate(judging.get("05-own-scale"), _zero_rows_by(test)),
                 "as it was, though its weights are not all 0", "took it for one",
                 "np.abs(weights).max(axis=1) == 0")
    assert judging.evaluate(judging.get("05-own-scale"),
                            _zero_rows_by(lambda w: np.abs(w).max(axis=1) == 0)).passed


def test_own_scale_cases_hold_a_row_of_zeros_and_travel_as_plain_data():
    exercise = judging.get("05-own-scale")
    cases = checks.decode(checks.encode(exercise.cases(0)))
    assert any((np.abs(weights).max(axis=1) == 0).any() for (weights,) in cases)


def stretched_onto_the_scale(weights):
    low, span = weights.min(axis=1, keepdims=True), np.ptp(weights, axis=1, keepdims=True)
    return np.where(span > 0, 2 * (weights - low) / np.where(span > 0, span, 1) - 1, 0)


def floored(floor):
    return lambda w: w / np.maximum(np.abs(w).max(axis=1, keepdims=True), floor)


def sliced(columns, clip=False):
    def own_scale_of_some_pixels(weights):
        size = np.abs(weights[:, columns]).max(axis=1, keepdims=True)
        size[size == 0] = 1
        return np.clip(weights / size, -1, 1) if clip else weights / size
    return own_scale_of_some_pixels


@pytest.mark.parametrize("answer, words", [
    *[(floored(floor), ("reaches only", "floor", "small ones too"))
      for floor in (1, 0.9, 0.5, 0.1)],
    *[(sliced(columns), ("goes past ±1", "some of its pixels", "no slice"))
      for columns in (np.s_[:63], np.s_[1:], np.s_[1:-1], np.s_[4:60], np.s_[:48],
                      np.s_[::2])],
    (sliced(np.s_[:63], clip=True), ("clipped", "some of its pixels", "all of its pixels")),
    (lambda w: w.copy(), ("unchanged",)),
    (lambda w: w / np.maximum(np.linalg.norm(w, axis=1, keepdims=True), 1e-12),
     ("reaches only", "a sum, a norm", "largest *absolute weight*")),
    (lambda w: w / np.maximum(np.abs(w).mean(axis=1, keepdims=True), 1e-12),
     ("goes past ±1", "less than its largest absolute weight")),
    (lambda w: w / (np.abs(w).max(axis=1, keepdims=True) + 1e-4),
     ("reaches only ±0.98", "added 0.0001 to every row's size", "np.maximum(size, 1e-12)")),
    (lambda w: np.divide(w, -w.min(axis=1, keepdims=True), out=np.zeros(w.shape),
                         where=w.min(axis=1, keepdims=True) != 0),
     ("minus its smallest", "one sign only")),
    (stretched_onto_the_scale, ("stretched", "only divide")),
    (lambda w: np.sign(w), ("only the sign",)),
    (lambda w: w / np.abs(w[0]).max(), ("every row by the same number",)),
], ids=[*[f"floor-{f}" for f in (1, 0.9, 0.5, 0.1)],
        *["slice-:63", "slice-1:", "slice-1:-1", "slice-4:60", "slice-:48", "slice-::2"],
        "slice-clipped", "unchanged", "norm", "mean", "guard-1e-4", "minus-min", "min-max",
        "sign", "first-row-for-all"])
def test_own_scale_a_floor_or_a_size_from_some_pixels_is_named(answer, words):
    assert_wrong(judging.evaluate(judging.get("05-own-scale"), answer), *words)


def size_of(w):
    return np.abs(w).max(axis=1, keepdims=True)


def faint_counted_as_zero(w):
    m = size_of(w)
    return np.where(m < 1e-2, 0, w / np.maximum(m, 1e-2))


def faint_left_unscaled(w):
    m = size_of(w).copy()
    m[m < 1e-2] = 1
    return w / m


# The thirteenth and fifteenth students' FP: "small enough to count as zero" at 0.01 to
# 0.02 passed, as the faintest row of the cases was 0.02.
@pytest.mark.parametrize("answer", [
    lambda w: np.divide(w, size_of(w), out=np.zeros(w.shape), where=size_of(w) > 1e-2),
    lambda w: np.divide(w, size_of(w), out=np.zeros(w.shape), where=size_of(w) > 0.015),
    faint_counted_as_zero, faint_left_unscaled,
], ids=["where-over-0.01", "where-over-0.015", "zero-under-0.01", "unscaled-under-0.01"])
def test_own_scale_a_faint_row_taken_for_zeros_is_caught(answer):
    assert judging.evaluate(judging.get("05-own-scale"), answer).status == checks.WRONG


def zeroed_under(threshold):
    return lambda w: np.where(size_of(w) < threshold, 0,
                              w / np.where(size_of(w) == 0, 1, size_of(w)))


def unscaled_under(threshold):
    return lambda w: w / np.where(size_of(w) < threshold, 1, size_of(w))


# The twenty-first student's FP1 and FP2: thresholds under the faintest row of the cases
# (then 0.005) passed. Faint rows of 2.7e-3, 2.7e-4 and 2.7e-5 catch them down to 3e-5.
@pytest.mark.parametrize("answer, words", [
    (zeroed_under(4e-3), ("set row 0 to zeros", "not all 0", "no threshold")),
    (zeroed_under(1e-3), ("set row 1 to zeros", "0.0003")),
    (zeroed_under(1e-4), ("set row 2 to zeros", "3e-05")),
    (unscaled_under(1e-3), ("left row 1 as it was", "0.0003")),
    (floored(1e-3), ("divided row 1 by 0.001", "floor")),
], ids=["zeros-under-4e-3", "zeros-under-1e-3", "zeros-under-1e-4", "unscaled-under-1e-3",
        "floor-1e-3"])
def test_own_scale_a_threshold_under_the_old_faintest_row_is_named(answer, words):
    assert_wrong(judging.evaluate(judging.get("05-own-scale"), answer), *words)


# Guards, floors and thresholds far under the faintest row are right answers.
@pytest.mark.parametrize("answer", [
    lambda w: w / (size_of(w) + 1e-12), lambda w: w / (size_of(w) + np.finfo(float).eps),
    floored(1e-6), zeroed_under(1e-6), zeroed_under(1e-5),
    lambda w: np.where(np.isclose(size_of(w), 0), 0,
                       w / np.where(np.isclose(size_of(w), 0), 1, size_of(w))),
], ids=["guard-1e-12", "guard-eps", "floor-1e-6", "zeros-under-1e-6", "zeros-under-1e-5",
        "isclose"])
def test_own_scale_tiny_guards_and_thresholds_pass(answer):
    result = judging.evaluate(judging.get("05-own-scale"), answer)
    assert result.passed, result


# The twenty-third student's FP1: `+ 1e-6` passed (a guard was let through up to 1e-6),
# though a row of 2.7e-5 then reaches only ±0.964 and the text asks for ±1.
@pytest.mark.parametrize("guard, reach", [(1e-6, "±0.9643"), (1e-8, "±0.9996")])
def test_own_scale_a_guard_that_keeps_a_faint_row_off_one_is_named(guard, reach):
    assert_wrong(judging.evaluate(judging.get("05-own-scale"),
                                  lambda w: w / (size_of(w) + guard)),
                 f"added {guard:.3g} to every row's size", reach, "np.maximum(size, 1e-12)")


def test_own_scale_stored_back_into_the_rbm_is_named(fitted_pipeline, monkeypatch):
    # The twenty-first student's FP3: a right own_scale, its result then assigned to
    # `rbm.components_` in the same cell, passed; exercise 3 and the twin RBM's cell failed.
    rbm = copy.deepcopy(fitted_pipeline[0])
    monkeypatch.setattr(spec, "user_namespace", lambda: {"rbm": rbm})
    assert judging.evaluate(judging.get("05-own-scale"), own_scale).passed
    rbm.components_ = own_scale(rbm.components_)
    assert_wrong(judging.evaluate(judging.get("05-own-scale"), own_scale),
                 "rescaled components", "`rbm.components_`", "tiles = own_scale")
    # Exercise 3 names it too (MH1: "trained on other images").
    pipeline = Pipeline([("rbm", rbm), ("logistic", fitted_pipeline[1])])
    result = pipeline_verdict(pipeline, monkeypatch, {"rbm": rbm, "rbm_features": pipeline})
    assert_wrong(result, "rescaled after the fit", "tiles = own_scale")
    assert "other images" not in result.message


def first_ten_rows_only(w):
    out = w.copy()
    out[:10] = w[:10] / np.maximum(size_of(w[:10]), 1e-12)
    return out


def weights_themselves_when_nothing_to_divide(w):
    m = size_of(w)
    if not m.any():
        return w
    return np.divide(w, m, out=np.zeros_like(w), where=m > 0)


# The seventeenth student's FP1, FP2 and MH2.
@pytest.mark.parametrize("answer, words", [
    (first_ten_rows_only, ("only the first 10 rows", "the other 90", "every row")),
    (weights_themselves_when_nothing_to_divide, ("not a new array", "components_")),
    (lambda w: w[:] if not size_of(w).any() else w / np.maximum(size_of(w), 1e-12),
     ("not a new array",)),
    (lambda w: w * size_of(w), ("multiplied", "divide")),
], ids=["first-ten-rows", "itself", "a-view", "multiplied"])
def test_own_scale_answers_right_on_small_cases_only_are_caught(answer, words):
    assert_wrong(judging.evaluate(judging.get("05-own-scale"), answer), *words)


@pytest.mark.parametrize("guard", [1e-10, 1e-12, 1e-15])
def test_own_scale_a_tiny_guard_added_to_the_size_passes(guard):
    result = judging.evaluate(judging.get("05-own-scale"), lambda w: w / (size_of(w) + guard))
    assert result.passed, result


@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_own_scale_cases_hold_small_rows_and_peaks_in_the_first_and_last_pixel(seed):
    (weights,) = judging.get("05-own-scale").cases(seed)[3]  # the peaked rows
    sizes, peaks = np.abs(weights).max(axis=1), np.argmax(np.abs(weights), axis=1)
    assert (sizes < 0.1).any() and (sizes < 1).sum() >= len(sizes) // 2 and (sizes > 1).any()
    assert {0, 63} <= set(peaks.tolist())


# ---------------------------------------------------------------- the reference itself

_ALL = slice(None)


@pytest.mark.parametrize("direction, source, target, vacated", [
    ("left", (_ALL, _ALL, slice(1, None)), (_ALL, _ALL, slice(None, -1)), (_ALL, _ALL, -1)),
    ("right", (_ALL, _ALL, slice(None, -1)), (_ALL, _ALL, slice(1, None)), (_ALL, _ALL, 0)),
    ("up", (_ALL, slice(1, None), _ALL), (_ALL, slice(None, -1), _ALL), (_ALL, -1, _ALL)),
    ("down", (_ALL, slice(None, -1), _ALL), (_ALL, slice(1, None), _ALL), (_ALL, 0, _ALL)),
])
def test_the_reference_moves_ink_one_pixel_and_fills_with_zero(direction, source, target,
                                                                 vacated):
    images = np.random.default_rng(0).random((5, 8, 8))
    before = images.copy()
    shifted = reference_nudge(images, direction)
    assert shifted.shape == images.shape
    np.testing.assert_array_equal(shifted[target], images[source])
    np.testing.assert_array_equal(shifted[vacated], 0)
    np.testing.assert_array_equal(images, before)
    assert reference_nudge(np.zeros((2, 28, 28)), direction).shape == (2, 28, 28)


def test_the_reference_passes_its_own_check_and_names_unknown_directions():
    assert verdict(reference_nudge).passed
    with pytest.raises(ValueError, match="direction must be one of"):
        reference_nudge(np.zeros((1, 8, 8)), "north")


@pytest.mark.parametrize("name, change", [("hidden", 1.0), ("hidden", 0.01), ("visible", 1.0)])
def test_rbm_pipeline_an_intercept_changed_after_the_fit_is_named(fitted_pipeline, name,
                                                                   change):
    # The eighth student's: the components are right, the features are not.
    answer = copy.deepcopy(fitted_pipeline)
    setattr(answer[0], f"intercept_{name}_", getattr(answer[0], f"intercept_{name}_") + change)
    assert_wrong(pipeline_verdict(answer), f"`intercept_{name}_`", "changed after the fit",
                 "leave the fitted RBM")


def test_rbm_pipeline_refitting_the_notebooks_raw_pixels_model_is_named(fitted_pipeline,
                                                                         monkeypatch):
    # The tenth student's FP1: `raw_pixels.set_params(C=6000)` as the logistic step passed,
    # and the cell below, `raw_pixels.predict(X_test)` on 64 pixels, then failed.
    raw_pixels = LogisticRegression(C=100, solver="newton-cholesky", tol=1e-8).fit(X_TRAIN,
                                                                                   Y_TRAIN)
    answer = Pipeline([("rbm", fitted_pipeline[0]),
                       ("logistic", raw_pixels.set_params(C=6000))]).fit(X_TRAIN, Y_TRAIN)
    namespace = {"rbm": answer[0], "raw_pixels": raw_pixels, "logistic": raw_pixels,
                 "rbm_features": answer}
    assert_wrong(pipeline_verdict(answer, monkeypatch, namespace),
                 "the notebook's `raw_pixels`", "classification_report(y_test, "
                 "raw_pixels.predict(X_test))", "a new model", "again")
    # A new logistic step beside the notebook's models passes; so does reusing
    # `published`, which no cell below reads.
    fresh = rbm_pipeline().fit(X_TRAIN, Y_TRAIN)
    published = LogisticRegression(C=100, solver="newton-cg", tol=1)
    namespace = {"rbm": fresh[0], "raw_pixels": raw_pixels, "rbm_features": fresh}
    assert pipeline_verdict(fresh, monkeypatch, namespace).passed
    reused = Pipeline([("rbm", fresh[0]), ("logistic", published.set_params(
        C=6000, solver="newton-cholesky", tol=1e-8))]).fit(X_TRAIN, Y_TRAIN)
    namespace = {"rbm": reused[0], "published": published, "raw_pixels": raw_pixels,
                 "rbm_features": reused}
    assert pipeline_verdict(reused, monkeypatch, namespace).passed


@pytest.mark.parametrize("batch_size", [5, 20])
def test_rbm_pipeline_another_rbm_batch_size_is_named_a_setting(batch_size):
    # The tenth student's MH1: batch_size was not among the settings compared, so the
    # verdict sent the student hunting for a data leak.
    answer = rbm_pipeline(batch_size=batch_size).fit(X_TRAIN, Y_TRAIN)
    result = pipeline_verdict(answer)
    assert_wrong(result, f"batch_size={batch_size}", "settings differ", "batches of 10")
    assert "other images" not in result.message
    # The default spelled out is the same RBM.
    assert pipeline_verdict(rbm_pipeline(batch_size=10).fit(X_TRAIN, Y_TRAIN)).passed
