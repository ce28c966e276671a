"""Notebook 01's judges: cases, references and hints."""

import numpy as np

from ..checks import nb01 as specs
from ..checks.results import correct, wrong
from ..data import DIGITS_MAX, load_digits
from .base import Judge
from .plain_answers import as_float_array, describe_shape, percentages

#: The score vector of exercise 2, as printed in the notebook.
EXAMPLE_SCORES = np.array(
    [0.012, 0.031, 0.004, 0.080, 0.998, 0.017, 0.009, 0.263, 0.054, 0.121]
)


class ScalePixels(Judge, specs.ScalePixels):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Floats, like the data set's own images, so in-place division works as it would there.
        images = rng.integers(0, 17, size=(4, 8, 8)).astype(float)
        images[0, 3, 4] = 16  # make sure the largest value the data can hold appears
        images[1] = np.clip(images[1], 0, 12)  # an image whose own maximum is not 16
        return [(image,) for image in images]

    def expected(self, case):
        (image,) = case
        return image.reshape(64) / DIGITS_MAX

    def judge(self, payload, cases):
        for (image,), result in zip(cases, payload["outputs"]):
            output = result["output"]
            if output is None:
                return wrong("`to_vector` returned None.",
                             "did you forget `return` (or use `print` instead)?")
            out = as_float_array(output)
            if out is None:
                return wrong(f"`to_vector` returned {describe_shape(output)}, not numbers.",
                             "return a numpy array of 64 numbers.")
            if out.shape == (8, 8):
                return wrong("the result still has shape (8, 8).",
                             "flatten it to 64 values with `image.reshape(64)` or `image.ravel()`.")
            if out.shape != (64,):
                return wrong(f"the result has shape {out.shape}; a flat vector has shape (64,).",
                             "flatten the 8x8 image with `image.reshape(64)`.")
            expected = image.reshape(64) / DIGITS_MAX
            if np.allclose(out, expected):
                if result["array"] is not True:
                    return wrong(f"right values, but `to_vector` returned a {result['type']}, "
                                 f"not a numpy array.",
                                 "return the array itself, `image.reshape(64) / 16`, without "
                                 f"`{result['type']}(...)` around it: the next cells use "
                                 "array operations on it.")
                if result["changed_input"]:
                    return wrong("right values, but your function changed the image it was given.",
                                 "compute a new array, `image.reshape(64) / 16`, instead of "
                                 "dividing in place with `/=`: in place, it also rescales the "
                                 "data set's own image.")
                continue
            if np.allclose(out, image.reshape(64) / 15):
                return wrong("you divided by 15, but the digits' largest value is 16.",
                             "divide by 16 so that the darkest possible pixel becomes exactly 1.")
            if np.allclose(out, image.reshape(64)):
                return wrong("the values are not scaled: they still run from 0 to 16.",
                             "divide by 16, the largest value a pixel can take.")
            if image.max() > 0 and np.allclose(out, image.reshape(64) / image.max()):
                return wrong("you divided by this image's own maximum.",
                             "divide every image by the same number, 16, so that the same ink "
                             "gives the same value in every image.")
            if np.allclose(out, image.T.reshape(64) / DIGITS_MAX):
                return wrong("the pixels come out column by column.",
                             "read the image row by row: `image.reshape(64)` does that.")
            if np.allclose(out, image.reshape(64) // DIGITS_MAX):
                return wrong("`//` divides and rounds down, so almost every value became 0.",
                             "use `/` for ordinary division.")
            return wrong("the values differ from the image's pixels divided by 16.",
                         "flatten with `image.reshape(64)`, then divide by 16.")
        return correct("64 values in [0, 1], row by row, divided by 16.")


class WhichDigit(Judge, specs.WhichDigit):
    def judge(self, payload, cases):
        value, kind = payload["value"]["number"], payload["value"]["type"]
        answer = int(np.argmax(EXAMPLE_SCORES))
        if kind in ("list", "tuple"):
            return wrong(f"the answer is a {kind}, not one number.",
                         "give the digit itself, one whole number: `int(np.argmax(scores))`, "
                         "without brackets around it.")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return wrong(f"the answer should be one number; got {describe_shape(value)}.",
                         "give the digit as a whole number, e.g. `predicted_digit = 7`.")
        if isinstance(value, float) and value == answer:
            return wrong(f"right digit, but {value!r} is a float: a digit is a whole number.",
                         "give an int, e.g. `int(np.argmax(scores))`: later code uses a digit "
                         "to index lists and arrays, which a float cannot do.")
        if value == answer:
            return correct(f"the largest score, {EXAMPLE_SCORES.max()}, sits at index {answer}.")
        if np.isclose(value, EXAMPLE_SCORES.max()):
            return wrong("that is the largest score itself, not the digit it belongs to.",
                         "the digit is the *position* of the largest score: `np.argmax(scores)`.")
        if value == answer + 1:
            return wrong("close: you counted positions from 1.",
                         "Python counts from 0, and score 0 belongs to digit 0.")
        return wrong(f"{value} is not the digit with the largest score.",
                     "find the position of the largest score, e.g. with `np.argmax(scores)`.")


class EvaluateRange(Judge, specs.EvaluateRange):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        X, y = load_digits()
        centroids = np.stack([X[y == digit].mean(axis=0) for digit in range(10)])
        # The first range starts before it would end if `count` were an end index, so
        # that mistake shows; the last one ends at the very last image.
        ranges = [(int(rng.integers(50, 200)), 300), (0, 100), (1000, 500), (1700, 97)]
        # A noisy nearest-centroid classifier: right often enough that every range
        # gets its own accuracy, so a harness that reads the wrong images is caught.
        cases = []
        for start, count in ranges:
            weights = centroids + rng.normal(scale=0.15, size=centroids.shape)
            cases.append((weights, start, count))
        return cases

    def describe_case(self, case):
        _, start, count = case
        return f"evaluate(classifier, {start}, {count})"

    def error_hint(self, case, error):
        _, start, count = case
        if error.startswith("IndexError"):
            return (f"the images are numbered 0 to 1796, and this call must use images {start} "
                    f"to {start + count - 1}: loop over `range(start, start + count)`.")
        if "truth value of an array" in error:
            return ("the classifier returns 10 scores, so `classifier(x) == y[i]` compares ten "
                    "numbers at once. Compare its answer, the position of the largest score, "
                    "with the label: `np.argmax(classifier(x)) == y[i]`.")
        if error.startswith("ZeroDivisionError"):
            return ("check the order of the parameters, `evaluate(classifier, start, count)`, "
                    "and divide by `count`, the number of images.")
        return None

    def judge(self, payload, cases):
        X, y = load_digits()

        def accuracy(weights, rows):
            return float(np.mean(np.argmax(X[rows] @ weights.T, axis=1) == y[rows]))

        for (weights, start, count), result in zip(cases, payload["outputs"]):
            output, seen = result["output"], result["seen"]
            if output is None:
                return wrong(f"evaluate(classifier, {start}, {count}) returned None.",
                             "did you forget `return` (or use `print` instead)?")
            out = as_float_array(output)
            if out is None or out.size != 1:
                return wrong(f"`evaluate` returned {describe_shape(output)}.",
                             "return one number: the share of images classified correctly.")
            got = float(out.reshape(()))
            expected = accuracy(weights, slice(start, start + count))
            # A share of whole counts: every right way of computing it agrees to the last
            # digits, so a value rounded even to 5 decimals is told apart.
            if np.isclose(got, expected, rtol=1e-9, atol=0):
                continue
            call = f"evaluate(classifier, {start}, {count})"
            verdict = percentages(got, expected)
            if verdict is not None:
                return verdict
            # 0 is left to the checks below: `//` gives it too, and more often.
            decimals = _rounded_to(got, expected) if got != 0 else None
            if decimals is not None:
                return wrong(f"{call} gave {got!r}: the right accuracy, {expected!r}, "
                             f"rounded to {decimals} decimal(s).",
                             "return the share itself, `correct / count`, without `round` "
                             "or formatting: round only where you print it, e.g. "
                             "`f\"{accuracy:.3f}\"`. The cells below compare and plot the "
                             "exact numbers.")
            right_images = list(seen) == list(range(start, start + count))
            if np.isclose(got, expected * count):
                return wrong(f"{call} gave {got:g}, a number of images, not a share.",
                             "divide the number of correct answers by `count`.")
            if start and np.isclose(got, accuracy(weights, slice(0, count))):
                return wrong(f"{call} looked at the first {count} images, ignoring `start`.",
                             "loop over `range(start, start + count)`.")
            if got == 0 and isinstance(output, int) and right_images:
                return wrong(f"{call} gave 0: `//` divides and rounds down, so any share "
                             f"below 1 becomes 0.",
                             "divide with `/`, not `//`.")
            if got == 0 and right_images:
                return wrong(f"{call} gave 0: the classifier saw exactly the right images, "
                             f"but not one answer was counted as correct.",
                             "compare the classifier's *answer* with the label: the position "
                             "of the largest score, `np.argmax(classifier(x))`. `np.max` (or "
                             "`max`) gives the largest score itself, a number like 4.7, "
                             "which is never a label.")
            if got == 0 and len(seen) == 1:
                return wrong(f"{call} gave 0 after showing the classifier a single image.",
                             "is `return` indented inside the loop? Return after the loop, "
                             "once every image in the range has been counted.")
            if got == 0:
                return wrong(f"{call} gave 0: not a single image was counted as correct.",
                             "check that the loop runs over `range(start, start + count)`, "
                             "that you compare `np.argmax(classifier(x))` with the label, "
                             "and that you divide with `/`, not `//`.")
            as_end = accuracy(weights, slice(start, count)) if count > start else None
            if as_end is not None and (np.isclose(got, as_end)
                                       or np.isclose(got, as_end * (count - start) / count)):
                return wrong(f"{call} stopped at image {count}: `count` was read as an end index.",
                             "`count` is how many images to use; stop at `start + count`.")
            for rows in (slice(start, start + count + 1), slice(start, start + count - 1),
                         slice(start + 1, start + count + 1)):
                share = accuracy(weights, rows)
                hits = share * (rows.stop - rows.start)
                if np.isclose(got, share) or np.isclose(got, hits / count):
                    return wrong(f"{call} is off by one image at an end of the range.",
                                 "use images `start`, `start + 1`, ..., `start + count - 1`, "
                                 "that is `range(start, start + count)`.")
            shown, right = _distinct_texts(got, expected)
            return wrong(f"{call} gave {shown}; the right accuracy is {right}.",
                         "for each image in the range, compare `np.argmax(classifier(x))` "
                         "with its label, count the matches, divide by `count`.")
        return correct("right on every range tried, including images 1000-1499.")


def _rounded_to(got, expected):
    """The number of decimals ``expected`` was rounded to, to give ``got``; else None."""
    for decimals in range(0, 9):
        # np.round and float(f"{x:.3f}") may differ from round() in the last bit.
        if np.isclose(got, round(expected, decimals), rtol=1e-12, atol=0):
            return decimals
    return None


def _distinct_texts(got, expected):
    """``got`` and ``expected`` written with as many digits as it takes to tell them apart.

    Examples
    --------
    >>> _distinct_texts(0.5066, 0.5067)
    ('0.5066', '0.5067')
    """
    for digits in range(3, 18):
        shown, right = f"{got:.{digits}g}", f"{expected:.{digits}g}"
        if shown != right:
            return shown, right
    return repr(got), repr(expected)


EXERCISES = [ScalePixels(), WhichDigit(), EvaluateRange()]
