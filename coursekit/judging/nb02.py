"""Notebook 02's judges: cases, references and hints."""

import numpy as np

from ..checks import nb02 as specs
from ..checks.results import correct, wrong
from ..data import DIGITS_MAX, load_digits
from .base import Judge
from .plain_answers import as_float_array, describe_shape, not_an_array
FROM = 1000  # the averages are computed on images 1000 onwards


def _averages(rows=slice(FROM, None)):
    X, y = load_digits()
    X, y = X[rows], y[rows]
    return np.stack([X[y == digit].mean(axis=0) for digit in range(10)])


def _judge_average_rows(got, expected_rows, what):
    """Shared reasons why one or more averaged images differ from the reference."""
    if np.allclose(got, expected_rows):
        return None
    if np.isnan(got).any():
        return wrong(f"{what} holds NaN: the average of no images at all.",
                     "no row matched your selection; compare with the number 9, e.g. "
                     "`y_build == 9`, not the text '9'.")
    if np.allclose(got, expected_rows * DIGITS_MAX):
        return wrong(f"{what} is on the 0-16 scale.",
                     "average the scaled images, `X`, whose values lie in [0, 1].")
    for rows, where in ((slice(None), "all images"), (slice(0, FROM), "the first 1,000 images")):
        other = _averages(rows)
        if np.allclose(got, other[_row_index(expected_rows)]):
            return wrong(f"{what} was averaged over {where}.",
                         "use images 1000 onwards only: `X[1000:]` and `y[1000:]`.")
    return wrong(f"{what} differs from the mean of the matching images 1000 onwards.",
                 "select the rows whose label matches, e.g. `X[1000:][y[1000:] == 9]`, "
                 "then take `.mean(axis=0)`.")


def _row_index(expected_rows):
    # Which digits' averages ``expected_rows`` holds (one row or all ten).
    reference = _averages()
    if expected_rows.ndim == 1:
        return int(np.argmin(np.abs(reference - expected_rows).sum(axis=1)))
    return slice(None)


class AverageNine(Judge, specs.AverageNine):
    def judge(self, payload, cases):
        value = payload["value"]["numbers"]
        got = as_float_array(value)
        if got is None or got.size != 64:
            return wrong(f"expected 64 numbers; got {describe_shape(value)}.",
                         "average the rows of `X[1000:]` whose label is 9, along axis 0.")
        if got.shape != (64,):
            verdict = _judge_average_rows(got.reshape(64), _averages()[9], "your average nine")
            if verdict is None:
                return wrong(f"the right values, but in shape {got.shape}: the text asks for "
                             f"a vector of 64 values.",
                             "leave the average as `.mean(axis=0)` gives it, shape (64,), "
                             "without `.reshape(8, 8)`: the cells below use it as a vector "
                             "(they reshape it themselves to show it).")
            return verdict
        verdict = not_an_array(payload["value"], "average_nine", "(64,)")
        if verdict is not None:
            return verdict
        verdict = _judge_average_rows(got, _averages()[9], "your average nine")
        return verdict or correct("the mean of the nines from image 1000 onwards.")


class Averages(Judge, specs.Averages):
    def judge(self, payload, cases):
        value = payload["value"]["numbers"]
        got = as_float_array(value)
        if got is None:
            return wrong(f"expected an array; got {describe_shape(value)}.",
                         "stack the ten averages with `np.stack` into shape (10, 64).")
        if got.shape == (64, 10):
            return wrong("the array has shape (64, 10): one column per digit.",
                         "make one *row* per digit, shape (10, 64); `.T` transposes.")
        if got.shape == (10, 8, 8):
            return wrong("each average is an 8x8 image; this exercise wants flat rows.",
                         "make the array shape (10, 64), e.g. with `.reshape(10, 64)`.")
        reference = _averages()
        if got.shape == (9, 64) and np.allclose(got, reference[:9]):
            return wrong("only nine averages, digits 0 to 8: the last digit is missing.",
                         "`range(9)` stops before 9; `range(10)` gives the ten digits 0 to 9.")
        if got.shape == (9, 64) and np.allclose(got, reference[1:]):
            return wrong("only nine averages, digits 1 to 9: digit 0 is missing.",
                         "the digits start at 0: `range(10)` gives 0, 1, ..., 9.")
        if got.shape != (10, 64):
            return wrong(f"the array has shape {got.shape}; expected (10, 64).",
                         "row d should be the average image of digit d.")
        empty = [d for d in range(10) if np.isnan(got[d]).any()]
        if empty and len(empty) < 10:
            full = [d for d in range(10) if d not in empty]
            if empty == [9] and np.allclose(got[:9], reference[1:]):
                return wrong("row 0 holds the average of the ones, row 1 of the twos, ..., and the "
                             "last row is NaN, the average of no images: the digits ran "
                             "from 1 to 10.",
                             "`range(1, 11)` gives 1 to 10, and there is no digit 10; the "
                             "digits are 0 to 9, `range(10)`, so that row d is digit d.")
            if np.allclose(got[full], reference[full]):
                return wrong(f"row(s) {empty} hold NaN, the average of no images at all.",
                             "no image matched those digits: loop over `range(10)` and "
                             "select with `y_build == digit`.")
        if not np.allclose(got, reference):
            order = [int(np.argmin(np.abs(reference - row).sum(axis=1))) for row in got]
            if sorted(order) == list(range(10)) and order != list(range(10)) and np.allclose(
                got, reference[order]
            ):
                return wrong("the right averages, but not in digit order.",
                             "row d must hold the average of digit d: loop over `range(10)`.")
        verdict = _judge_average_rows(got, reference, "at least one average")
        return verdict or not_an_array(payload["value"], "averages", "(10, 64)") or correct(
            "ten averages, one row per digit, from image 1000 onwards.")


class DotClassifier(Judge, specs.DotClassifier):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        X, _ = load_digits()
        picks = rng.choice(len(X), size=4, replace=False)
        return [(X[i],) for i in picks] + [(rng.random(64),)]

    def expected(self, case):
        (x,) = case
        return _averages() @ x

    def judge(self, payload, cases):
        reference = _averages()
        for (x,), facts in zip(cases, payload["outputs"]):
            output = facts["numbers"]
            if output is None:
                return wrong("`dot_classifier(x)` returned None.",
                             "did you forget `return` (or use `print` instead)?")
            out = as_float_array(output)
            if out is None or out.size != 10:
                return wrong(f"for one image the classifier returned {describe_shape(output)}.",
                             "return 10 scores, one per digit: `averages @ x`.")
            expected = reference @ x
            if out.shape != (10,):
                # The course's rule (notebook 01): the shape asked for, since the cells
                # below rely on it: `accuracy` and `DigitBrowser` take scores of shape (10,).
                values = ("the right scores" if _same(out.reshape(10), expected)
                          else "10 numbers")
                return wrong(f"for one image the classifier returned {values} in shape "
                             f"{out.shape}, not a flat vector of shape (10,).",
                             "return `averages @ x` as it is, without `.reshape(1, 10)`, "
                             "`[...]` or `keepdims`: the next cell's `accuracy` and "
                             "`DigitBrowser` take 10 scores of shape (10,) and refuse any "
                             "other shape.")
            if _same(out, expected):
                verdict = not_an_array(facts, "dot_classifier(x)", "(10,)")
                if verdict is not None:
                    return verdict
                continue
            ratio = out @ expected / (expected @ expected)
            if ratio > 0 and _same(out, ratio * expected):
                return wrong(f"the scores are {_factor_text(ratio, x)} the dot products: "
                             f"they name the same digit, but they are not the dot products "
                             f"this exercise asks for.",
                             _RESCALE_HINTS.get(_named_factor(ratio, x),
                                                "return `averages @ x` itself, with no "
                                                "factor or division."))
            for rows in (slice(None), slice(0, FROM)):
                if np.allclose(out, _averages(rows) @ x):
                    return wrong("your dot product is right, but `averages` is not the one "
                                 "Exercise 2 asks for.",
                                 "fix Exercise 2 first (its check must pass), run its cell, "
                                 "then run this one again.")
            distances = np.linalg.norm(reference - x, axis=1)
            if _same(out, -distances) or _same(out, distances):
                return wrong("these scores are distances, not dot products.",
                             "this exercise asks for the dot product of the image with each "
                             "average; distances come later, in 'going further'.")
            return wrong("the scores differ from the dot products with the ten averages.",
                         "score d is `averages[d] @ x`; all ten at once: `averages @ x`. If "
                         "Exercise 2's check did not pass, fix that first.")
        return correct("10 scores, each the dot product with a digit's average image.")

    def error_hint(self, case, error):
        if not any(word in error for word in ("matmul", "not aligned", "core dimension")):
            return None
        # numpy names the sizes that clash: 64 against 10 when the (64, 10) transpose
        # meets x, 10 against 64 when x meets the (10, 64) averages.
        if "size 64 is different from 10" in error:
            wrote = "`averages.T @ x`"
        elif "size 10 is different from 64" in error or "64 (dim 0) != 10" in error:
            wrote = "`x @ averages`"
        else:
            wrote = None
        start = (f"your code computes {wrote}, and those sizes do not line up: "
                 if wrote else "the sizes do not line up: ")
        return (start + "`averages` has shape (10, 64) and `x` shape (64,), so the matrix "
                "goes first, as it is, `averages @ x` (10 rows times 64 values).")

    def error_message(self, case, error):
        if any(word in error for word in ("matmul", "not aligned", "core dimension")):
            return (f"{self.describe_case(case)} raised an error: the two arrays of the "
                    f"product do not fit together ({error.split(':')[0]}).")
        return None


def _same(got, expected):
    """Equal up to rounding, relative to the scores' own size (no absolute slack)."""
    scale = float(np.max(np.abs(expected), initial=0.0))
    return got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6,
                                                       atol=1e-9 * scale)


def _named_factor(ratio, x):
    for name, value in (("mean", 1 / 64), ("sixteen", 16.0), ("norm", 1 / np.linalg.norm(x)),
                        ("sixteenth", 1 / 16)):
        if np.isclose(ratio, value, rtol=1e-6):
            return name
    return None


def _factor_text(ratio, x):
    return {"mean": "1/64 times", "sixteen": "16 times", "sixteenth": "1/16 times",
            "norm": "1/‖x‖ times"}.get(_named_factor(ratio, x), f"{ratio:.3g} times")


_RESCALE_HINTS = {
    "mean": "`np.mean` divides the sum by 64: a dot product is the plain sum of the "
            "products, `averages @ x` (or `np.sum(averages * x, axis=1)`).",
    "sixteen": "the image or the averages are on the 0-16 scale: use the scaled `x` and "
               "Exercise 2's `averages`, whose values lie in [0, 1].",
    "sixteenth": "something was divided by 16 twice: `x` and `averages` are already in "
                 "[0, 1].",
    "norm": "dividing by the image's length gives cosine-like scores; the dot product "
            "itself is `averages @ x` (cosine similarity comes in 'going further').",
}


EXERCISES = [AverageNine(), Averages(), DotClassifier()]
