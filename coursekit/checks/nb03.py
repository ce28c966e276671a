"""Checks for notebook 03, a multilayer perceptron from scratch.

The learner's functions take a network as two lists, ``weights`` (matrices of
shape (n_out, n_in)) and ``biases`` (vectors of shape (n_out,)); the checks
build small random networks, call the learner's code on them and compare with
:mod:`coursekit.nn`. When the answer is wrong, the judge rebuilds the classic
mistakes (transposed weights, a missing bias, the sigmoid's derivative taken
at the activation, a gradient off by a factor, ...) and names the one that
matches.

Every network in a case has 10 output units, one per digit, so a learner's
``np.eye(10)`` for the targets is right. The first case of each check has
square weight matrices: transposed weights then still run, and the judge can
recognise them instead of reporting a shape error.
"""

import itertools

import numpy as np

from .. import nn
from ..data import first_split, load_digits
from .core import (
    Exercise, as_float_array, as_float_arrays, correct, describe_shape, plain_or_name, wrong,
)

NOTEBOOK = "03_mlp_from_scratch"

#: Layer sizes of the networks the checks try, the square one first.
SQUARE, DIGITS, SMALL, DEEP = [10, 10, 10], [64, 16, 10], [7, 5, 10], [6, 5, 4, 10]

# Loose enough for an answer computed in float32, yet every classic mistake (a factor,
# a transpose, a missing term) lands far outside it.
_RTOL = 1e-5


def _close(got, expected):
    if got.shape != expected.shape:
        return False
    # Entries near 0 (tiny gradients) are judged against the array's scale, not their own.
    atol = _RTOL * float(np.max(np.abs(expected), initial=0.0)) + 1e-12
    return np.allclose(got, expected, rtol=_RTOL, atol=atol)


def _network(rng, sizes):
    # Weights of both signs and moderate size keep every unit away from 0 and 1,
    # where a wrong formula could still give nearly the right number.
    return nn.init_network(sizes, random_state=rng)


def _images(rng, count, n_inputs):
    if n_inputs == 64:
        X, _ = load_digits()
        return X[rng.choice(len(X), size=count, replace=False)]
    return rng.random((count, n_inputs))


def _labels(rng, count):
    # Distinct labels where possible, so no two targets coincide.
    return rng.permutation(10)[:count] if count <= 10 else rng.integers(0, 10, count)


def _network_text(weights):
    sizes = [np.shape(weights[0])[1]] + [np.shape(w)[0] for w in weights]
    return "-".join(str(n) for n in sizes)


def _forward(weights, biases, x, *, transpose=False, bias=True, squash_last=True, squash=True,
             bias_outside=False):
    """A feed-forward with one of the classic mistakes switched on (for diagnosis).

    Returns ``(None, None)`` when the mistake cannot run on this network
    (transposed weights that are not square).
    """
    if transpose and any(w.shape[0] != w.shape[1] for w in weights):
        return None, None
    activations, zs = [np.asarray(x, dtype=float)], []
    for index, (w, b) in enumerate(zip(weights, biases)):
        w = w.T if transpose else w
        z = activations[-1] @ w.T + (b if bias else 0)
        last = index == len(weights) - 1
        zs.append(z)
        if bias_outside:
            activations.append(nn.sigmoid(activations[-1] @ w.T) + b)
            continue
        activations.append(nn.sigmoid(z) if squash and (squash_last or not last) else z)
    return activations, zs


_SHAPE_WORDS = ("matmul", "aligned", "broadcast", "shape")


class _NetworkExercise(Exercise):
    """A function exercise whose cases start with a network (weights, biases, ...).

    The core stops at the first case that raises and judges the outputs before
    it; the cases start with a square network, where transposed weights still
    run, so the judge can name that mistake before a shape error hides it.
    """

    kind = "function"

    def describe_case(self, case):
        return f"`{self.answer_name}` on a {_network_text(case[0])} network"

    def error_hint(self, case, error):
        n_inputs = np.shape(case[0][0])[1]
        if any(word in error for word in _SHAPE_WORDS) and "64" in error and n_inputs != 64:
            # Nothing in this case has 64 values: the digits came from outside the function.
            return (f"a shape does not fit: this check calls `{self.answer_name}` on a "
                    f"{_network_text(case[0])} network of its own, with inputs of "
                    f"{n_inputs} values, and something in it has 64, like the notebook's "
                    f"images. Does the function use `X_train`, `y_train` (or another name "
                    f"from outside it), e.g. in `cost(weights, biases, X_train, y_train)`? "
                    f"Use its own parameters, `X` and `y`, so that it works on whatever it "
                    f"is given.")
        if any(word in error for word in _SHAPE_WORDS) and len(case[0]) > 2:
            return (f"a shape does not fit, on a network of {len(case[0])} layers where "
                    f"the 2-layer networks before it worked: does the code write out two "
                    f"layers by hand (`weights[0]`, `weights[1]`)? Loop over the layers "
                    f"instead, so that any number works.")
        if any(word in error for word in _SHAPE_WORDS):
            return ("a shape does not fit. Layer l's weights, `weights[l - 1]`, have shape "
                    "(n_out, n_in), so layer l computes `weights[l - 1] @ a + biases[l - 1]` "
                    "with `a` the previous layer's "
                    "activations (or, for a batch with one image per row, "
                    "`A @ weights[l - 1].T + biases[l - 1]`).")
        return None


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


class RandomNetwork(Exercise):
    id = "03-network"
    notebook = NOTEBOOK
    number = 1
    title = "a random network"
    points = 1
    answer_name = "random_network"
    kind = "function"

    def cases(self, seed):
        # np.random.seed and RandomState take seeds below 2**32 only; the grader's
        # secret seeds are larger.
        return [(DIGITS, 0), (DIGITS, 0), (DIGITS, 1), (DEEP, int(seed) % 2**32)]

    def call(self, func, case):
        sizes, seed = case
        return func(list(sizes), int(seed))

    def judge(self, payload, cases):
        networks = []
        for (sizes, seed), output in zip(cases, payload["outputs"]):
            layers = len(sizes) - 1
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


# ---------------------------------------------------------------- exercise 2

class Sigmoid(Exercise):
    id = "03-sigmoid"
    notebook = NOTEBOOK
    number = 2
    title = "the sigmoid"
    points = 1
    answer_name = "sigmoid"
    kind = "function"

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        # A single number last: the text promises that `sigmoid` works on one too.
        return [(np.linspace(-8, 8, 17),), (rng.normal(scale=4, size=(3, 4)),), (0.0,),
                (float(rng.normal(scale=4)),)]

    def judge(self, payload, cases):
        for (z,), output in zip(cases, payload["outputs"]):
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
            if _close(got, expected):
                continue
            if _close(got, nn.sigmoid(-z)):
                return wrong("the curve runs the wrong way: it falls as z grows.",
                             "the exponent is minus z: `np.exp(-z)`.")
            if _close(got, np.tanh(z)):
                return wrong("that is tanh, whose values run from -1 to 1.",
                             "the sigmoid is 1 / (1 + exp(-z)), with values from 0 to 1.")
            if _close(got, 1 + np.exp(-z)):
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
        return _one_number_at_a_time(error)

    def error_message(self, case, error):
        (z,) = case
        if np.ndim(z) == 0:
            return f"`sigmoid({z!r})`, on a single number, raised {error}"
        return None


def _one_number_at_a_time(error):
    """A hint when ``math`` functions or a Python loop met a numpy array; None otherwise."""
    if "converted to Python scalars" in error or "only length-1 arrays" in error:
        return ("`math.exp` (or a loop over the values) takes one number at a time, and this "
                "call passes an array, possibly of several dimensions. `np.exp` works element "
                "by element on an array of any shape, and on a single number too.")
    return None


# ---------------------------------------------------------------- exercise 3

class FeedForward(_NetworkExercise):
    id = "03-feedforward"
    notebook = NOTEBOOK
    number = 3
    title = "feed-forward"
    points = 2
    answer_name = "feed_forward"

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        for sizes in (SQUARE, DIGITS, SMALL, DEEP):
            weights, biases = _network(rng, sizes)
            cases.append((weights, biases, _images(rng, 1, sizes[0])[0]))
        return cases

    def judge(self, payload, cases):
        for (weights, biases, x), output in zip(cases, payload["outputs"]):
            verdict = self._judge_case(weights, biases, x, output)
            if verdict is not None:
                return verdict
        return correct("every layer's activations, input first, on networks of 2 and 3 layers.")

    def _judge_case(self, weights, biases, x, output):
        count = len(weights) + 1
        expected, _ = _forward(weights, biases, x)
        got = as_float_arrays(output, count)
        network = f"the {_network_text(weights)} network"
        if got is None:
            single = as_float_array(output)
            if single is not None and single.size == expected[-1].size:
                return wrong(f"on {network} `feed_forward` returned one array, not a list.",
                             "return the list of every layer's activations, starting with "
                             "`x` itself: `[x, a1, ..., output]`.")
            for length in range(count - 1, 1, -1):
                prefix = as_float_arrays(output, length)
                if prefix is None or not all(
                        g.size == e.size and _close(g.reshape(e.shape), e)
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
        if all(_close(g, e) for g, e in zip(got, expected)):
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
        for switches, message, hint in mistakes:
            variant, _ = _forward(weights, biases, x, **switches)
            if variant is not None and all(_close(g, v) for g, v in zip(got, variant)):
                return wrong(f"on {network} {message}", hint)
        if not _close(got[0], expected[0]):
            return wrong(f"on {network} the first array is not the input x.",
                         "start the list with `x` itself.")
        layer = next(i for i, (g, e) in enumerate(zip(got, expected)) if not _close(g, e))
        return wrong(f"on {network} activation {layer} differs from "
                     f"sigmoid(weights[{layer - 1}] @ a + biases[{layer - 1}]).",
                     "feed each layer's activations into the next layer, in order.")


# ---------------------------------------------------------------- exercise 4

class Cost(_NetworkExercise):
    id = "03-cost"
    notebook = NOTEBOOK
    number = 4
    title = "the squared-distance cost"
    points = 1
    answer_name = "cost"

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        X, y = load_digits()
        cases = []
        for sizes, count in ((DIGITS, 7), (SMALL, 3)):
            weights, biases = _network(rng, sizes)
            cases.append((weights, biases, _images(rng, count, sizes[0]), _labels(rng, count)))
        # The notebook's all-positive random network: the cost of saturated outputs.
        weights, biases = nn.init_network(DIGITS, init="uniform", random_state=rng)
        cases.append((weights, biases, X[:20], y[:20]))
        return cases

    def judge(self, payload, cases):
        for (weights, biases, X, y), output in zip(cases, payload["outputs"]):
            got = as_float_array(output)
            where = f"on {len(X)} images and a {_network_text(weights)} network"
            if got is None or got.size != 1:
                return wrong(f"{where} `cost` returned {describe_shape(output)}.",
                             "return one number: the average over the images of "
                             "the squared distance.")
            got = float(got.reshape(()))
            outputs = nn.evaluate(weights, biases, X)
            distances = nn.squared_distances(outputs, y)
            expected = distances.mean()
            if np.isclose(got, expected, rtol=_RTOL):
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
                if np.isclose(got, value, rtol=_RTOL):
                    return wrong(f"{where}: {message}", hint)
            X_train, y_train, _, _ = first_split(*load_digits())
            if X.shape[1] == X_train.shape[1] and np.isclose(
                    got, nn.cost(weights, biases, X_train, y_train), rtol=_RTOL):
                return wrong(f"{where} `cost` gave the cost of the notebook's `X_train`, not "
                             f"of the images it was given.",
                             "use the function's parameters `X` and `y`, not `X_train` and "
                             "`y_train` from outside it.")
            return wrong(f"{where} the cost is {got:.6g}; expected {expected:.6g}.",
                         "for each image compare the output with its one-hot target "
                         "(`np.eye(10)[label]`), add up the squared differences, then "
                         "average over the images.")
        return correct("the squared distance to the one-hot targets, averaged over images.")


# ---------------------------------------------------------------- exercise 5

class SigmoidPrime(Exercise):
    id = "03-sigmoid-prime"
    notebook = NOTEBOOK
    number = 5
    title = "the sigmoid's derivative"
    points = 1
    answer_name = "sigmoid_prime"
    kind = "function"

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        return [(np.linspace(-6, 6, 13),), (rng.normal(scale=3, size=(2, 5)),)]

    def judge(self, payload, cases):
        for (z,), output in zip(cases, payload["outputs"]):
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
            if _close(got, s * (1 - s)):
                continue
            if _close(got, z * (1 - z)):
                return wrong("you applied the formula to z itself: z (1 - z).",
                             "the derivative at z is sigmoid(z) * (1 - sigmoid(z)); "
                             "compute s = sigmoid(z) first.")
            if _close(got, nn.sigmoid_prime(s)):
                return wrong("you took the derivative at sigmoid(z) instead of at z.",
                             "`sigmoid_prime(z)` receives the weighted input z; "
                             "return sigmoid(z) * (1 - sigmoid(z)).")
            if _close(got, s):
                return wrong("that is the sigmoid itself.",
                             "multiply it by (1 - sigmoid(z)), as SymPy showed.")
            return wrong("the values differ from sigmoid(z) * (1 - sigmoid(z)).",
                         "at z = 0 the derivative is 0.25, its largest value.")
        return correct("sigmoid(z) * (1 - sigmoid(z)), as SymPy derived.")

    def error_hint(self, case, error):
        return _one_number_at_a_time(error)


# ---------------------------------------------------------------- exercise 6

def _gradients(weights, biases, X, y, *, prime_at="z", bias=True, output_prime=True,
               back_transpose=True):
    """Gradients of the mean cost, with one of the classic mistakes switched on.

    Returns ``(None, None)`` when the mistake cannot run on this network (errors
    carried back through untransposed weights that are not square).
    """
    if not back_transpose and any(w.shape[0] != w.shape[1] for w in weights[1:]):
        return None, None
    activations, zs = _forward(weights, biases, X, bias=bias)

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
    return c if _close(flat_got, c * flat_expected) else None


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


class Backprop(_NetworkExercise):
    id = "03-backprop"
    notebook = NOTEBOOK
    number = 6
    title = "backpropagation"
    points = 3
    answer_name = "backprop"

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        # Three images first: a gradient summed instead of averaged is then 3 times
        # too large, which no other mistake gives.
        for sizes, count in ((SQUARE, 3), (DIGITS, 5), (DEEP, 4), (SMALL, 1)):
            weights, biases = _network(rng, sizes)
            cases.append((weights, biases, _images(rng, count, sizes[0]),
                          _labels(rng, count)))
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
        if all(_close(g, e) for g, e in zip(got, expected)):
            return None
        n = len(X)
        where = f"on {n} images and a {_network_text(weights)} network"

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
                    _close(g, v) for g, v in zip(got, variant_w + variant_b)):
                return wrong(f"{where}: {message}", hint)
        if n > 1:
            verdict = self._one_image_verdict(weights, biases, X, y, got, where)
            if verdict is not None:
                return verdict
        if all(_close(g.T, e) for g, e in zip(got_w, exp_w)):
            return wrong(f"{where}: each weight gradient is transposed.",
                         "the gradient for weights[l - 1] is `np.outer(delta, "
                         "activations[l - 1])`, "
                         "`np.outer(delta, a_previous)`, of shape (n_out, n_in).")
        if all(_close(g, e) for g, e in zip(got_w[::-1], exp_w)) and len(got_w) > 1:
            return wrong(f"{where}: the gradients are in reverse layer order.",
                         "grad_w[0] belongs to weights[0], the first layer; fill the lists "
                         "by layer index as you go backwards.")
        if all(_close(g, e) for g, e in zip(got_w, exp_w)):
            return wrong(f"{where}: the weight gradients are right, the bias gradients not.",
                         "for one image the gradient for biases[l - 1] is layer l's delta "
                         "itself; average it over the images like the weights'.")
        for index, (g, e) in enumerate(zip(got_w, exp_w)):
            if not _close(g, e) and _close(g.T, e):
                return wrong(f"{where}: grad_w[{index}] is transposed: its rows and columns "
                             f"are swapped.",
                             f"the gradient for weights[{index}] is `np.outer(delta, "
                             f"activations[{index}])`, delta first, of shape (n_out, n_in) "
                             f"like the weights; `np.outer(activations[{index}], delta)` "
                             f"gives its transpose. (On this square network the shapes "
                             f"still fit; on others they do not.)")
        if _close(got_w[-1], exp_w[-1]) and _close(got_b[-1], exp_b[-1]):
            return wrong(f"{where}: the output layer's gradients are right, an earlier "
                         "layer's are not.",
                         "carry the error back from layer l to layer l - 1 with "
                         "`delta = (weights[l - 1].T @ delta) * sigmoid_prime(zs[l - 2])`.")
        wrong_layers = [index for index, (g, e) in enumerate(zip(got, expected))
                        if not _close(g, e)]
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


# ---------------------------------------------------------------- exercise 7

def _descend(weights, biases, X, y, batches, learning_rate):
    """Gradient steps on the given batches (lists of row indices), in order."""
    weights = [w.copy() for w in weights]
    biases = [b.copy() for b in biases]
    for rows in batches:
        if not len(rows):
            continue
        grad_w, grad_b = nn.gradients(weights, biases, X[rows], y[rows])
        weights = [w - learning_rate * gw for w, gw in zip(weights, grad_w)]
        biases = [b - learning_rate * gb for b, gb in zip(biases, grad_b)]
    return weights, biases


#: Ways of cutting a shuffled order into batches: the right one, then the classic slips,
#: each with what it does and how to fix it.
_CUTS = {
    "right": (None, None),
    "drop_last": ("the last, smaller batch was skipped.",
                  "with `range(0, len(X), batch_size)` the last slice keeps the images left "
                  "over."),
    "short": ("each batch holds one image too few, so some images are never used: the "
              "slice ends one short.",
              "a batch is `order[start:start + batch_size]`: the slice's end is excluded "
              "already, so it needs no `- 1`."),
    "long": ("each batch holds one image too many, so neighbouring batches overlap: the "
             "slice ends one too far.",
             "a batch is `order[start:start + batch_size]`; Python's slice end is excluded, "
             "so it needs no `+ 1`."),
    "stop_early": ("the loop over the batches stops one batch early: the last batch is "
                   "never used.",
                   "loop over `range(0, len(X), batch_size)`; its end, `len(X)`, is already "
                   "excluded."),
    "array_split": ("the batches are not of `batch_size` images: 7 images in batches of 3 "
                    "should be 3, 3 and 1, and these are 3, 2 and 2, as `np.array_split` "
                    "cuts them.",
                    "`np.array_split` makes batches of nearly equal sizes, not of "
                    "`batch_size`: cut with slices instead, `order[start:start + "
                    "batch_size]` for `start` in `range(0, len(X), batch_size)`."),
}


def _batches(order, batch_size, cut="right"):
    """``order`` cut into batches of ``batch_size`` the way ``cut`` names."""
    n = len(order)
    if cut == "array_split":
        return [list(part) for part in np.array_split(order, -(-n // batch_size))]
    if cut == "drop_last":
        starts = range(0, n - n % batch_size, batch_size)
    elif cut == "stop_early":
        starts = range(0, n - batch_size, batch_size)
    else:
        starts = range(0, n, batch_size)
    size = batch_size + {"short": -1, "long": 1}.get(cut, 0)
    return [list(order[start:start + size]) for start in starts]


def _epoch_steps(count, batch_size, cut, limit=5000):
    """Every distinct list of batches one epoch can take, over all orders of the images.

    The order within a batch does not change its step, so batches are sets. None when
    there are more than ``limit``.
    """
    steps = {}
    for permutation in itertools.permutations(range(count)):
        batches = _batches(np.array(permutation), batch_size, cut)
        steps.setdefault(tuple(frozenset(b) for b in batches), batches)
        if len(steps) > limit:
            return None
    return list(steps.values())


def _changed(given, kept):
    """Whether a list of arrays passed to the learner (``given``) differs from ``kept``."""
    if not isinstance(given, list) or len(given) != len(kept):
        return True
    return any(not isinstance(g, np.ndarray) or g.shape != k.shape
               or not np.array_equal(g, k) for g, k in zip(given, kept))


class Train(_NetworkExercise):
    id = "03-train"
    notebook = NOTEBOOK
    number = 7
    title = "mini-batch gradient descent"
    points = 2
    answer_name = "train"

    # epochs, batch size, learning rate and number of images of each case. The
    # first takes full batches; the others are judged against every order the
    # images could come in (and the first, over its epochs, too).
    # The last: 7 images in batches of 3 are 3, 3 and 1, where `np.array_split` makes
    # 3, 2 and 2.
    SETTINGS = ((3, 4, 0.5, 4), (1, 2, 1.0, 4), (1, 2, 1.0, 5), (1, 3, 1.0, 7))
    # Then the shuffle itself, on too many images to try every order: the same call
    # twice, so that a shuffle not drawn from `seed` shows as two different results,
    # and once with another seed, so that a shuffle that ignores it shows too.
    SHUFFLE = (3, 4, 0.5, 12)

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        for epochs, batch_size, learning_rate, count in self.SETTINGS + (self.SHUFFLE,):
            weights, biases = _network(rng, SMALL)
            cases.append((weights, biases, _images(rng, count, SMALL[0]), _labels(rng, count),
                          epochs, batch_size, learning_rate, int(rng.integers(1000))))
        other_seed = cases[-1][:-1] + ((cases[-1][-1] + 1) % 1000,)
        return cases + [cases[-1], other_seed]

    def call(self, func, case):
        weights, biases, X, y, epochs, batch_size, learning_rate, seed = case
        # Copies: a learner's in-place update must not change the case being judged;
        # comparing them afterwards shows whether it happened.
        given = ([w.copy() for w in weights], [b.copy() for b in biases], X.copy(), y.copy())
        output = plain_or_name(func(*given, epochs, batch_size, learning_rate, seed))
        changed = [name for name, part, kept in zip(("weights", "biases"), given,
                                                     (weights, biases)) if _changed(part, kept)]
        changed += [name for name, part, kept in zip(("X", "y"), given[2:], (X, y))
                    if part.shape != kept.shape or not np.array_equal(part, kept)]
        return {"output": output, "changed": changed}

    def judge(self, payload, cases):
        results = payload["outputs"]
        for result in results:
            if result["output"] is None:
                return wrong("`train` returned None.",
                             "did you forget `return weights, biases, losses`?")
        outputs = [result["output"] for result in results]
        stepped = len(self.SETTINGS)
        for case, output in zip(cases[:stepped], outputs):
            verdict = self._judge_case(case, output)
            if verdict is not None:
                return verdict
        verdict = self._judge_shuffle(cases[stepped:], outputs[stepped:])
        if verdict is not None:
            return verdict
        changed = sorted({name for result in results for name in result["changed"]},
                         key=["weights", "biases", "X", "y"].index)
        if {"weights", "biases"} & set(changed):
            return wrong(f"the steps are right, but `train` changed the {' and '.join(changed)} "
                         f"it was given, so the starting network is lost: run the training "
                         f"cell twice and the second run starts from the trained network.",
                         "build new arrays instead of updating in place: "
                         "`weights = [w - learning_rate * gw for w, gw in zip(weights, "
                         "grad_w)]`, and the same for the biases. `w -= ...` and "
                         "`weights[i] = ...` both change the caller's network.")
        if changed:
            return wrong(f"the steps are right, but `train` changed the {' and '.join(changed)} "
                         f"it was given (shuffled or rescaled them in place).",
                         "leave `X` and `y` as they are: shuffle the indices, "
                         "`order = rng.permutation(len(X))`, and pick `X[rows]`, `y[rows]`.")
        return correct("full-batch and mini-batch steps match gradient descent, the images "
                       "are shuffled from the seed, the losses follow the cost, and the "
                       "starting network is left as it was.")

    @staticmethod
    def _parse(case, output):
        """(weights, biases, losses) as arrays shaped like the case's network, or a verdict."""
        weights, biases = case[0], case[1]
        layers = len(weights)
        if not isinstance(output, list) or len(output) != 3:
            return wrong(f"`train` returned {describe_shape(output)}.",
                         "return three things: `return weights, biases, losses`.")
        got_w, got_b = as_float_arrays(output[0], layers), as_float_arrays(output[1], layers)
        if got_w is None or got_b is None or any(
                g.shape != w.shape for g, w in zip(got_w + got_b, weights + biases)):
            return wrong("the weights or biases returned are not shaped like the network.",
                         "return the updated `weights` and `biases` lists.")
        return got_w, got_b, as_float_array(output[2])

    def _judge_case(self, case, output):
        weights, biases, X, y, epochs, batch_size, learning_rate, _ = case
        parsed = self._parse(case, output)
        if not isinstance(parsed, tuple):
            return parsed
        got_w, got_b, losses = parsed
        got = got_w + got_b
        call = (f"train(..., epochs={epochs}, batch_size={batch_size}, "
                f"learning_rate={learning_rate}) on {len(X)} images")

        if all(_close(g, s) for g, s in zip(got, weights + biases)):
            if not _batches(np.arange(len(X)), batch_size, "stop_early"):
                return wrong(f"{call} returned the starting network unchanged: no step was "
                             f"taken.",
                             f"{len(X)} images in batches of {batch_size} make one batch; a "
                             f"loop that stops one batch early, `range(0, len(X) - "
                             f"batch_size, batch_size)`, never runs. Loop over `range(0, "
                             f"len(X), batch_size)`, and make sure the new arrays reach the "
                             f"lists you return (`w = w - ...` inside `for w in weights` "
                             f"only renames `w`).")
            return wrong(f"{call} returned the starting network unchanged.",
                         "do the new arrays reach the lists you return? `w = w - ...` "
                         "inside `for w in weights` only renames `w`; build new lists "
                         "instead: `weights = [w - learning_rate * gw for w, gw in "
                         "zip(weights, grad_w)]`.")
        if all(_close(g, s) for g, s in zip(got_b, biases)):
            return wrong(f"{call}: the weights moved but the biases did not.",
                         "update the biases too, by `learning_rate` times their gradient "
                         "from `backprop`.")

        def reached(cut, rate=learning_rate, epochs=epochs):
            # Whether some order of the images, in every epoch, gives the learner's network.
            options = _epoch_steps(len(X), batch_size, cut)
            if options is None or len(options) ** epochs > 5000:
                return False
            for steps in itertools.product(options, repeat=epochs):
                flat = [rows for epoch in steps for rows in epoch]
                if self._matches(got, _descend(weights, biases, X, y, flat, rate)):
                    return True
            return False

        if reached("right"):
            return self._judge_losses(call, got_w, got_b, X, y, epochs, losses)
        if reached("right", -learning_rate):
            return wrong(f"{call}: the steps went up the gradient.",
                         "subtract: `w - learning_rate * gw`.")
        if learning_rate != 1 and reached("right", 1.0):
            return wrong(f"{call}: the steps ignore the learning rate.",
                         "multiply each gradient by `learning_rate` before subtracting it.")
        if epochs > 1 and reached("right", epochs=1):
            return wrong(f"{call} took the steps of one epoch only.",
                         "repeat the pass over the batches `epochs` times.")
        for cut, (message, hint) in _CUTS.items():
            if cut != "right" and reached(cut):
                return wrong(f"{call}: {message}", hint)
        if self._matches(got, _descend(weights, biases, X, y, [list(range(len(X)))],
                                       learning_rate)):
            return wrong(f"{call} took one step on all the images, not one per batch.",
                         "cut the shuffled images into batches of `batch_size` and take a "
                         "step on each.")
        return wrong(f"{call}: no order of the images gives these weights by steps of "
                     f"{batch_size} images.",
                     "shuffle the indices, cut them into batches of `batch_size`, and for "
                     "each batch subtract learning_rate times `backprop`'s gradient on "
                     "`X[rows]`, `y[rows]` (images and labels picked together).")

    def _judge_shuffle(self, cases, outputs):
        """Judge the shuffle cases (a call, the same again, another seed); None when right."""
        case = cases[0]
        weights, biases, X, y, epochs, batch_size, learning_rate, seed = case
        parsed = [self._parse(c, output) for c, output in zip(cases, outputs)]
        for result in parsed:
            if not isinstance(result, tuple):
                return result
        first, again, other = (result[0] + result[1] for result in parsed)
        call = (f"train(..., epochs={epochs}, batch_size={batch_size}, seed={seed}) on "
                f"{len(X)} images")
        if not all(_close(a, b) for a, b in zip(first, again)):
            return wrong(f"{call}, run twice, gave two different networks: the shuffle does "
                         f"not come from `seed`.",
                         "make one generator from the seed, `rng = np.random.default_rng("
                         "seed)`, before the loop over epochs, and draw every `order` from it.")

        def descend(orders):
            steps = [rows for order in orders for rows in _batches(order, batch_size)]
            return _descend(weights, biases, X, y, steps, learning_rate)

        rng = np.random.default_rng(seed)
        if self._matches(first, descend([rng.permutation(len(X)) for _ in range(epochs)])):
            return None
        if self._matches(first, descend([np.arange(len(X))] * epochs)):
            return wrong(f"{call}: the batches came in the images' own order every epoch, "
                         f"unshuffled.",
                         "take each batch's rows from the shuffled order, "
                         "`rows = order[start:start + batch_size]`, then use `X[rows]` and "
                         "`y[rows]`.")
        same = np.random.default_rng(seed).permutation(len(X))
        if self._matches(first, descend([same] * epochs)):
            return wrong(f"{call}: every epoch shuffled the images into the same order.",
                         "make the generator once, before the loop over epochs: made inside "
                         "the loop, it starts afresh from the seed every epoch.")
        if all(_close(a, b) for a, b in zip(first, other)):
            return wrong(f"{call} and the same call with seed={cases[2][-1]} gave the same "
                         f"network: the shuffle ignores `seed`.",
                         "make the generator from the argument, `rng = np.random."
                         "default_rng(seed)`, not from a number of your own.")
        # Another reproducible shuffle (rng.choice, say): the steps were checked above.
        return None

    @staticmethod
    def _matches(got, network):
        return all(_close(g, e) for g, e in zip(got, network[0] + network[1]))

    @staticmethod
    def _judge_losses(call, weights, biases, X, y, epochs, losses):
        if losses is None or losses.shape != (epochs,):
            return wrong(f"{call}: the steps are right, but `losses` should hold {epochs} "
                         f"number(s), one per epoch; got shape "
                         f"{None if losses is None else losses.shape}.",
                         "append `cost(weights, biases, X, y)` once after each epoch.")
        final = nn.cost(weights, biases, X, y)
        if not np.isclose(losses[-1], final, rtol=_RTOL):
            return wrong(f"{call}: the steps are right, but the last loss, "
                         f"{losses[-1]:.6g}, is not the cost of the final network, "
                         f"{final:.6g}.",
                         "after each epoch, append the cost on all of X.")
        return None


# ---------------------------------------------------------------- exercise 8

class _WatchedImages(np.ndarray):
    """The images of a case, counting how many single rows the learner's code reads.

    A loop over the images, ``for x in X``, a comprehension, ``map``, ``X[i]`` or
    ``np.apply_along_axis`` reads them one row at a time; a matrix product reads none.
    Arrays computed from these images (views, ``A @ W.T``) share the count, so a loop
    over a layer's rows counts too.
    """

    def __array_finalize__(self, obj):
        self._rows = getattr(obj, "_rows", None)

    @classmethod
    def watch(cls, X):
        images = np.array(X, dtype=float).view(cls)
        images._rows = set()
        return images

    def rows_read(self):
        return len(self._rows) if self._rows is not None else 0

    def _note(self, index):
        if self._rows is not None and self.ndim >= 1:
            self._rows.add(index % max(len(self), 1))

    def __iter__(self):
        for index in range(len(self) if self.ndim else 0):
            self._note(index)
            yield np.ndarray.__getitem__(self, index)

    def __getitem__(self, key):
        first = key[0] if isinstance(key, tuple) and key else key
        if isinstance(first, (int, np.integer)) and not isinstance(first, bool):
            self._note(int(first))
        return super().__getitem__(key)


class EvaluateBatch(_NetworkExercise):
    id = "03-feedforward-batch"
    notebook = NOTEBOOK
    number = 8
    title = "a whole batch at once"
    points = 2
    answer_name = "evaluate_batch"

    def cases(self, seed):
        rng = np.random.default_rng(seed)
        cases = []
        # Ten images for ten outputs first: a bias added along the wrong axis then
        # broadcasts silently, and the judge can name it.
        for sizes, count in ((SQUARE, 10), (DIGITS, 25), (DEEP, 3)):
            weights, biases = _network(rng, sizes)
            cases.append((weights, biases, _images(rng, count, sizes[0])))
        return cases

    def call(self, func, case):
        weights, biases, X = case
        images = _WatchedImages.watch(X)
        output = plain_or_name(func([w.copy() for w in weights], [b.copy() for b in biases],
                                    images))
        return {"output": output, "rows_read": images.rows_read()}

    def judge(self, payload, cases):
        results = payload["outputs"]
        for (weights, biases, X), result in zip(cases, results):
            output = result["output"]
            if output is None:
                return wrong("`evaluate_batch` returned None.",
                             "did you forget `return`?")
            verdict = self._judge_case(weights, biases, X, output)
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
        expected = _forward(weights, biases, X)[0][-1]
        where = f"on {len(X)} images and a {_network_text(weights)} network"
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
            layers, _ = _forward(weights, biases, X)
            for count, activations in enumerate(layers[1:-1], start=1):
                if got.shape == activations.shape and _close(got, activations):
                    return wrong(f"{where} the result is layer {count}'s activations: the "
                                 f"answer handles {count} layer(s), this network has "
                                 f"{len(weights)}.",
                                 "loop over the layers, `for w, b in zip(weights, biases):`, "
                                 "instead of writing one line per layer.")
            return wrong(f"{where} the result has shape {got.shape}; expected "
                         f"{expected.shape}.",
                         "one row per image, one column per output unit.")
        if _close(got, expected):
            return None
        if _close(got, expected.T):
            return wrong(f"{where} the result has one column per image: row i holds output "
                         f"unit i, not image i.",
                         "keep images in rows all the way: `A @ weights[l - 1].T + "
                         "biases[l - 1]`.")
        transposed, _ = _forward(weights, biases, X, transpose=True)
        variants = [
            (None if transposed is None else transposed[-1], "the weights were used transposed.",
             "with one image per row, layer l computes `A @ weights[l - 1].T + "
             "biases[l - 1]`."),
            (_forward(weights, biases, X, bias=False)[0][-1], "the biases are missing.",
             "add `biases[l - 1]` in every layer l; broadcasting adds it to every row."),
            (_forward(weights, biases, X, bias_outside=True)[0][-1],
             "the bias was added after the sigmoid, `sigmoid(A @ w.T) + b`.",
             "the bias belongs inside the sigmoid, with the weighted sum: "
             "`sigmoid(A @ w.T + b)`."),
            (self._bias_by_column(weights, biases, X),
             "each bias was added to an image (a row) instead of to a unit (a column).",
             "with images in rows, each bias vector must line up with the columns: "
             "`A @ w.T + b`, not `(w @ A.T + b).T`."),
        ]
        for variant, message, hint in variants:
            if variant is not None and _close(got, variant):
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


EXERCISES = [RandomNetwork(), Sigmoid(), FeedForward(), Cost(), SigmoidPrime(), Backprop(),
             Train(), EvaluateBatch()]
