"""What a training in periods records: the right history, and what common slips record.

The judge of :mod:`.periods` trains the model of each case again, the right way and
the wrong ways, and compares the losses an answer recorded with each.
"""

import numpy as np
from sklearn.metrics import accuracy_score, log_loss

from ...checks.nb07 import CLASSES, build_model


def shuffled_losses(spec, X_train, y_train, X_valid, y_valid, periods, *, runs=16):
    """The losses of ``runs`` trainings that shuffle the training part before each period.

    Returns
    -------
    ndarray of shape (runs, 2, periods)
        What an answer that shuffles the images itself records, for several shuffles:
        the judge recognises that slip by its losses falling within their range.
    """
    rng = np.random.default_rng(0)
    histories = []
    for _ in range(runs):
        model = build_model(spec)
        history = [[], []]
        for _ in range(periods):
            order = rng.permutation(len(X_train))
            model.partial_fit(X_train[order], y_train[order], classes=CLASSES)
            for row, (X, y) in enumerate(((X_train, y_train), (X_valid, y_valid))):
                history[row].append(log_loss(y, model.predict_proba(X), labels=CLASSES))
        histories.append(history)
    return np.array(histories)


def reference_history(spec, X_train, y_train, X_valid, y_valid, periods, *, fit_on=None):
    """What a right ``train_in_periods`` records, plus what common slips record instead.

    Parameters
    ----------
    fit_on : (X, y), optional
        Images to train on instead of the training part: the history of an answer that
        trains on the wrong part, measured on the right ones.

    Returns
    -------
    dict of str to ndarray
        ``"loss"``: log loss on the training and validation parts after each period,
        shape (2, periods); ``"accuracy"``: the same for accuracy; ``"own"``: the log
        loss of the model's own answer (its largest probability) instead of the true
        digit's; ``"final"``: the trained model's probabilities for the validation
        images, what the notebook's next cells see of the model; ``"seen"``: the
        images it was shown, as its ``t_`` counts them.
    """
    model = build_model(spec)
    X_fit, y_fit = (X_train, y_train) if fit_on is None else fit_on
    history = {"loss": [[], []], "accuracy": [[], []], "own": [[], []]}
    for _ in range(periods):
        model.partial_fit(X_fit, y_fit, classes=CLASSES)
        for row, (X, y) in enumerate(((X_train, y_train), (X_valid, y_valid))):
            probabilities = model.predict_proba(X)
            history["loss"][row].append(log_loss(y, probabilities, labels=CLASSES))
            history["accuracy"][row].append(accuracy_score(y, model.predict(X)))
            history["own"][row].append(-np.mean(np.log(probabilities.max(axis=1))))
    history = {key: np.array(value) for key, value in history.items()}
    history["final"] = model.predict_proba(X_valid)
    history["seen"] = float(model.t_)
    return history


#: How close recorded losses must be to the judge's to be the same training.
CLOSE = {"rtol": 1e-4, "atol": 1e-6}
