"""Notebook 07, exercises 5 and 6: each hidden unit's weights, and what their tiles show."""

import numpy as np

from ...checks import nb07 as specs
from ...checks.nb07 import small_network
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import as_float_array, describe_shape, not_an_array
from ..questions import Question


def _layer_slip(call, network, out):
    """Weights that are the first layer's only on the notebook's one-layer 8x8 networks."""
    if len(network.coefs_) > 2:
        for depth, weights in enumerate(network.coefs_[1:-1], start=1):
            if out.shape == weights.T.shape and np.allclose(out, weights.T):
                return wrong(f"{call} returned the weights of hidden layer {depth + 1}, "
                             f"`coefs_[{depth}]` (`coefs_[-2]` is the first layer only when "
                             "there is one hidden layer).",
                             "the first layer, from the pixels, is always `coefs_[0]`: "
                             "`network.coefs_[0].T`.")
    first = network.coefs_[0]
    pixels = first.shape[0]
    if out.ndim == 2 and out.shape[0] == first.shape[1] and out.shape[1] < pixels and \
            np.allclose(out, first[: out.shape[1]].T):
        return wrong(f"{call} returned the weights of the first {out.shape[1]} pixels only; "
                     f"these images have {pixels}.",
                     "take every pixel's weights, `network.coefs_[0].T`, without a fixed "
                     "count: MNIST's images have 784 pixels.")
    return None


class UnitWeights(Judge, specs.UnitWeights):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # Fewer units than pixels first, where a reshape and a transpose differ in shape
        # or order; 64 units on 64 pixels, where a forgotten transpose keeps the shape;
        # 16-pixel images, where an answer that assumes 8x8 shows; two hidden layers,
        # where `coefs_[-2]` is not the first; 128 pixels, where `coefs_[0][:64]` cuts;
        # and the notebook's own 32 units, which an answer may treat apart.
        return [({"hidden": hidden, "pixels": pixels, "images": 200,
                  "random_state": int(rng.integers(1000))},)
                for hidden, pixels in ((5, 64), (64, 64), (12, 16), ([10, 6], 64), (7, 128),
                                       (32, 64))] + [
            # Weights up to about ±2, as a longer training leaves them.
            ({"hidden": 16, "pixels": 64, "images": 200, "scale": 6,
              "random_state": int(rng.integers(1000))},),
            # One unit: a squeeze (`np.squeeze`, `.squeeze()`) loses its row.
            ({"hidden": 1, "pixels": 64, "images": 200,
              "random_state": int(rng.integers(1000))},),
            # More units than the notebook's network has on MNIST (112) and than pixels the
            # other cases have (128): a cut at a size of the notebook's (`[:HIDDEN]`) shows.
            ({"hidden": 150, "pixels": 16, "images": 200,
              "random_state": int(rng.integers(1000))},)]

    def describe_case(self, case):
        (spec,) = case
        hidden = np.atleast_1d(spec["hidden"]).tolist()
        units = (f"{hidden[0]} hidden units" if len(hidden) == 1 else
                 f"hidden layers of {' and '.join(map(str, hidden))} units")
        return f"unit_weights(a network of {units} on {spec['pixels']}-pixel images)"

    def judge(self, payload, cases):
        for case, facts in zip(cases, payload["outputs"]):
            verdict = self._judge_case(case, facts)
            if verdict is not None:
                return verdict
        return correct("one row per hidden unit, one weight per pixel: `coefs_[0].T`; the "
                       "network is left as it was.")

    def _judge_case(self, case, facts):
        call = self.describe_case(case)
        output = facts["numbers"]
        if output is None:
            return wrong(f"{call} returned None.",
                         "did you forget `return` (or use `print` instead)?")
        network = small_network(case[0])
        first, second = network.coefs_[0], network.coefs_[-1]
        expected = first.T
        out = as_float_array(output)
        if out is None:
            return wrong(f"{call} returned {describe_shape(output)}.",
                         "return a numpy array with one row per hidden unit.")
        verdict = _layer_slip(call, network, out)
        if verdict is not None:
            return verdict
        if out.shape == second.T.shape and np.allclose(out, second.T) or (
                out.shape == second.shape and np.allclose(out, second)):
            return wrong(f"{call} returned the weights of the *output* layer, `coefs_[1]`.",
                         "the first layer's weights, from the pixels to the hidden units, "
                         "are `coefs_[0]`.")
        if out.shape == network.intercepts_[0].shape and np.allclose(out, network.intercepts_[0]):
            return wrong(f"{call} returned the first layer's biases, `intercepts_[0]`.",
                         "the weights are in `coefs_[0]`, one column per hidden unit.")
        if out.size == expected.size and out.shape != expected.shape and np.allclose(
                out.reshape(expected.shape), expected):
            if out.ndim == 2:  # `.reshape(HIDDEN, -1)`: the notebook's size, not the network's
                return wrong(f"{call} cut the weights into {out.shape[0]} rows, but this "
                             f"network has {expected.shape[0]} units: a reshape by a number "
                             "from the notebook (such as `HIDDEN`), not by the network's "
                             "own size?",
                             "`network.coefs_[0].T` already has one row per unit, for a "
                             "network of any size: no reshape is needed.")
            return wrong(f"{call} returned the right weights in shape {out.shape}.",
                         f"keep one flat row per unit, shape {expected.shape}: "
                         "`plot_weight_tiles` draws each row as an image itself.")
        if out.shape == first.shape and np.allclose(out, first):
            return wrong(f"{call} returned `coefs_[0]` as it is: one row per *pixel*, one "
                         "column per unit.",
                         "transpose it, `network.coefs_[0].T`, to get one row per unit.")
        if out.shape == expected.shape and np.allclose(out, first.reshape(expected.shape)) \
                and not np.allclose(out, expected):  # one unit: a reshape is the transpose
            return wrong(f"{call} reshaped `coefs_[0]` to one row per unit: that keeps the "
                         "numbers in their order and cuts them into rows, mixing the units' "
                         "weights.",
                         "transpose instead: `network.coefs_[0].T` turns columns (units) "
                         "into rows.")
        verdict = _network_slip(call, facts) or _extra_slip(call, network, out)
        if verdict is not None:
            return verdict
        if out.shape != expected.shape:
            return wrong(f"{call} returned {describe_shape(output)}; expected "
                         f"{expected.shape}, one row per hidden unit.",
                         "use the network it was given, `network.coefs_[0].T`, not a size "
                         "or a network from the notebook.")
        if not np.allclose(out, expected):
            return wrong(f"{call} differs from the first layer's weights, one row per unit.",
                         "return `network.coefs_[0].T`.")
        return not_an_array(facts, call, str(expected.shape))


def _extra_slip(call, network, out):
    """The right weights with the biases added as a column or a row; else None."""
    weights, biases = network.coefs_[0].T, network.intercepts_[0]
    units = len(biases)
    if out.shape == (units, weights.shape[1] + 1) and np.allclose(out[:, :-1], weights):
        where = "a last column" if np.allclose(out[:, -1], biases) else "a column more"
    elif out.shape == (units, weights.shape[1] + 1) and np.allclose(out[:, 1:], weights):
        where = "a first column" if np.allclose(out[:, 0], biases) else "a column more"
    else:
        return None
    return wrong(f"{call} returned the right weights with {where} beside them, shape "
                 f"{out.shape}: the biases (`intercepts_[0]`) are no pixel, and a tile of 64 "
                 "pixels has no room for them.",
                 "return the weights alone, `network.coefs_[0].T`: one row per hidden unit, "
                 "one weight per pixel.")


def _network_slip(call, facts):
    """A wrong() verdict when the call trained or changed the network it read, else None."""
    if facts.get("trained"):
        return wrong(f"{call} trained the network it was given (`fit` or `partial_fit`) "
                     "before reading its weights: the notebook's network changes, and "
                     "the weights returned are those of the retrained network.",
                     "only read the weights, `network.coefs_[0].T`: the network is "
                     "fitted already, and the cells below draw it as it is.")
    changed = facts.get("changed_network")
    if isinstance(changed, list) and "intercepts_" in changed and "coefs_" not in changed:
        return wrong(f"{call} changed the network's biases, `network.intercepts_`: the "
                     "network then predicts otherwise, and the cells below draw and score "
                     "a changed network.",
                     "only read the weights, `network.coefs_[0].T`, and leave the network "
                     "as it is; to work with the biases, copy them first "
                     "(`network.intercepts_[0].copy()`).")
    if isinstance(changed, list) and changed == ["out_activation_"]:
        return wrong(f"{call} changed the network's `out_activation_`: the network then "
                     "turns its scores into other probabilities, and the cells below score "
                     "a changed network.",
                     "only read the weights, `network.coefs_[0].T`, and leave the network "
                     "as it is.")
    reshaped = facts.get("reshaped_network")
    if isinstance(reshaped, list) and "coefs_" in reshaped:
        return wrong(f"{call} put arrays of other shapes in the network's weights "
                     "(`network.coefs_[0] = ...`): the network can no longer predict, and "
                     "the cells below draw and score a broken network.",
                     "only read the weights and return them, "
                     "`return network.coefs_[0].T`: assign nothing to `network.coefs_`.")
    if changed:
        # Before comparing values: scaling or zeroing `coefs_[0].T` in place changes the
        # weights returned and the network's own, since a transpose is a view.
        return wrong(f"{call} changed the network's own weights: `network.coefs_[0].T` "
                     "is a view of them, so writing into it (`W /= ...`, `W[0] = 0`) "
                     "changes what the network predicts and what the cells below draw.",
                     "return `network.coefs_[0].T` as it is; to scale or edit it, copy "
                     "it first (`network.coefs_[0].T.copy()`) or build a new array "
                     "(`W / scale`).")
    if facts.get("changed_settings"):
        return wrong(f"{call} changed the network's settings (`set_params`): the "
                     "notebook's network then describes another one than it was trained "
                     "as, and a later `fit` would train that other one.",
                     "only read the weights, `network.coefs_[0].T`: the function needs "
                     "nothing else of the network.")
    return None


class WhatTilesShow(Question, specs.WhatTilesShow):
    options = {
        "a": ("Each unit has become a picture of one whole digit, which it recognises.",
              "no tile looks like a whole digit: each unit weighs ink in some places against "
              "ink in others, and the output layer combines the units."),
        "b": ("Blurry blobs that sharpen into parts of strokes, ink here weighed against ink "
              "there; a few units stay close to their random start.",
              "the units respond to parts of digits, not whole ones, and units that never "
              "fire (dead units) keep their random pattern."),
        "c": ("Only noise: the first layer keeps its random start and the output layer does "
              "all the learning.",
              "the tiles after 1,000 steps differ clearly from those after 10: the first "
              "layer learned, and the output layer builds on what it found."),
        "d": ("The average image of each digit, as in notebook 02.",
              "there are more units than digits (32 on the digits, 112 on MNIST), and the tiles are "
              "red and blue patterns, not averages of ink."),
    }
    right = "b"
