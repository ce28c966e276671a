"""Notebook 06, exercise 4: the judge's own fits of the search, and what they reveal.

The judge refits the chosen setting and a few folds of the grid on its copy of the
digits, and compares the search's numbers with them: a search of the test part, of
other images, or scored another way ends elsewhere.
"""


import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedKFold

from ...checks.results import wrong
from ...data import load_digits
from .. import stored_references as stored
from ..computed_once import computed_once
from ..plain_answers import as_float_array
from .parts import digits_split, mnist_coef, mnist_part
from .settings import SEARCH_SETTINGS, penalty_name
from .stored_fits import stored_fold_score, stored_refit_coef

#: The search the notebook asks for: 3 stratified folds of the training part, scored by
#: the one-vs-rest ROC AUC (averaged without weights).
SEARCH_FOLDS = 3
SEARCH_SCORING = "roc_auc_ovr"
#: How close a learner's fold score must be to the judge's: the same fit on the same images
#: ends at the same numbers, up to the last bits of a matrix product. The scorers a learner
#: may use instead differ from it by about 1e-6 (one-vs-one, weighted).
SAME_SCORE_RTOL = 1e-7
#: How close the search's refitted weights must be to the judge's refit (relative to the
#: largest weight): far above the last bits that other threads or processors change, far
#: below the gap to a refit of the same setting on other images (6 % to 25 % on the digits).
SAME_REFIT_RTOL = 1e-4
#: Scorers that a learner may pick instead of the one asked, each with its words.
OTHER_SCORERS = {
    "accuracy": "the accuracy (GridSearchCV's default without `scoring`, the model's own "
                "`score`)",
    "roc_auc_ovo": "the one-vs-one ROC AUC (`roc_auc_ovo`)",
    "roc_auc_ovr_weighted": "the one-vs-rest ROC AUC weighted by each digit's count "
                            "(`roc_auc_ovr_weighted`)",
    "neg_log_loss": "the log loss (`neg_log_loss`)",
}


def _parts():
    """The notebook's parts of the digits by name; "all" is both together."""
    X_train, X_test, y_train, y_test = digits_split()
    # All images as loaded, and as the two parts put back together: saga visits the
    # images in an order drawn from their positions, so each order ends elsewhere.
    return {"train": (X_train, y_train), "test": (X_test, y_test), "all": load_digits(),
            "both parts": (np.concatenate([X_train, X_test]), np.concatenate([y_train, y_test]))}


@computed_once(maxsize=8)
def refit_coef(l1_ratio, C, part):
    """The weights GridSearchCV's refit ends at when it searched ``part`` of the digits."""
    X_part, y_part = _parts()[part]
    model = LogisticRegression(l1_ratio=l1_ratio, C=C, **SEARCH_SETTINGS)
    return model.fit(X_part, y_part).coef_


def refit_of_training_part(l1_ratio, C, like):
    """The weights a search of the training part refits with the setting it chose: the
    stored ones when ``like`` (an answer's weights) is the same refit, else the judge's."""
    setting = (float(l1_ratio), float(C))
    return stored.reference(stored_refit_coef(*setting), lambda: refit_coef(*setting, "train"),
                            lambda reference: same_refit(like, reference))


def same_refit(coef, reference):
    """Whether ``coef`` is the refit ``reference``, up to what other threads or processors
    change (:data:`SAME_REFIT_RTOL`)."""
    return coef.shape == reference.shape and bool(np.allclose(
        coef, reference, rtol=SAME_REFIT_RTOL, atol=SAME_REFIT_RTOL * np.abs(reference).max()))


def _search_score(l1_ratio, C, fold, like):
    """The search's score of one candidate on one fold (the one-vs-rest ROC AUC): the
    stored one when ``like`` (an answer's score) is it, else the judge's fit's."""
    return stored.reference(stored_fold_score(l1_ratio, C, fold),
                            lambda: fold_scores(l1_ratio, C, fold)[SEARCH_SCORING],
                            lambda score: _same_score(like, score))


def _same_score(got, want):
    return bool(np.isclose(got, want, rtol=SAME_SCORE_RTOL, atol=1e-12))


@computed_once(maxsize=8)
def fold_scores(l1_ratio, C, fold):
    """One candidate's model of one fold of the training part, scored every way a search may.

    Returns the scores by scorer name, and under "test part" the ROC AUC of the same
    model on the test part: what a scorer that reads the test images would give.
    """
    X_train, y_train = _parts()["train"]
    X_test, y_test = _parts()["test"]
    fit, held = list(StratifiedKFold(SEARCH_FOLDS).split(X_train, y_train))[fold]
    model = LogisticRegression(l1_ratio=l1_ratio, C=C, **SEARCH_SETTINGS)
    model.fit(X_train[fit], y_train[fit])
    scores = {name: float(get_scorer(name)(model, X_train[held], y_train[held]))
              for name in (SEARCH_SCORING, *OTHER_SCORERS)}
    scores["test part"] = float(get_scorer(SEARCH_SCORING)(model, X_test, y_test))
    return scores


def _refit_part(facts):
    """Which part of the digits the search's refit saw ("train", "all", ...), or None.

    On MNIST, where the judge has no images of its own, "train" or "other" as its refit
    on the notebook's training part sent by the kernel ends at the search's, or None
    when none was sent.
    """
    coef = as_float_array(facts.get("refit_coef"))
    best = facts.get("best_params") or {}
    if coef is None or coef.ndim != 2 or not {"l1_ratio", "C"} <= set(best):
        return None
    setting = (float(best["l1_ratio"]), float(best["C"]))
    if coef.shape == (10, 784):
        return _mnist_refit_part(coef, setting, facts.get("mnist_images"))
    if coef.shape != (10, 64):
        return None
    for part in ("train", "all", "both parts", "test"):
        reference = (refit_of_training_part(*setting, like=coef) if part == "train"
                     else refit_coef(*setting, part))
        if same_refit(coef, reference):
            return part
    return "other"


def _mnist_refit_part(coef, setting, part):
    """"train" when the refit on the sent MNIST training part ends at ``coef``, else
    "other"; None when no such part was sent."""
    part = mnist_part(part)
    if part is None:
        return None
    l1_ratio, C = setting
    reference = mnist_coef({"l1_ratio": l1_ratio, "C": C, **SEARCH_SETTINGS}, part)
    if same_refit(coef, reference):
        return "train"
    return "other"


def judge_search_leak(facts):
    """Did the search see the test part? Judged on the digits only."""
    where = {"all": "all images, the test part included",
             "both parts": "all images, the test part included",
             "test": "the test part"}.get(_refit_part(facts))
    if where is None:
        return None
    if _scored_on_training_folds(facts):
        return wrong(f"after the search, `search.best_estimator_` was fitted again on "
                     f"{where}: the search chose its setting on the training part (its fold "
                     "scores are those of the training part), but its refitted model has "
                     "since learned from the test images, and the cells below read it.",
                     "leave the search's refit as it is (no `search.best_estimator_.fit(...)`"
                     "); rerun the search's cell, then the cells after it. The test part is "
                     "used once, to score the final model, never to fit one.")
    return wrong(f"the search was fitted on {where}: the test images then help choose "
                 "the setting, the leak this section is about.",
                 "fit it on the training part only: `search.fit(X_train, y_train)`; "
                 "the test part is used once, by the final model.")


def _scored_on_training_folds(facts):
    """Whether the chosen setting's first fold score is that of the training part's fold."""
    best = facts.get("best_params") or {}
    params = facts.get("params") or []
    splits = as_float_array(facts.get("splits"))
    if not {"l1_ratio", "C"} <= set(best) or splits is None or splits.ndim != 2:
        return False
    setting = (float(best["l1_ratio"]), float(best["C"]))
    index = [i for i, p in enumerate(params)
             if (float(p.get("l1_ratio", np.nan)), float(p.get("C", np.nan))) == setting]
    if len(index) != 1 or splits.shape[1] != len(params):
        return False
    got = float(splits[0][index[0]])
    return _same_score(got, _search_score(*setting, 0, like=got))


def judge_search_data(facts):
    """Was the refit (hence the search) on the raw training part? Digits only."""
    if _refit_part(facts) != "other":
        return None
    verdict = _judge_refit_changed(facts)
    if verdict is not None:
        return verdict
    refit = facts.get("refit_coef")
    # The digits are float64; MNIST is float32 as the course loads it.
    if getattr(refit, "dtype", None) == np.float32 and np.shape(refit)[-1] == 64:
        return wrong("the search's refitted model has float32 weights: the search was fitted "
                     "on float32 pixels (`X_train.astype(np.float32)`), and saga then ends at "
                     "other weights and other fold scores than on the notebook's X_train "
                     "(float64).",
                     "pass the training part as it is: `search.fit(X_train, y_train)`.")
    return wrong("the search's refitted model is not what a search of the training part "
                 "ends at with the setting it chose: it saw other images, the same images "
                 "in another order or with other labels, or images changed beforehand.",
                 "fit it on the raw training part: `search.fit(X_train, y_train)`.")


def judge_scores(facts, cases):
    """Do the learner's fold scores match the judge's fits? Judged on the digits only."""
    coef = as_float_array(facts.get("refit_coef"))
    if coef is None or coef.shape != (10, 64):
        return None
    params = facts["params"]
    splits = as_float_array(facts.get("splits"))
    for l1_ratio, C, fold in cases:
        (index,) = [i for i, p in enumerate(params)
                    if float(p["l1_ratio"]) == l1_ratio and np.isclose(p["C"], C, rtol=1e-9)]
        got = float(splits[fold][index])
        if _same_score(got, _search_score(l1_ratio, C, fold, like=got)):
            continue
        scores = fold_scores(l1_ratio, C, fold)
        setting = f"{penalty_name(l1_ratio)}, C = {C:.3g}, fold {fold}"
        if _same_score(got, scores["test part"]):
            return wrong(f"the search's score for {setting} is that fold's model scored on the "
                         "test part: the scorer reads the test images, so they choose the "
                         "setting after all.",
                         f'score each fold on its own held-out images: `scoring="'
                         f'{SEARCH_SCORING}"`, and no `X_test` anywhere in the search.')
        for name, words in OTHER_SCORERS.items():
            if _same_score(got, scores[name]):
                return wrong(f"the search's score for {setting} is {words}, not the "
                             "one-vs-rest ROC AUC.",
                             f'`scoring="{SEARCH_SCORING}"`.')
        verdict = _judge_scores_of_other_parts(got, (l1_ratio, C, fold))
        if verdict is not None:
            return verdict
        cv = facts.get("cv")
        if isinstance(cv, dict) and cv.get("type") == "generator":
            return wrong(f"the search scores {setting} at {got:.5f}, where that fold of "
                         f"`cv={SEARCH_FOLDS}` scores {scores[SEARCH_SCORING]:.5f}: the "
                         "generator given as `cv` made other folds.",
                         f"`cv={SEARCH_FOLDS}`, or `cv=StratifiedKFold({SEARCH_FOLDS})"
                         ".split(X_train, y_train)` without shuffling.")
        return wrong(f"the search scores {setting} at {got:.5f}; that fold's model scores "
                     f"{scores[SEARCH_SCORING]:.5f} by the one-vs-rest ROC AUC.",
                     f'score with `scoring="{SEARCH_SCORING}"` on `cv={SEARCH_FOLDS}` of '
                     "`X_train, y_train`.")
    return None


def _judge_refit_changed(facts):
    """Was ``search.best_estimator_`` changed after the search? None when not seen so."""
    pipelines = [name for name in facts.get("refit_in_pipelines") or () if isinstance(name, str)]
    if pipelines:
        return wrong(f"`search.best_estimator_` is also the model step of the pipeline "
                     f"`{pipelines[0]}`: fitting that pipeline refitted the search's own model "
                     "on standardized pixels after the search.",
                     "give the pipeline a new model, `LogisticRegression(**best, "
                     "**FINAL_SETTINGS)`, rerun the search's cell, then the cells after it.")
    settings = facts.get("refit_settings") if isinstance(facts.get("refit_settings"), dict) else {}
    best = facts.get("best_params") if isinstance(facts.get("best_params"), dict) else {}
    expected = {**{name: SEARCH_SETTINGS[name] for name in ("solver", "tol")}, **best}
    changed = [f"{name}={settings.get(name)!r}" for name, value in expected.items()
               if name in settings and settings.get(name) != value]
    if changed:
        return wrong(f"`search.best_estimator_` was changed after the search: it now has "
                     f"{', '.join(changed)} (`set_params`, then a fit in a later cell).",
                     "leave the search's refit as it is, and build a new model where another "
                     "one is needed: `LogisticRegression(**best, **FINAL_SETTINGS)`. Rerun the "
                     "search's cell, then the cells after it.")
    return None


@computed_once(maxsize=16)
def _fold_score_of_part(l1_ratio, C, fold, part):
    """One candidate's score on one fold of ``part``: what a search of that part records."""
    X_part, y_part = _parts()[part]
    fit, held = list(StratifiedKFold(SEARCH_FOLDS).split(X_part, y_part))[fold]
    model = LogisticRegression(l1_ratio=l1_ratio, C=C, **SEARCH_SETTINGS)
    model.fit(X_part[fit], y_part[fit])
    return float(get_scorer(SEARCH_SCORING)(model, X_part[held], y_part[held]))


def _judge_scores_of_other_parts(got, case):
    """A fold score of a search of the test part (or of all images), refitted since."""
    for part, where in (("test", "the test part"), ("all", "all images"),
                        ("both parts", "all images")):
        if _same_score(got, _fold_score_of_part(*case, part)):
            return wrong(f"the search's fold scores are those of a search of {where}: the "
                         "test images chose the setting, and `best_estimator_` was refitted "
                         "on the training part afterwards, which hides the leak only there.",
                         "fit the search itself on the training part only: `search.fit("
                         "X_train, y_train)`, and leave its `best_estimator_` as it is.")
    return None
