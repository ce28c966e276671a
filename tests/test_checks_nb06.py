"""The checks of notebook 06 accept a right answer and reject wrong ones with their own hint."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from coursekit import checks
from coursekit.checks.nb06 import MNIST_TEST_SIZE, MNIST_TRAIN_SIZE
from coursekit.data import load_digits, stratified_split
from verdicts import verdict

X, y = load_digits()
X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = stratified_split(X, y, test_size=0.2, random_state=0)
# The notebook's solver settings with a loose tolerance: quick, and good enough to judge.
SETTINGS = {"solver": "saga", "tol": 1e-2, "max_iter": 1000, "random_state": 0}



def test_every_exercise_of_06_is_covered():
    assert {e.id for e in checks.exercises_for("06_logistic_grid_search")} == {
        "06-best-row", "06-scaled-pipeline"}


# ---------------------------------------------------------------- exercise 1

@pytest.mark.parametrize("answer", [
    lambda table, column: table.loc[table[column].idxmax()],
    lambda table, column: table.iloc[table[column].argmax()],
    lambda table, column: table.sort_values(column).iloc[-1],
    lambda table, column: table[table[column] == table[column].max()],
])
def test_best_row_right_answers_pass(answer):
    result = verdict("06-best-row", answer)
    assert result.passed, result


BEST_ROW_WRONG = [
    (lambda table, column: table.loc[table[column].idxmin()], "smallest", "idxmax"),
    (lambda table, column: table.loc[table["test_auc"].idxmax()], "by 'test_auc'", "column"),
    (lambda table, column: table[column].idxmax(), "label", "table.loc"),
    (lambda table, column: table.loc[table[column].argmax()], "`loc`", "position"),
    (lambda table, column: table.iloc[table[column].idxmax()], "`iloc`", "table.loc"),
    (lambda table, column: dict(table.loc[table[column].idxmax()]), "dict", "Series"),
    (lambda table, column: table.iloc[0], "labelled", "idxmax"),
]


@pytest.mark.parametrize("answer, phrase, hint", BEST_ROW_WRONG)
def test_best_row_wrong_answers_fail_with_their_own_hint(answer, phrase, hint):
    result = verdict("06-best-row", answer)
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert hint in result.hint, result


def test_best_row_unanswered_and_forgotten_return():
    assert verdict("06-best-row", ...).status == checks.MISSING

    def unanswered(table, column):
        raise NotImplementedError()

    assert verdict("06-best-row", unanswered).status == checks.MISSING
    result = verdict("06-best-row", lambda table, column: None)
    assert result.status == checks.WRONG and "returned None" in result.message


def test_best_row_cases_have_labels_that_are_not_positions():
    for data, index, column in checks.get("06-best-row").cases(0):
        table = pd.DataFrame(data, index=index)
        assert min(index) >= len(table)
        assert table["train_auc"].idxmax() != table["test_auc"].idxmax()


def test_best_row_cases_travel_as_plain_data():
    exercise = checks.get("06-best-row")
    cases = exercise.cases(1)
    decoded = checks.decode(checks.encode(cases))
    for (data, index, column), (data2, index2, column2) in zip(cases, decoded):
        assert column == column2 and np.array_equal(index, index2)
        assert list(data["penalty"]) == list(data2["penalty"])


# ---------------------------------------------------------------- exercise 2

def logistic(C=31.6):
    return LogisticRegression(C=C, l1_ratio=1, **SETTINGS)


@pytest.fixture(scope="module")
def right_pipeline():
    return make_pipeline(StandardScaler(), logistic()).fit(X_TRAIN, Y_TRAIN)


def test_scaled_pipeline_right_answer_passes(right_pipeline):
    result = verdict("06-scaled-pipeline", right_pipeline)
    assert result.passed, result
    assert "training part only" in result.message and "C=31.6" in result.message


def test_scaled_pipeline_with_named_steps_passes():
    from sklearn.pipeline import Pipeline

    model = Pipeline([("scale", StandardScaler()), ("model", logistic())]).fit(X_TRAIN, Y_TRAIN)
    assert verdict("06-scaled-pipeline", model).passed


def test_the_judge_sees_plain_data_only(right_pipeline):
    exercise = checks.get("06-scaled-pipeline")
    cases = exercise.cases(0)
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, right_pipeline,
                                                                cases)))
    facts = payload["value"]
    assert facts["steps"] == ["StandardScaler", "LogisticRegression"]
    assert isinstance(facts["predictions"], np.ndarray)
    assert checks.judge_safely(exercise, payload, cases).passed


SCALED_WRONG = [
    ("no scaler", lambda: logistic().fit(X_TRAIN, Y_TRAIN), "on its own", "make_pipeline"),
    ("not fitted", lambda: make_pipeline(StandardScaler(), logistic()), "not fitted",
     "scaled_model.fit(X_train, y_train)"),
    ("another scaler", lambda: make_pipeline(MinMaxScaler(), logistic()).fit(X_TRAIN, Y_TRAIN),
     "MinMaxScaler", "StandardScaler()"),
    ("fitted on the test part",
     lambda: make_pipeline(StandardScaler(), logistic()).fit(X_TEST, Y_TEST),
     "fitted on the test part", "training part only"),
    ("fitted on everything", lambda: make_pipeline(StandardScaler(), logistic()).fit(X, y),
     "all images", "training part only"),
    ("images rescaled beforehand",
     lambda: make_pipeline(StandardScaler(), logistic()).fit(
         StandardScaler().fit_transform(X_TRAIN), Y_TRAIN),
     "standardized already", "never rescale the images themselves"),
    ("scaled by statistics of all images",
     lambda: make_pipeline(StandardScaler(), logistic()).fit(
         StandardScaler().fit(X).transform(X_TRAIN), Y_TRAIN),
     "not those of the training images", "raw training part"),
    ("a far too strong penalty",
     lambda: make_pipeline(StandardScaler(), logistic(C=1e-4)).fit(X_TRAIN, Y_TRAIN),
     "classifies only", "search.best_params_"),
    ("model first", lambda: make_pipeline(logistic(), StandardScaler()), "last step",
     "after the scaler"),
    ("a number", lambda: 0.97, "not a pipeline", "make_pipeline"),
]


@pytest.mark.parametrize("name, build, phrase, hint", SCALED_WRONG,
                         ids=[case[0] for case in SCALED_WRONG])
def test_scaled_pipeline_wrong_answers_fail_with_their_own_hint(name, build, phrase, hint):
    result = verdict("06-scaled-pipeline", build())
    assert result.status == checks.WRONG, result
    assert phrase in result.message, result
    assert hint in result.hint, result


def test_scaled_pipeline_unanswered():
    assert verdict("06-scaled-pipeline", ...).status == checks.MISSING


def mnist_like(n):
    # MNIST-sized images (784 pixels) made from the digits, enough to judge the fit's size.
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(X), size=n)
    return np.tile(X[rows], (1, 13))[:, :784] * rng.random((n, 784)), y[rows]


def test_on_mnist_the_judge_checks_the_number_of_training_images():
    X_mnist, y_mnist = mnist_like(MNIST_TRAIN_SIZE)
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, l1_ratio=0, **SETTINGS))
    result = verdict("06-scaled-pipeline", model.fit(X_mnist, y_mnist))
    assert result.passed, result
    X_small, y_small = mnist_like(MNIST_TEST_SIZE)
    result = verdict("06-scaled-pipeline", model.fit(X_small, y_small))
    assert result.status == checks.WRONG and "the test part" in result.message
