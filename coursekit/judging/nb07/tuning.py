"""Notebook 07, exercises 3 and 4: a tuned linear model, and a network that beats it."""

import numpy as np

from ...checks import nb07 as specs
from ...checks.results import correct, wrong
from ..base import Judge
from .model_slips import model_slip, reported_slip
from .parts import part_accuracies
from .replay import trained_on_words

#: The validation accuracy the tuned linear model must reach, by the images' pixels:
#: the digits, and MNIST (the Crash Course exercise's figure for its linear model).
LINEAR_BAR = {64: 0.95, 784: 0.90}


def knob_hint(facts, sizes):
    """Which of the three knobs to turn when the linear model stays under the bar."""
    n_fit, passes = sizes["train"], facts["passes"]
    batch = facts["batch_size"]
    batch = min(200, n_fit) if batch in (None, "auto") else int(batch)
    steps = passes * int(np.ceil(n_fit / batch))
    rate = float(facts["learning_rate_init"])
    if rate < 0.01:
        return (f"raise the learning rate: steps of {rate:g} move the weights too little; "
                "try ten times larger.")
    if rate > 1:
        return f"lower the learning rate: steps of {rate:g} overshoot, try 0.1."
    if steps < 1000:
        return (f"more steps: {passes} period(s) of {int(np.ceil(n_fit / batch))} batches of "
                f"{batch} images make only {steps} steps; use more periods or a smaller "
                "batch size.")
    return ("try another learning rate (between 0.01 and 0.5) with a batch size between 16 "
            "and 128 and 10 to 30 periods.")


#: The notebook's names for the knobs, and the model's settings they must be.
_KNOB_NAMES = {"BATCH_SIZE": "batch_size", "LEARNING_RATE": "learning_rate_init"}


def _knob_words(facts):
    """`BATCH_SIZE` and `LEARNING_RATE` where they are not the model's, in words; "" else."""
    knobs, settings = facts.get("knobs") or {}, facts.get("settings") or {}
    differ = [(name, knobs[name], settings.get(setting))
              for name, setting in _KNOB_NAMES.items()
              if isinstance(knobs.get(name), float) and not (
                  isinstance(settings.get(setting), (int, float))
                  and not isinstance(settings.get(setting), bool)
                  and np.isclose(knobs[name], settings[setting], rtol=1e-12, atol=0))]
    return "; ".join(f"`{name}` is {value:g}, the model's is {model!r}"
                     for name, value, model in differ)


def knobs_slip(facts):
    """A wrong() verdict when `BATCH_SIZE` or `LEARNING_RATE` is not the model's, else None.

    The cell after the exercise prints them as the settings of `tuned_linear`.
    """
    words = _knob_words(facts)
    if not words:
        return None
    return wrong(f"the settings you report are not those of `tuned_linear`: {words}. The "
                 "cell below would print settings the model does not have. Was the model "
                 "built before they were set, or changed with `set_params` after its "
                 "training?",
                 "set them first, then build the model from them, `tuned_linear = "
                 "make_linear(BATCH_SIZE, LEARNING_RATE)`, train it, and change nothing "
                 "after; run the cell again.")


def _periods_slip(facts):
    """A wrong() verdict when the model's passes are not `LINEAR_PERIODS`, else None."""
    periods, passes = facts.get("periods"), facts.get("passes")
    if not isinstance(periods, float) or not isinstance(passes, int) or periods == passes:
        return None
    return wrong(f"`tuned_linear` made {passes} passes over the training part, but "
                 f"`LINEAR_PERIODS` is {periods:g}: it was trained before its periods (not a "
                 "fresh model: trained with other settings, then `set_params`), or again or "
                 "further after them (a `fit` from scratch).",
                 "build a fresh model for each setting you try, `tuned_linear = "
                 "make_linear(BATCH_SIZE, LEARNING_RATE)`, and train it in exactly "
                 "`LINEAR_PERIODS` periods, `train_in_periods(tuned_linear, ..., "
                 "LINEAR_PERIODS)`, and nothing after.")


def reported_settings_slip(facts):
    """The passes or the knobs not the model's; both at once, a model the reported
    settings do not describe at all (the last one a loop of tries left), named as such."""
    periods, words = _periods_slip(facts), _knob_words(facts)
    if periods is not None and words:
        return wrong(f"`tuned_linear` is not the model your settings describe: "
                     f"{words}; it made {facts['passes']} passes, `LINEAR_PERIODS` is "
                     f"{facts['periods']:g}. Is it the last model a loop of tries left, not "
                     "the one you chose?",
                     "once you have chosen, set `BATCH_SIZE`, `LEARNING_RATE` and "
                     "`LINEAR_PERIODS` to the choice, build `tuned_linear = "
                     "make_linear(BATCH_SIZE, LEARNING_RATE)` from them, train it in "
                     "`LINEAR_PERIODS` periods and measure `linear_accuracy` on it.")
    return periods or knobs_slip(facts)


class TuneLinear(Judge, specs.TuneLinear):
    def judge(self, payload, cases):
        facts = payload["value"]
        # The passes before the replay: a model trained before its periods (not a fresh
        # one) or after them would otherwise be blamed on its images.
        # The passes and the knobs before the replay: a model trained before its periods
        # (not a fresh one) or after them, or one whose settings `set_params` changed after
        # its training, would otherwise be blamed on its images.
        verdict = _exercise_3_slip(facts)
        if verdict is not None:
            return verdict
        verdict = reported_settings_slip(facts)
        if verdict is not None:
            return verdict
        accuracies = part_accuracies(facts)
        verdict = reported_slip(facts, "linear_accuracy", accuracies, "tuned_linear")
        valid = accuracies["valid"][1]
        bar = LINEAR_BAR.get(facts["pixels"], LINEAR_BAR[784])
        if valid < bar:
            # The model under the bar is the slip to fix first; a number reported beside it
            # that is not its accuracy is named too.
            also = "" if verdict is None else f" And {verdict.message}"
            return wrong(f"`tuned_linear` scores {valid:.3f} on the validation part, under the "
                         f"bar of {bar}.{also}", knob_hint(facts, {p: s for p, (s, _) in
                                                                  accuracies.items()}))
        if verdict is not None:
            return verdict
        return correct(f"{valid:.3f} on the validation part, over the bar of {bar}; "
                       f"{trained_on_words(facts)} (whether the test part guided your "
                       "choices, no check can see: that stays your part).")


def _exercise_3_slip(facts):
    """Exercise 3's verdict on its model ``facts`` beyond its accuracy; None when it passes."""
    return model_slip(facts, "tuned_linear", linear=True,
                      before_replay=reported_settings_slip)


def _changed_linear_slip(linear):
    """A wrong() verdict when `tuned_linear` (its facts ``linear``) is no longer a model
    exercise 3 passes: trained further after its check, or built otherwise; else None."""
    verdict = _exercise_3_slip(linear)
    if verdict is None:
        return None
    return wrong(f"`tuned_linear` is no longer a model exercise 3 passes, so it sets no fair "
                 f"bar: {verdict.message}",
                 "run exercise 3's cell again, until its check passes, then this exercise; "
                 "train and change `tuned_linear` in exercise 3's cell only.")


def _seed_slip(facts):
    """A wrong() verdict for a network without a fixed integer seed, which nobody can
    train again to the same weights (nor the check replay to see its images); else None."""
    seed = (facts.get("settings") or {}).get("random_state")
    # Another kind of model is named as such by the checks after this one.
    if facts.get("type") != "MLPClassifier" or (isinstance(seed, int)
                                                and not isinstance(seed, bool)):
        return None
    return wrong(f"`better_network` has `random_state={seed}`: without a fixed seed its "
                 "training gives other weights at every run, so neither you nor the check "
                 "can repeat it (the check replays it to see which images it learned "
                 "from).",
                 "build it with a fixed integer seed, as `make_network()` does, e.g. "
                 "`MLPClassifier(..., random_state=0)`, then train it again.")


class BetterNetwork(Judge, specs.BetterNetwork):
    def judge(self, payload, cases):
        facts = payload["value"]
        linear = facts.get("linear")
        linear = dict(linear) if isinstance(linear, dict) else {}
        # MNIST's images travel once, for both models.
        linear["mnist_images"] = facts.get("mnist_images")
        if linear.get("type") != "MLPClassifier" or not linear.get("fitted"):
            return wrong("there is no trained `tuned_linear` to beat.",
                         "do exercise 3 first, and run its cell: the network must beat it.")
        shared = [str(n) for n in facts.get("also_named") or []]
        if "network" in shared:
            return wrong("`better_network` is the notebook's own `network`, not a new model: "
                         "it is no network of yours to beat the linear model with, and "
                         "whatever trains or changes it changes `network` too, which the "
                         "cells below (its tiles, the final test) read.",
                         "build a new model, e.g. `better_network = make_network()` or "
                         "`copy.deepcopy(network)`, and train that one.")
        verdict = _seed_slip(facts) or model_slip(facts, "better_network", linear=False)
        if verdict is not None:
            return verdict
        accuracies = part_accuracies(facts)
        target = part_accuracies(linear)["valid"][1]
        verdict = reported_slip(facts, "network_accuracy", accuracies, "better_network",
                                others={"tuned_linear": target})
        if verdict is not None:
            return verdict
        network = accuracies["valid"][1]
        bar = LINEAR_BAR.get(linear["pixels"], LINEAR_BAR[784])
        if target < bar:
            return wrong(f"`tuned_linear` scores {target:.3f} on the validation part now, under "
                         f"the bar of {bar}: the network must beat the *tuned* model.",
                         "run exercise 3's cell again as it passed, then this exercise.")
        # The bar is exercise 3's model as it passed: trained further since (on the
        # validation part, say), it would set another bar.
        verdict = _changed_linear_slip(linear)
        if verdict is not None:
            return verdict
        if network <= target:
            how = "only matches" if network == target else "stays under"
            return wrong(f"`better_network` scores {network:.3f} on the validation part: it "
                         f"{how} the tuned linear model's {target:.3f}.",
                         "give it more to work with: more hidden units, more periods, or "
                         "another learning rate; compare on the validation part only.")
        return correct(f"{network:.3f} on the validation part against the linear model's "
                       f"{target:.3f}; {trained_on_words(facts)}.")
