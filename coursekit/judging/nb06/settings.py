"""The notebook's model settings, its grid and its choice, and the judges of a model's settings.

The search, the final model and the scaled pipeline are all checked against these:
the loose solver settings of the search, the tighter ones of the final model, and
scikit-learn's defaults for everything the notebook leaves alone.
"""

import numbers

import numpy as np
from sklearn.linear_model import LogisticRegression

from ...checks.results import wrong
from ..computed_once import computed_once

#: The notebook's solver settings: loose for the search, tighter for the final model.
SEARCH_SETTINGS = {"solver": "saga", "tol": 1e-2, "max_iter": 1000, "random_state": 0}
FINAL_SETTINGS = {**SEARCH_SETTINGS, "tol": 1e-3}
#: The grid GridSearchCV searches in the notebook.
SEARCH_GRID = {"l1_ratio": (0.0, 1.0), "C": tuple(np.logspace(-1, 2, 7))}
#: How close a value of C must be to the grid's: float32's precision. np.logspace with
#: dtype=np.float32, or the values copied from numpy's printout (8 decimals), make the
#: same search, score for score; 3.16 for 3.1623 does not.
GRID_C_RTOL = float(np.finfo(np.float32).eps)
#: What that search chooses on the digits (the notebook's stored output shows it).
DIGITS_CHOICE = {"l1_ratio": 1.0, "C": 100.0}


def penalty_name(l1_ratio):
    """How the notebook's tables name a penalty: "L1" for l1_ratio 1, "L2" for 0."""
    return {1.0: "L1", 0.0: "L2"}.get(float(l1_ratio), f"elastic net {float(l1_ratio):g}")


def judge_settings(facts):
    """Are the model's settings the chosen ones with FINAL_SETTINGS? None when they are."""
    compared = ("solver", "tol", "random_state")
    got = {name: facts.get(name) for name in compared}
    if got["solver"] == "lbfgs" and facts.get("C") == 1.0 and got["tol"] == 1e-4:
        return wrong("the LogisticRegression has scikit-learn's default settings (solver "
                     "'lbfgs', C=1, tol=1e-4), not the ones the search chose.",
                     "build it with the chosen setting and the final solver settings: "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`.")
    if got == {name: SEARCH_SETTINGS[name] for name in compared}:
        return wrong(f"the LogisticRegression has the search's loose tolerance "
                     f"(tol={SEARCH_SETTINGS['tol']:g}), not the final model's.",
                     "the final model gets a tighter one: "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`.")
    different = [f"{name}={got[name]!r}" for name in compared
                 if got[name] != FINAL_SETTINGS[name]]
    if different:
        expected = ", ".join(f"{name}={value!r}" for name, value in FINAL_SETTINGS.items())
        return wrong(f"the LogisticRegression's solver settings differ from the final "
                     f"model's: {', '.join(different)}.",
                     f"pass `**FINAL_SETTINGS` ({expected}): "
                     "`LogisticRegression(**best, **FINAL_SETTINGS)`.")
    verdict = judge_other_settings(facts.get("settings"))
    if verdict is not None:
        return verdict
    C, l1_ratio = facts.get("C"), facts.get("l1_ratio")
    if facts.get("n_features") == 784:
        chosen = (l1_ratio in SEARCH_GRID["l1_ratio"]
                  and np.isclose(SEARCH_GRID["C"], C, rtol=GRID_C_RTOL).any())
        hint_where = "one of the grid's settings"
    else:
        chosen = (l1_ratio == DIGITS_CHOICE["l1_ratio"]
                  and np.isclose(C, DIGITS_CHOICE["C"], rtol=GRID_C_RTOL))
        hint_where = "the setting the search chose"
    if not chosen:
        return wrong(f"the LogisticRegression has C={C:.3g}, l1_ratio={l1_ratio:g}, not "
                     f"{hint_where}: the text below compares it with the final model.",
                     "take the search's choice: `LogisticRegression(**best, "
                     "**FINAL_SETTINGS)`, where `best = search.best_params_`.")
    return None


#: Read one by one above (C, l1_ratio, penalty, solver, tol, random_state), or without
#: effect on the model the final fit ends at (n_jobs, verbose, warm_start on a new model).
_NOT_COMPARED = ("C", "l1_ratio", "penalty", "solver", "tol", "random_state", "n_jobs",
                 "verbose", "warm_start")


@computed_once(maxsize=1)
def final_model_params():
    """Every parameter of ``LogisticRegression(**FINAL_SETTINGS)``, defaults included."""
    return LogisticRegression(**FINAL_SETTINGS).get_params(deep=False)


def judge_other_settings(settings, model="the LogisticRegression",
                          build="LogisticRegression(**best, **FINAL_SETTINGS)"):
    """Name the first other parameter that differs from the final model's; None if none."""
    settings = settings if isinstance(settings, dict) else {}
    for name, expected in final_model_params().items():
        if name in _NOT_COMPARED:
            continue
        got = settings.get(name)
        whole = isinstance(got, numbers.Integral) and not isinstance(got, bool)
        if name == "max_iter" and whole and got < expected:
            return wrong(f"{model} has `max_iter={got}`: saga stops after {got} "
                         f"passes, before it converges (the ConvergenceWarning says so).",
                         f"the notebook's settings give it {expected}: `{build}`.")
        if name == "max_iter" and whole:
            continue  # more passes than saga needs change nothing
        if not _same_value(got, expected):
            return wrong(f"{model} sets `{name}={got!r}`; the notebook's model "
                         f"leaves it at {expected!r}.",
                         f"drop `{name}=...`: `{build}` and nothing else.")
    return None


def _same_value(got, expected):
    if isinstance(expected, (str, bool)) or expected is None:
        return type(got) is type(expected) and got == expected
    return isinstance(got, numbers.Real) and not isinstance(got, bool) and bool(
        np.isclose(got, expected, rtol=1e-9, atol=0))
