"""Notebook 07's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb07`.
"""

from sklearn.linear_model import SGDClassifier
from sklearn.neural_network import MLPClassifier

from .spec import ExerciseSpec

NOTEBOOK = "07_weight_visualization"


# ---------------------------------------------------------------- exercise 1

def build_model(spec):
    """A fresh, seeded model from a plain description (so cases travel as plain data).

    Parameters
    ----------
    spec : dict
        ``{"kind": "linear", "alpha": float, "random_state": int}`` for an
        :class:`~sklearn.linear_model.SGDClassifier` with log loss, or
        ``{"kind": "network", "hidden": int, "batch_size": int,
        "learning_rate_init": float, "random_state": int}`` for an
        :class:`~sklearn.neural_network.MLPClassifier`.
    """
    if spec.get("kind") == "linear":
        return SGDClassifier(loss="log_loss", alpha=spec["alpha"],
                             random_state=spec["random_state"])
    if spec.get("kind") == "network":
        return MLPClassifier(hidden_layer_sizes=(spec["hidden"],), batch_size=spec["batch_size"],
                             learning_rate_init=spec["learning_rate_init"],
                             random_state=spec["random_state"])
    raise ValueError(f"spec['kind'] must be 'linear' or 'network'; got {spec.get('kind')!r}.")


class TrainInPeriods(ExerciseSpec):
    id = "07-train-in-periods"
    notebook = NOTEBOOK
    number = 1
    title = "train in periods, record the log loss"
    points = 2
    answer_name = "train_in_periods"
    kind = "function"

    def call(self, func, case):
        spec, X_train, y_train, X_valid, y_valid, periods = case
        return func(build_model(spec), X_train, y_train, X_valid, y_valid, periods)


# ---------------------------------------------------------------- exercise 2

class RowNormalizedConfusion(ExerciseSpec):
    id = "07-confusion-rates"
    notebook = NOTEBOOK
    number = 2
    title = "the row-normalized confusion matrix"
    points = 1
    answer_name = "row_normalized_confusion"
    kind = "function"


EXERCISES = [TrainInPeriods(), RowNormalizedConfusion()]
