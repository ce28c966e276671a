"""What the judges of notebook 03 share: the cases' networks and the reference forward pass.

:func:`reference_forward` computes a network's output the right way and, on request, the
classic wrong ways, so that a judge can name the mistake an answer matches.
"""

import numpy as np

from ... import nn
from ...checks import nb03 as specs
from ...data import load_digits
from ..base import Judge


#: Layer sizes of the networks the checks try, the square one first.
SQUARE, DIGITS, SMALL, DEEP = [10, 10, 10], [64, 16, 10], [7, 5, 10], [6, 5, 4, 10]

# Loose enough for an answer computed in float32, yet every classic mistake (a factor,
# a transpose, a missing term) lands far outside it.
RTOL = 1e-5


def close_to(got, expected):
    if got.shape != expected.shape:
        return False
    # Entries near 0 (tiny gradients) are judged against the array's scale, not their own.
    atol = RTOL * float(np.max(np.abs(expected), initial=0.0)) + 1e-12
    return np.allclose(got, expected, rtol=RTOL, atol=atol)


def draw_network(rng, sizes):
    # Weights of both signs and moderate size keep every unit away from 0 and 1,
    # where a wrong formula could still give nearly the right number.
    return nn.init_network(sizes, random_state=rng)


def draw_images(rng, count, n_inputs):
    if n_inputs == 64:
        X, _ = load_digits()
        return X[rng.choice(len(X), size=count, replace=False)]
    return rng.random((count, n_inputs))


def draw_labels(rng, count):
    # Distinct labels where possible, so no two targets coincide.
    return rng.permutation(10)[:count] if count <= 10 else rng.integers(0, 10, count)


def network_text(weights):
    sizes = [np.shape(weights[0])[1]] + [np.shape(w)[0] for w in weights]
    return "-".join(str(n) for n in sizes)


def reference_forward(weights, biases, x, *, transpose=False, bias=True, squash_last=True,
                      squash=True, bias_outside=False):
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


class NetworkJudge(Judge, specs.NetworkExercise):
    """A function exercise whose cases start with a network (weights, biases, ...).

    The core stops at the first case that raises and judges the outputs before
    it; the cases start with a square network, where transposed weights still
    run, so the judge can name that mistake before a shape error hides it.
    """

    def describe_case(self, case):
        return f"`{self.answer_name}` on a {network_text(case[0])} network"

    def error_hint(self, case, error):
        n_inputs = np.shape(case[0][0])[1]
        if any(word in error for word in _SHAPE_WORDS) and "64" in error and n_inputs != 64:
            # Nothing in this case has 64 values: the digits came from outside the function.
            return (f"a shape does not fit: this check calls `{self.answer_name}` on a "
                    f"{network_text(case[0])} network of its own, with inputs of "
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


def one_number_at_a_time(error):
    """A hint when ``math`` functions or a Python loop met a numpy array; None otherwise."""
    if "converted to Python scalars" in error or "only length-1 arrays" in error:
        return ("`math.exp` (or a loop over the values) takes one number at a time, and this "
                "call passes an array, possibly of several dimensions. `np.exp` works element "
                "by element on an array of any shape, and on a single number too.")
    return None
