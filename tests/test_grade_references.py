"""No function a graded kernel can import is a right answer to an exercise of its notebook.

The sandbox's view hides :mod:`coursekit.judging` (the references the judges use) and, up to
their last notebook, the modules of ``REFERENCE_MODULES`` (``coursekit.nn`` implements
notebook 03's network). Everything else a notebook imports is visible to its kernel, so none
of it may pass a function exercise: handed in as the answer, it would earn the points. This
found ``coursekit.data.nudge``, the reference of 05-nudge, importable from notebook 05.
"""

import importlib
import inspect
import warnings
from pathlib import Path

from coursekit import judging
from coursekit.grading.sandbox import REFERENCE_MODULES

ROOT = Path(__file__).resolve().parents[1]
STEMS = sorted(path.stem for path in (ROOT / "solutions").glob("*.ipynb"))
#: Modules of coursekit a notebook's kernel imports; none may hold a reference answer of a
#: notebook whose kernel can import it (the view hides coursekit.judging, and the modules of
#: REFERENCE_MODULES up to their last notebook).
KERNEL_MODULES = ("data", "evaluation", "plots", "training", "widgets", "digit_browser", "nn",
                  "validation", "threads", "checks")


def _public_functions(module):
    return [(name, value) for name, value in vars(module).items()
            if not name.startswith("_") and inspect.isfunction(value)
            and value.__module__ == module.__name__]


def test_no_function_a_graded_kernel_can_import_passes_an_exercise_it_may_not_see():
    hidden = {module: STEMS[:STEMS.index(last) + 1]
              for module, last in REFERENCE_MODULES.items()}
    handed_in = []
    for name in KERNEL_MODULES:
        module = importlib.import_module(f"coursekit.{name}")
        for function_name, function in _public_functions(module):
            for exercise in judging.EXERCISES.values():
                if exercise.kind != "function" or exercise.notebook in hidden.get(name, ()):
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # a plotting function on odd inputs
                    if exercise.evaluate(function).passed:
                        handed_in.append((exercise.id, f"coursekit.{name}.{function_name}"))
    assert handed_in == []


def test_the_references_pass_their_exercises_where_the_view_hides_them():
    # The control: without the view, coursekit.nn's functions are answers to notebook 03.
    nn = importlib.import_module("coursekit.nn")
    assert judging.get("03-sigmoid").evaluate(nn.sigmoid).passed
    assert judging.get("03-feedforward").evaluate(nn.feed_forward).passed
    assert REFERENCE_MODULES["nn"] == "03_mlp_from_scratch"
