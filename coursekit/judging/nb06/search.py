"""Notebook 06, exercises 4 and 5: an honest grid search, and how its refit compares."""

import numbers

import numpy as np
from sklearn.model_selection import StratifiedKFold

from ...checks import nb06 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import as_float_array
from ..questions import Question
from .notebook_state import PART_WORDS, changed_part, judge_choice_kept
from .parts import MNIST_UNCHECKED, digits_split, mnist_part
from .search_fits import (
    OTHER_SCORERS, SEARCH_FOLDS, SEARCH_SCORING, judge_scores, judge_search_data,
    judge_search_leak,
)
from .settings import (
    GRID_C_RTOL, SEARCH_GRID, SEARCH_SETTINGS, judge_other_settings, penalty_name,
)

_BUILD_SEARCH = ('`GridSearchCV(LogisticRegression(**SEARCH_SETTINGS), param_grid={"l1_ratio": '
                 '[0, 1], "C": np.logspace(-1, 2, 7)}, scoring="roc_auc_ovr", cv=3)`, then '
                 '`search.fit(X_train, y_train)`.')


def _search_grid():
    """The grid's candidates as a sorted list of (l1_ratio, C)."""
    return sorted((float(r), float(c)) for r in SEARCH_GRID["l1_ratio"] for c in SEARCH_GRID["C"])


class GridSearch(Judge, specs.GridSearch):
    def cases(self, seed):
        # Which candidates and folds the judge fits again to compare scores: chosen by
        # the seed, so a kernel cannot know which of its numbers are compared.
        rng = np.random.default_rng(seed)
        grid = _search_grid()
        picks = rng.choice(len(grid), size=2, replace=False)
        return [(*grid[pick], int(rng.integers(SEARCH_FOLDS))) for pick in picks]

    def judge(self, payload, cases):
        facts = payload["value"]
        if not isinstance(facts, dict):
            return wrong("the answer could not be read as a search.", _BUILD_SEARCH)
        # The leaks first: a search of other images also has other folds.
        for step in (_judge_search_type, _judge_inputs_kept, _judge_search_estimator,
                     _judge_search_fitted, _judge_choice_kept, _judge_grid, _judge_refit_and_scoring,
                     _judge_best_params, judge_search_leak, _judge_folds, judge_search_data):
            verdict = step(facts)
            if verdict is not None:
                return verdict
        verdict = judge_scores(facts, cases)
        if verdict is not None:
            return verdict
        if getattr(facts.get("refit_coef"), "shape", (0,))[-1] == 784:
            if mnist_part(facts.get("mnist_images")) is None:
                return correct("every setting of the grid scored by cross-validation "
                               f"({SEARCH_FOLDS} stratified folds, one-vs-rest ROC AUC), the "
                               "chosen one refitted. " + MNIST_UNCHECKED)
            return correct("every setting of the grid scored by cross-validation "
                           f"({SEARCH_FOLDS} stratified folds, one-vs-rest ROC AUC), the "
                           "chosen one refitted on the training part (fitted again by the "
                           "check on the notebook's MNIST training part); the test part is "
                           "still untouched.")
        return correct("every setting of the grid scored by cross-validation on the training "
                       f"part alone ({SEARCH_FOLDS} stratified folds, one-vs-rest ROC AUC), "
                       "the chosen one refitted on the whole training part; the test part "
                       "is still untouched.")


def _judge_search_type(facts):
    if facts.get("type") == "RandomizedSearchCV":
        return wrong("search is a RandomizedSearchCV: it tries settings drawn at random, "
                     "not every setting of the grid.",
                     "use `GridSearchCV`, which fits every pair of l1_ratio and C: " + _BUILD_SEARCH)
    if not facts.get("is_grid"):
        return wrong(f"search is a {facts.get('type')}, not a GridSearchCV.",
                     "build it with " + _BUILD_SEARCH)
    if facts.get("estimator") != "LogisticRegression":
        what = facts.get("estimator")
        return wrong(f"the search tunes a {what}, not a LogisticRegression on its own.",
                     "search `LogisticRegression(**SEARCH_SETTINGS)` itself: the cells below "
                     "pass `search.best_params_` to `LogisticRegression(**best, ...)`, which "
                     "takes `l1_ratio` and `C`, not a pipeline step's names.")
    return None


def _judge_inputs_kept(facts):
    """Are ``X_train``, ``y_train`` and ``SEARCH_SETTINGS`` as the notebook made them?"""
    settings = facts.get("search_settings")
    if isinstance(settings, dict) and settings != SEARCH_SETTINGS:
        return wrong(f"`SEARCH_SETTINGS` is now {settings}, not the notebook's "
                     f"{SEARCH_SETTINGS}: the final model's settings are built from it.",
                     "leave `SEARCH_SETTINGS` as it is (no `SEARCH_SETTINGS[...] = ...` or "
                     "`.update`); rerun its cell, then pass it with `**SEARCH_SETTINGS`.")
    changed = changed_part(facts.get("inputs"), specs.SEARCH_INPUTS, facts.get("mnist_images"))
    if changed is None:
        return None
    name, words = changed
    return wrong(f"`{name}`, the {PART_WORDS[name]} the notebook split off, {words}. The "
                 "search and the cells below (the final model) are fitted on it.",
                 f"leave `{name}` as it is: pass it to `search.fit` without changing it (no "
                 "reassigning, no in-place scaling or shuffling, in this cell or a later "
                 "one: a `StandardScaler(copy=False)` standardizes it in place). Rerun the "
                 "notebook from the split on.")


def _judge_search_estimator(facts):
    settings = facts.get("settings") if isinstance(facts.get("settings"), dict) else {}
    if settings.get("penalty") is not None or any(
            "penalty" in params for params in facts.get("params") or ()):
        return wrong("the search sets `penalty`, which scikit-learn deprecated in version 1.8.",
                     'choose the penalty with `l1_ratio` in the grid: `"l1_ratio": [0, 1]` '
                     "(0 for L2, 1 for L1).")
    got = {name: settings.get(name) for name in ("solver", "tol", "random_state")}
    want = {name: SEARCH_SETTINGS[name] for name in got}
    if got != want:
        different = ", ".join(f"{name}={got[name]!r}" for name in got if got[name] != want[name])
        return wrong(f"the searched LogisticRegression's solver settings are not the "
                     f"notebook's: {different}.",
                     "build it with `LogisticRegression(**SEARCH_SETTINGS)`: only `saga` "
                     "fits L1 with ten digits, and the loose `tol` keeps the search quick.")
    return judge_other_settings(settings, model="the search's LogisticRegression",
                                 build="LogisticRegression(**SEARCH_SETTINGS)")


def _judge_choice_kept(facts):
    """Is `best_params_` still the setting the search tried? None when it is."""
    return judge_choice_kept(facts.get("best_params"), facts.get("recorded_choice"))


def _judge_search_fitted(facts):
    if not facts.get("fitted"):
        return wrong("search is built but not fitted: GridSearchCV only tries the settings "
                     "when it is fitted.",
                     "fit it on the training part: `search.fit(X_train, y_train)`.")
    return None


def _judge_grid(facts):
    """Are the candidates both penalties with 7 values of C from 0.1 to 100 on a log scale?"""
    params = facts.get("params") or []
    keys = {key for candidate in params for key in candidate}
    missing = [key for key in ("l1_ratio", "C") if key not in keys]
    if missing:
        return wrong(f"the grid does not vary {' and '.join(f'`{k}`' for k in missing)}: "
                     "every candidate uses the LogisticRegression's own value.",
                     'search both: `param_grid={"l1_ratio": [0, 1], "C": np.logspace(-1, 2, 7)}`.')
    extra = sorted(keys - {"l1_ratio", "C"})
    best = facts.get("best_params") if isinstance(facts.get("best_params"), dict) else {}
    if extra and sum(key in candidate for candidate in params for key in extra) == len(
            [key for key in extra if key in best]):
        named = ", ".join(f"`{key}`" for key in extra)
        return wrong(f"the chosen candidate's settings now hold {named} too: `best = search.best_params_` is the search's own dict, so "
                     "`best.update(...)` or `best[...] = ...` in a later cell changed it.",
                     "leave `best` as it is and pass the other settings beside it: "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`. Rerun the search's "
                     "cell, then the cells after it.")
    if extra:
        # One value is no variation, but still a setting the search took from its grid.
        return wrong(f"the grid also sets {', '.join(f'`{k}`' for k in extra)}.",
                     "search `l1_ratio` and `C` only: the other settings come from "
                     "`SEARCH_SETTINGS`.")
    got = [(float(p["l1_ratio"]), float(p["C"])) for p in params
           if all(isinstance(p[k], numbers.Real) for k in ("l1_ratio", "C"))]
    verdict = _judge_changed_through_best(got, best)
    if verdict is not None:
        return verdict
    ratios = sorted({r for r, _ in got})
    asked = sorted(float(r) for r in SEARCH_GRID["l1_ratio"])
    if ratios != asked:
        absent = [penalty_name(r) for r in asked if r not in ratios]
        return wrong(f"the grid has l1_ratio {ratios}"
                     + (f": the {' and '.join(absent)} penalty is missing." if absent else "."),
                     'search both penalties and no mix: `"l1_ratio": [0, 1]`.')
    for ratio in ratios:
        verdict = _judge_C_values(sorted(c for r, c in got if r == ratio), penalty_name(ratio))
        if verdict is not None:
            return verdict
    if len(got) != len(set(got)):
        return wrong(f"the grid has {len(got)} candidates, some of them twice.",
                     "list each value once: 2 penalties times 7 values of C make 14.")
    return None


def _judge_changed_through_best(got, best):
    """Is the one candidate off the grid the chosen one, changed through `best`?

    `best = search.best_params_` is the very dict the search keeps in
    `cv_results_["params"]`: `best["C"] = ...` in a later cell changes both.
    """
    grid = _search_grid()
    off = [pair for pair in got
           if not any(pair[0] == r and np.isclose(pair[1], c, rtol=GRID_C_RTOL) for r, c in grid)]
    if len(off) != 1 or len(got) != len(grid) or not all(
            isinstance(best.get(key), numbers.Real) for key in ("l1_ratio", "C")):
        return None
    if off[0] != (float(best["l1_ratio"]), float(best["C"])):
        return None
    return wrong(f"the chosen candidate's settings now hold l1_ratio={off[0][0]:g}, "
                 f"C={off[0][1]:.3g}, a setting the grid does not have: `best = "
                 "search.best_params_` is the search's own dict, kept in its `cv_results_` "
                 "too, so `best[...] = ...` in a later cell changed it.",
                 "leave `best` as it is, and build another model from a new dict where one "
                 "is needed: `LogisticRegression(**{**best, \"C\": ...}, **FINAL_SETTINGS)`. "
                 "Rerun the search's cell, then the cells after it.")


def _judge_C_values(Cs, penalty):
    asked = np.asarray(SEARCH_GRID["C"])
    if len(Cs) == len(asked) and np.allclose(Cs, asked, rtol=GRID_C_RTOL, atol=0):
        return None
    shown = (", ".join(f"{c:.3g}" for c in Cs) if len(Cs) <= len(asked) + 1 else
             f"{len(Cs)} values from {Cs[0]:.3g} to {Cs[-1]:.3g}")
    if len(Cs) == len(asked) and np.allclose(Cs, np.linspace(asked[0], asked[-1], len(asked))):
        return wrong(f"the values of C with {penalty} ({shown}) are evenly spaced, not on a "
                     "log scale: six of the seven are above 15.",
                     "space them evenly in their exponent: `np.logspace(-1, 2, 7)` gives "
                     "0.1, 0.316, 1, ... 100, the same step from each to the next.")
    if len(Cs) == len(asked) and np.all(np.asarray(Cs) > 0) and np.allclose(
            np.log10(Cs), np.linspace(asked[0], asked[-1], len(asked))):
        return wrong(f"the values of C with {penalty} run from {Cs[0]:.3g} to {Cs[-1]:.3g}: "
                     "`np.logspace` was given the values themselves.",
                     "`np.logspace` takes the exponents: `np.logspace(-1, 2, 7)` for 0.1 to "
                     "100.")
    if len(Cs) == len(asked) and np.allclose(Cs, asked, rtol=5e-2, atol=0):
        return wrong(f"the values of C with {penalty} are rounded ({shown}).",
                     "use the numbers themselves: `np.logspace(-1, 2, 7)`.")
    absent = [f"{c:.3g}" for c in asked if not np.isclose(Cs, c, rtol=GRID_C_RTOL).any()]
    return wrong(f"the grid tries C = {shown} with {penalty}, where 7 values from 0.1 to 100 "
                 "are asked"
                 + (f"; missing: {', '.join(absent)}." if absent else "."),
                 "seven values from 0.1 to 100 on a log scale: `np.logspace(-1, 2, 7)`.")


def _judge_refit_and_scoring(facts):
    if facts.get("refit") is False or not facts.get("has_best_estimator"):
        return wrong("the search has no `best_estimator_`: with `refit=False` it chooses a "
                     "setting but fits no model with it.",
                     "leave `refit` at its default, True: the search then refits the chosen "
                     "setting on the whole training part, and the cells below read it.")
    if "mean" not in facts:
        return wrong("the search scored several metrics: its `cv_results_` has no "
                     "`mean_test_score`, which the next cells read.",
                     f'give one scorer: `scoring="{SEARCH_SCORING}"`.')
    if facts.get("refit") is not True:
        refit = facts.get("refit")
        shown = "a function" if refit == "<a function>" else f"`{refit!r}`"
        return wrong(f"the search sets `refit` to {shown}: it may choose another setting "
                     "than the best mean score, and without the default it keeps no "
                     "`best_score_`, which the next cells read.",
                     "leave `refit` at its default, True: the search then refits the best "
                     "setting on the whole training part.")
    scoring = facts.get("scoring")
    if scoring is None:
        return wrong(f"the search has no `scoring`: it compares the settings by "
                     f"{OTHER_SCORERS['accuracy']}.",
                     f'score by the one-vs-rest ROC AUC: `scoring="{SEARCH_SCORING}"`.')
    if isinstance(scoring, str) and not scoring.startswith("<") and scoring != SEARCH_SCORING:
        words = OTHER_SCORERS.get(scoring, f"`{scoring}`")
        return wrong(f"the search compares the settings by {words}, not the one-vs-rest "
                     "ROC AUC of the table above.",
                     f'`scoring="{SEARCH_SCORING}"`: one digit against the rest, the ten '
                     "numbers averaged without weights.")
    return None


def _judge_best_params(facts):
    """Is `best_params_` the setting of the best mean score, as the search chose it?

    A later cell that assigns `search.best_params_` (a setting picked from the test
    table, say) leaves the scores and the refit as the search made them.
    """
    best = facts.get("best_params")
    means = as_float_array(facts.get("mean"))
    params = facts.get("params") or []
    if (not isinstance(best, dict) or means is None or means.shape != (len(params),)
            or not params or np.all(np.isnan(means))):
        return None
    chosen = params[int(np.nanargmax(means))]
    if _same_params(best, chosen):
        return None
    return wrong(f"`search.best_params_` is {_params_words(best)}, but the search's own "
                 f"scores choose {_params_words(chosen)} (the best `mean_test_score`): it was "
                 "changed after the search, and the cells below would build the final model "
                 "from a setting the search did not choose.",
                 "leave `search.best_params_` as the search set it: no assigning to it, nor "
                 "into it (`best = search.best_params_` is the search's own dict, so "
                 "`best[\"C\"] = ...` changes it too). The choice is the search's, made on "
                 "the training part; rerun the search's cell, then the cells after it.")


def _same_params(got, want):
    if set(map(str, got)) != set(map(str, want)):
        return False
    return all(isinstance(got[key], numbers.Real) and isinstance(want[key], numbers.Real)
               and np.isclose(float(got[key]), float(want[key]), rtol=GRID_C_RTOL, atol=0)
               if not isinstance(want[key], str) else got[key] == want[key] for key in want)


def _params_words(params):
    return ", ".join(f"{key}={value:.3g}" if isinstance(value, numbers.Real)
                     else f"{key}={value!r}" for key, value in sorted(params.items())[:4])


def _judge_folds(facts):
    n_splits, cv = facts.get("n_splits"), facts.get("cv")
    if n_splits != SEARCH_FOLDS:
        return wrong(f"the search used {n_splits} split(s) of the images, not {SEARCH_FOLDS} "
                     "folds.",
                     f"`cv={SEARCH_FOLDS}`: each setting is fitted {SEARCH_FOLDS} times, on "
                     "two folds, and scored on the third. Other counts are common elsewhere; "
                     f"this exercise asks for {SEARCH_FOLDS}, which the cells below and their "
                     "text describe.")
    if isinstance(cv, dict) and cv.get("type") in ("list", "tuple"):
        return _judge_fold_list(cv, _on_digits(facts))
    if isinstance(cv, dict) and cv.get("type") == "generator":
        if _on_digits(facts):
            return None  # the fold scores, compared below, show which folds it made
        return wrong("the folds come from a generator, which the search used up: the check "
                     "cannot see which images each fold held out.",
                     f"`cv={SEARCH_FOLDS}`, or the folds as a list: `cv=list(StratifiedKFold("
                     f"{SEARCH_FOLDS}).split(X_train, y_train))`.")
    if isinstance(cv, dict) and cv.get("type") not in ("StratifiedKFold",):
        return wrong(f"the folds come from a {cv.get('type')}, not stratified folds: other "
                     "splits than the text's.",
                     f"`cv={SEARCH_FOLDS}` (for a classifier, stratified folds in order) or "
                     f"`StratifiedKFold({SEARCH_FOLDS})`.")
    if isinstance(cv, dict) and cv.get("shuffle") is True:
        return wrong("the folds are shuffled: other splits than the text's, so other scores.",
                     f"`cv={SEARCH_FOLDS}` or `StratifiedKFold({SEARCH_FOLDS})` without "
                     "`shuffle`.")
    return None


def _on_digits(facts):
    """Whether the search was fitted on the digits' 64 pixels (the judge has their folds)."""
    coef = as_float_array(facts.get("refit_coef"))
    return coef is not None and coef.shape == (10, 64)


def _judge_fold_list(cv, digits):
    """Are the folds of a ``cv`` list those ``cv=3`` makes? None when they are."""
    folds = cv.get("folds") if isinstance(cv.get("folds"), list) else []
    if digits:
        X_train, _, y_train, _ = digits_split()
        reference = [specs.fold_fingerprint(fold)
                     for fold in StratifiedKFold(SEARCH_FOLDS).split(X_train, y_train)]
    else:
        reference = cv.get("stratified") if isinstance(cv.get("stratified"), list) else []
    same = len(folds) == len(reference) == SEARCH_FOLDS and all(
        _same_fold(got, want) for got, want in zip(folds, reference))
    if same:
        return None
    return wrong(f"the folds in the list given as `cv` are not the {SEARCH_FOLDS} stratified "
                 f"folds that `cv={SEARCH_FOLDS}` makes: they hold out other images, so the "
                 "scores are not the text's.",
                 f"`cv={SEARCH_FOLDS}`, or the same folds spelled out: `cv=list(StratifiedKFold("
                 f"{SEARCH_FOLDS}).split(X_train, y_train))`, without shuffling.")


def _same_fold(got, want):
    if not isinstance(got, dict) or not isinstance(want, dict):
        return False
    try:
        same_shape = [int(n) for n in got.get("shape")] == [int(n) for n in want.get("shape")]
    except (TypeError, ValueError):
        return False
    return same_shape and all(
        isinstance(got.get(key), numbers.Real) and got[key] == want[key]
        for key in ("sum", "weighted"))


class RefitMatches(Question, specs.RefitMatches):
    options = {
        "a": ("Exactly: the same training images and the same setting give the same model.",
              "the setting is the same, but not the way it was fitted: the grid stopped at "
              "`tol=0.01`, starting from the weights of the C before it."),
        "b": ("Closely but not exactly: the grid's fit started from the previous C's weights "
              "and stopped at `tol=0.01`, the final fit started from zeros and went on to "
              "`tol=1e-3`, so the weights differ a little and so do the scores.",
              "the same setting reached by two roads: on a flat optimum the two stop at "
              "slightly different weights that score almost alike."),
        "c": ("No: the final model was trained on more images than the grid's models.",
              "both were fitted on the same `X_train`; only the test part scored them."),
        "d": ("No: cross-validation chose it, so its score comes from other images.",
              "cross-validation chose the setting, but both scores here are measured on the "
              "same test part."),
    }
    right = "b"
