"""Notebook 03, exercise 7: mini-batch gradient descent."""

import itertools

import numpy as np

from ... import nn
from ...checks import nb03 as specs
from ...checks.results import correct, wrong
from ..plain_answers import as_float_array, as_float_arrays, describe_shape
from .networks import NetworkJudge, RTOL, SMALL, close_to, draw_images, draw_labels, draw_network


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


class Train(NetworkJudge, specs.Train):
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
            weights, biases = draw_network(rng, SMALL)
            cases.append((weights, biases, draw_images(rng, count, SMALL[0]),
                          draw_labels(rng, count), epochs, batch_size, learning_rate,
                          int(rng.integers(1000))))
        other_seed = cases[-1][:-1] + ((cases[-1][-1] + 1) % 1000,)
        return cases + [cases[-1], other_seed]

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

        if all(close_to(g, s) for g, s in zip(got, weights + biases)):
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
        if all(close_to(g, s) for g, s in zip(got_b, biases)):
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
        if not all(close_to(a, b) for a, b in zip(first, again)):
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
        if all(close_to(a, b) for a, b in zip(first, other)):
            return wrong(f"{call} and the same call with seed={cases[2][-1]} gave the same "
                         f"network: the shuffle ignores `seed`.",
                         "make the generator from the argument, `rng = np.random."
                         "default_rng(seed)`, not from a number of your own.")
        # Another reproducible shuffle (rng.choice, say): the steps were checked above.
        return None

    @staticmethod
    def _matches(got, network):
        return all(close_to(g, e) for g, e in zip(got, network[0] + network[1]))

    @staticmethod
    def _judge_losses(call, weights, biases, X, y, epochs, losses):
        if losses is None or losses.shape != (epochs,):
            return wrong(f"{call}: the steps are right, but `losses` should hold {epochs} "
                         f"number(s), one per epoch; got shape "
                         f"{None if losses is None else losses.shape}.",
                         "append `cost(weights, biases, X, y)` once after each epoch.")
        final = nn.cost(weights, biases, X, y)
        if not np.isclose(losses[-1], final, rtol=RTOL):
            return wrong(f"{call}: the steps are right, but the last loss, "
                         f"{losses[-1]:.6g}, is not the cost of the final network, "
                         f"{final:.6g}.",
                         "after each epoch, append the cost on all of X.")
        return None
