"""Notebook 07, exercises 3 and 4: the slips a trained model is checked for.

A model of the wrong kind, untrained, trained on other images or with other
settings, or an accuracy reported of another part: each check returns a wrong()
verdict naming the slip, else None.
"""

import numpy as np
from sklearn.neural_network import MLPClassifier

from ...checks import nb07 as specs
from ...checks.nb07 import CLASSES
from ...checks.results import wrong
from .parts import part_accuracies, parts_of
from .replay import replay_slip

#: How close a reported accuracy must be to the recomputed one (rounded to 3 decimals
#: passes; one image of the digits' validation part is 0.0035).
_REPORTED_TOLERANCE = 6e-4


#: The settings of `make_linear`; the exercise's knobs are the batch size, the learning
#: rate and the periods, so any other setting changed is named.
_LINEAR_SETTINGS = {
    name: [int(v) for v in np.atleast_1d(value)] if name == "hidden_layer_sizes" else value
    for name, value in MLPClassifier(hidden_layer_sizes=(), solver="sgd",
                                     random_state=0).get_params().items()}
_KNOBS = ("batch_size", "learning_rate_init")


def settings_slip(facts):
    """A wrong() verdict when `tuned_linear` has settings `make_linear` does not give, else None."""
    settings = facts.get("settings") or {}
    changed = [f"`{name}={settings[name]!r}` (make_linear's: {value!r})"
               for name, value in _LINEAR_SETTINGS.items()
               if name not in _KNOBS and name in settings and settings[name] != value]
    if not changed:
        return None
    return wrong(f"`tuned_linear` was not built as `make_linear` builds it: "
                 f"{', '.join(changed)}.",
                 "build it with `make_linear(BATCH_SIZE, LEARNING_RATE)` and nothing more "
                 "(no `set_params`, here or in your `train_in_periods` of exercise 1, whose "
                 "check names a changed setting too): the exercise's knobs are the batch "
                 "size, the learning rate and the number of periods.")


def model_slip(facts, name, *, linear, before_replay=None):
    """A wrong() verdict for a model of the wrong kind, untrained, or trained on other data.

    ``before_replay``, a function of ``facts``, may name a slip the replay would blame
    on the images (too many passes, say).
    """
    kind = "linear model" if linear else "network"
    build = ("`make_linear(BATCH_SIZE, LEARNING_RATE)`" if linear else
             "`MLPClassifier(hidden_layer_sizes=(64,), ...)`")
    if facts.get("type") != "MLPClassifier":
        return wrong(f"`{name}` is {_a(facts.get('type'))}, not an MLPClassifier.",
                     f"build the {kind} with {build}, then train it.")
    if facts.get("fitted") and (slip := layers_slip(facts, name)):
        return slip
    if linear and facts["hidden"]:
        return wrong(f"`{name}` has hidden layers {tuple(facts['hidden'])}: that is a network.",
                     "the linear model has none: `make_linear(...)` builds it with "
                     "`hidden_layer_sizes=()`.")
    if not linear and not facts["hidden"]:
        return wrong(f"`{name}` has no hidden layer: it is a linear model again.",
                     "give it at least one hidden layer, e.g. `hidden_layer_sizes=(64,)`.")
    if not linear and facts.get("activation") == "identity":
        return wrong(f"`{name}` has hidden layers {tuple(facts['hidden'])}, but with "
                     "`activation=\"identity\"` they pass their weighted sums on unbent: "
                     "layers of weighted sums multiply out into one, so it is a linear model "
                     "in disguise, with no more to work with than `tuned_linear`.",
                     "leave `activation` out (its default is `\"relu\"`), or choose another "
                     "bend such as `\"tanh\"`: the bend between the layers is what lets a "
                     "hidden layer learn what the linear model cannot.")
    if not facts["fitted"]:
        return wrong(f"`{name}` is not trained yet.",
                     "train it on the training part, e.g. with `train_in_periods(...)`.")
    if not np.array_equal(np.asarray(facts["classes"]), CLASSES):
        return wrong(f"`{name}` knows the digits {np.asarray(facts['classes']).tolist()}.",
                     "train it with `classes=np.arange(10)`.")
    return (seen_slip(facts, name) or parts_slip(facts, name)
            or (linear and settings_slip(facts)) or dtype_slip(facts, name)
            or (before_replay and before_replay(facts)) or replay_slip(facts, name))


def layers_slip(facts, name):
    """A wrong() verdict when the settings' hidden layers are not the weights', else None."""
    layers = facts.get("layers")
    if not isinstance(layers, list) or layers == facts["hidden"]:
        return None
    return wrong(f"`{name}` says `hidden_layer_sizes={tuple(facts['hidden'])}`, but its trained "
                 f"weights have hidden layers of {tuple(layers)} units: its settings were "
                 "changed after training (`set_params`), so they no longer describe the "
                 "network, and its training cannot be replayed.",
                 "choose every setting before training and leave them after: build the model "
                 "with the settings you want, then train it.")


def dtype_slip(facts, name):
    """A wrong() verdict for a model trained on float32 images, else None."""
    if facts.get("dtype", "float64") == "float64":
        return None
    return wrong(f"`{name}` has {facts['dtype']} weights: it was trained on images of another "
                 "type than the notebook's (float64, e.g. `X_train.astype(np.float32)`), "
                 "and computes in their precision, so its training cannot be replayed on "
                 "the notebook's `X_train`.",
                 "train it on `X_train` as the notebook made it, without `.astype(...)`.")


def parts_slip(facts, name):
    """A wrong() verdict when the notebook's parts are no longer those it split, else None.

    The kernel measured the model on the notebook's parts as they are now, the judge
    on the parts as the notebook made them (its copy of the digits, or MNIST's images
    as the kernel sent them, split anew): a part shuffled, sorted, cut or assigned anew
    shows as a difference.
    """
    if parts_of(facts) is None or "coefs" not in facts:
        return None
    ours = part_accuracies(facts)
    for part, theirs in (facts.get("parts") or {}).items():
        size, accuracy = ours[part]
        if int(theirs["size"]) != size or abs(float(theirs["accuracy"]) - accuracy) > 1e-9:
            names = " and ".join(specs.PARTS[part])
            return wrong(f"on the notebook's {names} as they are now, `{name}` scores "
                         f"{float(theirs['accuracy']):.3f} ({int(theirs['size'])} images); on "
                         f"the parts as the notebook split them, {accuracy:.3f} ({size} "
                         "images): were they changed (shuffled or sorted in place, cut, or "
                         "assigned anew)?",
                         "leave the parts as the loading cell made them, and train on "
                         "`X_train, y_train` as they are (the solver shuffles them itself in "
                         "each pass). Then run the notebook again from the top.")
    return None


def seen_slip(facts, name):
    """A wrong() verdict when the model saw other images than the training part's, else None.

    ``seen`` counts the images the solver was shown, ``passes`` its passes: training on
    the training part alone shows the same number of images in every pass.
    """
    sizes = {part: size for part, (size, _) in part_accuracies(facts).items()}
    if "train" not in sizes or facts.get("solver") == "lbfgs":
        # A notebook without its parts: nothing to compare with. lbfgs counts no images
        # (each of its iterations reads all of them): the replay alone tells which.
        return None
    n_fit = sizes["train"]
    if facts.get("early_stopping") is True:  # `fit` keeps a share of the part aside
        n_fit -= int(np.ceil(float(facts["validation_fraction"]) * n_fit))
    seen, passes = facts["seen"], facts["passes"]
    if seen == passes * n_fit:
        return None
    others = {"the validation part": sizes.get("valid"), "the test part": sizes.get("test"),
              "the training and validation parts together":
                  sizes["train"] + sizes.get("valid", 0),
              "the training and test parts together":
                  sizes["train"] + sizes.get("test", 0),
              "all three parts": sum(sizes.values())}
    hint = ("train on the training part only, `X_train, y_train`: the validation part "
            "judges the choices, the test part stays untouched until the very end.")
    for where, size in others.items():
        if size and size != n_fit and (seen - passes * n_fit) % (size - n_fit) == 0:
            count = (seen - passes * n_fit) // (size - n_fit)
            if 0 < count <= passes:
                share = "every pass" if count == passes else f"{count} of its {passes} passes"
                return wrong(f"`{name}` was trained on {where} ({share}): it saw {seen:,} "
                             f"images in {passes} passes.", hint)
    if seen % n_fit == 0 and seen // n_fit < passes:
        # Batches cut by hand: each partial_fit call is a pass to the solver.
        return wrong(f"`{name}` saw the training part's {n_fit:,} images "
                     f"{seen // n_fit} time(s), in {passes} calls of `partial_fit`: each "
                     "call is one pass to the solver, so the part was given to it in pieces "
                     "(batches cut by hand?).",
                     "give each `partial_fit` call the whole training part, `X_train, "
                     "y_train`: the model cuts it into batches of its own `batch_size`, "
                     "shuffled in every pass from its `random_state`.")
    if seen % passes == 0 and seen // passes < n_fit:
        return wrong(f"`{name}` saw {seen // passes:,} images in each of its {passes} passes, "
                     f"where the training part holds {n_fit:,}: it was trained on a piece of "
                     f"it (a slice such as `X_train[:{seen // passes}]`?).",
                     "train on the whole training part, `X_train, y_train`: every image it "
                     "leaves out is one the model could have learned from.")
    return _other_count_slip(name, seen, passes, n_fit, hint)


def _other_count_slip(name, seen, passes, n_fit, hint):
    """Seen more images than the passes over the training part show, or fewer, and by
    none of the parts' sizes: rows repeated, rows of a part added, or some passes on a
    piece of the part."""
    shown = f"`{name}` saw {seen:,} images in {passes} passes; {passes} passes over the " \
            f"training part show {passes * n_fit:,}"
    if seen % passes == 0 and (seen // passes) % n_fit == 0:
        times = seen // passes // n_fit
        return wrong(f"{shown}: {times} times the training part in every pass, so its rows "
                     f"were repeated (`np.concatenate([X_train, X_train])`, `np.tile`?).",
                     "train on `X_train, y_train` as they are, each image once per pass: to "
                     "train longer, run more periods.")
    if seen > passes * n_fit:
        return wrong(f"{shown}: rows were added to it (repeated ones, or rows of "
                     "another part).", hint)
    return wrong(f"{shown}: some passes were over a piece of it only (the images of some "
                 "digits, a sample?).",
                 "give every `partial_fit` the whole training part, `X_train, y_train`: "
                 "the model cuts it into batches itself.")


def _other_measure_slip(name, reported, valid, size, model):
    """A wrong() verdict when ``reported`` is the validation accuracy measured as a
    percentage, an error rate or a count of images, else None."""
    if abs(reported - 100 * valid) <= 100 * _REPORTED_TOLERANCE:
        return wrong(f"`{name}` = {reported:g} is a percentage.",
                     "give a share between 0 and 1, as `accuracy_score` returns it.")
    if abs(reported - (1 - valid)) <= _REPORTED_TOLERANCE:
        return wrong(f"`{name}` = {reported:g} is `{model}`'s error rate on the validation "
                     f"part, the share it gets wrong, not its accuracy ({valid:.3f}).",
                     f"give the share it gets right: `{name} = accuracy_score(y_valid, "
                     f"{model}.predict(X_valid))`.")
    if size and reported > 1 and reported == round(valid * size):
        return wrong(f"`{name}` = {reported:g} is the number of validation images "
                     f"`{model}` gets right, not their share ({valid:.3f} of {size}).",
                     f"give the share: `accuracy_score(y_valid, {model}.predict(X_valid))`, "
                     "not `normalize=False` or a count.")
    return None


def reported_slip(facts, name, accuracies, model, others=None):
    """A wrong() verdict when the reported accuracy is not the validation accuracy, else None.

    ``others`` maps the notebook's other models to their validation accuracy: a number
    that is one of theirs is named as such.
    """
    reported = facts.get("reported")
    if not isinstance(reported, float):
        what = ("not set" if reported is None else
                f"{_a(str(reported).strip('<>').removeprefix('a '))}, not a number")
        return wrong(f"`{name}` is {what}.",
                     f"set `{name} = accuracy_score(y_valid, {model}.predict(X_valid))`.")
    valid = accuracies["valid"][1]
    if abs(reported - valid) <= _REPORTED_TOLERANCE:
        return None
    size = accuracies["valid"][0]
    verdict = _other_measure_slip(name, reported, valid, size, model)
    if verdict is not None:
        return verdict
    rounded = [decimals for decimals in (1, 2) if reported == round(valid, decimals)]
    exact = _part_of(reported, accuracies, 1e-12)
    if exact is not None and 2 in rounded:
        # Both at once: 0.95 is the validation accuracy rounded and, say, 342 of 360 test
        # images. Rounding is the slip made every day; both are named. Not so for one
        # decimal: a training accuracy of 1.0 is far likelier than 0.96 rounded to 1.0.
        return wrong(f"`{name}` = {reported:g} is `{model}`'s accuracy on the validation part, "
                     f"{valid:.4f}, rounded to {rounded[0]} decimal(s), and also exactly its "
                     f"accuracy on the {exact} part: the check reads the number as it is "
                     "(measure on the validation part; the test part stays untouched until "
                     "the final check).",
                     f"keep it as `accuracy_score` gives it on the validation part: `{name} = "
                     f"accuracy_score(y_valid, {model}.predict(X_valid))`; round only when "
                     "printing.")
    # An accuracy of another part, typed as it came, before a rounded validation accuracy
    # (that happens to lie as near another part's); then one of them rounded to 3 decimals.
    verdict = _part_slip(name, reported, accuracies, model, 1e-12)
    if verdict is not None:
        return verdict
    for decimals in rounded:
        if reported == round(valid, decimals):
            return wrong(f"`{name}` = {reported:g} is `{model}`'s accuracy on the validation "
                         f"part, {valid:.4f}, rounded to {decimals} decimal(s) (or typed in so): "
                         "the check, and the cell that compares the models, read it as it is.",
                         f"keep it as `accuracy_score` gives it: `{name} = accuracy_score("
                         f"y_valid, {model}.predict(X_valid))`; round only when printing.")
    verdict = _part_slip(name, reported, accuracies, model, _REPORTED_TOLERANCE)
    if verdict is not None:
        return verdict
    for other, accuracy in (others or {}).items():
        if abs(reported - accuracy) <= _REPORTED_TOLERANCE:
            return wrong(f"`{name}` = {reported:.3f} is the validation accuracy of `{other}`, "
                         f"not of `{model}` ({valid:.3f}).",
                         f"measure `{model}` itself: `{name} = accuracy_score(y_valid, "
                         f"{model}.predict(X_valid))`.")
    if size and abs(reported * size - round(reported * size)) > _REPORTED_TOLERANCE * size:
        return wrong(f"`{name}` = {reported:g}, but `{model}` scores {valid:.3f} on the "
                     f"validation part, and no count of its {size} images gives {reported:g}: "
                     "the number was typed in, or is another measure (a log loss?), not the "
                     "accuracy measured.",
                     f"measure it: `{name} = accuracy_score(y_valid, {model}.predict("
                     "X_valid))`, after the model's last training.")
    return wrong(f"`{name}` = {reported:.3f}, but `{model}` scores {valid:.3f} on the validation "
                 "part now: it was typed in, measured on another model, or measured "
                 "before the model was trained again (a `fit` from scratch, more periods).",
                 f"train `{model}` once, then measure it: the cells below use it as it is.")


#: What an accuracy of another part is, by the part's key in ``accuracies``.
_PART_WORDS = {"test": "the test part: it stays untouched until the final check, or it "
                       "stops being an honest verdict",
               "train": "the training part, the images the model learned from: it says how "
                        "well it remembers them, not how it does on new ones"}


def _part_of(reported, accuracies, tolerance):
    """"test" or "training" when ``reported`` is that part's accuracy (within
    ``tolerance``), else None."""
    for part in _PART_WORDS:
        if part in accuracies and abs(reported - accuracies[part][1]) <= tolerance:
            return "training" if part == "train" else part
    return None


def _part_slip(name, reported, accuracies, model, tolerance):
    """A wrong() verdict when ``reported`` is the test or training accuracy (within
    ``tolerance``), else None."""
    part = _part_of(reported, accuracies, tolerance)
    if part is None:
        return None
    return wrong(f"`{name}` = {reported:.3f} is the accuracy on "
                 f"{_PART_WORDS['train' if part == 'training' else part]}.",
                 f"measure on the validation part: `accuracy_score(y_valid, "
                 f"{model}.predict(X_valid))`.")


def _a(word):
    word = str(word)
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
