"""The notebook's parts of the digits, and a trained model's accuracy on each.

The judges of exercises 3 and 4 read a model as plain numbers (its weights, its
settings); here they are turned back into the accuracies the notebook measures.
"""

import functools

import numpy as np

from ...data import load_digits, stratified_split

_ACTIVATIONS = {"identity": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                "logistic": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}


@functools.lru_cache(maxsize=1)
def notebook_parts():
    """The notebook's training, validation and test parts of the digits, split as it does."""
    X, y = load_digits()
    X_rest, X_test, y_rest, y_test = stratified_split(X, y, test_size=0.2, random_state=0)
    X_train, X_valid, y_train, y_valid = stratified_split(X_rest, y_rest, test_size=0.2,
                                                          random_state=0)
    return {"train": (X_train, y_train), "valid": (X_valid, y_valid), "test": (X_test, y_test)}


def part_accuracies(facts):
    """Part -> (images, accuracy) of the model ``facts`` describe (:func:`trained_model_facts`).

    On the digits the judge recomputes each accuracy from the model's weights on its
    own copy of the notebook's parts; on MNIST, which it does not have, it reads what
    the kernel measured on the notebook's parts.
    """
    if facts.get("pixels") != 64:
        return {part: (int(value["size"]), float(value["accuracy"]))
                for part, value in (facts.get("parts") or {}).items()}
    activation = _ACTIVATIONS[facts["activation"]]
    classes = np.asarray(facts["classes"])
    out = {}
    layers = list(zip(facts["coefs"], facts["intercepts"]))
    for part, (X, y) in notebook_parts().items():
        scores = X
        # Weights blown up by too large a learning rate overflow; they score badly anyway.
        with np.errstate(all="ignore"):
            for depth, (weights, biases) in enumerate(layers):
                scores = scores @ np.asarray(weights, dtype=float) + np.asarray(biases,
                                                                                dtype=float)
                if depth < len(layers) - 1:
                    scores = activation(scores)
        out[part] = (len(y), float(np.mean(classes[np.argmax(scores, axis=1)] == y)))
    return out
