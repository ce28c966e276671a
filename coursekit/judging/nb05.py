"""Notebook 05's judges: cases, references and hints."""

import numpy as np

from ..checks import nb05 as specs
from ..checks.results import correct, wrong
from ..data import DIRECTIONS
from ..data import nudge as reference_nudge
from .base import Judge
from .plain_answers import as_float_array, describe_shape

_OPPOSITE = {"left": "right", "right": "left", "up": "down", "down": "up"}
# Where each direction moves the ink, as (axis, step) of np.roll on (n, 8, 8) images.
_ROLL = {"left": (2, -1), "right": (2, 1), "up": (1, -1), "down": (1, 1)}
# The row or column a shift leaves empty.
_VACATED = {"left": (slice(None), slice(None), -1), "right": (slice(None), slice(None), 0),
            "up": (slice(None), -1, slice(None)), "down": (slice(None), 0, slice(None))}


class Nudge(Judge, specs.Nudge):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Ink everywhere, borders included (values in [0.05, 1)), so that a pixel
        # that wraps around or a column that is not cleared shows up.
        batches = [0.05 + 0.95 * rng.random((n, 8, 8)) for n in (3, 1)]
        return [(images, direction) for images in batches for direction in DIRECTIONS]

    def judge(self, payload, cases):
        for (images, direction), collected in zip(cases, payload["outputs"]):
            verdict = self._judge_one(images, direction, collected)
            if verdict is not None:
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
            return None
        return self._diagnose(images, direction, out, expected, call)

    def _diagnose(self, images, direction, out, expected, call):
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


EXERCISES = [Nudge()]
