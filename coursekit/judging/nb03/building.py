"""Notebook 03, exercises 1 and 2: a random network, and the sigmoid."""

import numpy as np

from ... import nn
from ...checks import nb03 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import (as_float_array, as_float_arrays, describe_shape, not_an_array,
                             object_arrays)
from .networks import DEEP, DIGITS, close_to, one_number_at_a_time


# ---------------------------------------------------------------- exercise 1

def _layer_pairs(output, sizes):
    """Whether ``output`` holds one (weight matrix, bias vector) pair per layer."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    if not isinstance(output, list) or len(output) != len(pairs):
        return False
    for item, (n_in, n_out) in zip(output, pairs):
        if not isinstance(item, list) or len(item) != 2:
            return False
        w, b = as_float_array(item[0]), as_float_array(item[1])
        if w is None or b is None or w.shape != (n_out, n_in) or b.shape != (n_out,):
            return False
    return True


class RandomNetwork(Judge, specs.RandomNetwork):
    def cases(self, seed):
        # np.random.seed and RandomState take seeds below 2**32 only; the grader's
        # secret seeds are larger.
        return [(DIGITS, 0), (DIGITS, 0), (DIGITS, 1), (DEEP, int(seed) % 2**32)]

    def judge(self, payload, cases):
        networks = []
        for (sizes, seed), result in zip(cases, payload["outputs"]):
            layers = len(sizes) - 1
            output = result.get("output") if isinstance(result, dict) else None
            verdict = object_arrays(result.get("parts") if isinstance(result, dict) else None,
                                    "random_network")
            if verdict is not None:
                return verdict
            if _layer_pairs(output, sizes):
                return wrong("`random_network` returned one (weights, biases) pair per layer, "
                             "not two lists.",
                             "collect the weight matrices in one list and the bias vectors in "
                             "another, and `return weights, biases`.")
            if not isinstance(output, list) or len(output) != 2:
                return wrong(f"`random_network` returned {describe_shape(output)}.",
                             "return two lists: `return weights, biases`.")
            weights, biases = as_float_arrays(output[0], layers), as_float_arrays(output[1], layers)
            if weights is None or biases is None:
                return wrong(f"for sizes {sizes} expected {layers} weight matrices and "
                             f"{layers} bias vectors.",
                             "make one matrix and one vector per pair of neighbouring layers: "
                             "`for n_in, n_out in zip(sizes[:-1], sizes[1:])`.")
            for index, (w, b, n_in, n_out) in enumerate(
                    zip(weights, biases, sizes[:-1], sizes[1:])):
                if w.shape == (n_in, n_out) and n_in != n_out:
                    return wrong(f"weights[{index}] has shape {w.shape}: (n_in, n_out).",
                                 f"the course's weights are (n_out, n_in), here ({n_out}, "
                                 f"{n_in}), so that `W @ a` gives one number per unit.")
                if w.shape != (n_out, n_in):
                    return wrong(f"weights[{index}] has shape {w.shape}; expected "
                                 f"({n_out}, {n_in}).",
                                 f"weights[{index}] computes layer {index + 1}: one row per "
                                 f"unit of layer {index + 1} and one column per unit of "
                                 f"layer {index}.")
                if b.shape != (n_out,):
                    return wrong(f"biases[{index}] has shape {b.shape}; expected ({n_out},).",
                                 "one bias per unit, as a flat vector: `rng.random(n_out)`.")
            values = np.concatenate([part.ravel() for part in weights + biases])
            if RandomNetwork._reseeded(sizes, seed, values):
                return wrong("every layer's numbers start over from the same ones: the "
                             "generator is made afresh inside the loop over the layers.",
                             "make the generator once, before the loop: `rng = np.random."
                             "default_rng(seed)` as the function's first line, then draw "
                             "every layer from that same `rng`.")
            if values.min() < 0 or values.max() >= 1:
                return wrong("some values lie outside [0, 1).",
                             "draw every weight and bias with `rng.random(...)`, uniform "
                             "on [0, 1), as this exercise asks.")
            if np.unique(values).size < values.size // 2:
                return wrong("many weights or biases are equal; they should all be random.",
                             "draw them with `rng.random(shape)`, from `rng = np.random."
                             "default_rng(seed)`, rather than filling with a constant or a "
                             "pattern.")
            networks.append(values)
        if not np.array_equal(networks[0], networks[1]):
            return wrong("two calls with the same seed gave different networks.",
                         "make the generator from the seed inside the function: "
                         "`rng = np.random.default_rng(seed)`.")
        if np.array_equal(networks[0], networks[2]):
            return wrong("seeds 0 and 1 gave the same network: the seed is not used.",
                         "make the generator from the argument: "
                         "`rng = np.random.default_rng(seed)`.")
        for (sizes, seed), values in zip(cases, networks):
            verdict = self._judge_draws(sizes, seed, values)
            if verdict is not None:
                return verdict
        return correct("weights (n_out, n_in) and biases (n_out,), uniform on [0, 1), "
                       "drawn layer by layer from the seed.")

    @staticmethod
    def _reseeded(sizes, seed, values):
        """Whether ``values`` were drawn from a generator made anew for each layer (or draw)."""
        def draws(before_biases):
            parts = []
            for n_in, n_out in zip(sizes[:-1], sizes[1:]):
                rng = np.random.default_rng(seed)
                parts.append(rng.random((n_out, n_in)).ravel())
                if before_biases:
                    rng = np.random.default_rng(seed)
                parts.append(rng.random(n_out))
            weights, biases = parts[0::2], parts[1::2]
            return np.concatenate(weights + biases)

        return any(values.shape == draws(again).shape and np.array_equal(values, draws(again))
                   for again in (False, True))

    @staticmethod
    def _judge_draws(sizes, seed, values):
        """None when ``values`` are the draws the text asks for, else what they are."""
        def flat(weights, biases):
            return np.concatenate([part.ravel() for part in weights + biases])

        pairs = list(zip(sizes[:-1], sizes[1:]))
        if np.array_equal(values, flat(*nn.init_network(sizes, init="uniform",
                                                        random_state=seed))):
            return None
        rng = np.random.default_rng(seed)
        weights_first = [rng.random((n_out, n_in)) for n_in, n_out in pairs]
        if np.array_equal(values, flat(weights_first, [rng.random(n_out)
                                                       for _, n_out in pairs])):
            return wrong("the right kind of numbers, drawn in another order: every weight "
                         "matrix first, then the biases.",
                         "draw layer by layer, as the text says: for each layer its weight "
                         "matrix, then its bias vector, so that your network is the one "
                         "the next cells describe.")
        rng = np.random.default_rng(seed)
        transposed_w, transposed_b = [], []
        for n_in, n_out in pairs:
            transposed_w.append(rng.random((n_in, n_out)).T)
            transposed_b.append(rng.random(n_out))
        if np.array_equal(values, flat(transposed_w, transposed_b)):
            return wrong("each weight matrix was drawn with shape (n_in, n_out) and then "
                         "transposed, so its numbers sit in other places.",
                         "draw it directly with shape (n_out, n_in): "
                         "`rng.random((n_out, n_in))`.")
        legacy = np.random.RandomState(seed)
        legacy_w, legacy_b = [], []
        for n_in, n_out in pairs:
            legacy_w.append(legacy.random_sample((n_out, n_in)))
            legacy_b.append(legacy.random_sample(n_out))
        if np.allclose(np.sort(values), np.sort(flat(legacy_w, legacy_b))):
            return wrong("these numbers come from numpy's legacy generator "
                         "(`np.random.seed`, `np.random.rand` or `RandomState`).",
                         "use the generator the text asks for: `rng = np.random."
                         "default_rng(seed)`, then `rng.random(shape)`.")
        return wrong("the values are not the numbers `np.random.default_rng(seed)` draws "
                     "with `rng.random`, in the text's order: they look made up or drawn "
                     "another way.",
                     "make `rng = np.random.default_rng(seed)` once, then for each layer "
                     "in turn draw `rng.random((n_out, n_in))` for its weights and "
                     "`rng.random(n_out)` for its biases.")


class Sigmoid(Judge, specs.Sigmoid):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # A single number last: the text promises that `sigmoid` works on one too.
        return [(np.linspace(-8, 8, 17),), (rng.normal(scale=4, size=(3, 4)),), (0.0,),
                (float(rng.normal(scale=4)),)]

    def expected(self, case):
        return nn.sigmoid(case[0])

    def judge(self, payload, cases):
        for (z,), facts in zip(cases, payload["outputs"]):
            output = facts["numbers"]
            if output is None:
                return wrong("`sigmoid` returned None.",
                             "did you forget `return` (or use `print` instead)?")
            got = as_float_array(output)
            if got is not None and np.ndim(z) == 0 and got.size == 1:
                got = got.reshape(())  # a number given back as an array of one is fine
            if got is None or got.shape != np.shape(z):
                what = (f"an array of shape {np.shape(z)}" if np.ndim(z)
                        else f"the single number {z!r}")
                return wrong(f"for {what} `sigmoid` returned "
                             f"{describe_shape(output)}.",
                             "work element by element with numpy: `1 / (1 + np.exp(-z))` "
                             "keeps the shape of `z`.")
            expected = nn.sigmoid(z)
            if close_to(got, expected):
                verdict = np.ndim(z) and not_an_array(facts, "sigmoid(z)", str(np.shape(z)))
                if verdict:
                    return verdict
                continue
            if close_to(got, nn.sigmoid(-z)):
                return wrong("the curve runs the wrong way: it falls as z grows.",
                             "the exponent is minus z: `np.exp(-z)`.")
            if close_to(got, np.tanh(z)):
                return wrong("that is tanh, whose values run from -1 to 1.",
                             "the sigmoid is 1 / (1 + exp(-z)), with values from 0 to 1.")
            if close_to(got, 1 + np.exp(-z)):
                return wrong("the values are 1 + exp(-z): `1 / 1 + np.exp(-z)` divides 1 by 1 "
                             "first.",
                             "put the whole denominator in parentheses: `1 / (1 + np.exp(-z))`.")
            return wrong("the values differ from 1 / (1 + exp(-z)).",
                         "check the formula: sigmoid(0) is 0.5, sigmoid(8) is about 0.9997.")
        return correct("1 / (1 + exp(-z)), element by element.")

    def error_hint(self, case, error):
        (z,) = case
        if np.ndim(z) == 0:
            return ("`sigmoid` must work on a single number too, and a single number cannot "
                    "be looped over: a loop or list comprehension over `z` (`for v in z`) "
                    "fails there. Write it without a loop, `1 / (1 + np.exp(-z))`: numpy "
                    "works element by element on an array and on a single number alike.")
        return one_number_at_a_time(error)

    def error_message(self, case, error):
        (z,) = case
        if np.ndim(z) == 0:
            return f"`sigmoid({z!r})`, on a single number, raised {error}"
        return None
