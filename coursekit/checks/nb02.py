"""Notebook 02's exercises as a kernel sees them: names, answers, how to collect them.

Their judges are in :mod:`coursekit.judging.nb02`.
"""

from .spec import ExerciseSpec, array_facts, collect_array

NOTEBOOK = "02_average_image"


class AverageNine(ExerciseSpec):
    id = "02-average-nine"
    notebook = NOTEBOOK
    number = 1
    title = "the average nine"
    points = 1
    answer_name = "average_nine"

    def collect(self, answer, cases):
        return collect_array(answer)


class Averages(ExerciseSpec):
    id = "02-averages"
    notebook = NOTEBOOK
    number = 2
    title = "all ten averages"
    points = 1
    answer_name = "averages"

    def collect(self, answer, cases):
        return collect_array(answer)


class DotClassifier(ExerciseSpec):
    id = "02-dot-classifier"
    notebook = NOTEBOOK
    number = 3
    title = "the dot-product classifier"
    points = 2
    answer_name = "dot_classifier"
    kind = "function"

    def call(self, func, case):
        return array_facts(func(*case))


EXERCISES = [AverageNine(), Averages(), DotClassifier()]
