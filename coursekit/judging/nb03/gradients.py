"""Notebook 03, exercises 5 and 6: the sigmoid's derivative, and backpropagation."""

import numpy as np

from ... import nn
from ...checks import nb03 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from ..plain_answers import as_float_array, as_float_arrays, describe_shape, not_an_array
from .networks import (
    DEEP, DIGITS, NetworkJudge, SMALL, SQUARE, close_to, draw_images, draw_labels,
    draw_network, network_text, one_number_at_a_time, reference_forward,
)


class SigmoidPrime(Judge, specs.SigmoidPrime):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        return [(np.linspace(-6, 6, 13),), (rng.normal(scale=3, size=(2, 5)),)]

    def judge(self, payload, cases):
        for (z,), facts in zip(cases, payload["outputs"]):
            output = facts["numbers"]
            if output is None:
                return wrong("`sigmoid_prime` returned None.",
                             "did you forget `return` (or use `print` instead)?")
            if isinstance(output, str) and output.startswith("<a "):
                # collect() describes objects that are not numbers, e.g. SymPy's, this way.
                return wrong(f"`sigmoid_prime` returned {output[1:-1]} object, not numbers: "
                             "perhaps SymPy's formula itself.",
                             "SymPy's result is for reading; compute the numbers with numpy: "
                             "`s = sigmoid(z)`, then `return s * (1 - s)`.")
            got = as_float_array(output)
            if got is None or got.shape != z.shape:
                return wrong(f"for an array of shape {z.shape} `sigmoid_prime` returned "
                             f"{describe_shape(output)}.",
                             "work element by element, keeping the shape of `z`.")
            s = nn.sigmoid(z)
            if close_to(got, s * (1 - s)):
                verdict = not_an_array(facts, "sigmoid_prime(z)", str(z.shape))
                if verdict is not None:
                    return verdict
                continue
            if close_to(got, z * (1 - z)):
                return wrong("you applied the formula to z itself: z (1 - z).",
                             "the derivative at z is sigmoid(z) * (1 - sigmoid(z)); "
                             "compute s = sigmoid(z) first.")
            if close_to(got, nn.sigmoid_prime(s)):
                return wrong("you took the derivative at sigmoid(z) instead of at z.",
                             "`sigmoid_prime(z)` receives the weighted input z; "
                             "return sigmoid(z) * (1 - sigmoid(z)).")
            if close_to(got, s):
                return wrong("that is the sigmoid itself.",
                             "multiply it by (1 - sigmoid(z)), as SymPy showed.")
            return wrong("the values differ from sigmoid(z) * (1 - sigmoid(z)).",
                         "at z = 0 the derivative is 0.25, its largest value.")
        return correct("sigmoid(z) * (1 - sigmoid(z)), as SymPy derived.")

    def error_hint(self, case, error):
        return one_number_at_a_time(error)


# ---------------------------------------------------------------- exercise 6

def _gradients(weights, biases, X, y, *, prime_at="z", bias=True, output_prime=True,
               back_transpose=True):
    """Gradients of the mean cost, with one of the classic mistakes switched on.

    Returns ``(None, None)`` when the mistake cannot run on this network (errors
    carried back through untransposed weights that are not square).
    """
    if not back_transpose and any(w.shape[0] != w.shape[1] for w in weights[1:]):
        return None, None
    activations, zs = reference_forward(weights, biases, X, bias=bias)

    def prime(layer):  # derivative of layer `layer`'s sigmoid, taken where asked
        return nn.sigmoid_prime(activations[layer + 1] if prime_at == "a" else zs[layer])

    last = len(weights) - 1
    delta = 2 * (activations[-1] - nn.one_hot(y)) / len(X)
    if output_prime:
        delta = delta * prime(last)
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for layer in range(last, -1, -1):
        grad_w[layer] = delta.T @ activations[layer]
        grad_b[layer] = delta.sum(axis=0)
        if layer:
            # One row of delta per image: delta @ W is (Wᵀ delta) image by image.
            back = weights[layer] if back_transpose else weights[layer].T
            delta = (delta @ back) * prime(layer - 1)
    return grad_w, grad_b


def _factor(got, expected):
    # The single number c with got == c * expected, if there is one.
    flat_got = np.concatenate([g.ravel() for g in got])
    flat_expected = np.concatenate([e.ravel() for e in expected])
    scale = flat_expected @ flat_expected
    if scale == 0:
        return None
    c = flat_got @ flat_expected / scale
    return c if close_to(flat_got, c * flat_expected) else None


def _parse_gradients(output, weights):
    """(grad_w, grad_b) as two lists shaped like the network, or a wrong() verdict."""
    layers = len(weights)
    if not isinstance(output, list) or len(output) != 2:
        return wrong(f"`backprop` returned {describe_shape(output)}.",
                     "return two lists: `return grad_w, grad_b`.")
    grad_w, grad_b = as_float_arrays(output[0], layers), as_float_arrays(output[1], layers)
    if grad_w is None or grad_b is None:
        fewer = as_float_arrays(output[0], 2)
        if layers > 2 and fewer is not None:
            return wrong(f"on a network of {layers} layers `backprop` returned 2 weight "
                         f"gradients: it handles 2 layers only.",
                         "write it for any number of layers: go back with a loop, `for l in "
                         "range(len(weights), 0, -1):`, filling `grad_w[l - 1]` and "
                         "`grad_b[l - 1]`.")
        return wrong(f"on a network of {layers} layers expected {layers} weight gradients "
                     f"and {layers} bias gradients.",
                     "make one gradient per weight matrix and one per bias vector.")
    for index, (gw, gb, w) in enumerate(zip(grad_w, grad_b, weights)):
        if gw.shape == w.T.shape and w.shape[0] != w.shape[1]:
            return wrong(f"grad_w[{index}] has shape {gw.shape}, the transpose of "
                         f"weights[{index}]'s {w.shape}.",
                         "a gradient has the shape of what it is the gradient of: "
                         "for one image it is `np.outer(delta, a_previous)`.")
        if gw.shape != w.shape:
            return wrong(f"grad_w[{index}] has shape {gw.shape}; weights[{index}] has "
                         f"shape {w.shape}.",
                         "give each weight matrix a gradient of the same shape.")
        if gb.size != w.shape[0]:
            return wrong(f"grad_b[{index}] has {gb.size} values; biases[{index}] has "
                         f"{w.shape[0]}.",
                         "give each bias vector a gradient of the same shape.")
    return grad_w, [gb.reshape(w.shape[0]) for gb, w in zip(grad_b, weights)]


class Backprop(NetworkJudge, specs.Backprop):
    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        # Three images first: a gradient summed instead of averaged is then 3 times
        # too large, which no other mistake gives.
        for sizes, count in ((SQUARE, 3), (DIGITS, 5), (DEEP, 4), (SMALL, 1)):
            weights, biases = draw_network(rng, sizes)
            cases.append((weights, biases, draw_images(rng, count, sizes[0]),
                          draw_labels(rng, count)))
        return cases

    def judge(self, payload, cases):
        for case, output in zip(cases, payload["outputs"]):
            verdict = self._judge_case(*case, output)
            if verdict is not None:
                return verdict
        return correct("the gradients of the average cost for every weight and bias, on "
                       "networks of 2 and 3 layers.")

    def _judge_case(self, weights, biases, X, y, output):
        parsed = _parse_gradients(output, weights)
        if not isinstance(parsed, tuple):
            return parsed
        got_w, got_b = parsed
        got = got_w + got_b
        exp_w, exp_b = _gradients(weights, biases, X, y)
        expected = exp_w + exp_b
        if all(close_to(g, e) for g, e in zip(got, expected)):
            return None
        n = len(X)
        where = f"on {n} images and a {network_text(weights)} network"

        if not any(np.any(g) for g in got):
            return wrong(f"{where} every gradient is 0.",
                         "add each image's gradients into `grad_w` and `grad_b` inside the "
                         "loop over the images (`grad_w[l - 1] += ...`), then return them.")
        factor = _factor(got, expected)
        if factor is not None:
            return self._factor_verdict(factor, n, where)

        for switches, message, hint in (
            (dict(prime_at="a"),
             "the sigmoid's derivative was taken at the activation a = sigmoid(z), not at z.",
             "use sigmoid_prime(z) with z the layer's weighted input, or equivalently "
             "a * (1 - a); sigmoid_prime(a) applies the sigmoid twice."),
            (dict(bias=False), "the forward pass inside backprop leaves out the biases.",
             "compute every layer's z = weights[l - 1] @ a + biases[l - 1], bias included, "
             "before going backwards."),
            (dict(output_prime=False),
             "the output layer's error is missing the factor sigmoid'(z).",
             "the output error is 2 (a - t) * sigmoid_prime(z) for the last layer's z."),
            (dict(back_transpose=False),
             "the error was carried back through `weights[l - 1]` itself, not its "
             "transpose.",
             "going backwards the weights are used transposed: "
             "from layer l back to layer l - 1, `delta = (weights[l - 1].T @ delta) * "
             "sigmoid_prime(zs[l - 2])`."),
        ):
            variant_w, variant_b = _gradients(weights, biases, X, y, **switches)
            if variant_w is not None and all(
                    close_to(g, v) for g, v in zip(got, variant_w + variant_b)):
                return wrong(f"{where}: {message}", hint)
        if n > 1:
            verdict = self._one_image_verdict(weights, biases, X, y, got, where)
            if verdict is not None:
                return verdict
        if all(close_to(g.T, e) for g, e in zip(got_w, exp_w)):
            return wrong(f"{where}: each weight gradient is transposed.",
                         "the gradient for weights[l - 1] is `np.outer(delta, "
                         "activations[l - 1])`, "
                         "`np.outer(delta, a_previous)`, of shape (n_out, n_in).")
        if all(close_to(g, e) for g, e in zip(got_w[::-1], exp_w)) and len(got_w) > 1:
            return wrong(f"{where}: the gradients are in reverse layer order.",
                         "grad_w[0] belongs to weights[0], the first layer; fill the lists "
                         "by layer index as you go backwards.")
        if all(close_to(g, e) for g, e in zip(got_w, exp_w)):
            return wrong(f"{where}: the weight gradients are right, the bias gradients not.",
                         "for one image the gradient for biases[l - 1] is layer l's delta "
                         "itself; average it over the images like the weights'.")
        for index, (g, e) in enumerate(zip(got_w, exp_w)):
            if not close_to(g, e) and close_to(g.T, e):
                return wrong(f"{where}: grad_w[{index}] is transposed: its rows and columns "
                             f"are swapped.",
                             f"the gradient for weights[{index}] is `np.outer(delta, "
                             f"activations[{index}])`, delta first, of shape (n_out, n_in) "
                             f"like the weights; `np.outer(activations[{index}], delta)` "
                             f"gives its transpose. (On this square network the shapes "
                             f"still fit; on others they do not.)")
        if close_to(got_w[-1], exp_w[-1]) and close_to(got_b[-1], exp_b[-1]):
            return wrong(f"{where}: the output layer's gradients are right, an earlier "
                         "layer's are not.",
                         "carry the error back from layer l to layer l - 1 with "
                         "`delta = (weights[l - 1].T @ delta) * sigmoid_prime(zs[l - 2])`.")
        wrong_layers = [index for index, (g, e) in enumerate(zip(got, expected))
                        if not close_to(g, e)]
        names = [f"grad_w[{i}]" if i < len(got_w) else f"grad_b[{i - len(got_w)}]"
                 for i in wrong_layers]
        return wrong(f"{where} {', '.join(names)} differ from the gradients of the cost.",
                     "go through the steps once more, output layer first: the output error "
                     "`delta = 2 * (a - t) * sigmoid_prime(z)` with the last layer's z, the "
                     "gradients `np.outer(delta, activations[l - 1])` and `delta` for layer "
                     "l, then `delta = (weights[l - 1].T @ delta) * sigmoid_prime(zs[l - 2])` "
                     "to step back, and the average over the images.")

    def error_hint(self, case, error):
        if "broadcast" in error and len(case[0]) == 2:
            return ("a gradient's shape does not fit the matrix it is added to. The gradient "
                    "for `weights[l - 1]` has its shape, (n_out, n_in): `np.outer(delta, "
                    "activations[l - 1])`, delta first; `np.outer(activations[l - 1], "
                    "delta)` gives the transpose.")
        return super().error_hint(case, error)

    @staticmethod
    def _one_image_verdict(weights, biases, X, y, got, where):
        """Name gradients that come from the first or the last image alone."""
        first = _gradients(weights, biases, X[:1], y[:1])
        if _factor(got, first[0] + first[1]) is not None:
            return wrong(f"{where}: only the first image's gradient came back.",
                         "is `return` indented inside the loop over the images? Return "
                         "after the loop, once every image has been added up.")
        last = _gradients(weights, biases, X[-1:], y[-1:])
        if _factor(got, last[0] + last[1]) is not None:
            return wrong(f"{where}: only the last image's gradient is left; each image "
                         "replaced the one before.",
                         "add each image's gradient to the running total with `+=`, "
                         "not `=`.")
        return None

    @staticmethod
    def _factor_verdict(factor, n, where):
        named = [
            (0.5, "the gradient is half what it should be: the 2 of the squared "
                  "cost is missing.",
             "the derivative of (a - t)² is 2 (a - t)."),
            (n, f"the gradient is {n} times too large: it was summed over the {n} images, "
                f"not averaged.",
             "the cost averages over the images, so its gradient does too: divide the "
             "sum by len(X)."),
            (n / 2, f"the gradient is {n / 2:g} times too large: summed over the images "
                    f"instead of averaged, and missing the 2 of the squared cost.",
             "use 2 (a - t) for the derivative of (a - t)², and divide the sum by len(X)."),
            (1 / n, f"the gradient is {n} times too small: it was divided by the number of "
                    f"images twice.",
             "average once: the sum of the images' gradients divided by len(X)."),
            (0.1, "the gradient is 10 times too small: the cost was averaged over the 10 "
                  "outputs too.",
             "the cost adds up the 10 squared differences of an image; only the images "
             "are averaged."),
            (-1.0, "the gradient points the wrong way (its sign is flipped).",
             "the output error is a - t (output minus target), times 2 and sigmoid'(z)."),
        ]
        for value, message, hint in named:
            if np.isclose(factor, value, rtol=1e-4):
                return wrong(f"{where}: {message}", hint)
        return wrong(f"{where}: the gradients are {factor:.3g} times the right ones.",
                     "a constant factor is off: check the 2 of the squared cost and "
                     "the averaging over images.")
