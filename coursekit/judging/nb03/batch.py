"""Notebook 03, exercise 8: a whole batch at once, without a loop over the images."""

import numpy as np

from ... import nn
from ...checks import nb03 as specs
from ...checks.results import correct, wrong
from ..plain_answers import as_float_array, as_float_arrays, describe_shape, not_an_array
from .networks import (
    DEEP, DIGITS, NetworkJudge, SQUARE, close_to, draw_images, draw_network, network_text,
    reference_forward,
)


class EvaluateBatch(NetworkJudge, specs.EvaluateBatch):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        # Ten images for ten outputs first: a bias added along the wrong axis then
        # broadcasts silently, and the judge can name it.
        for sizes, count in ((SQUARE, 10), (DIGITS, 25), (DEEP, 3)):
            weights, biases = draw_network(rng, sizes)
            cases.append((weights, biases, draw_images(rng, count, sizes[0])))
        return cases

    def judge(self, payload, cases):
        results = payload["outputs"]
        for (weights, biases, X), result in zip(cases, results):
            output = result["output"]
            if output is None:
                return wrong("`evaluate_batch` returned None.",
                             "did you forget `return`?")
            verdict = self._judge_case(weights, biases, X, output) or not_an_array(
                result, "evaluate_batch(weights, biases, X)", "(n_images, n_outputs)")
            if verdict is not None:
                return verdict
        for (weights, biases, X), result in zip(cases, results):
            rows = result["rows_read"]
            if isinstance(rows, (int, float)) and rows > 1:
                return wrong(f"the outputs are right, but on {len(X)} images "
                             f"`evaluate_batch` took the images one at a time ({int(rows)} "
                             f"separate rows read): that is a loop over the images, a list "
                             f"comprehension or `map` included.",
                             "let the matrix product do the looping: one line per layer for "
                             "all the images at once, `A = sigmoid(A @ w.T + b)`, starting "
                             "from `A = X`.")
        return correct("one row of 10 outputs per image, equal to feed-forward image by "
                       "image, with no loop over the images.")

    def _judge_case(self, weights, biases, X, output):
        expected = reference_forward(weights, biases, X)[0][-1]
        where = f"on {len(X)} images and a {network_text(weights)} network"
        got = as_float_array(output)
        if got is None:
            listed = as_float_arrays(output, len(weights) + 1)
            if listed is not None and listed[-1].shape == expected.shape:
                return wrong(f"{where} `evaluate_batch` returned every layer.",
                             "return only the output layer, the last activations.")
            return wrong(f"{where} `evaluate_batch` returned {describe_shape(output)}.",
                         f"return an array of shape {expected.shape}: one row per image.")
        if got.shape == expected.T.shape and got.shape != expected.shape:
            return wrong(f"{where} the result has shape {got.shape}: one column per image.",
                         "keep one row per image: compute `A @ weights[l - 1].T + "
                         "biases[l - 1]`.")
        if got.shape != expected.shape:
            layers, _ = reference_forward(weights, biases, X)
            for count, activations in enumerate(layers[1:-1], start=1):
                if got.shape == activations.shape and close_to(got, activations):
                    return wrong(f"{where} the result is layer {count}'s activations: the "
                                 f"answer handles {count} layer(s), this network has "
                                 f"{len(weights)}.",
                                 "loop over the layers, `for w, b in zip(weights, biases):`, "
                                 "instead of writing one line per layer.")
            return wrong(f"{where} the result has shape {got.shape}; expected "
                         f"{expected.shape}.",
                         "one row per image, one column per output unit.")
        if close_to(got, expected):
            return None
        if close_to(got, expected.T):
            return wrong(f"{where} the result has one column per image: row i holds output "
                         f"unit i, not image i.",
                         "keep images in rows all the way: `A @ weights[l - 1].T + "
                         "biases[l - 1]`.")
        transposed, _ = reference_forward(weights, biases, X, transpose=True)
        variants = [
            (None if transposed is None else transposed[-1], "the weights were used transposed.",
             "with one image per row, layer l computes `A @ weights[l - 1].T + "
             "biases[l - 1]`."),
            (reference_forward(weights, biases, X, bias=False)[0][-1], "the biases are missing.",
             "add `biases[l - 1]` in every layer l; broadcasting adds it to every row."),
            (reference_forward(weights, biases, X, bias_outside=True)[0][-1],
             "the bias was added after the sigmoid, `sigmoid(A @ w.T) + b`.",
             "the bias belongs inside the sigmoid, with the weighted sum: "
             "`sigmoid(A @ w.T + b)`."),
            (self._bias_by_column(weights, biases, X),
             "each bias was added to an image (a row) instead of to a unit (a column).",
             "with images in rows, each bias vector must line up with the columns: "
             "`A @ w.T + b`, not `(w @ A.T + b).T`."),
        ]
        for variant, message, hint in variants:
            if variant is not None and close_to(got, variant):
                return wrong(f"{where}: {message}", hint)
        return wrong(f"{where} the outputs differ from feed-forward image by image.",
                     "compare `evaluate_batch(weights, biases, X)[i]` with "
                     "`evaluate(weights, biases, X[i])` to find the mistake.")

    @staticmethod
    def _bias_by_column(weights, biases, X):
        # Only runs when every layer has as many units as there are images.
        if any(w.shape[0] != len(X) for w in weights):
            return None
        a = X.T
        for w, b in zip(weights, biases):
            a = nn.sigmoid(w @ a + b)  # b broadcasts over rows: the images, not the units
        return a.T
