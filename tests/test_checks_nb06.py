"""The checks of notebook 06 accept a right answer and reject wrong ones with their own hint."""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from coursekit import checks, judging
from coursekit.checks import spec
from coursekit.judging.nb06 import (
    DIGITS_CHOICE, FINAL_SETTINGS, MNIST_TEST_SIZE, MNIST_TRAIN_SIZE, SEARCH_SETTINGS,
    digits_as_mnist,
)
from coursekit.data import load_digits, stratified_split
from verdicts import assert_wrong, verdict

X, y = load_digits()
X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = stratified_split(X, y, test_size=0.2, random_state=0)



def test_every_exercise_of_06_is_covered_in_order():
    assert [e.id for e in checks.exercises_for("06_logistic_grid_search")] == [
        "06-grid-table", "06-under-over", "06-best-row", "06-grid-search",
        "06-refit-matches", "06-weight-images", "06-scaled-pipeline"]
    assert [e.number for e in checks.exercises_for("06_logistic_grid_search")] == [
        1, 2, 3, 4, 5, 6, 7]


# ---------------------------------------------------------------- exercise 1

@pytest.mark.parametrize("answer", [
    lambda table, column: table.loc[table[column].idxmax()],
    lambda table, column: table.iloc[table[column].argmax()],
    lambda table, column: table.sort_values(column, ascending=False).iloc[0],
    lambda table, column: table.nlargest(1, column).iloc[0],
    lambda table, column: table.iloc[np.argmax(table[column])],
    # Where two rows share the largest value, either is the row asked for.
    lambda table, column: table.loc[table[column][::-1].idxmax()],
    lambda table, column: table.nlargest(1, column, keep="last").iloc[0],
    lambda table, column: table.sort_values(column, na_position="first").iloc[-1],
    lambda table, column: max((row for _, row in table.dropna(subset=[column]).iterrows()),
                              key=lambda row: row[column]),
])
def test_best_row_right_answers_pass(answer):
    result = verdict("06-best-row", answer)
    assert result.passed, result


def best_by_loop(table, column, first=0, stop=0, margin=0.0):
    # A learner's loop over positions; `first`, `stop` and `margin` are its slips.
    best = None
    for position in range(first, len(table) - stop):
        value = table[column].iloc[position]
        if not np.isnan(value) and (best is None or value > table[column].iloc[best] + margin):
            best = position
    return table.iloc[best]


def test_best_row_a_loop_over_every_row_passes():
    assert verdict("06-best-row", best_by_loop).passed


# The fifth student's false passes and their siblings: each now meets a case of its own.
BEST_ROW_SLIPS = [
    ("rounded", lambda t, c: t.loc[t[c].round(3).idxmax()], "rounded", "exactly"),
    ("rounded to 8 decimals", lambda t, c: t.loc[t[c].round(8).idxmax()], "rounded", "exactly"),
    ("first close row", lambda t, c: t[np.isclose(t[c], t[c].max())].iloc[0], "tolerance",
     "exactly"),
    ("close with atol", lambda t, c: t[np.isclose(t[c], t[c].max(), atol=1e-4)].iloc[0],
     "tolerance", "idxmax"),
    ("a loop with a margin", lambda t, c: best_by_loop(t, c, margin=1e-3), "tolerance",
     "exactly"),
    ("float32", lambda t, c: t.loc[t[c].astype(np.float32).idxmax()], "rounded", "exactly"),
    ("last row skipped", lambda t, c: t.head(len(t) - 1).loc[t.head(len(t) - 1)[c].idxmax()],
     "last row", "every row"),
    ("a loop that stops early", lambda t, c: best_by_loop(t, c, stop=1), "last row",
     "every row"),
    ("first row skipped", lambda t, c: t.iloc[1:].loc[t.iloc[1:][c].idxmax()], "first row",
     "every row"),
    ("a loop from 1", lambda t, c: best_by_loop(t, c, first=1), "first row", "every row"),
    ("a table of the tied rows", lambda t, c: t[t[c] == t[c].max()].squeeze(),
     "DataFrame of 2 rows", "idxmax"),
    ("max over the rows", lambda t, c: max((row for _, row in t.iterrows()),
                                           key=lambda row: row[c]), "is NaN", "max(..., key"),
    ("absolute values", lambda t, c: t.loc[t[c].abs().idxmax()], "absolute", "without `abs`"),
    ("NaN made 0", lambda t, c: t.loc[t[c].fillna(0).idxmax()], "is NaN", "fillna(0)"),
    ("compared as text", lambda t, c: t.loc[t[c].astype(str).idxmax()], "as text",
     "as numbers"),
    # The ninth student's FP2 and FP3: every row with a NaN dropped, NaN made -1.
    ("every row with a NaN dropped", lambda t, c: t.dropna().loc[t.dropna()[c].idxmax()],
     "`dropna()` without `subset`", "subset=[column]"),
    ("a copy's rows with a NaN dropped", lambda t, c: _dropna_on_a_copy(t, c),
     "`dropna()` without `subset`", "subset=[column]"),
    ("NaN made -1", lambda t, c: t.loc[t[c].fillna(-1).idxmax()], "is NaN", "fillna(-1)"),
]


def _dropna_on_a_copy(table, column):
    table = table.copy()
    table.dropna(inplace=True)
    return table.loc[table[column].idxmax()]


def test_best_row_right_answers_that_drop_only_missing_scores_pass():
    # The text: a missing score is skipped; a missing *other* score keeps the row.
    for answer in (lambda t, c: t.dropna(subset=[c]).loc[t.dropna(subset=[c])[c].idxmax()],
                   lambda t, c: t.loc[t[c].fillna(-np.inf).idxmax()]):
        result = verdict("06-best-row", answer)
        assert result.passed, result


@pytest.mark.parametrize("name, answer, phrase, hint", BEST_ROW_SLIPS,
                         ids=[slip[0] for slip in BEST_ROW_SLIPS])
def test_best_row_slips_meet_a_case_that_names_them(name, answer, phrase, hint):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy on NaN, in the slips only
        assert_wrong(verdict("06-best-row", answer), phrase, hint)


def _with_best_value(table, column, value):
    row = table.loc[table[column].idxmax()].copy()
    row[column] = value
    return row


# The seventh student's: the right row, but not as the table holds it. The notebook's
# next cell prints its penalty, C and score.
BEST_ROW_CHANGED = [
    (lambda t, c: _with_best_value(t, c, 1.0), "another", "unchanged"),
    (lambda t, c: t.loc[t[c].idxmax()].astype(str), "as text", "astype(str)"),
    (lambda t, c: t.loc[t[c].idxmax()].drop(t.columns[0]), "without its 'penalty' field",
     "every column"),
    (lambda t, c: t.round(4).loc[t[c].idxmax()], "rounded", "unchanged"),
    # The seventh student's #11: a field added was blamed on `table.max()`.
    (lambda t, c: pd.concat([t.loc[t[c].idxmax()], pd.Series({"note": "best"})]),
     "extra field(s) ['note'], and without its label", "nothing added"),
    (lambda t, c: pd.concat([t.loc[t[c].idxmax()], pd.Series({"note": "best"})]).rename(
        t[c].idxmax()), "extra field(s) ['note']", "nothing more"),
    (lambda t, c: t.loc[t[c].idxmax()].rename(None), "without its label", "renaming"),
    (lambda t, c: t.loc[t[c].idxmax(), [c]], "without its 'penalty'", "every column"),
]


@pytest.mark.parametrize("answer, phrase, hint", BEST_ROW_CHANGED)
def test_best_row_a_row_not_as_the_table_holds_it_is_named(answer, phrase, hint):
    assert_wrong(verdict("06-best-row", answer), phrase, hint)


@pytest.mark.parametrize("answer", [
    lambda t, c: t.loc[t[c].idxmax()][::-1],
    lambda t, c: t.loc[t[c].idxmax(), sorted(t.columns)],
])
def test_best_row_the_row_with_its_fields_in_another_order_passes(answer):
    # The next cell reads the row's fields by name: their order changes nothing.
    result = verdict("06-best-row", answer)
    assert result.passed, result


def dropped_in_place(table, column):
    table.dropna(subset=[column], inplace=True)
    return table.loc[table[column].idxmax()]


def filled_in_place(table, column):
    table[column] = table[column].fillna(-np.inf)
    return table.loc[table[column].idxmax()]


def column_added(table, column):
    table["rank"] = table[column].rank()
    return table.loc[table[column].idxmax()].drop("rank")


@pytest.mark.parametrize("answer, words", [
    # The seventh student's #12: both were called sorting.
    (dropped_in_place, ("rows dropped", "dropna(")),
    (filled_in_place, ("values in it filled or assigned", "`table[column] = ...`")),
    (column_added, ("a column added",)),
])
def test_best_row_a_table_changed_in_place_is_named_by_what_changed(answer, words):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas 3.1 deprecates inplace: a notebook only warns
        result = verdict("06-best-row", answer)
    assert_wrong(result, "changed the table it was given", *words)
    assert "sorted" not in result.message


def test_best_row_cases_put_the_best_first_last_tied_and_near_tied():
    cases = judging.get("06-best-row").cases(7)
    positions = [int(np.nanargmax(data[column])) for data, _, column in cases]
    sizes = [len(index) for _, index, _ in cases]
    assert 0 in positions and any(p == n - 1 for p, n in zip(positions, sizes))
    columns = [np.asarray(data[column], dtype=float) for data, _, column in cases]
    assert any(np.sum(values == np.nanmax(values)) == 2 for values in columns)
    assert any(np.isnan(values[0]) for values in columns)
    assert any(np.nanmax(values) < 0 for values in columns)
    assert any(np.nanmax(values) >= 100 for values in columns)
    assert any(0 < np.nanmax(values) - np.sort(values[~np.isnan(values)])[-2] < 1e-9
               for values in columns)


BEST_ROW_WRONG = [
    (lambda table, column: table.loc[table[column].idxmin()], "smallest", "idxmax"),
    (lambda table, column: table.loc[table["test_auc"].idxmax()], "by 'test_auc'", "column"),
    (lambda table, column: table[column].idxmax(), "label", "table.loc"),
    (lambda table, column: table.loc[table[column].argmax()], "`loc`", "position"),
    (lambda table, column: table.iloc[table[column].idxmax()], "`iloc`", "table.loc"),
    (lambda table, column: dict(table.loc[table[column].idxmax()]), "dict", "Series"),
    (lambda table, column: table.iloc[0], "labelled", "idxmax"),
    (lambda table, column: table[column].max(), "the number", "row itself"),
    (lambda table, column: table.to_numpy()[table[column].argmax()], "ndarray", "Series"),
    # A column with NaN, a score that could not be computed: sorting puts it last, and
    # numpy's argmax stops at it; `idxmax` skips it.
    (lambda table, column: table.sort_values(column).iloc[-1], "is NaN", "idxmax"),
    (lambda table, column: table.sort_values(column).tail(1).squeeze(), "is NaN", "idxmax"),
    (lambda table, column: table.sort_values(column, ascending=False, na_position="first")
     .iloc[0], "is NaN", "idxmax"),
    (lambda table, column: table.iloc[table[column].to_numpy().argmax()], "is NaN",
     "np.argmax"),
]


# A one-row table looks like the row when printed, but `row['C']` is then a column:
# the notebook's next cell fails on formatting it.
BEST_ROW_TABLES = [
    lambda table, column: table[table[column] == table[column].max()],
    lambda table, column: table.loc[[table[column].idxmax()]],
    lambda table, column: table.iloc[[table[column].argmax()]],
    lambda table, column: table.nlargest(1, column),
    lambda table, column: table.sort_values(column, ascending=False).head(1),
]


@pytest.mark.parametrize("answer", BEST_ROW_TABLES)
def test_best_row_a_table_of_one_row_is_not_the_row(answer):
    result = verdict("06-best-row", answer)
    assert result.status == checks.WRONG, result
    assert "DataFrame of 1 row(s)" in result.message and "table.loc[label]" in result.hint
    table = pd.DataFrame({"C": [0.1, 1.0], "test_auc": [0.9, 0.95]})
    with pytest.raises(TypeError):  # what the notebook's next cell would meet
        format(answer(table, "test_auc")["C"], ".3g")


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
    for data, index, column in judging.get("06-best-row").cases(0):
        table = pd.DataFrame(data, index=index)
        assert min(index) >= len(table)
        assert table["train_auc"].idxmax() != table["test_auc"].idxmax()


def test_best_row_cases_travel_as_plain_data():
    exercise = judging.get("06-best-row")
    cases = exercise.cases(1)
    decoded = checks.decode(checks.encode(cases))
    for (data, index, column), (data2, index2, column2) in zip(cases, decoded):
        assert column == column2 and np.array_equal(index, index2)
        assert list(data["penalty"]) == list(data2["penalty"])


# ---------------------------------------------------------------- exercise 2

def logistic(**changes):
    # The notebook's final model: the setting its search chooses, the final solver settings.
    return LogisticRegression(**{**DIGITS_CHOICE, **FINAL_SETTINGS, **changes})


def scaled(**changes):
    return make_pipeline(StandardScaler(), logistic(**changes))


def quick_fit(model, X_fit, y_fit):
    # Fitted with the search's loose tolerance to keep the tests quick, then given back
    # its own: the judge reads the settings and judges the fit on data.
    tol = model[-1].tol
    model[-1].set_params(tol=SEARCH_SETTINGS["tol"])
    model.fit(X_fit, y_fit)
    return model.set_params(**{f"{model.steps[-1][0]}__tol": tol})


@pytest.fixture(scope="module")
def right_pipeline():
    # The right answer is fitted with the final settings themselves: the judge refits the
    # model step on the standardized training part and compares the weights.
    return scaled().fit(X_TRAIN, Y_TRAIN)


def test_scaled_pipeline_right_answer_passes(right_pipeline):
    result = verdict("06-scaled-pipeline", right_pipeline)
    assert result.passed, result
    assert "training part only" in result.message and "C=100" in result.message


def test_scaled_pipeline_with_named_steps_passes():
    from sklearn.pipeline import Pipeline

    model = Pipeline([("scale", StandardScaler()), ("model", logistic())]).fit(X_TRAIN, Y_TRAIN)
    assert verdict("06-scaled-pipeline", model).passed


def test_the_judge_sees_plain_data_only(right_pipeline):
    exercise = judging.get("06-scaled-pipeline")
    cases = exercise.cases(0)
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, right_pipeline,
                                                                cases)))
    facts = payload["value"]
    assert facts["steps"] == ["StandardScaler", "LogisticRegression"]
    assert isinstance(facts["predictions"], np.ndarray)
    assert judging.judge_safely(exercise, payload, cases).passed


def quietly(fit, *args):
    # lbfgs stops at its default 100 iterations here, with a ConvergenceWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit(*args)


def shuffled_labels():
    return np.random.default_rng(0).permutation(Y_TRAIN)


SCALED_WRONG = [
    ("no scaler", lambda: logistic().fit(X_TRAIN, Y_TRAIN), "on its own", "make_pipeline"),
    # The seventh student's #17: it said "your code raised", though the cell ran.
    ("labels as text", lambda: quick_fit(scaled(), X_TRAIN, Y_TRAIN.astype(str)),
     "labels that are not numbers", "the labels as they are"),
    ("not fitted", lambda: scaled(), "not fitted", "scaled_model.fit(X_train, y_train)"),
    ("another scaler",
     lambda: quick_fit(make_pipeline(MinMaxScaler(), logistic()), X_TRAIN, Y_TRAIN),
     "MinMaxScaler", "StandardScaler()"),
    ("fitted on the test part", lambda: quick_fit(scaled(), X_TEST, Y_TEST),
     "fitted on the test part", "training part only"),
    ("fitted on everything", lambda: quick_fit(scaled(), X, y), "all images",
     "training part only"),
    ("images rescaled beforehand",
     lambda: quick_fit(scaled(), StandardScaler().fit_transform(X_TRAIN), Y_TRAIN),
     "standardized already", "never rescale the images themselves"),
    ("scaled by statistics of all images",
     lambda: quick_fit(scaled(), StandardScaler().fit(X).transform(X_TRAIN), Y_TRAIN),
     "not those of the training images", "raw training part"),
    ("default settings",
     lambda: make_pipeline(StandardScaler(), LogisticRegression()).fit(X_TRAIN, Y_TRAIN),
     "default settings", "**FINAL_SETTINGS"),
    ("the search's settings", lambda: quick_fit(scaled(**SEARCH_SETTINGS), X_TRAIN, Y_TRAIN),
     "loose tolerance", "**FINAL_SETTINGS"),
    ("the chosen C only",
     lambda: quietly(make_pipeline(StandardScaler(), LogisticRegression(C=100)).fit,
                     X_TRAIN, Y_TRAIN), "solver='lbfgs'", "**FINAL_SETTINGS"),
    ("no seed", lambda: quick_fit(scaled(random_state=None), X_TRAIN, Y_TRAIN),
     "random_state=None", "**FINAL_SETTINGS"),
    ("a setting the search did not choose",
     lambda: quick_fit(scaled(C=1.0), X_TRAIN, Y_TRAIN), "not the setting the search chose",
     "search.best_params_"),
    ("the other penalty", lambda: quick_fit(scaled(l1_ratio=0.0), X_TRAIN, Y_TRAIN),
     "l1_ratio=0", "search.best_params_"),
    ("labels that do not go with the images",
     lambda: quick_fit(scaled(tol=1e-3), X_TRAIN, shuffled_labels()), "classifies only",
     "their own labels"),
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


def test_scaled_pipeline_a_solver_stopped_early_is_named():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's ConvergenceWarning is the slip itself
        model = scaled(max_iter=50).fit(X_TRAIN, Y_TRAIN)
    assert_wrong(verdict("06-scaled-pipeline", model), "max_iter=50", "before it converges",
                 "**FINAL_SETTINGS")


@pytest.mark.parametrize("change, words", [
    ({"class_weight": "balanced"}, ("class_weight='balanced'", "drop `class_weight")),
    ({"fit_intercept": False}, ("fit_intercept=False", "drop `fit_intercept")),
])
def test_scaled_pipeline_another_setting_is_named(change, words):
    assert_wrong(verdict("06-scaled-pipeline", quick_fit(scaled(**change), X_TRAIN, Y_TRAIN)),
                 *words)


def test_scaled_pipeline_more_passes_than_needed_still_pass():
    assert verdict("06-scaled-pipeline", scaled(max_iter=5000).fit(X_TRAIN, Y_TRAIN)).passed


def test_scaled_pipeline_unanswered():
    assert verdict("06-scaled-pipeline", ...).status == checks.MISSING


# ---------------------------------------------------------------- exercise 2 on MNIST

def mnist_like(n, seed=0):
    # The digits drawn the MNIST way (784 pixels): a model of them reads the judge's
    # MNIST-like test digits as a model of real MNIST would.
    rows = np.random.default_rng(seed).integers(0, len(X), size=n)
    return digits_as_mnist(X[rows]), y[rows]


def mnist_fit(X_mnist, y_mnist, **changes):
    # Fitted with the search's loose tolerance to keep the test quick, then given the
    # final one: the judge reads the settings, and judges the fit on data.
    model = scaled(**{"l1_ratio": 0.0, "C": 0.1, **SEARCH_SETTINGS}).fit(X_mnist, y_mnist)
    model[-1].set_params(**{**FINAL_SETTINGS, **changes})
    return model


@pytest.fixture(scope="module")
def mnist_model():
    return mnist_fit(*mnist_like(MNIST_TRAIN_SIZE))


def test_digits_as_mnist_are_drawn_like_mnist():
    images = digits_as_mnist(X[:20])
    assert images.shape == (20, 784) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    from scipy.ndimage import center_of_mass

    for frame in images.reshape(-1, 28, 28):  # centred on their mass, as MNIST's digits
        assert np.allclose(center_of_mass(frame), (14, 14), atol=0.5)
        assert 0.05 < np.mean(frame > 0.1) < 0.5


def test_on_mnist_a_model_of_mnist_digits_with_a_setting_of_the_grid_passes(mnist_model):
    result = verdict("06-scaled-pipeline", mnist_model)
    assert result.passed, result
    # The fourteenth student's MH3: "reads 60 % of digits" read as the model's accuracy;
    # and a pass on MNIST says what the check could not see there.
    assert "not its accuracy on MNIST" in result.message
    assert "compared the scaler's means with `X_train`'s pixels" in result.message


def test_on_mnist_the_judge_checks_the_number_of_training_images():
    # A count of 1,000 is the test part's and that of a slice of the training part alike
    # (the fourteenth student's MH1: "fitted on the test part" for `X_train[:1000]`).
    result = verdict("06-scaled-pipeline", mnist_fit(*mnist_like(MNIST_TEST_SIZE)))
    assert_wrong(result, "1,000 images", "the test part, or a slice of the training part")


def test_on_mnist_a_pipeline_fitted_on_other_rows_of_the_training_size_fails(monkeypatch):
    # The fourteenth student's FP5: 1,400 training images and 100 test images passed, the
    # count being the training part's. The kernel sends the sum of X_train's pixels.
    X_train, y_train = mnist_like(MNIST_TRAIN_SIZE)
    X_other, y_other = mnist_like(100, seed=1)
    X_test, y_test = mnist_like(MNIST_TEST_SIZE, seed=2)
    monkeypatch.setattr(spec, "user_namespace", lambda: {
        "X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test})
    assert verdict("06-scaled-pipeline", mnist_fit(X_train, y_train)).passed
    mixed = mnist_fit(np.vstack([X_train[:-100], X_other]), np.concatenate([y_train[:-100],
                                                                            y_other]))
    assert_wrong(verdict("06-scaled-pipeline", mixed), "as many as the training part holds",
                 "not on `X_train`", "scaled_model.fit(X_train, y_train)")


def test_on_mnist_a_training_part_reassigned_the_same_size_is_named(monkeypatch):
    # Beside the twenty-eighth student's FP1 on notebook 07: `X_train` given 100 test rows
    # in place of training rows, and the pipeline fitted on it, passed on MNIST (the
    # scaler's means matched the new `X_train`). The judge splits the notebook's `X`.
    from test_checks_nb06_search import mnist_notebook

    namespace = dict(mnist_notebook())
    monkeypatch.setattr(spec, "user_namespace", lambda: namespace)
    assert verdict("06-scaled-pipeline", mnist_fit(namespace["X_train"],
                                                   namespace["y_train"])).passed
    namespace["X_train"] = np.vstack([namespace["X_train"][:-100], namespace["X_test"][:100]])
    namespace["y_train"] = np.concatenate([namespace["y_train"][:-100],
                                           namespace["y_test"][:100]])
    assert_wrong(verdict("06-scaled-pipeline", mnist_fit(namespace["X_train"],
                                                         namespace["y_train"])),
                 "`X_train`", "holds other values")


@pytest.mark.parametrize("name, images", [
    ("uniform noise", lambda rng: rng.random((MNIST_TRAIN_SIZE, 784))),
    ("sparse noise", lambda rng: (rng.random((MNIST_TRAIN_SIZE, 784)) > 0.8).astype(float)),
])
def test_on_mnist_a_model_fitted_on_noise_fails(name, images):
    rng = np.random.default_rng(0)
    model = mnist_fit(images(rng), rng.integers(0, 10, MNIST_TRAIN_SIZE))
    result = verdict("06-scaled-pipeline", model)
    assert result.status == checks.WRONG, result
    assert "drawn the MNIST way" in result.message and "X_train, y_train" in result.hint


@pytest.mark.parametrize("changes, phrase", [
    ({"tol": SEARCH_SETTINGS["tol"]}, "loose tolerance"),
    ({"C": 0.5}, "grid's settings"),
    ({"l1_ratio": 0.5}, "grid's settings"),
    ({"random_state": 3}, "random_state=3"),
])
def test_on_mnist_the_settings_are_checked_too(mnist_model, changes, phrase):
    model = copy.deepcopy(mnist_model)
    model[-1].set_params(**changes)
    result = verdict("06-scaled-pipeline", model)
    assert result.status == checks.WRONG and phrase in result.message, result


# ---------------------------------------------------------------- the grid's table

def grid_table(l1_ratios, C_values):
    rows = []
    for l1_ratio in l1_ratios:
        for C in C_values:
            rows.append({"penalty": "L1" if l1_ratio == 1 else "L2", "l1_ratio": l1_ratio,
                         "C": C})
    return pd.DataFrame(rows)


def grid_table_by_product(l1_ratios, C_values):
    import itertools

    pairs = list(itertools.product(l1_ratios, C_values))
    return pd.DataFrame({"l1_ratio": [r for r, _ in pairs], "C": [c for _, c in pairs],
                         "penalty": [{1: "L1", 0: "L2"}[r] for r, _ in pairs]})


def grid_table_with_room_for_scores(l1_ratios, C_values):
    table = grid_table(l1_ratios, C_values)
    table["train_auc"] = np.nan
    table["test_auc"] = np.nan
    return table


def grid_table_from_one(l1_ratios, C_values):
    table = grid_table(l1_ratios, C_values)
    table.index = table.index + 1
    return table


def grid_table_by_parts(l1_ratios, C_values):
    parts = [pd.DataFrame({"penalty": "L1" if r == 1 else "L2", "l1_ratio": r,
                           "C": list(C_values)}) for r in l1_ratios]
    return pd.concat(parts, ignore_index=True)


def grid_table_labelled_by_text(l1_ratios, C_values):
    table = grid_table(l1_ratios, C_values)
    table.index = [f"row {i}" for i in range(len(table))]
    return table


def concat_keeps_labels(l1_ratios, C_values):
    return pd.concat([pd.DataFrame({"penalty": "L1" if r == 1 else "L2", "l1_ratio": r,
                                    "C": list(C_values)}) for r in l1_ratios])


def concat_in_a_loop(l1_ratios, C_values):
    table = pd.DataFrame()
    for r in l1_ratios:
        for C in C_values:
            row = pd.DataFrame([{"penalty": "L1" if r == 1 else "L2", "l1_ratio": r, "C": C}])
            table = row if table.empty else pd.concat([table, row])
    return table


def labelled_by_C(l1_ratios, C_values):
    return grid_table(l1_ratios, C_values).set_index(pd.Index(
        [C for _ in l1_ratios for C in C_values]))


@pytest.mark.parametrize("answer", [concat_keeps_labels, concat_in_a_loop, labelled_by_C])
def test_grid_table_rows_with_the_same_label_are_named(answer):
    assert_wrong(verdict("06-grid-table", answer), "same label", "ignore_index=True")
    # What the notebook's next cells meet: `best_row` gives a table, not a row.
    table = answer((1, 0), (0.5, 2.0))
    table["test_auc"] = [0.1, 0.4, 0.3, 0.2]
    assert isinstance(table.loc[table["test_auc"].idxmax()], pd.DataFrame)


def test_grid_table_repeated_labels_read_as_numbers_not_numpy_reprs():
    # A student's find: the labels read "np.int64(0), np.int64(1), ...".
    result = verdict("06-grid-table", concat_keeps_labels)
    assert_wrong(result, "the row labels begin 0, 1, 2,", "ignore_index=True")
    assert "np." not in result.message


def grid_table_labelled_by_penalty(l1_ratios, C_values):
    return grid_table(l1_ratios, C_values).set_index("penalty", drop=False)


def test_grid_table_labels_repeated_by_set_index_are_blamed_on_it_not_on_concat():
    # A student's find: `set_index("penalty")` was told that `pd.concat` keeps labels.
    result = verdict("06-grid-table", grid_table_labelled_by_penalty)
    assert_wrong(result, "same label", "no `set_index`")
    assert "`set_index` made the values of 'penalty'" in result.message
    assert "pd.concat" not in result.message and "'L1', 'L1'" in result.message


def grid_table_indexed_by_setting(l1_ratios, C_values):
    return grid_table(l1_ratios, C_values).set_index(["l1_ratio", "C"], drop=False)


# The seventh student's: rows labelled otherwise than by their positions, which the text
# of exercise 1 asks to keep and exercise 3 relies on.
@pytest.mark.parametrize("answer", [grid_table_labelled_by_text, grid_table_from_one,
                                    grid_table_indexed_by_setting])
def test_grid_table_rows_labelled_otherwise_than_by_position_are_named(answer):
    assert_wrong(verdict("06-grid-table", answer), "not their positions", "pd.DataFrame(rows)")


def grid_table_labelled_by_digits_as_text(l1_ratios, C_values):
    table = grid_table(l1_ratios, C_values)
    table.index = [str(i) for i in range(len(table))]
    return table


def test_grid_table_text_labels_do_not_read_as_the_positions_they_are_not():
    # The fourteenth student's MH5: "labels its rows 0, 1, 2, ...: not their positions 0, 1, 2".
    result = verdict("06-grid-table", grid_table_labelled_by_digits_as_text)
    assert_wrong(result, "labels its rows '0', '1', '2'", "not their positions")


def grid_table_with_settings_as_labels(l1_ratios, C_values):
    return grid_table(l1_ratios, C_values).set_index(["l1_ratio", "C"])


def test_grid_table_columns_moved_into_the_index_are_named():
    # The fourteenth student's MH4: "name the columns exactly", though they were named so.
    result = verdict("06-grid-table", grid_table_with_settings_as_labels)
    assert_wrong(result, "'l1_ratio', 'C' became the table's row labels", "no `set_index`")
    assert "name the columns exactly" not in result.hint


def scales_c(how):
    def grid_table_scaled(l1_ratios, C_values):
        return grid_table(l1_ratios, [how(c) for c in C_values])
    return grid_table_scaled


# The seventh student's: values changed, not rows missing.
@pytest.mark.parametrize("how", [lambda c: int(c), lambda c: 10 * c, np.log10])
def test_grid_table_values_of_c_changed_are_named_as_such(how):
    assert_wrong(verdict("06-grid-table", scales_c(how)), "right number of rows",
                 "as given")


@pytest.mark.parametrize("answer", [grid_table, grid_table_by_product, grid_table_by_parts])
def test_grid_table_right_answers_pass(answer):
    result = verdict("06-grid-table", answer)
    assert result.passed, result


def zipped(l1_ratios, C_values):
    return pd.DataFrame([{"penalty": "L1" if r == 1 else "L2", "l1_ratio": r, "C": c}
                         for r, c in zip(l1_ratios, C_values)])


def c_outside(l1_ratios, C_values):
    return pd.DataFrame([{"penalty": "L1" if r == 1 else "L2", "l1_ratio": r, "C": c}
                         for c in C_values for r in l1_ratios])


def notebook_values(l1_ratios, C_values):
    return grid_table((1, 0), np.logspace(-2, 2, 25))


def sorts_its_argument(l1_ratios, C_values):
    C_values.sort()
    return grid_table(l1_ratios, C_values)


def rounds_C(l1_ratios, C_values):
    return grid_table(l1_ratios, [round(c, 3) for c in C_values])


GRID_WRONG = [
    (rounds_C, ("rounded", "exactly as given")),
    (zipped, ("paired up one to one", "itertools.product")),
    (c_outside, ("another order", "outside")),
    (notebook_values, ("rows; expected", "arguments")),
    (lambda r, c: grid_table(r, c).rename(columns={"C": "c"}), ("without 'C'", "exactly")),
    (lambda r, c: grid_table(r, c).assign(penalty=lambda t: t["penalty"].str.lower()),
     ("penalty", '"L1" for 1')),
    (lambda r, c: grid_table(r, c).assign(C=lambda t: t["C"].map(str)), ("numbers",)),
    (lambda r, c: grid_table(r, c).to_dict("records"), ("a list, not a pandas DataFrame",
                                                         "pd.DataFrame(rows)")),
    (sorts_its_argument, ("changed the array `C_values`", "no `.sort()`")),
    # The text asks for three columns; the grid's cell adds the scores itself.
    (grid_table_with_room_for_scores, ("'train_auc', 'test_auc'", "three", "leave out")),
    (lambda r, c: grid_table(r, c).assign(setting=lambda t: range(len(t))),
     ("without 'setting'", "three")),
    # The rows follow the arguments' order, which the check gives unsorted too.
    (lambda r, c: grid_table(r, sorted(c)), ("values of C were sorted", "as they come")),
    (lambda r, c: grid_table(r, np.sort(c)[::-1]), ("values of C were sorted",
                                                    "as they come")),
    (lambda r, c: grid_table(sorted(r), c), ("l1_ratios were sorted", "as they come")),
    (lambda r, c: grid_table(sorted(r), sorted(c)), ("were sorted", "as they come")),
    # The seventh student's #8 and #9: the penalties typed in, and C reversed, were both
    # called sorted.
    (lambda r, c: grid_table((1, 0), c), ("1, then 0, whatever `l1_ratios` holds",
                                          "typed in", "for l1_ratio in l1_ratios")),
    (lambda r, c: grid_table(r, list(c)[::-1]), ("values of C were reversed", "[::-1]")),
    (lambda r, c: grid_table(list(r)[::-1], c), ("l1_ratios were reversed", "[::-1]")),
    (lambda r, c: grid_table(r, sorted(c, reverse=True)), ("sorted from the largest down",
                                                           "as they come")),
]


@pytest.mark.parametrize("answer, words", GRID_WRONG)
def test_grid_table_slips_are_named(answer, words):
    assert_wrong(verdict("06-grid-table", answer), *words)


# The ninth student's FP1 and FF1: the check gave lists where the notebook gives a tuple
# and a numpy array, so `C_values * n` (which multiplies an array's values) passed and
# `C_values.tolist()` failed.
def repeats_C_with_times(l1_ratios, C_values):
    return pd.DataFrame({"penalty": ["L1" if r == 1 else "L2" for r in l1_ratios
                                     for _ in C_values],
                         "l1_ratio": [r for r in l1_ratios for _ in C_values],
                         "C": C_values * len(l1_ratios)})


def adds_C_in_a_loop(l1_ratios, C_values):
    Cs = []
    for _ in l1_ratios:
        Cs = Cs + C_values
    return pd.DataFrame({"penalty": ["L1" if r == 1 else "L2" for r in l1_ratios
                                     for _ in C_values],
                         "l1_ratio": [r for r in l1_ratios for _ in C_values], "C": Cs})


@pytest.mark.parametrize("answer", [repeats_C_with_times, adds_C_in_a_loop])
def test_grid_table_treating_the_array_of_C_as_a_list_fails(answer):
    result = verdict("06-grid-table", answer)
    assert not result.passed, result
    assert "numpy array" in result.message + result.hint, result
    with pytest.raises(ValueError):  # as in the notebook's grid cell
        answer((1, 0), np.logspace(-2, 2, 25))


def by_numpy_idioms(l1_ratios, C_values):
    return pd.DataFrame({"penalty": ["L1" if r == 1 else "L2"
                                     for r in np.repeat(l1_ratios, C_values.size)],
                         "l1_ratio": np.repeat(l1_ratios, C_values.size),
                         "C": np.tile(C_values, len(l1_ratios))})


def by_tolist(l1_ratios, C_values):
    return grid_table(l1_ratios, C_values.tolist())


@pytest.mark.parametrize("answer", [by_numpy_idioms, by_tolist])
def test_grid_table_numpy_idioms_on_the_array_of_C_pass(answer):
    result = verdict("06-grid-table", answer)
    assert result.passed, result
    table = answer((1, 0), np.logspace(-2, 2, 25))  # what the grid cell passes
    assert len(table) == 50 and table["C"].iloc[-1] == 100


def test_grid_table_calls_it_with_a_tuple_and_an_array_and_says_so():
    seen = []

    def records_types(l1_ratios, C_values):
        seen.append((type(l1_ratios), type(C_values)))
        return grid_table(l1_ratios, C_values)

    assert verdict("06-grid-table", records_types).passed
    assert set(seen) == {(tuple, np.ndarray)}
    result = verdict("06-grid-table", lambda r, c: grid_table(r, c)[:1])
    assert "a numpy array of" in result.message, result


# The ninth student's MH4-MH6: rows left out or repeated, one penalty wrong, penalties as
# numbers; each is named for what it is.
def stops_one_short(l1_ratios, C_values):
    return grid_table(l1_ratios, [C_values[i] for i in range(len(C_values) - 1)])


def builds_rows_twice(l1_ratios, C_values):
    table = grid_table(l1_ratios, C_values)
    return pd.concat([table, table], ignore_index=True)


def one_penalty_for_all(l1_ratios, C_values):
    return grid_table(l1_ratios, C_values).assign(penalty="L1")


def penalties_as_numbers(l1_ratios, C_values):
    return grid_table(l1_ratios, C_values).assign(
        penalty=lambda t: np.where(t["l1_ratio"] == 1, 1, 2))


@pytest.mark.parametrize("answer, words", [
    (stops_one_short, ("are missing", "stops one short")),
    (builds_rows_twice, ("more than once", "build each row once")),
    (one_penalty_for_all, ("has the penalty 'L1', expected 'L2'", "as text")),
    (penalties_as_numbers, ("not the names", "as text")),
])
def test_grid_table_rows_and_penalties_are_named_for_what_is_wrong(answer, words):
    result = verdict("06-grid-table", answer)
    assert_wrong(result, *words)
    assert "notebook's own values" not in result.hint and "did not expect" not in result.message


def test_grid_table_cases_give_C_unsorted_and_the_penalties_in_both_orders():
    cases = judging.get("06-grid-table").cases(0)
    assert any(list(C) not in (sorted(C), sorted(C, reverse=True)) for _, C in cases)
    assert {tuple(r) for r, _ in cases} >= {(1, 0), (0, 1)}


def test_best_row_cases_hold_a_column_with_nan():
    cases = judging.get("06-best-row").cases(0)
    assert any(pd.DataFrame(data, index=index)[column].isna().any()
               for data, index, column in cases)


def test_grid_table_cases_travel_as_plain_data():
    exercise = judging.get("06-grid-table")
    cases = exercise.cases(0)
    assert checks.decode(checks.encode(cases)) is not None
    payload = checks.decode(checks.encode(checks.collect_safely(exercise, grid_table, cases)))
    assert judging.judge_safely(exercise, payload, cases).passed


# ---------------------------------------------------------------- the questions

@pytest.mark.parametrize("exercise_id, right, wrong_words", [
    ("06-under-over", "a", {"b": "other way round", "c": "under-fitting", "d": "0.5"}),
    ("06-refit-matches", "b", {"a": "tol=0.01", "c": "same `x_train`", "d": "same test part"}),
])
def test_questions_accept_the_right_letter_and_explain_each_wrong_one(exercise_id, right,
                                                                      wrong_words):
    for form in (right, right.upper(), f" ({right}) "):
        assert verdict(exercise_id, form).passed, form
    for letter, words in wrong_words.items():
        assert_wrong(verdict(exercise_id, letter), words)
    assert_wrong(verdict(exercise_id, 1), "not a letter")
    assert verdict(exercise_id, ...).status == checks.MISSING


def test_under_over_hint_d_says_what_the_stored_table_shows():
    # The hint quotes the table of notebook 06: L1 at C = 0.0215 is below 0.95 on the test
    # part only (its training AUC is above).
    import json
    from pathlib import Path

    notebook = Path(__file__).parents[1] / "solutions" / "06_logistic_grid_search.ipynb"
    cell = next(c for c in json.loads(notebook.read_text())["cells"] if c.get("id") == "06-13")
    table = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                    for o in cell["outputs"])
    row = next(line.split() for line in table.splitlines() if " 0.0215 " in line)
    train_auc, test_auc = float(row[-2]), float(row[-1])
    assert train_auc > 0.95 > test_auc
    result = verdict("06-under-over", "d")
    hint = result.message + result.hint
    assert "C = 0.0215 only 0.945" in hint and "test part" in hint
    assert f"{test_auc:.3f}" in hint
