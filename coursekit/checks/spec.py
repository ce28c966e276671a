"""What a kernel knows of an exercise: its name, its answer, and how to collect it.

An exercise is judged in two steps so that grading can trust the verdict:

1. *collect* runs next to the learner's answer (in the notebook's kernel). For
   a value it converts the answer to plain data (:mod:`.wire`); for a function
   it calls the function on *cases*, inputs that the judging side chose and
   that travel as plain data.
2. *judge* compares what was collected with a trusted reference and returns a
   :class:`~.results.Result`. It only ever sees plain data, never the learner's
   objects, so it can run in another process.

This module holds step 1, and :class:`ExerciseSpec`, the part of an exercise
that may run in a graded kernel: nothing secret. Step 2 (cases, references,
judges, hints) lives in :mod:`coursekit.judging`, which a graded kernel cannot
see. In a notebook both steps run in the kernel (:func:`coursekit.checks.check`);
the grader runs only step 1 in the submission's kernel and step 2 in its own
process.
"""

import contextlib
import functools
import numbers
import warnings

import numpy as np

from .inputs import changed_arguments, snapshot
from .quoting import shorten
from .wire import plain, plain_or_name

#: Distinct warnings of a function answer that travel to the judge, and the characters
#: kept of each one's text: enough to name it, bounded whatever the answer warns.
WARNINGS_KEPT = 4
WARNING_CHARS = 300


class ExerciseSpec:
    """One exercise of one notebook, as its kernel knows it.

    Subclasses set the class attributes; those whose function answer is not
    called as ``func(*case)``, or whose value needs more than :func:`.wire.plain`,
    override :meth:`call` or :meth:`collect`. Their judges subclass them in
    :mod:`coursekit.judging`.

    Attributes
    ----------
    id : str
        Stable identifier, ``"<notebook number>-<slug>"``; grades use it.
    notebook : str
        Stem of the notebook file, e.g. ``"01_random_baseline"``.
    number : int
        The exercise's number within its notebook.
    title : str
    points : int
    answer_name : str
        The name the notebook's check cell passes to
        :func:`coursekit.checks.check`; the grader reads the answer under this name.
    kind : {"value", "function"}

    Examples
    --------
    >>> class Twice(ExerciseSpec):
    ...     id, notebook, number, title, answer_name = "00-twice", "00_demo", 1, "twice", "twice"
    ...     kind = "function"
    >>> Twice().collect(lambda x: 2 * x, [(1,), (5,)])
    {'outputs': [2, 10]}
    >>> Twice().heading
    'Exercise 1 (twice)'
    """

    id = notebook = title = answer_name = ""
    number = 0
    points = 1
    kind = "value"

    @property
    def heading(self):
        return f"Exercise {self.number} ({self.title})"

    def call(self, func, case):
        """Call a function answer on one case; what it returns is plain data."""
        return func(*case)

    def collect(self, answer, cases):
        """Plain data about ``answer``; for a function, its output on each case in turn.

        A function that raises on a case stops the collection there: the payload
        then holds the outputs so far, the error and the failing case's index. A call
        that changed its arguments in place adds ``changed``: the first such case's
        index and the names of those arguments (:mod:`.inputs`). A returned array that a
        later call changed adds ``overwritten``, its case (:func:`watching_arrays`). A call that warned adds
        ``warned``, the warnings it raised (:func:`noting_warnings`).
        """
        if self.kind != "function":
            return {"value": plain(answer)}
        if not callable(answer):
            raise TypeError(
                f"`{self.answer_name}` should be a function; got {type(answer).__name__}."
            )
        outputs, payload, warned, returned = [], {}, [], []
        watched = watching_arrays(answer, returned)
        for index, case in enumerate(cases):
            kept = snapshot(case)
            try:
                with noting_warnings(warned, index):
                    watched.case = index
                    output = self.call(watched, case)
            except NotImplementedError:
                raise
            except Exception as exc:  # the learner's bug, reported with the call that hit it
                return {"outputs": outputs, "error": f"{type(exc).__name__}: {exc}",
                        "case": index, **payload, **({"warned": warned} if warned else {})}
            outputs.append(plain_or_name(output))
            names = [] if "changed" in payload else changed_arguments(answer, kept, case)
            if names:
                payload["changed"] = {"case": index, "names": names}
        if warned:
            payload["warned"] = warned
        if watched.overwritten is not None:
            payload["overwritten"] = watched.overwritten
        return {"outputs": outputs, **payload}


#: Arrays a function answer returns that are kept to see whether a later call changes them.
ARRAYS_WATCHED = 64


def watching_arrays(func, returned):
    """``func``, noting in ``returned`` each array it returns: [case, the array, a copy].

    The case is the wrapper's ``case`` attribute, set before each call; at most
    :data:`ARRAYS_WATCHED` arrays of numbers are noted. Before each call the copies are made
    afresh, so that only a change made during a call of ``func`` shows (the check's
    own handling between calls does not count), and the wrapper's ``overwritten``
    becomes the case of the first array such a call changed.
    """
    @functools.wraps(func)
    def watched(*args, **kwargs):
        for entry in returned:
            entry[2] = entry[1].copy()
        output = func(*args, **kwargs)
        if watched.overwritten is None:
            watched.overwritten = first_overwritten(returned)
        # Numbers only: an array of objects holding NaN never equals its copy.
        if (isinstance(output, np.ndarray) and output.dtype.kind in "biufc"
                and len(returned) < ARRAYS_WATCHED):
            returned.append([watched.case, output, output.copy()])
        return output

    watched.case = watched.overwritten = None
    return watched


def first_overwritten(returned):
    """The case of the first array in ``returned`` that differs from its copy; else None.

    ``returned`` holds [case, the array returned, a copy]. A function that hands out
    the same memory on every call (an array kept between calls, or a slice of one)
    turns each earlier result into the last one; its outputs, copied as they were
    returned, would not show it.

    Examples
    --------
    >>> kept = np.zeros(3)
    >>> first_overwritten([[0, kept, kept.copy()]])
    >>> kept[:] = 1
    >>> first_overwritten([[0, kept, np.zeros(3)], [1, kept, kept.copy()]])
    0
    """
    for case, array, copy in returned:
        if not np.array_equal(array, copy, equal_nan=np.issubdtype(array.dtype, np.inexact)):
            return case
    return None


@contextlib.contextmanager
def noting_warnings(warned, case):
    """Note in ``warned`` each warning raised inside the block, a call on case ``case``.

    Every warning counts, even one already shown in the learner's own cell (numpy and
    Python show a warning once per place by default). Each entry is plain data: the
    case's index, the warning's category and its text, cut to :data:`WARNING_CHARS`.
    A warning already noted is not noted again, and at most :data:`WARNINGS_KEPT` are
    kept, however many the block raises. The warnings are not shown: the verdict
    names them.

    Examples
    --------
    >>> warned = []
    >>> with noting_warnings(warned, 2):
    ...     warnings.warn("careful", UserWarning)
    ...     warnings.warn("careful", UserWarning)
    >>> warned
    [{'case': 2, 'category': 'UserWarning', 'message': 'careful'}]
    """
    def note(message, category, *args, **kwargs):
        if len(warned) >= WARNINGS_KEPT:
            return
        entry = {"case": case, "category": shorten(getattr(category, "__name__", "Warning"), 80),
                 "message": shorten(str(message), WARNING_CHARS)}
        if not any(entry["category"] == seen["category"] and entry["message"] == seen["message"]
                   for seen in warned):
            warned.append(entry)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = note  # catch_warnings puts Python's own back after the block
        yield warned


def is_unanswered(answer):
    """Whether ``answer`` is still the notebook's placeholder (``None`` or ``...``)."""
    return answer is None or answer is Ellipsis


def collect_safely(exercise, answer, cases):
    """Run step 1, turning every failure into a payload instead of an exception.

    Examples
    --------
    >>> class Half(ExerciseSpec):
    ...     answer_name, kind = "half", "function"
    >>> collect_safely(Half(), lambda x: x / 0, [(1,)])
    {'outputs': [], 'error': 'ZeroDivisionError: division by zero', 'case': 0}
    >>> collect_safely(Half(), ..., [(1,)])
    {'unanswered': True}
    """
    if is_unanswered(answer):
        return {"unanswered": True}
    try:
        return exercise.collect(answer, cases)
    except NotImplementedError:
        return {"unanswered": True}
    except Exception as exc:  # a learner's bug must become feedback, not a traceback
        return {"error": f"{type(exc).__name__}: {exc}"}


def collect_array(answer):
    """Step 1 for a value that must be a numpy array: its numbers and whether it is one.

    :func:`.wire.plain` turns a list of numbers into an array, so the judge would
    not see that a list was given; later cells may rely on array methods
    (``.T``, ``.shape``).

    Examples
    --------
    >>> collect_array([1, 2])["value"]["array"]
    False
    """
    return {"value": {"numbers": plain(answer), "type": type(answer).__name__,
                      "array": isinstance(answer, np.ndarray)}}


def array_facts(output):
    """Step 1 for a function's output that must be a numpy array (the course's one rule).

    Returns
    -------
    dict
        ``"numbers"``: the output as :func:`.wire.plain_or_name` data; ``"type"``: the
        name of its type; ``"array"``: whether it is a numpy array. :func:`.wire.plain`
        alone would turn a list into an array, and the judge could not apply the rule.

    Examples
    --------
    >>> array_facts([0.5, 1.0])["array"], array_facts([0.5, 1.0])["type"]
    (False, 'list')
    """
    return {"numbers": plain_or_name(output), "type": type(output).__name__,
            "array": isinstance(output, np.ndarray)}


def part_types(value):
    """The type of each part of a tuple or list ``value``, an array of objects named so.

    :func:`.wire.plain` cannot carry ``np.array(weights, dtype=object)``, a box of
    arrays of different shapes; the judge names it from these words instead of the
    tuple around it.

    Returns
    -------
    list of str, or None
        None when ``value`` is not a tuple or list.

    Examples
    --------
    >>> part_types(([np.ones(2)], np.array([np.ones(2), np.ones(3)], dtype=object)))
    ['list', 'object array']
    """
    if not isinstance(value, (tuple, list)):
        return None
    return ["object array" if isinstance(part, np.ndarray) and part.dtype == object
            else type(part).__name__ for part in value[:16]]


def model_settings(model, names=None):
    """``model``'s parameters ``names`` (all of them when None) as plain values.

    Numbers, text, True/False and None travel as they are; anything else (a dict
    of class weights, an estimator) as its ``repr``, which the judge can only name.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> model_settings(LogisticRegression(class_weight={0: 2}), ("C", "class_weight"))
    {'C': 1.0, 'class_weight': '{0: 2}'}
    """
    params = model.get_params(deep=False) if hasattr(model, "get_params") else {}
    out = {}
    for name in params if names is None else names:
        value = params.get(name)
        ok = value is None or isinstance(value, (str, bool, numbers.Real))
        out[str(name)] = plain(value) if ok else repr(value)
    return out


def user_namespace():
    """The notebook's variables (IPython's user namespace), or {} outside IPython.

    A check that must know whether the answer shares an object with another name of
    the notebook (a model refitted in place) looks there, next to the answer.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # not installed: plain Python
        return {}
    shell = get_ipython()
    return dict(shell.user_ns) if shell is not None else {}


def names_bound_to(obj, namespace, *, besides=()):
    """The public names of ``namespace`` that hold ``obj`` itself (not a copy), sorted.

    Examples
    --------
    >>> model = object()
    >>> names_bound_to(model, {"best_model": model, "_": model, "other": object()})
    ['best_model']
    """
    return sorted(name for name, value in namespace.items()
                  if value is obj and not name.startswith("_") and name not in besides
                  and name not in ("In", "Out"))


class QuestionSpec(ExerciseSpec):
    """A checked question, answered by the letter of one option, e.g. ``answer = "b"``.

    The letter travels as text; anything else travels as the name of its type, so
    that the judge can say what came instead. The options and the right letter are
    the judge's (:class:`coursekit.judging.questions.Question`).

    Examples
    --------
    >>> class Demo(QuestionSpec):
    ...     answer_name = "demo"
    >>> Demo().collect(" B ", [])
    {'value': ' B '}
    """

    def collect(self, answer, cases):
        return {"value": plain_or_name(answer)}
