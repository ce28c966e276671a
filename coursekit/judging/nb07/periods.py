"""Notebook 07, exercise 1: training in periods, both losses recorded after each."""

import numpy as np

from ...checks import nb07 as specs
from ...checks.nb07 import CLASSES
from ...checks.results import ERROR, Result, correct, wrong
from ...data import load_digits, stratified_split
from ..base import Judge
from ..plain_answers import as_float_array, describe_shape
from .histories import CLOSE, reference_history
from .outside_reads import outside_slip
from .period_slips import (
    data_slip, dtype_slip, part_slip, period_slip, rounding_slip, unit_slip,
)


class TrainInPeriods(Judge, specs.TrainInPeriods):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        X, y = load_digits()
        # A small stratified sample keeps the check fast and still holds every digit.
        rows = rng.choice(len(X), size=500, replace=False)
        X_train, X_valid, y_train, y_valid = stratified_split(
            X[rows], y[rows], test_size=0.3, random_state=int(rng.integers(1000)))
        specs = [
            {"kind": "linear", "alpha": 1e-3, "random_state": int(rng.integers(1000))},
            {"kind": "network", "hidden": 8, "batch_size": 32, "learning_rate_init": 0.01,
             "random_state": int(rng.integers(1000))},
            {"kind": "linear", "alpha": 1e-2, "random_state": int(rng.integers(1000))},
        ]
        # The third training part has no image of one digit, as a small or unlucky one
        # may not: only `classes=np.arange(10)` then still knows all ten digits. In the
        # fourth, neither part has an image of a 9, so that digits taken from the
        # validation labels, from both parts' labels, or counted up to the largest label
        # (`np.arange(y.max() + 1)`) come up short too.
        missing = int(rng.integers(9))
        gone = 9
        kept = y_train != missing
        both = (y_train != gone, y_valid != gone)
        # It learns at a constant rate, as the notebook's linear model does: a rate
        # changed from period to period (`eta0`, which the 'optimal' rate ignores) shows.
        step = float(1 / np.mean(np.sum(X_train[both[0]] ** 2, axis=1)))
        specs.append({"kind": "linear", "alpha": 1e-3, "eta0": step,
                      "random_state": int(rng.integers(1000))})
        # The fifth: a network on 60 images, whose validation loss rises and falls from
        # period to period (its probabilities stay far from 0, so a log loss written out
        # agrees with `log_loss`): a loop that stops early (`break` once the validation
        # loss rises, or improves by little) records fewer periods than asked.
        specs.append({"kind": "network", "hidden": 32, "batch_size": 8,
                      "learning_rate_init": 0.05, "random_state": int(rng.integers(1000))})
        parts = [(X_train, y_train, X_valid, y_valid)] * 2 + [
            (X_train[kept], y_train[kept], X_valid, y_valid),
            (X_train[both[0]], y_train[both[0]], X_valid[both[1]], y_valid[both[1]]),
            (X_train[:60], y_train[:60], X_valid, y_valid)]
        return [(spec, *part, periods)
                for spec, part, periods in zip(specs, parts, (4, 3, 2, 2, 10))]

    def describe_case(self, case):
        spec, *_, periods = case
        model = "SGDClassifier" if spec["kind"] == "linear" else "MLPClassifier"
        return f"train_in_periods({model}(...), X_train, y_train, X_valid, y_valid, {periods})"

    def error_hint(self, case, error):
        if "classes must be passed" in error:
            return ("the first `partial_fit` must know every digit the model will ever see: "
                    "`model.partial_fit(X_train, y_train, classes=np.arange(10))`.")
        if "NotFittedError" in error:
            return ("measure the losses *after* the period's `partial_fit`: before the first "
                    "one the model has not learned anything it could predict with.")
        if "different number of classes" in error or "classes in labels" in error:
            return (f"{lacking_words(case, labels=True)}: tell `log_loss` all ten digits, "
                    "whatever the labels hold, `log_loss(y, model.predict_proba(X), "
                    "labels=np.arange(10))`.")
        if "inconsistent numbers of samples" in error:
            return ("the images and labels it was given do not go together: does the "
                    "function use a name from outside it, such as the notebook's `X_train` "
                    "or `y_valid`? Use its own parameters, so that it works on whatever it "
                    "is given (this check passes parts of its own).")
        return None

    def judge(self, payload, cases):
        for case, output in zip(cases, payload["outputs"]):
            verdict = self._judge_case(case, output)
            if verdict is not None:
                return verdict
        verdict = outside_slip("train_in_periods", payload["outputs"][0],
                               "use only what the function is given: its `X_train, y_train, "
                               "X_valid, y_valid`, and `np.arange(10)` for the digits "
                               "(`classes=` and `labels=`), whatever the labels hold.")
        if verdict is not None:
            return verdict
        # (The parts that both lack a digit go unmentioned: the solution's stored output
        # shows this message as it was.)
        return correct("one partial_fit per period and both log losses after it, for the "
                       "linear model and the network, also on a training part that lacks "
                       "a digit; the model passed in is the one trained.")

    def _judge_case(self, case, output):
        spec, X_train, y_train, X_valid, y_valid, periods = case
        call = self.describe_case(case)
        classes = output.get("classes")
        classes = None if classes is None else as_float_array(classes)
        if classes is not None and (classes.shape != CLASSES.shape
                                    or not np.array_equal(classes, CLASSES)):
            return wrong(f"{call}: the model knows the digits {classes.astype(int).tolist()} "
                         f"only; {lacking_words(case)}.",
                         "pass all ten digits, whatever the parts hold: "
                         "`classes=np.arange(10)`.")
        if "raised" in output:
            error = str(output["raised"])
            hint = self.error_hint(case, error) or (
                "read the error, fix the cell with your answer, run it, then run this one "
                "again.")
            return Result(ERROR, f"{call} raised {error}", hint)
        changed = output.get("changed_input") or []
        if changed:
            # Named first: the losses of changed parts differ for that reason alone.
            return wrong(f"{call} changed {', '.join(map(str, changed))}, which it was given.",
                         "leave the parts as they are (no `np.random.shuffle`, `-=` or "
                         "assignment into them): the notebook uses them again for the next "
                         "model.")
        losses = output.get("losses")
        verdict = _form_slip(call, losses, periods)
        if verdict is not None:
            return verdict
        out = as_float_array(losses)
        expected = reference_history(spec, X_train, y_train, X_valid, y_valid, periods)
        if out.shape[1] == periods - 1 and _trained_in_full(output, expected):
            # Every period trained, one fewer measured: measured before each period's
            # partial_fit (skipping the untrained first), not a `range(1, periods)`.
            return wrong(f"{call} recorded {periods - 1} numbers per part for {periods} "
                         "periods of training: it measured before each period's "
                         "`partial_fit`, so the last period's losses are missing.",
                         "measure both losses *after* each period's `partial_fit`, in "
                         "the same pass of the loop.")
        if out.shape[1] != periods:
            return _count_slip(call, out.shape[1], periods)
        loss = expected["loss"]
        if np.allclose(out, loss, **CLOSE):
            return (self._judge_model(call, output, expected)
                    or _settings_slip(spec, call, output.get("settings")))
        # The images the answer's model was shown, the type of its weights and its
        # settings, beside the history it should have.
        return self._diagnose(case, call, out, {**expected, "answer_seen": output.get("seen"),
                                                "answer_dtype": output.get("dtype"),
                                                "answer_settings": output.get("settings"),
                                                "answer_final": output.get("final")})

    @staticmethod
    def _judge_model(call, output, expected):
        """The losses are right: is the model passed in left as the next cells need it?"""
        final = output.get("final")
        final = None if final is None else as_float_array(final)
        if final is None:
            return wrong(f"{call} recorded the right losses, but the model it was given is "
                         "not trained after the call: did it train a copy (`clone(model)`, "
                         "a new model)?",
                         "train the model passed in, `model.partial_fit(...)`: the next "
                         "cells use `linear` and `network` themselves.")
        if final.shape != expected["final"].shape or not np.allclose(
                final, expected["final"], **CLOSE):
            return wrong(f"{call} recorded the right losses, but the model it was given is "
                         "not the model those losses describe: it was trained further, or "
                         "another model was trained.",
                         "train the model passed in, one `partial_fit` per period and "
                         "nothing after the loop: the next cells use it as it is.")
        return None

    def _diagnose(self, case, call, out, expected):
        """Name the slip behind losses that are not the expected ones."""
        settings = _settings_slip(case[0], call, expected["answer_settings"],
                                  _FIT_SETTINGS)
        # Changed settings change the losses: named before the slips they would pass
        # for (another order of the images), except `fit` with `warm_start=True` and
        # `max_iter=1`, which period_slip names itself.
        if settings is not None:
            return settings
        for slip in (rounding_slip, dtype_slip, part_slip, unit_slip, _measure_slip,
                     period_slip, data_slip):
            verdict = slip(case, call, out, expected)
            if verdict is not None:
                return verdict
        verdict = _settings_slip(case[0], call, expected["answer_settings"])
        if verdict is not None:
            return verdict
        loss = expected["loss"]
        return wrong(f"{call} recorded losses that differ from the expected ones "
                     f"(first period: training {loss[0, 0]:.3f}, validation {loss[1, 0]:.3f}).",
                     "in each period call `model.partial_fit(X_train, y_train, "
                     "classes=np.arange(10))` once, on the whole training part, then "
                     "append `log_loss(y, model.predict_proba(X), labels=np.arange(10))` "
                     "for each part.")


def lacking_words(case, *, labels=False):
    """Which of the case's parts lack which digit, and the ways of taking digits that miss it.

    ``labels`` words it for the ``labels`` of ``log_loss`` (which, left out, takes the
    digits of ``y``), else for the ``classes`` of ``partial_fit``.

    Examples
    --------
    >>> y = np.arange(10)
    >>> lacking_words(({}, None, y[y != 3], None, y, 2))
    'this training part has no image of 3, so `np.unique(y_train)` leaves that digit out'
    """
    _, _, y_train, _, y_valid, _ = case
    in_train, in_valid = set(np.unique(y_train).tolist()), set(np.unique(y_valid).tolist())
    both = sorted(int(d) for d in set(CLASSES.tolist()) - (in_train | in_valid))
    train = sorted(int(d) for d in set(CLASSES.tolist()) - in_train)
    if both:
        where = ("neither this training part nor this validation part has an image of "
                 f"{_listed(both)}")
        ways = ("digits taken from the labels, of either part or of both together "
                "(`np.unique(y_valid)`, `np.unique(np.concatenate([y_train, y_valid]))`)")
    elif train:
        where = f"this training part has no image of {_listed(train)}"
        ways = "`np.unique(y_train)`"
    else:
        return "the ten digits are 0 to 9, and this case's parts hold every one"
    if labels:
        ways = (f"{ways}, or `log_loss` without `labels=` (it takes the digits of `y`),"
                if both else "`log_loss` without `labels=` (it takes the digits of `y`), "
                "or `np.unique(y_train)`,")
        return f"{where}, so {ways} leave that digit out"
    return f"{where}, so {ways} {'leave' if both else 'leaves'} that digit out"


def _form_slip(call, losses, periods):
    """A wrong() verdict when the losses returned are not two rows of numbers, else None."""
    if losses is None:
        return wrong(f"{call} returned None.",
                     "did you forget `return train_losses, valid_losses`?")
    if _holds_text(losses):
        return wrong(f"{call} returned the losses as text, not as numbers.",
                     "append the numbers `log_loss` gives, not `str(...)` or formatted "
                     "text: the plots below compute with them; format them only when "
                     "printing.")
    out = as_float_array(losses)
    if out is not None and out.ndim == 2 and out.shape[0] == 2:
        return None
    if out is not None and out.shape == (periods, 2):
        return wrong(f"{call} returned {periods} pairs, one per period.",
                     "return two lists, `train_losses, valid_losses`, each with "
                     "one number per period.")
    if isinstance(losses, list) and len(losses) == 2 and all(
            isinstance(part, list) or isinstance(part, np.ndarray) and part.ndim == 1
            for part in losses):
        counts = [len(part) for part in losses]
        return wrong(f"{call} returned two lists of {counts[0]} and {counts[1]} numbers; "
                     f"each should hold one per period, {periods}.",
                     "after each period's `partial_fit`, append its training loss to the "
                     "first list and its validation loss to the second: "
                     "`train_losses.append(...)`, then `valid_losses.append(...)`.")
    return wrong(f"{call} returned {describe_shape(losses)}.",
                 "return two lists of numbers: `return train_losses, valid_losses`.")


#: The settings that `fit` per period needs changed (named by its own slip).
_FIT_SETTINGS = frozenset({"warm_start", "max_iter"})


def _settings_slip(spec, call, settings, unless=frozenset()):
    """A wrong() verdict when the call changed the settings of the model it was given.

    None as well when the settings changed are all among ``unless``.
    """
    if not isinstance(settings, dict):
        return None
    built = specs.settings_of(specs.build_model(spec))
    names = [name for name in built if name in settings and settings[name] != built[name]]
    if not names or set(names) <= unless:
        return None
    changed = [f"`{name}` from {built[name]} to {str(settings[name])[:40]}" for name in names]
    return wrong(f"{call} changed the settings of the model it was given: "
                 f"{', '.join(changed[:4])}.",
                 "train the model as it was built: one `partial_fit` per period, with no "
                 "`set_params` and no change of its attributes (a learning rate lowered "
                 "per period, `warm_start`, `max_iter`, `momentum`). The next cells, and "
                 "the checks of the models trained with this function, count on the "
                 "settings each model was built with.")


def _listed(digits):
    return " and ".join(map(str, digits))


def _holds_text(value):
    """Whether ``value`` (plain data) holds texts; a text alone names what is not plain data
    (``"<a zip>"``, :func:`~coursekit.checks.wire.plain_or_name`) and is not one."""
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "US"
    if isinstance(value, (list, tuple)):
        return any(isinstance(item, str) or (isinstance(item, (list, tuple, np.ndarray))
                                             and _holds_text(list(item)[:1000]))
                   for item in list(value)[:1000])
    return False


#: How far (relatively) losses measured otherwise than `log_loss` may lie from its own
#: to be named a near miss of it (a guard of 1e-9 or a clip at 1e-7 lands within 2 %).
_NEAR = 0.2


def _measure_slip(case, call, out, expected):
    """The model ends right, the losses differ: they were measured otherwise, else None.

    After the slips that name a way of measuring (rounding, another part, log2): a loss
    written out with a guard of its own against log(0) (``+ 1e-9``, a clip), or on
    probabilities made float32, lands near `log_loss`'s without being it.
    """
    if not _trained_in_full({"final": expected.get("answer_final")}, expected):
        return None
    loss = expected["loss"]
    worst = float(np.max(np.abs(out - loss) / np.maximum(np.abs(loss), 1e-12)))
    if not worst <= _NEAR:  # another measure altogether: the general message says so
        return None
    return wrong(f"{call} trained the model right, one `partial_fit` per period, but "
                 f"measured losses that differ from `log_loss`'s by up to {worst:.1%}: was "
                 "the loss written out by hand (with a guard of its own against log(0), "
                 "such as `+ 1e-9` or a clip), or measured on other probabilities?",
                 "measure with `log_loss(y, model.predict_proba(X), labels=np.arange(10))` "
                 "itself, on the probabilities as `predict_proba` gives them.")


def _trained_in_full(output, expected):
    """Whether the model after the call is the one ``expected`` ends with."""
    final = output.get("final")
    final = None if final is None else as_float_array(final)
    return final is not None and final.shape == expected["final"].shape and bool(
        np.allclose(final, expected["final"], **CLOSE))


def _count_slip(call, recorded, periods):
    """Too many or too few numbers per part: name the loop that gives them."""
    if recorded == periods + 1:
        return wrong(f"{call} recorded {recorded} numbers per part, one period too many.",
                     "run exactly `periods` periods, `for _ in range(periods):`, and record "
                     "only after each period's `partial_fit` (not once more before the loop).")
    if recorded == periods - 1:
        return wrong(f"{call} recorded {recorded} numbers per part, one period short.",
                     "`range(periods)` runs `periods` times; `range(1, periods)` runs one "
                     "time less. Record both losses in every period.")
    return wrong(f"{call} recorded {recorded} numbers per part, not {periods}.",
                 "record both losses once at the end of every period, and run "
                 "exactly `periods` periods, with no `break` when the validation loss "
                 "rises or stalls: the curves are there to show it.")
