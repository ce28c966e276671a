"""Notebook 03, exercises 3 and 4: feed-forward, and the squared-distance cost."""

import numpy as np

from ... import nn
from ...checks import nb03 as specs
from ...checks.results import correct, wrong
from ...data import first_split, load_digits
from ..plain_answers import as_float_array, as_float_arrays, describe_shape
from .networks import (
    DEEP, DIGITS, NetworkJudge, RTOL, SMALL, SQUARE, close_to, draw_images, draw_labels,
    draw_network, network_text, reference_forward,
)


class FeedForward(NetworkJudge, specs.FeedForward):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        for sizes in (SQUARE, DIGITS, SMALL, DEEP):
            weights, biases = draw_network(rng, sizes)
            cases.append((weights, biases, draw_images(rng, 1, sizes[0])[0]))
        return cases

    def expected(self, case):
        return reference_forward(*case)[0]

    def judge(self, payload, cases):
        for (weights, biases, x), output in zip(cases, payload["outputs"]):
            verdict = self._judge_case(weights, biases, x, output)
            if verdict is not None:
                return verdict
        return correct("every layer's activations, input first, on networks of 2 and 3 layers.")

    def _judge_case(self, weights, biases, x, output):
        count = len(weights) + 1
        expected, _ = reference_forward(weights, biases, x)
        got = as_float_arrays(output, count)
        network = f"the {network_text(weights)} network"
        if got is None:
            single = as_float_array(output)
            if single is not None and single.size == expected[-1].size:
                return wrong(f"on {network} `feed_forward` returned one array, not a list.",
                             "return the list of every layer's activations, starting with "
                             "`x` itself: `[x, a1, ..., output]`.")
            for length in range(count - 1, 1, -1):
                prefix = as_float_arrays(output, length)
                if prefix is None or not all(
                        g.size == e.size and close_to(g.reshape(e.shape), e)
                        for g, e in zip(prefix, expected)):
                    continue
                if length == 2:
                    return wrong(f"on {network} the list stops after the first layer.",
                                 "is `return` indented inside the loop? Return after the "
                                 "loop, once every layer has been appended.")
                return wrong(f"on {network} the list stops after layer {length - 1}: "
                             f"the answer handles {length - 1} layers only, this network "
                             f"has {count - 1}.",
                             "write it for any number of layers: instead of one line per "
                             "layer, loop `for w, b in zip(weights, biases):` and append "
                             "each layer's activations.")
            shorter = as_float_arrays(output, count - 1)
            if shorter is not None and all(
                    g.size == e.size for g, e in zip(shorter, expected[1:])):
                return wrong(f"on {network} the list has {count - 1} arrays, one too few.",
                             "put the input `x` first in the list, then each layer's "
                             "activations.")
            return wrong(f"on {network} expected a list of {count} arrays; got "
                         f"{describe_shape(output)}.",
                         "return `[x, a1, ..., output]`, one array per layer.")
        for index, (g, e) in enumerate(zip(got, expected)):
            if g.size != e.size:
                return wrong(f"on {network} activation {index} has {g.size} values; "
                             f"expected {e.size}.",
                             "activation l has one value per unit of layer l.")
        got = [g.reshape(e.shape) for g, e in zip(got, expected)]
        if all(close_to(g, e) for g, e in zip(got, expected)):
            return None
        mistakes = [
            (dict(transpose=True),
             "the weights were used transposed (the matrix multiplied on the wrong side).",
             "`weights[l - 1]` has shape (n_out, n_in): compute `weights[l - 1] @ a`, "
             "not `a @ weights[l - 1]`."),
            (dict(bias=False), "the biases are missing.",
             "layer l computes `z = weights[l - 1] @ a + biases[l - 1]`, then "
             "`sigmoid(z)`."),
            (dict(bias_outside=True),
             "the bias was added after the sigmoid, `sigmoid(w @ a) + b`.",
             "the bias belongs inside the sigmoid, with the weighted sum: "
             "`sigmoid(w @ a + b)`."),
            (dict(squash_last=False), "the output layer is missing its sigmoid.",
             "apply the sigmoid in every layer, the last one included."),
            (dict(squash=False), "no sigmoid was applied: these are the weighted inputs z.",
             "layer l's activation is `sigmoid(weights[l - 1] @ a + biases[l - 1])`."),
        ]
        _, zs = reference_forward(weights, biases, x)
        if close_to(got[0], expected[0]) and all(close_to(g, z) for g, z in zip(got[1:], zs)):
            return wrong(f"on {network} the list holds each layer's weighted input z, not "
                         "its activation: the next layer was fed sigmoid(z), but z was stored.",
                         "append the activation itself, `a = sigmoid(z)`, then "
                         "`activations.append(a)`.")
        for switches, message, hint in mistakes:
            variant, _ = reference_forward(weights, biases, x, **switches)
            if variant is not None and all(close_to(g, v) for g, v in zip(got, variant)):
                return wrong(f"on {network} {message}", hint)
        if not close_to(got[0], expected[0]):
            return wrong(f"on {network} the first array is not the input x.",
                         "start the list with `x` itself.")
        layer = next(i for i, (g, e) in enumerate(zip(got, expected)) if not close_to(g, e))
        return wrong(f"on {network} activation {layer} differs from "
                     f"sigmoid(weights[{layer - 1}] @ a + biases[{layer - 1}]).",
                     "feed each layer's activations into the next layer, in order.")


class Cost(NetworkJudge, specs.Cost):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        X, y = load_digits()
        cases = []
        for sizes, count in ((DIGITS, 7), (SMALL, 3)):
            weights, biases = draw_network(rng, sizes)
            cases.append((weights, biases, draw_images(rng, count, sizes[0]),
                          draw_labels(rng, count)))
        # The notebook's all-positive random network: the cost of saturated outputs.
        weights, biases = nn.init_network(DIGITS, init="uniform", random_state=rng)
        cases.append((weights, biases, X[:20], y[:20]))
        return cases

    def judge(self, payload, cases):
        for (weights, biases, X, y), output in zip(cases, payload["outputs"]):
            got = as_float_array(output)
            where = f"on {len(X)} images and a {network_text(weights)} network"
            if got is None or got.size != 1:
                return wrong(f"{where} `cost` returned {describe_shape(output)}.",
                             "return one number: the average over the images of "
                             "the squared distance.")
            got = float(got.reshape(()))
            outputs = nn.evaluate(weights, biases, X)
            distances = nn.squared_distances(outputs, y)
            expected = distances.mean()
            if np.isclose(got, expected, rtol=RTOL):
                continue
            mistakes = [
                (expected * len(X), "the costs of the images were added up, not averaged.",
                 "divide the total by the number of images (or use `np.mean`)."),
                (expected / 10, "the squared differences were averaged over the 10 outputs "
                                "as well as over the images.",
                 "add up the 10 squared differences of an image (its squared distance), "
                 "then average those sums over the images."),
                (expected / 2, "the cost is half what it should be.",
                 "this course's cost has no factor 1/2: it is the plain squared distance."),
                (np.sqrt(distances).mean(), "the distances were not squared.",
                 "square the distance: `np.sum((a - t) ** 2)`, with no square root."),
            ]
            for value, message, hint in mistakes:
                if np.isclose(got, value, rtol=RTOL):
                    return wrong(f"{where}: {message}", hint)
            X_train, y_train, _, _ = first_split(*load_digits())
            if X.shape[1] == X_train.shape[1] and np.isclose(
                    got, nn.cost(weights, biases, X_train, y_train), rtol=RTOL):
                return wrong(f"{where} `cost` gave the cost of the notebook's `X_train`, not "
                             f"of the images it was given.",
                             "use the function's parameters `X` and `y`, not `X_train` and "
                             "`y_train` from outside it.")
            return wrong(f"{where} the cost is {got:.6g}; expected {expected:.6g}.",
                         "for each image compare the output with its one-hot target "
                         "(`np.eye(10)[label]`), add up the squared differences, then "
                         "average over the images.")
        return correct("the squared distance to the one-hot targets, averaged over images.")
