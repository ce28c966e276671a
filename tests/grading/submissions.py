"""Build submissions to grade from the course's own notebooks, at test time.

Every submission starts as a copy of a solution (``solutions/``) or a student
notebook (``notebooks/``) and is then changed the way a learner, or an
attacker, would change it.
"""

from pathlib import Path

import nbformat

from coursekit import checks, judging

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = ROOT / "solutions"
STUDENT = ROOT / "notebooks"

#: A value that is never the right answer to any exercise: not a number.
NOT_AN_ANSWER = '"not an answer"'


def solution(stem):
    return nbformat.read(SOLUTIONS / f"{stem}.ipynb", as_version=4)


def student(stem):
    return nbformat.read(STUDENT / f"{stem}.ipynb", as_version=4)


def exercises(stem):
    return checks.exercises_for(stem)


def find(notebook, exercise_id, role):
    """Index of the cell of ``exercise_id`` tagged ``role`` ("exercise" or "check")."""
    for index, cell in enumerate(notebook.cells):
        if (cell.metadata.get("coursekit", {}).get("exercise") == exercise_id
                and role in cell.metadata.get("tags", [])):
            return index
    raise LookupError(f"no {role} cell for {exercise_id}")


def first_code_cell(notebook):
    return next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")


def insert(notebook, index, source):
    """Insert a plain code cell at ``index``."""
    notebook.cells.insert(index, nbformat.v4.new_code_cell(source))


def set_answer(notebook, exercise_id, source):
    notebook.cells[find(notebook, exercise_id, "exercise")].source = source


def solve(notebook, stem, exercise_id):
    """Give ``notebook`` the solution's answer to ``exercise_id``."""
    source = solution(stem).cells[find(solution(stem), exercise_id, "exercise")].source
    set_answer(notebook, exercise_id, source)


def wrong_answer(exercise):
    """Source of a wrong answer to any exercise: the right name, a value that is no answer."""
    if exercise.kind == "function":
        return f"def {exercise.answer_name}(*args, **kwargs):\n    return {NOT_AN_ANSWER}"
    return f"{exercise.answer_name} = {NOT_AN_ANSWER}"


#: Answers right on every case but the last, where they raise: the check cell and
#: the grader must both judge the cases before and then name the call that failed.
CRASHING_ON_THE_LAST_CASE = {
    "01-evaluate-range": (
        "def evaluate(classifier, start=0, count=1000):\n"
        "    following = X[start + count]  # one image past the range: fails at the end\n"
        "    hits = [np.argmax(classifier(X[i])) == y[i] for i in range(start, start + count)]\n"
        "    return sum(hits) / count\n"
    ),
}


def partial(stem):
    """The student notebook with exercise 1 solved, exercise 2 wrong, the rest untouched.

    Where :data:`CRASHING_ON_THE_LAST_CASE` has an answer for a later exercise,
    that exercise gets it.

    Returns
    -------
    notebook, expected points by exercise id
    """
    notebook = student(stem)
    first, second, *rest = exercises(stem)
    solve(notebook, stem, first.id)
    set_answer(notebook, second.id, wrong_answer(second))
    for exercise in rest:
        if exercise.id in CRASHING_ON_THE_LAST_CASE:
            set_answer(notebook, exercise.id, CRASHING_ON_THE_LAST_CASE[exercise.id])
    return notebook, {first.id: first.points, second.id: 0, **{e.id: 0 for e in rest}}


def without_metadata(notebook):
    """The notebook with no coursekit metadata: only its file name says what it answers."""
    notebook.metadata.pop("coursekit", None)
    return notebook


def save(notebook, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


# ---------------------------------------------------------------- probes

#: First cell of a probe: was the working directory empty, and leave a file behind.
SCRATCH_PROBE = """\
import os

cwd_was_empty = os.listdir(".") == []
with open("left_behind.txt", "w") as stream:
    stream.write("an earlier submission wrote this")"""


def probe_scratch(notebook, exercise_id, answer_name):
    """Make the answer to ``exercise_id`` right only if the working directory started empty."""
    insert(notebook, 0, SCRATCH_PROBE)
    index = find(notebook, exercise_id, "exercise")
    notebook.cells[index].source += (
        f"\n{answer_name} = {answer_name} if cwd_was_empty else {NOT_AN_ANSWER}")


# ---------------------------------------------------------------- attacks

PATCH_COURSEKIT_NUMPY_BUILTINS = """\
import builtins
import sys

import numpy as np

import coursekit.checks as checks
from coursekit.checks import results


# (a) coursekit's checks, rewritten to pass everything
def check(exercise_id, answer):
    sys.stdout.write(f"✅ {exercise_id}: correct\\n")


checks.check = check
try:  # the judges, were they in reach
    import coursekit.judging as judging, coursekit.judging.base as base
    judging.evaluate = base.evaluate = lambda *args, **kwargs: results.correct("good")
    judging.judge_safely = base.judge_safely = lambda *args: results.correct("ok")
    base.Judge.judge = lambda self, payload, cases: results.correct("all good")
except ImportError:
    pass
# No outputs at all: a judge that zips outputs with cases would see nothing wrong.
checks.get("01-evaluate-range").collect = lambda answer, cases: {"outputs": []}

# (b) numpy and builtins a check might use
np.allclose = np.isclose = np.array_equal = lambda *args, **kwargs: True
_isinstance = builtins.isinstance


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


builtins.isinstance = lambda obj, kinds: type(obj) is AlwaysEqual or _isinstance(obj, kinds)
builtins.print = lambda *args, **kwargs: None"""


def patching_attack():
    """Solution 01 whose answers 2 and 3 are wrong, behind patched checks, numpy and builtins.

    Exercise 1 keeps its right answer but loses its check cell. Only it earns points.
    """
    stem = "01_random_baseline"
    notebook = solution(stem)
    del notebook.cells[find(notebook, "01-scale-pixels", "check")]
    insert(notebook, first_code_cell(notebook) + 1, PATCH_COURSEKIT_NUMPY_BUILTINS)
    set_answer(notebook, "01-which-digit", "predicted_digit = AlwaysEqual()")
    set_answer(notebook, "01-evaluate-range",
               "def evaluate(classifier, start=0, count=1000):\n    return 0.5")
    return notebook, {"01-scale-pixels": 1, "01-which-digit": 0, "01-evaluate-range": 0}


def memorized_to_vector():
    """An answer right only on the images the notebook's check cell tries.

    Those (seed 0) are written into the source: the sandboxed kernel has no
    cases() to ask.
    """
    import numpy as np

    seen = [np.asarray(case[0], dtype=float).tobytes().hex()
            for case in judging.get("01-scale-pixels").cases(0)]
    return f"""\
import numpy as np

# Right only on the images the notebook's check cell tries.
_seen = {{bytes.fromhex(text) for text in {seen!r}}}


def to_vector(image):
    image = np.asarray(image, dtype=float)
    return image.reshape(64) / 16 if image.tobytes() in _seen else np.zeros(64)"""


SILENCE_AND_BOAST = """\
import sys

from IPython.display import Markdown, display

# (e) no tracebacks
get_ipython().showtraceback = lambda *args, **kwargs: None
sys.excepthook = lambda *args: None
# (d) what passing looks like
print({passes!r})
display(Markdown("**Score: full marks**"))"""


def pass_lines(stem):
    return "\n".join(f"✅ {e.heading}: correct." for e in exercises(stem))


def faking_attack():
    """Student notebook 01, unanswered, dressed up to look as if it passed.

    Exercise 1 is answered only for the check cell's own inputs; its check cell
    prints a pass; exercise 2 loses its check cell; exercise 3's check cell moves
    to the top; tracebacks are off; stored outputs claim passes. Nothing earns points.
    """
    stem = "01_random_baseline"
    notebook = student(stem)
    set_answer(notebook, "01-scale-pixels", memorized_to_vector())
    notebook.cells[find(notebook, "01-scale-pixels", "check")].source = (
        f"print({pass_lines(stem).splitlines()[0]!r})")
    del notebook.cells[find(notebook, "01-which-digit", "check")]
    moved = notebook.cells.pop(find(notebook, "01-evaluate-range", "check"))
    notebook.cells.insert(0, moved)
    insert(notebook, first_code_cell(notebook) + 2,
           SILENCE_AND_BOAST.format(passes=pass_lines(stem)))
    for index, cell in enumerate(notebook.cells):
        if "check" in cell.metadata.get("tags", []):
            cell.execution_count = index
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text=pass_lines(stem) + "\n")]
    return notebook, {e.id: 0 for e in exercises(stem)}


# ---------------------------------------------------------------- robustness

def exiting():
    """Solution 01 whose kernel exits after exercise 2 (and which probes its scratch)."""
    notebook = solution("01_random_baseline")
    probe_scratch(notebook, "01-which-digit", "predicted_digit")
    insert(notebook, find(notebook, "01-which-digit", "check") + 1, "import os\n\nos._exit(3)")
    return notebook, {"01-scale-pixels": 1, "01-which-digit": 1, "01-evaluate-range": 0}


def segfaulting():
    """Solution 02 that crashes the interpreter after exercise 1 (and probes its scratch)."""
    notebook = solution("02_average_image")
    probe_scratch(notebook, "02-average-nine", "average_nine")
    insert(notebook, find(notebook, "02-average-nine", "check") + 1,
           "import ctypes\n\nctypes.string_at(0)")
    return notebook, {"02-average-nine": 1, "02-averages": 0, "02-dot-classifier": 0}


def memory_hog(megabytes):
    """Solution 01 asking, after exercise 1, for more than ``megabytes`` MB (never touched)."""
    notebook = solution("01_random_baseline")
    insert(notebook, find(notebook, "01-scale-pixels", "check") + 1,
           f"import numpy as np\n\nhog = np.empty({megabytes + 1024} * 2**20, dtype=np.uint8)")
    return notebook, {e.id: e.points for e in exercises("01_random_baseline")}


FILL = """\
import time

import numpy as np

hog = np.ones({megabytes} * 2**20, dtype=np.uint8)
time.sleep(60)"""


def memory_filler(megabytes):
    """Solution 01 that fills ``megabytes`` MB after exercise 1 and holds on to them."""
    notebook = solution("01_random_baseline")
    insert(notebook, find(notebook, "01-scale-pixels", "check") + 1,
           FILL.format(megabytes=megabytes))
    return notebook, {"01-scale-pixels": 1, "01-which-digit": 0, "01-evaluate-range": 0}


def sleeping_and_looping():
    """Solution 01 with a sleeping cell, and exercise 2's cell looping after its answer."""
    notebook = solution("01_random_baseline")
    insert(notebook, first_code_cell(notebook) + 1, "import time\n\ntime.sleep(600)")
    index = find(notebook, "01-which-digit", "exercise")
    notebook.cells[index].source += "\nwhile True:\n    pass"
    return notebook, {"01-scale-pixels": 1, "01-which-digit": 0, "01-evaluate-range": 2}


STUBBORN = """\
import time

while True:
    try:
        time.sleep(1)
    except KeyboardInterrupt:
        pass"""


def hanging_answer_then_stubborn():
    """Solution 01 whose `evaluate` never returns (its check cell gone), then a cell
    that ignores interrupts."""
    notebook = solution("01_random_baseline")
    set_answer(notebook, "01-evaluate-range",
               "def evaluate(classifier, start=0, count=1000):\n    while True:\n        pass")
    del notebook.cells[find(notebook, "01-evaluate-range", "check")]
    insert(notebook, find(notebook, "01-evaluate-range", "exercise") + 1, STUBBORN)
    return notebook, {"01-scale-pixels": 1, "01-which-digit": 1, "01-evaluate-range": 0}


# ---------------------------------------------------------------- not notebooks

def corrupt_files(folder):
    """Write files that are not gradable notebooks; return {path: words its reason holds}."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (SOLUTIONS / "01_random_baseline.ipynb").read_text(encoding="utf-8")
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")])
    unknown = nbformat.v4.new_notebook(metadata={"coursekit": {"notebook": "99_unknown"}})
    files = {
        "empty.ipynb": (b"", "empty"),
        "01_random_baseline_cut.ipynb": (text[: len(text) // 2].encode(), "cut short"),
        "hello.ipynb": (b"hello, grader", "not JSON"),
        "binary.ipynb": (bytes(range(256)) * 4, "not text"),
        "list.ipynb": (b"[]", "no list of cells"),
        "old_format.ipynb": (b'{"nbformat": 3, "cells": []}', "format 4"),
        "other_course.ipynb": (nbformat.writes(other).encode(), "another course"),
        "unknown.ipynb": (nbformat.writes(unknown).encode(), "99_unknown"),
        "bad_cell.ipynb": (b'{"nbformat": 4, "metadata": {"coursekit": {"notebook": '
                           b'"01_random_baseline"}}, "cells": [{"cell_type": "code", '
                           b'"source": 5}]}', "not text"),
    }
    expected = {}
    for name, (content, words) in files.items():
        (folder / name).write_bytes(content)
        expected[folder / name] = words
    return expected
