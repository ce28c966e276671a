"""Notebook 05's judges: cases, references and hints."""

import numbers
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM

from ..checks import nb05 as specs
from ..checks.results import correct, wrong
from ..data import DIRECTIONS, load_digits, nudge_dataset
from . import stored_references as stored
from .base import Judge
from .computed_once import computed_once
from .plain_answers import as_float_array, describe_shape, not_an_array
from .questions import Question

_OPPOSITE = {"left": "right", "right": "left", "up": "down", "down": "up"}
# Where each direction moves the ink, as (axis, step) of np.roll on (n, 8, 8) images.
_ROLL = {"left": (2, -1), "right": (2, 1), "up": (1, -1), "down": (1, 1)}
# The row or column a shift leaves empty.
_VACATED = {"left": (slice(None), slice(None), -1), "right": (slice(None), slice(None), 0),
            "up": (slice(None), -1, slice(None)), "down": (slice(None), 0, slice(None))}


def reference_nudge(images, direction):
    """``images`` of shape (n, side, side) moved one pixel towards ``direction``, filled with 0.

    The reference answer of 05-nudge. It lives here, on the trusted side, and
    nowhere a graded kernel can import: handed in as an answer, it would pass.

    Examples
    --------
    >>> image = np.zeros((1, 8, 8)); image[0, 3, 4] = 1
    >>> [tuple(map(int, np.argwhere(reference_nudge(image, d)[0])[0])) for d in DIRECTIONS]
    [(3, 3), (3, 5), (2, 4), (4, 4)]
    """
    images = np.asarray(images)
    shifted = np.zeros_like(images)
    if direction == "left":
        shifted[:, :, :-1] = images[:, :, 1:]
    elif direction == "right":
        shifted[:, :, 1:] = images[:, :, :-1]
    elif direction == "up":
        shifted[:, :-1, :] = images[:, 1:, :]
    elif direction == "down":
        shifted[:, 1:, :] = images[:, :-1, :]
    else:
        raise ValueError(f"direction must be one of {', '.join(map(repr, DIRECTIONS))}; "
                         f"got {direction!r}")
    return shifted


class Nudge(Judge, specs.Nudge):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Ink everywhere, borders included (values in [0.05, 1)), so that a pixel
        # that wraps around or a column that is not cleared shows up.
        batches = [0.05 + 0.95 * rng.random((n, 8, 8)) for n in (3, 1)]
        # And more images than the digits have (1,797): a buffer of a fixed size shows.
        many = 0.05 + 0.95 * rng.random((1800, 8, 8))
        return [(images, direction) for images in batches for direction in DIRECTIONS] + [
            (many, DIRECTIONS[int(rng.integers(len(DIRECTIONS)))])]

    def judge(self, payload, cases):
        verdicts = [(direction, self._judge_one(images, direction, collected))
                    for (images, direction), collected in zip(cases, payload["outputs"])]
        for direction, verdict in verdicts:
            if verdict is None:
                continue
            # One direction wrong among right ones (a typo, one slice off): say which work.
            right = [d for d in DIRECTIONS if all(v is None for d2, v in verdicts if d2 == d)]
            if right and verdict.status == "wrong":
                names = [repr(d) for d in right]
                listed = (names[0] if len(names) == 1
                          else ", ".join(names[:-1]) + " and " + names[-1])
                verdict = wrong(f"{verdict.message} ({listed} {'is' if len(names) == 1 else 'are'} "
                                f"right.)", verdict.hint)
            return verdict
        return correct("every direction moves the ink one pixel and fills the gap with 0.")

    def _judge_one(self, images, direction, collected):
        call = f"nudge(images, {direction!r})"
        if "output_type" in collected:
            return wrong(f"{call} returned a value of type {collected['output_type']}, "
                         f"not an array of numbers.",
                         "return a numpy array of the same shape as `images`.")
        output = collected["output"]
        if output is None:
            return wrong(f"{call} returned None.",
                         "did you forget `return` (or use `print` instead)?")
        out = as_float_array(output)
        if out is None:
            return wrong(f"{call} returned {describe_shape(output)}, not an array of numbers.",
                         "return a numpy array of the same shape as `images`.")
        expected = reference_nudge(images, direction)
        if out.shape != images.shape:
            kind = collected.get("type")
            if (kind in ("tuple", "list") and out.shape == (1, *images.shape)
                    and np.allclose(out[0], expected)):
                return wrong(f"{call} returned a {kind} holding the right "
                             f"array, not the array itself.",
                             "return the array on its own: no comma after it (`return out,` "
                             "makes a tuple) and no brackets around it.")
            if out.size == images.size and np.allclose(out.reshape(images.shape), expected):
                return wrong(f"{call} has the right pixels but shape {out.shape}.",
                             f"return the shape you were given, {images.shape}: "
                             f"(number of images, 8 rows, 8 columns).")
            return wrong(f"{call} returned shape {out.shape}; expected {images.shape}.",
                         "return one shifted 8x8 image for every image given.")
        if collected["changed_input"]:
            return wrong(f"{call} changed the images it was given.",
                         "build the result in a new array, e.g. `np.zeros_like(images)`, "
                         "and copy the shifted pixels into it.")
        if np.allclose(out, expected):
            return not_an_array(collected, call, "(n, 8, 8)",
                                why="the exercise asks for a new array, as every step on "
                                    "images in this course returns one.")
        dtype = np.asarray(output).dtype
        if dtype.kind == "b" and np.array_equal(out, expected != 0):
            return wrong(f"{call} returned True and False, not pixel values: every pixel "
                         "with ink became 1.",
                         "keep the images' own type: no `.astype(bool)` and no comparison "
                         "such as `> 0`; start from `np.zeros_like(images)` and copy the "
                         "pixels as they are.")
        if dtype.kind == "f" and dtype.itemsize < 4 and np.allclose(
                out, expected.astype(dtype), rtol=0, atol=0):
            return wrong(f"{call} returned {dtype} values: they keep about three "
                         "significant digits, so the pixels were rounded.",
                         "keep the images' own type: start from `np.zeros_like(images)`, "
                         "which has the type of `images`, and convert nothing.")
        if dtype.kind in "iu" and np.allclose(out, np.trunc(expected)):
            return wrong(f"{call} returned whole numbers: the pixels, fractions in [0, 1], "
                         "were cut down to 0.",
                         "keep the images' own type: no `.astype(int)`, and start from "
                         "`np.zeros_like(images)`, which has the type of `images`.")
        return self._diagnose(images, direction, out, expected, call)

    def _diagnose(self, images, direction, out, expected, call):
        if not np.any(out):
            return wrong(f"{call} returned all 0s: no pixel was copied for {direction!r}.",
                         f"does your code recognize {direction!r}? Check that it is spelled "
                         f"exactly so in your `if` (a typo such as 'rigth' never matches), "
                         f"and that its slice copies the pixels.")
        if np.allclose(out, images):
            return wrong(f"{call} returned the images unchanged.",
                         "move every pixel one step: for 'left', the pixel in column j "
                         "goes to column j - 1.")
        axis, step = _ROLL[direction]
        if np.allclose(out, np.roll(images, step, axis=axis)):
            return wrong(f"{call} moves the ink the right way, but the row or column pushed "
                         f"out comes back in on the other side.",
                         "`np.roll` wraps around. Fill the row or column the shift leaves "
                         "empty with 0 instead: start from `np.zeros_like(images)` and copy "
                         "a slice, e.g. `out[:, :, :-1] = images[:, :, 1:]` for 'left'.")
        if np.allclose(out, np.roll(images, -step, axis=axis)):
            return wrong(f"{call} wraps around with `np.roll`, and in the opposite direction.",
                         "slice instead of rolling, so the gap is filled with 0, and check "
                         "the sign: 'left' takes each pixel from the column to its right.")
        if np.allclose(out, reference_nudge(images, _OPPOSITE[direction])):
            return wrong(f"{call} moved the ink {_OPPOSITE[direction]}, the opposite way.",
                         f"the direction says where the ink goes. For {direction!r}, "
                         f"{_where_from(direction)}.")
        for other in DIRECTIONS:
            if other not in (direction, _OPPOSITE[direction]) and np.allclose(
                out, reference_nudge(images, other)
            ):
                return wrong(f"{call} moved the ink {other}: rows and columns are swapped.",
                             "axis 1 indexes rows (up/down), axis 2 columns (left/right), "
                             "for images of shape (n, 8, 8).")
        vacated = _VACATED[direction]
        kept = np.ones(images.shape, dtype=bool)
        kept[vacated] = False
        if np.allclose(out[kept], expected[kept]):
            return wrong(f"{call} shifts the pixels, but the row or column it leaves empty "
                         f"is not 0.",
                         "set the emptied row or column to 0, the value of blank paper "
                         "(starting from `np.zeros_like(images)` does it for you).")
        return wrong(f"{call} differs from the images moved one pixel {direction}.",
                     f"start from `np.zeros_like(images)`; for {direction!r}, "
                     f"{_where_from(direction)}.")


def _where_from(direction):
    return {
        "left": "the pixel in column j comes from column j + 1 of the input",
        "right": "the pixel in column j comes from column j - 1 of the input",
        "up": "the pixel in row i comes from row i + 1 of the input",
        "down": "the pixel in row i comes from row i - 1 of the input",
    }[direction]


# ---------------------------------------------------------------- exercise 2


class WhyChance(Question, specs.WhyChance):
    options = {
        "a": ("`C=100` holds the weights back so strongly that they all stay 0.",
              "`C=100` is a weak penalty (the smaller `C`, the stronger it is), and the "
              "model did not even start: `n_iter_` is 0."),
        "b": ("The gradient is already smaller than `tol=1` at the start, so the solver "
              "stops before its first step.",
              "the solver stops as soon as the gradient is below `tol`; averaged over the "
              "images it starts far below 1, so no step is taken and every weight stays 0."),
        "c": ("The newton-cg solver cannot fit ten classes at once.",
              "newton-cg fits ten classes well once it runs; here it ran 0 iterations."),
        "d": ("7,188 training images are too few for 64 weights per digit.",
              "7,188 images are plenty for 650 weights; with the same images a solver that "
              "runs reaches 0.789."),
    }
    right = "b"


# ---------------------------------------------------------------- exercise 3

#: The scikit-learn example's RBM, as the notebook builds it.
RBM_SETTINGS = {"n_components": 100, "learning_rate": 0.06, "batch_size": 10, "n_iter": 10,
                "random_state": 0}
#: The classifier's settings that work on current scikit-learn.
LOGISTIC_SETTINGS = {"C": 6000.0, "solver": "newton-cholesky", "tol": 1e-8}
#: What the notebook's pipeline scores on its test part (its stored output shows 0.945).
#: A pipeline fitted on the training part with these settings lands here to the third
#: decimal on every machine (newton-cholesky solves to the one minimum).
RBM_ACCURACY = 0.945
#: How far a pipeline whose RBM saw other images may land from it (one training row
#: fewer: 0.951): beyond it, the verdict asks whether test images were among them.
RBM_ACCURACY_SLACK = 0.006
#: The logistic step's largest gradient entry on the RBM's current features
#: (:func:`coursekit.checks.nb05.optimality_gap`): about 3e-9 right after the pipeline's
#: fit (newton-cholesky, tol=1e-8), about 6e-3 once `rbm.partial_fit` moved one batch of 10.
#: It tells an RBM changed after the fit from one fitted on other images.
OPTIMALITY_GAP = 1e-5


@computed_once(maxsize=1)
def nudged_split():
    """The notebook's split of the nudged digits: X_train, X_test, y_train, y_test."""
    X, y = load_digits()
    X_nudged, y_nudged = nudge_dataset(X, y, reference_nudge)
    return tuple(train_test_split(X_nudged, y_nudged, test_size=0.2, random_state=0))


class RbmPipeline(Judge, specs.RbmPipeline):
    def cases(self, seed):
        # The training part too: the kernel checks that the logistic step still fits
        # the RBM's features (no `rbm.partial_fit` after the pipeline's fit).
        X_train, X_test, y_train, _ = nudged_split()
        return [(X_test, X_train, y_train)]

    def judge(self, payload, cases):
        facts = payload["value"]
        if not isinstance(facts, dict) or "steps" not in facts:
            return wrong("`rbm_features` is not a scikit-learn model.", _BUILD_PIPELINE)
        steps = list(facts["steps"])
        if not facts["is_pipeline"]:
            return wrong(f"`rbm_features` is a {steps[0]}, not a pipeline.", _BUILD_PIPELINE)
        if steps != ["BernoulliRBM", "LogisticRegression"]:
            return wrong(f"the pipeline's steps are {steps}; expected the RBM, then the "
                         "logistic regression.", _BUILD_PIPELINE)
        if facts.get("rbm_is_notebooks") is False:
            return wrong("the pipeline's RBM is a new BernoulliRBM, not the notebook's `rbm`: "
                         "`rbm` stays untrained, and the cells below that draw "
                         "`rbm.components_` would show nothing it learned.",
                         "put `rbm` itself into the pipeline: `Pipeline([(\"rbm\", rbm), "
                         "(\"logistic\", LogisticRegression(...))])`.")
        shared = [str(name) for name in facts.get("logistic_is") or []]
        if shared:
            return wrong(f"the pipeline's logistic regression is the notebook's `{shared[0]}`, "
                         "the model on raw pixels, not a new one: fitting the pipeline refitted "
                         "it on the RBM's 100 features (with its settings changed), so the cell "
                         f"below that reads it, `classification_report(y_test, "
                         f"{shared[0]}.predict(X_test))`, fails: it expects 64 pixels.",
                         "give the pipeline a new model, `LogisticRegression(C=6000, "
                         "solver=\"newton-cholesky\", tol=1e-8)`, and run the cell that fits "
                         f"`{shared[0]}` again so that it is the model on raw pixels once more.")
        different = [f"{name}={facts['rbm'].get(name)!r}" for name, value in RBM_SETTINGS.items()
                     if not _same_setting(facts["rbm"].get(name), value)]
        if different:
            return wrong(f"the RBM's settings differ from the example's: {', '.join(different)}.",
                         "use the notebook's `rbm` as it is: 100 components, learning rate "
                         "0.06, batches of 10 (the default `batch_size`), 10 iterations, "
                         "`random_state=0`.")
        logistic = facts["logistic"]
        verdict = _judge_logistic_settings(logistic)
        if verdict is not None and facts["fitted"] and _changes_the_fit(logistic) and (
                _is_reference_fit(facts.get("logistic_weights"))):
            # Either the settings changed after the fit, or this one changed nothing in
            # it (a `tol` of 1e-7 ends where 1e-8 does): both are named.
            asked = {**LogisticRegression().get_params(), **LOGISTIC_SETTINGS}
            different = [f"`{name}={logistic.get(name)!r}`" for name, value in asked.items()
                         if name in logistic and not _same_setting(logistic[name], value)]
            return wrong("the logistic regression's weights are those the settings the text "
                         "asks for give (`C=6000, solver=\"newton-cholesky\", tol=1e-8`), "
                         f"but its settings say {', '.join(different) or 'otherwise'}: they "
                         "were changed after the pipeline's fit (with `set_params`), or the "
                         "difference happens to change nothing in this fit.",
                         "build it with the settings the text gives, `LogisticRegression("
                         "C=6000, solver=\"newton-cholesky\", tol=1e-8)`, and run the "
                         "pipeline's cell again, with no `set_params` after its fit.")
        if verdict is not None:
            return verdict
        if not facts["fitted"]:
            return wrong("`rbm_features` is built but not fitted yet.",
                         "fit it on the training part: `.fit(X_train, y_train)`.")
        if facts.get("rbm_fitted") is False:
            return wrong("the pipeline's logistic regression is fitted but its RBM is not, so "
                         "the pipeline cannot turn images into features.",
                         "fit the whole pipeline, not one of its steps: "
                         "`rbm_features.fit(X_train, y_train)`.")
        _, _, _, y_test = nudged_split()
        if facts.get("predictions_kind") not in (None, "numbers"):
            return wrong("the pipeline predicts text, not digits: it was fitted on labels "
                         "turned into text (`y_train.astype(str)`), and nothing below can "
                         "compare its answers with `y_test`.",
                         "fit it on the labels as they are: `rbm_features.fit(X_train, "
                         "y_train)`.")
        predictions = as_float_array(facts.get("predictions"), shape=y_test.shape)
        if predictions is None:
            return wrong("the pipeline gave no predictions for the test images.",
                         "fit it on the notebook's `X_train` of 64 pixels per image.")
        accuracy = float(np.mean(predictions == y_test))
        if facts.get("rbm_output") not in (None, "ndarray"):
            return wrong(f"the pipeline's RBM gives its features as a {facts['rbm_output']} "
                         "(its output was set with `set_output(transform=\"pandas\")`, on the "
                         "pipeline or the RBM): the cells below take `rbm.transform(X_train)` "
                         "rows by position, `features_train[order]`, which a DataFrame "
                         "refuses.",
                         "build the pipeline without `set_output`, so that its steps give "
                         "numpy arrays, and fit it again.")
        if facts.get("rbm_dtype") not in (None, "float64"):
            return wrong(f"the pipeline's RBM learned in {facts['rbm_dtype']}: it was fitted on "
                         "images of another type than the notebook's (float64), and its "
                         "components are not those of the example's RBM.",
                         "fit the pipeline on `X_train` as the notebook made it, without "
                         "`.astype(...)`: `rbm_features.fit(X_train, y_train)`.")
        verdict = (_judge_rbm_training(facts.get("components"), facts.get("optimality_gap"),
                                       accuracy)
                   or _judge_rbm_intercepts(facts.get("intercepts"), accuracy)
                   or _judge_logistic_fit(facts.get("logistic_weights"), logistic, accuracy))
        if verdict is not None:
            return verdict
        if abs(accuracy - RBM_ACCURACY) > RBM_ACCURACY_SLACK:
            # Right weights class by class, other names for the classes: labels shifted or
            # scaled (`y_train + 1`) keep their order, hence every weight.
            return wrong(f"the pipeline's steps are right, but it classifies only "
                         f"{accuracy:.3f} of the test images, where fitted on `X_train, "
                         f"y_train` it classifies {RBM_ACCURACY}: the classes it learned are "
                         "not the digits (labels shifted or scaled, `y_train + 1`, or its "
                         "`classes_` changed).",
                         "fit it on the labels as they are: `rbm_features.fit(X_train, "
                         "y_train)`.")
        return correct(f"the example's RBM, then a logistic regression that converges; "
                       f"accuracy on the test part {accuracy:.3f}.")


def _judge_logistic_settings(logistic):
    """Name the first setting of the logistic step that is not a working one; else None."""
    if _same_setting(logistic.get("tol"), 1.0):
        return wrong("the LogisticRegression has `tol=1`, the example's setting: its "
                     "solver stops before its first step.",
                     "use the working settings: `LogisticRegression(C=6000, "
                     "solver=\"newton-cholesky\", tol=1e-8)`.")
    if not _same_setting(logistic.get("penalty"), reference_logistic_params()["penalty"]):
        # A penalty set by hand is the change made (`penalty=None` ignores C, which then
        # reads as its default): named before the settings it leaves at their defaults.
        verdict = _judge_other_logistic_settings(logistic)
        if verdict is not None:
            return verdict
    different = [f"{name}={logistic.get(name)!r}" for name, value in LOGISTIC_SETTINGS.items()
                 if name != "tol" and not _same_setting(logistic.get(name), value)]
    if different:
        return wrong(f"the LogisticRegression's settings differ from the working ones: "
                     f"{', '.join(different)}.",
                     "use `LogisticRegression(C=6000, solver=\"newton-cholesky\", "
                     "tol=1e-8)`: a weak penalty, and a solver that goes all the way.")
    tol = logistic.get("tol")
    if not (isinstance(tol, numbers.Real) and not isinstance(tol, bool)
            and 0 < tol <= LOGISTIC_SETTINGS["tol"]):
        return wrong(f"the LogisticRegression has `tol={tol!r}`: its solver may stop "
                     "before the minimum, where another order of the rows or another "
                     "computer gives other answers.",
                     "use `tol=1e-8` (a smaller one goes all the way too): "
                     "`LogisticRegression(C=6000, solver=\"newton-cholesky\", tol=1e-8)`.")
    return _judge_other_logistic_settings(logistic)


#: How far an RBM trained on the training part may be from the reference one: thread
#: counts and processors change the last bits of its sums, images seen change whole
#: components (training on the test part too moves them by about 0.5).
COMPONENTS_TOLERANCE = 1e-6
#: How far the logistic step's weights may be from those of the reference fit.
#: newton-cholesky retraces the same steps whatever the order of the rows, the processor
#: or the thread count (1e-11 apart here, weights up to 171); one test row more, or one
#: training row fewer, moves them by 2e-4 or more, although no prediction changes.
WEIGHTS_TOLERANCE = 1e-6
#: The logistic step's ``coef_`` beside its ``intercept_``: a row per digit.
WEIGHTS_SHAPE = (10, RBM_SETTINGS["n_components"] + 1)


@computed_once(maxsize=1)
def reference_rbm():
    """The example's RBM trained on the training part alone (0.6 s, once a process)."""
    X_train, _, _, _ = nudged_split()
    return BernoulliRBM(**RBM_SETTINGS).fit(X_train)


def reference_components():
    """What the example's RBM learns from the training part alone."""
    return reference_rbm().components_


@computed_once(maxsize=1)
def reference_features():
    """The reference RBM's features of the training part, and its labels."""
    X_train, _, y_train, _ = nudged_split()
    return reference_rbm().transform(X_train), y_train


#: The references a right answer of 05-rbm-pipeline matches, as the pinned versions
#: compute them (:mod:`.stored_references`): the RBM's components and intercepts (a fit
#: of about a second) and the logistic step's weights at the notebook's ``tol`` (four
#: seconds or more). :func:`save_references` rewrites the file.
STORED_REFERENCES = stored.FOLDER / "nb05.npz"


def _computed_references():
    rbm = reference_rbm()
    return {"components": rbm.components_, "intercept_hidden": rbm.intercept_hidden_,
            "intercept_visible": rbm.intercept_visible_,
            "logistic_weights": reference_logistic_weights()}


@computed_once(maxsize=1)
def stored_references():
    """The arrays in :data:`STORED_REFERENCES` by name; empty when the file is unreadable."""
    return stored.read(STORED_REFERENCES)


def save_references(path=STORED_REFERENCES):
    """Write the judge's own references (:data:`STORED_REFERENCES`) to ``path``."""
    stored.write(path, _computed_references())


def _is_reference(given, name, compute, tolerance):
    """Whether ``given`` is within ``tolerance`` of the reference ``name``: of the stored
    one, else of ``compute()``, the judge's own (fitted at its first call)."""
    def within(reference):
        return _within(given, reference, tolerance)

    return within(stored.reference(stored_references().get(name), compute, within))


def _within(given, reference, tolerance):
    array = as_float_array(given, shape=reference.shape)
    return array is not None and np.abs(array - reference).max() <= tolerance


@computed_once(maxsize=4)
def reference_logistic_weights(tol=LOGISTIC_SETTINGS["tol"]):
    """The logistic step's weights (``coef_`` beside ``intercept_``) fitted on the training part.

    About two seconds, once a process for each ``tol`` a right answer may use.
    """
    features, y_train = reference_features()
    with warnings.catch_warnings():
        # A tol below what float64 resolves ends on a failed line search, with a warning.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(**{**LOGISTIC_SETTINGS, "tol": tol}).fit(features, y_train)
    return np.hstack([model.coef_, model.intercept_[:, None]])


def _judge_rbm_training(components, gap, accuracy):
    """None when the RBM learned what one trained on ``X_train`` alone learns."""
    if _is_reference(components, "components", reference_components, COMPONENTS_TOLERANCE):
        return None
    if specs.rescaled(as_float_array(components)):
        return wrong(_RESCALED_RBM, _RESCALED_RBM_HINT)
    # A pipeline fitted on other images misses the training part's optimum too, but it
    # also scores otherwise; one whose RBM moved a little after the fit scores alike.
    if isinstance(gap, numbers.Real) and not gap <= OPTIMALITY_GAP and abs(
            accuracy - RBM_ACCURACY) <= RBM_ACCURACY_SLACK:
        # Both slips leave this trace; which one was made, the weights cannot tell.
        return wrong("the pipeline's RBM is not the one a fit on the training part gives, and "
                     "the logistic regression does not fit the features it gives the training "
                     "part now: the pipeline was fitted on other rows than the training part "
                     "(some left out, `X_train[:-10]`, or test rows added), or the RBM changed "
                     "after the pipeline's fit (trained further, e.g. with `rbm.partial_fit`).",
                     "fit the pipeline last, and on the whole training part: "
                     "`rbm_features.fit(X_train, y_train)`, with no `rbm.partial_fit` or "
                     "`rbm.fit` after it; run the cells from `rbm = BernoulliRBM(...)` again.")
    seen = ""
    if accuracy > RBM_ACCURACY + RBM_ACCURACY_SLACK:
        seen = (f" It classifies {accuracy:.3f} of the test images, more than the pipeline "
                f"fitted on the training part ({RBM_ACCURACY}): were test images among them? "
                "(Fewer training rows can also score a little higher by chance.)")
    return wrong("the pipeline's RBM learned other components than the same RBM trained on the "
                 "training part alone: it was trained on other images (some rows fewer or "
                 "more, rows reordered, test images, or all of `X_nudged`; the RBM uses no "
                 "labels, but images it trained on are no longer unseen), or with other "
                 "settings that were set back afterwards (`n_iter`, `learning_rate` or "
                 "`batch_size` changed with `set_params` for the fit)." + seen,
                 "run the cells from `rbm = BernoulliRBM(...)` again, then fit the pipeline "
                 "once, on the training part only and as it is: `rbm_features.fit(X_train, "
                 "y_train)`; the pipeline trains the RBM itself.")


_RESCALED_RBM = ("the pipeline's RBM has components whose every row reaches ±1 exactly: they "
                 "were rescaled after the fit (exercise 4's `own_scale` result stored back "
                 "into `rbm.components_`, or a division in place), and the features the "
                 "RBM gives changed with them.")
_RESCALED_RBM_HINT = ("keep what `own_scale` returns under a name of its own, e.g. `tiles = "
                      "own_scale(rbm.components_)`, and never assign it to "
                      "`rbm.components_`; then run the cells from `rbm = BernoulliRBM(...)` "
                      "again.")


def _judge_rbm_intercepts(intercepts, accuracy):
    """None when the RBM's intercepts are those its training on ``X_train`` gave.

    The components can be right while an intercept was changed after the fit
    (``rbm.intercept_hidden_ += 1``): the features, and every answer, change with it.
    """
    intercepts = intercepts if isinstance(intercepts, dict) else {}
    for name in ("hidden", "visible"):
        if not _is_reference(intercepts.get(name), f"intercept_{name}",
                             lambda name=name: getattr(reference_rbm(), f"intercept_{name}_"),
                             COMPONENTS_TOLERANCE):
            return wrong(f"the pipeline's RBM learned the right components, but its "
                         f"`intercept_{name}_` is not the one its training gave: it was "
                         f"changed after the fit. The pipeline classifies {accuracy:.3f} of "
                         f"the test images; fitted on `X_train, y_train` it classifies "
                         f"{RBM_ACCURACY}.",
                         "leave the fitted RBM as it is: run the cells from `rbm = "
                         "BernoulliRBM(...)` again, then fit the pipeline once.")
    return None


def _given_weights(weights, shape):
    """The learner's ``coef_`` beside ``intercept_`` as one array of ``shape``, or None."""
    if not isinstance(weights, dict):
        return None
    coef = as_float_array(weights.get("coef"), shape=(shape[0], shape[1] - 1))
    intercept = as_float_array(weights.get("intercept"), shape=(shape[0],))
    return None if coef is None or intercept is None else np.hstack([coef, intercept[:, None]])


#: The settings whose change gives other weights (`penalty="l2"`, say, only respells one).
_CHANGE_THE_FIT = ("C", "class_weight", "fit_intercept", "solver", "tol")


def _changes_the_fit(logistic):
    """Whether a setting of ``logistic`` that gives other weights differs from the notebook's."""
    reference = reference_logistic_params()
    max_iter = logistic.get("max_iter")
    return any(not _same_setting(logistic.get(name), reference[name])
               for name in _CHANGE_THE_FIT) or (
        isinstance(max_iter, numbers.Integral) and not enough_iterations(max_iter))


def _is_reference_fit(weights, tol=LOGISTIC_SETTINGS["tol"]):
    """Whether ``weights`` are those of the notebook's settings (at ``tol``) fitted on the
    reference features (the stored ones only serve the notebook's ``tol``)."""
    given = _given_weights(weights, WEIGHTS_SHAPE)
    if tol != LOGISTIC_SETTINGS["tol"]:
        return _within(given, reference_logistic_weights(tol), WEIGHTS_TOLERANCE)
    return _is_reference(given, "logistic_weights", reference_logistic_weights,
                         WEIGHTS_TOLERANCE)


def _judge_logistic_fit(weights, logistic, accuracy):
    """None when the logistic step is the one fitted on the training part's features."""
    tol = float(logistic["tol"])
    if _is_reference_fit(weights, tol):
        return None
    given = _given_weights(weights, WEIGHTS_SHAPE)
    scores = (f" It classifies {accuracy:.3f} of the test images; the pipeline fitted on "
              f"`X_train, y_train` classifies {RBM_ACCURACY}.")
    fitted_c = None if given is None else fitted_penalty(given)
    if fitted_c is not None and not np.isclose(fitted_c, LOGISTIC_SETTINGS["C"], rtol=0.01):
        return wrong(f"the RBM is right, but the logistic regression's weights are those of "
                     f"a fit with `C={fitted_c:.3g}`: its `C` was set to 6000 only afterwards "
                     f"(with `set_params`), or every image was weighted alike in the fit "
                     f"(`sample_weight` of w acts as `C` times w, and so does every training "
                     f"row repeated w times)." + scores,
                     "set the settings first, then fit: `Pipeline([(\"rbm\", rbm), "
                     "(\"logistic\", LogisticRegression(C=6000, solver=\"newton-cholesky\", "
                     "tol=1e-8))]).fit(X_train, y_train)`.")
    if logistic.get("warm_start") is True:
        return wrong("the RBM is right, but the logistic regression's weights are not those "
                     "of one fit on its features of `X_train, y_train`: with `warm_start=True` "
                     "a second `fit` starts from the first one's weights and stops elsewhere "
                     "(or it was fitted on other rows, labels or `sample_weight`)." + scores,
                     "drop `warm_start=True` and fit the whole pipeline once: "
                     "`rbm_features.fit(X_train, y_train)`.")
    return wrong("the RBM is right, but the logistic regression was not fitted on its "
                 "features of `X_train, y_train` with these settings: it was fitted on other "
                 "rows (test rows added, training rows left out), other labels, with "
                 "`sample_weight`, or with other settings that `set_params` changed "
                 "afterwards." + scores,
                 "fit the whole pipeline once, as it is: `rbm_features.fit(X_train, "
                 "y_train)`, without `sample_weight` and without `set_params` after it.")


def fitted_penalty(weights):
    """The ``C`` a logistic step of ``weights`` was fitted with on the reference features.

    At its minimum the gradient of the mean log loss plus ``||coef||^2 / (2 C n)`` is 0,
    so the data part of the gradient is ``-coef / (C n)``: the ``C`` that best explains
    it, or None when no ``C`` does (the step was fitted on other rows or labels).

    Examples
    --------
    >>> round(float(fitted_penalty(reference_logistic_weights())))
    6000
    """
    features, y_train = reference_features()
    coef, intercept = weights[:, :-1], weights[:, -1]
    scores = features @ coef.T + intercept
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    residual = probabilities - (y_train[:, None] == np.arange(len(weights)))
    n = len(features)
    data, penalty = residual.T @ features / n, coef / n
    inverse_c = -np.sum(data * penalty) / np.sum(penalty * penalty)
    left = max(np.abs(data + inverse_c * penalty).max(), np.abs(residual.mean(axis=0)).max())
    if not inverse_c > 0 or left > 1e-7:
        return None
    return 1 / inverse_c


_BUILD_PIPELINE = ("chain the two: `Pipeline([(\"rbm\", rbm), (\"logistic\", "
                   "LogisticRegression(C=6000, solver=\"newton-cholesky\", tol=1e-8))])`, "
                   "then `.fit(X_train, y_train)`.")


#: Parameters that do not change what one fit of newton-cholesky gives: not compared
#: (`warm_start` only matters to a second fit, whose other weights the judge then sees;
#: `intercept_scaling` only to the liblinear solver).
_NOT_COMPARED = ("n_jobs", "verbose", "random_state", "warm_start", "intercept_scaling")
#: The iterations the working settings need on the training part's features
#: (:func:`reference_logistic_weights`, `n_iter_`): a `max_iter` of at least this many
#: lets the solver converge as it does with the default of 100.
LOGISTIC_ITERATIONS = 12


def enough_iterations(max_iter):
    """Whether ``max_iter`` lets the working settings converge on the training part."""
    return max_iter >= LOGISTIC_ITERATIONS


@computed_once(maxsize=1)
def reference_logistic_params():
    """Every parameter of ``LogisticRegression(**LOGISTIC_SETTINGS)``, defaults included."""
    return LogisticRegression(**LOGISTIC_SETTINGS).get_params(deep=False)


def _judge_other_logistic_settings(logistic):
    """Name the first parameter (past C, solver, tol) that differs; None when none does."""
    for name, expected in reference_logistic_params().items():
        if name in LOGISTIC_SETTINGS or name in _NOT_COMPARED:
            continue
        got = logistic.get(name)
        if name == "max_iter" and isinstance(got, numbers.Integral) and not isinstance(
                got, bool) and got < expected and not enough_iterations(got):
            return wrong(f"the LogisticRegression has `max_iter={got}`: its solver stops "
                         f"after {got} iterations, before it converges.",
                         f"leave `max_iter` at its default ({expected}): "
                         "`LogisticRegression(C=6000, solver=\"newton-cholesky\", tol=1e-8)`.")
        if name == "max_iter" and isinstance(got, numbers.Integral) and not isinstance(got, bool):
            continue  # more room than the solver needs changes nothing
        if name == "penalty" and got == "l2" and expected == "deprecated":
            # The same model as the default, whose penalty is L2 (l1_ratio=0): only the
            # spelling is on its way out, and scikit-learn says so with a FutureWarning.
            return wrong("the LogisticRegression sets `penalty='l2'`: the model is the "
                         "same, an L2 penalty is the default, but scikit-learn deprecated "
                         "`penalty` in version 1.8 (the FutureWarning of your cell) and "
                         "removes it in 1.10, where this cell would fail.",
                         "drop `penalty=...`: `LogisticRegression(C=6000, "
                         "solver=\"newton-cholesky\", tol=1e-8)` and nothing else; the "
                         "penalty is chosen with `l1_ratio` now (0, the default, for L2).")
        if not _same_setting(got, expected):
            # A parameter scikit-learn is phasing out shows its placeholder as default.
            default = ("leave it out" if expected == "deprecated"
                       else f"leave it at {expected!r}")
            return wrong(f"the LogisticRegression sets `{name}={got!r}`; the working settings "
                         f"{default}, and the model it fits is another one.",
                         f"drop `{name}=...`: `LogisticRegression(C=6000, "
                         "solver=\"newton-cholesky\", tol=1e-8)` and nothing else.")
    return None


def _same_setting(got, expected):
    if isinstance(expected, (str, bool)) or expected is None:
        return type(got) is type(expected) and got == expected
    return isinstance(got, numbers.Real) and not isinstance(got, bool) and bool(
        np.isclose(got, expected, rtol=1e-9, atol=0))


# ---------------------------------------------------------------- exercise 4


class OwnScale(Judge, specs.OwnScale):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        for n in (6, 1, 4):
            # Rows of very different sizes, mostly negative or mostly positive, so that
            # one scale for all or the largest value instead of the largest size shows.
            weights = rng.normal(size=(n, 64)) * rng.uniform(0.05, 3, size=(n, 1))
            weights -= rng.uniform(-1, 1, size=(n, 1)) * np.abs(weights).max(axis=1,
                                                                              keepdims=True)
            cases.append((weights,))
        # A unit whose weights are all 0 (it learned nothing) must stay blank, not NaN.
        cases[0][0][2] = 0.0
        # Rows an all-zero test must not take for one: no weight above 0 (its largest
        # value is 0), a first weight of 0, and weights that sum to 0.
        # Each row's largest size is above 1, where no floor on the size reaches.
        rows = cases[2][0]
        rows[0] = -np.abs(rows[0])
        rows[0, ::7] = 0.0
        rows[1, 0] = 0.0
        rows[:2] *= 2 / np.abs(rows[:2]).max(axis=1, keepdims=True)
        rows[2] = np.tile([1.25, -1.25], 32)  # exactly 0 in any order of summing
        cases.append((peaked_rows(rng),))
        # As many rows as the notebook's RBM has components (a loop over the first few
        # rows only must show), and a matrix of zeros alone (nothing to divide: still a
        # new array, not the weights themselves).
        many = rng.normal(size=(100, 64)) * np.geomspace(0.01, 3, 100)[:, None]
        cases += [(many,), (np.zeros((2, 64)),)]
        # Faint rows, but not all 0: a threshold for "small enough to count as zero"
        # (`size < 1e-3`, or `< 4e-3`) zeroes them or leaves them unscaled, and a guard
        # added to the size keeps them off ±1. Off the round numbers thresholds use.
        faint = rng.normal(size=(4, 64))
        faint *= (np.array([2.7e-3, 2.7e-4, 2.7e-5, 0.7]) / np.abs(faint).max(axis=1))[:, None]
        cases.append((faint,))
        return cases

    def describe_case(self, case):
        return f"own_scale(array of shape {case[0].shape})"

    def judge(self, payload, cases):
        for case, facts in zip(cases, payload["outputs"]):
            verdict = self._judge_case(case, facts)
            if verdict is not None:
                return verdict
        if any(facts.get("rbm_rescaled") for facts in payload["outputs"]):
            return wrong("`own_scale` scales each row right, but the notebook's RBM now holds "
                         "rescaled components: every row of `rbm.components_` reaches ±1 "
                         "exactly, as no training leaves it (the result stored back into "
                         "`rbm.components_`, or divided in place). Its features changed, "
                         "and exercise 3 and the cells below use them.",
                         _RESCALED_RBM_HINT)
        return correct("every row divided by its own largest absolute weight, so each tile "
                       "uses the whole colour scale; a row of zeros stays 0.")

    def _judge_case(self, case, facts):
        (weights,) = case
        call = self.describe_case(case)
        output = facts["numbers"]
        if output is None:
            return wrong(f"{call} returned None.",
                         "did you forget `return` (or use `print` instead)?")
        out = as_float_array(output)
        if out is None or out.shape != weights.shape:
            return wrong(f"{call} returned {describe_shape(output)}; expected the shape it "
                         f"was given, {weights.shape}.",
                         "one row per component, 64 weights each, as `plot_weight_tiles` "
                         "takes them.")
        size = np.abs(weights).max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = np.where(size > 0, weights / size, 0.0)
            by_max = weights / weights.max(axis=1, keepdims=True)
            by_min = weights / -weights.min(axis=1, keepdims=True)
            by_low = weights / np.abs(weights.min(axis=1, keepdims=True))
        if np.any(np.isnan(out)) and np.allclose(out[size[:, 0] > 0], expected[size[:, 0] > 0]):
            return wrong(f"{call} turned a row of zeros into NaN (0 divided by 0).",
                         "leave a row whose weights are all 0 as it is: divide only where "
                         "the largest size is above 0, e.g. `np.divide(weights, size, "
                         "out=np.zeros_like(weights), where=size > 0)`, or divide by "
                         "`np.maximum(size, 1e-12)`.")
        # Within SCALE_TOLERANCE no tile changes: rounding to 4 decimals passes, and so
        # does a guard added to the size that moves no row by more (`size + 1e-12`); one
        # that keeps a faint row off ±1 (`+ 1e-6` on 2.7e-5) does not, as the text says.
        with np.errstate(all="ignore"):  # an answer's NaN or infinity is judged, not warned of
            faint = faint_slip(call, weights, expected, out)
        if np.allclose(out, expected, rtol=0, atol=SCALE_TOLERANCE):
            if facts.get("changed_input"):
                return wrong(f"{call} changed the weights it was given.",
                             "build a new array: `weights / size`, not `weights /= size`: "
                             "in place it would rescale the RBM's own `components_`.")
            if facts.get("shares_input"):
                return wrong(f"{call} returned the weights it was given (or a view of "
                             "them), not a new array: changing the result, say to draw it, "
                             "would change the RBM's own `components_`.",
                             "always return a new array, also when nothing needs dividing: "
                             "`np.divide(weights, size, out=np.zeros_like(weights), "
                             "where=size > 0)` makes one.")
            return not_an_array(facts, call, str(weights.shape))
        if np.allclose(out, weights / np.abs(weights).max()):
            return wrong(f"{call} divided every row by the same number, the largest size of "
                         "all weights: faint components stay faint.",
                         "divide each row by its own largest size: "
                         "`np.abs(weights).max(axis=1, keepdims=True)`.")
        if any(np.allclose(np.nan_to_num(out), np.nan_to_num(by_one_sign))
               for by_one_sign in (by_max, by_min, by_low)):
            return wrong(f"{call} divided each row by its largest *value* (or by minus its "
                         "smallest, or by that smallest weight's size), the largest weight of "
                         "one sign only; for a row whose largest size has the other sign, the "
                         "tile flips or overflows.",
                         "divide by the largest *size*, `np.abs(weights).max(axis=1, "
                         "keepdims=True)`.")
        column = np.abs(weights).max(axis=0, keepdims=True)
        by_column = weights / np.where(column > 0, column, 1)
        if np.allclose(np.nan_to_num(out), np.nan_to_num(by_column)):
            return wrong(f"{call} divided each column (pixel) by its largest size, not each "
                         "row (component).",
                         "take the maximum along each row: `axis=1`, with `keepdims=True` so "
                         "that it divides row by row.")
        right = np.all(np.isclose(out, expected, rtol=0, atol=SCALE_TOLERANCE), axis=1)
        first = int(np.argmin(right))
        if 0 < first and not right.all() and np.allclose(out[first:], weights[first:]):
            return wrong(f"{call} scaled only the first {first} rows and left the other "
                         f"{len(weights) - first} as they were.",
                         "scale every row it is given, as many as there are (the RBM has "
                         "100): loop over `range(len(weights))`, or divide all rows at "
                         "once, `weights / np.abs(weights).max(axis=1, keepdims=True)`.")
        unscaled = [row for row in range(len(weights))
                    if size[row, 0] > 0 and not np.isclose(size[row, 0], 1)
                    and np.allclose(out[row], weights[row])]
        # Rows over 1 among them: a floor on the size (`np.maximum(size, 1)`) leaves
        # only smaller rows as they were, and is named below.
        if any(size[row, 0] > 1 for row in unscaled) and not np.allclose(out, weights) and all(
                np.allclose(out[row], expected[row], rtol=0, atol=SCALE_TOLERANCE)
                for row in range(len(weights)) if row not in unscaled):
            row = unscaled[0]
            return wrong(f"{call} left row {row} as it was, though its weights are not all 0 "
                         f"(its largest size is {size[row, 0]:.3g}): the test for a row of "
                         "zeros took it for one.",
                         "test each row's largest *size*, `np.abs(weights).max(axis=1) == 0`: "
                         "a row's largest value, its first weight or its sum can be 0 in a row "
                         "that is not all zeros.")
        if faint is not None:
            return faint
        if np.allclose(out, weights):
            return wrong(f"{call} returned the weights unchanged, not rescaled.",
                         "divide each row by its largest size: `weights / "
                         "np.abs(weights).max(axis=1, keepdims=True)`, leaving rows of "
                         "zeros at 0.")
        return row_slip(call, weights, out) or wrong(
            f"{call} differs from each row divided by its own largest absolute weight.",
            "`size = np.abs(weights).max(axis=1, keepdims=True)`, then "
            "`weights / size`, leaving rows of zeros at 0.")


#: How far a rescaled weight may be from the reference's, on the scale of -1 to 1: a
#: sixteenth of one step of a 256-colour map, which changes no tile.
SCALE_TOLERANCE = 2.5e-4
#: Where :func:`peaked_rows` puts each row's largest weight: the first and last pixels,
#: the other corners and the edges, so that a size taken from some pixels only shows.
_PEAKS = (0, 63, 7, 56, 1, 62, 8, 55, 31)


def peaked_rows(rng):
    """Rows like the RBM's: sizes from 0.005 to 4, most under 1, the largest weight anywhere.

    The RBM's components in the notebook have 80 of 100 rows whose largest size is
    under 1, and some whose largest weight is in pixel 0 or 63: a floor on the size
    (``np.maximum(size, 1)``) or a size taken from a slice of the pixels must show.
    """
    n = len(_PEAKS)
    weights = rng.normal(scale=0.3, size=(n, 64))
    peaks = np.array(_PEAKS)
    rows = np.arange(n)
    weights[rows, peaks] = np.where(rng.random(n) < 0.5, -1, 1) * (
        np.abs(weights).max(axis=1) + rng.uniform(0.1, 0.5, size=n))
    # From 0.005: a test of "small enough to count as zero" at 0.01 must show.
    sizes = np.geomspace(0.005, 4, n)
    rng.shuffle(sizes)
    return weights * (sizes / np.abs(weights).max(axis=1))[:, None]


def faint_slip(call, weights, expected, out):
    """A wrong() verdict when faint rows (not all 0) came back as zeros, unscaled or divided
    by a floor on the size, the other rows right (``expected``, the rows each divided by
    its own size); else None."""
    size = np.abs(weights).max(axis=1)
    right = np.all(np.isclose(out, expected, rtol=0, atol=SCALE_TOLERANCE), axis=1)
    rows = np.flatnonzero(~right)
    if not rows.size or not np.all(size[rows] > 0) or size[rows].max() >= 0.01:
        return None
    row = int(rows[np.argmax(size[rows])])
    top = float(np.abs(out[row]).max())
    floor = np.abs(weights[row]).max() / top if top > 0 else np.inf
    if top == 0:
        what = f"set row {row} to zeros"
    elif np.allclose(out[row], weights[row], rtol=0, atol=SCALE_TOLERANCE * size[row]):
        what = f"left row {row} as it was"
    elif np.allclose(out[row], weights[row] / floor, rtol=1e-6, atol=0) and floor > size[row]:
        guard = floor - size[row]
        if np.allclose(out, np.where(size[:, None] > 0, weights / (size[:, None] + guard), 0),
                       rtol=0, atol=SCALE_TOLERANCE):
            return None  # the same added to every size: a guard, named by row_slip
        what = f"divided row {row} by {floor:.2g} (a floor on the size?), not by its own"
    else:
        return None
    return wrong(f"{call} {what}, though its weights are not all 0 (its largest size is "
                 f"{size[row]:.1g}): a threshold for \"small enough to count as zero\" took "
                 "it for a row of zeros.",
                 "only a row whose weights are all exactly 0 stays 0: divide where the "
                 "largest size is above 0, `np.divide(weights, size, "
                 "out=np.zeros_like(weights), where=size > 0)`, with no threshold or floor "
                 "of your own; a faint component still has a pattern to show.")


def row_slip(call, weights, out):
    """Rows scaled by a factor of their own, but not to ±1, or clipped: name how.

    A wrong() verdict naming the first such row, else None.
    """
    size = np.abs(weights).max(axis=1)
    rows = np.flatnonzero(size > 0)
    if np.allclose(out, np.sign(weights)):
        return wrong(f"{call} kept only the sign of each weight: every tile is all -1 and 1.",
                     "divide each row by its largest size instead, `weights / "
                     "np.abs(weights).max(axis=1, keepdims=True)`, so weights keep their "
                     "sizes relative to each other.")
    low, high = weights.min(axis=1, keepdims=True), weights.max(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        stretched = 2 * (weights - low) / (high - low) - 1
    if np.allclose(out[rows], stretched[rows]):
        return wrong(f"{call} stretched each row from its smallest to its largest value onto "
                     "-1 to 1: that shifts the weights, and a weight of 0 (no effect, white) "
                     "no longer stays 0.",
                     "only divide, never subtract: `weights / np.abs(weights).max(axis=1, "
                     "keepdims=True)` keeps 0 at 0.")
    clipped = _clipped_row(weights, out, rows, size)
    if clipped is not None:
        return wrong(f"{call}: row {clipped} is cut off at ±1 (clipped): it was divided by "
                     "less than its largest size, such as one taken from some of its pixels "
                     "only.",
                     "take each row's largest size over all of its pixels, "
                     "`np.abs(weights).max(axis=1, keepdims=True)`: then no value passes "
                     "±1 and nothing needs clipping.")
    # What each row was divided by, where the row is a multiple of its weights.
    divisor = np.full(len(weights), np.nan)
    for row in rows:
        factor = out[row] @ weights[row] / (weights[row] @ weights[row])
        if factor > 0 and np.allclose(out[row], factor * weights[row]):
            divisor[row] = 1 / factor
    # The rows furthest from ±1 first: they show the slip best.
    reach = size / divisor
    short = sorted((row for row in rows if reach[row] < 1 - SCALE_TOLERANCE), key=reach.item)
    past = sorted((row for row in rows if reach[row] > 1 + SCALE_TOLERANCE),
                  key=lambda row: -reach[row])
    if short:
        return _short_rows(call, short, divisor, size)
    if past and np.allclose(out, weights * size[:, None]):
        return wrong(f"{call} multiplied each row by its largest size instead of dividing "
                     "by it.",
                     "divide: `weights / np.abs(weights).max(axis=1, keepdims=True)`.")
    if past:
        row = past[0]
        if np.any(np.isclose(np.abs(weights[row]), divisor[row], rtol=1e-6, atol=0)):
            return wrong(f"{call}: row {row} goes past ±1, to ±{size[row] / divisor[row]:.4g}: "
                         "its size was taken from some of its pixels only, not from pixel "
                         f"{int(np.argmax(np.abs(weights[row])))}, where its largest weight is.",
                         "take each row's largest size over all of its pixels: "
                         "`np.abs(weights).max(axis=1, keepdims=True)`, no slice.")
        return wrong(f"{call}: row {row} goes past ±1, to ±{size[row] / divisor[row]:.4g}: "
                     "it was divided by less than its largest absolute weight (a mean, or "
                     "a median?).",
                     "divide by the largest size, `np.abs(weights).max(axis=1, "
                     "keepdims=True)`.")
    return None


def _clipped_row(weights, out, rows, size):
    """The first row that is a multiple of its weights cut off at ±1, else None."""
    for row in rows:
        inside = (np.abs(out[row]) < 1 - 1e-9) & (weights[row] != 0)
        if inside.sum() < 2 or inside.all():
            continue
        w = weights[row][inside]
        factor = out[row][inside] @ w / (w @ w)
        if factor * size[row] > 1 + SCALE_TOLERANCE and np.allclose(
                out[row], np.clip(factor * weights[row], -1, 1)):
            return row
    return None


def _short_rows(call, short, divisor, size):
    """Rows divided by more than their size: by one floor, or by a sum or a norm."""
    row = short[0]
    reach = size[row] / divisor[row]
    floor = divisor[short]
    right = np.isclose(divisor, size, rtol=1e-6)
    scaled = divisor[np.isfinite(divisor)]
    if len(scaled) > 1 and np.allclose(scaled, scaled[0], rtol=1e-6):
        return wrong(f"{call} divided every row by the same number, {scaled[0]:.4g}: row "
                     f"{row} reaches only ±{reach:.4g}, not ±1.",
                     "divide each row by its own largest size: "
                     "`np.abs(weights).max(axis=1, keepdims=True)`.")
    added = (divisor - size)[np.isfinite(divisor)]
    if len(added) > 1 and added[0] > 0 and np.allclose(added, added[0], rtol=1e-3, atol=0):
        return wrong(f"{call} added {added[0]:.3g} to every row's size: row {row}, whose "
                     f"largest size is {size[row]:.3g}, reaches only ±{reach:.4g}, not ±1. A "
                     "guard against dividing by 0 must be tiny next to the faintest row.",
                     "divide every row by its own size; only a size of exactly 0 needs "
                     "care: `np.divide(weights, size, out=np.zeros_like(weights), "
                     "where=size > 0)`, or `np.maximum(size, 1e-12)`.")
    if np.allclose(floor, floor[0], rtol=1e-6) and not np.any(right & (size < floor[0])):
        return wrong(f"{call}: row {row}, whose largest size is {size[row]:.3g}, reaches only "
                     f"±{reach:.4g}, not ±1: it was divided by {floor[0]:.3g}, a floor raised "
                     "above the small sizes (e.g. `np.maximum(size, 1)`).",
                     "divide every row by its own size, small ones too; only a size of "
                     "exactly 0 needs care: `np.divide(weights, size, "
                     "out=np.zeros_like(weights), where=size > 0)`.")
    return wrong(f"{call}: row {row} reaches only ±{reach:.4g}, not ±1: it was divided by "
                 f"{divisor[row]:.4g}, more than its largest size {size[row]:.4g} (a sum, a "
                 "norm, or something added to the size?).",
                 "divide by the largest *absolute weight* of each row, "
                 "`np.abs(weights).max(axis=1, keepdims=True)`.")


EXERCISES = [Nudge(), WhyChance(), RbmPipeline(), OwnScale()]
