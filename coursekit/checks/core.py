"""The machinery every exercise check shares, in the notebook and in the grader.

An exercise is judged in two steps so that grading can trust the verdict:

1. ``collect`` runs next to the learner's answer (in the notebook's kernel).
   For a value it converts the answer to plain numbers; for a function it calls
   the function on *cases*, inputs that the judging side chose and that travel
   as plain data.
2. ``judge`` compares what was collected with a trusted reference and returns a
   :class:`Result`. It only ever sees plain data (numbers, strings, arrays),
   never the learner's objects, so it can run in another process.

In a notebook both steps run in the kernel (:func:`check`); the grader runs
only step 1 in the submission's kernel and step 2 in its own process.
"""

import base64
import io
import json
import numbers
from dataclasses import dataclass

import numpy as np

CORRECT = "correct"
WRONG = "wrong"
MISSING = "missing"
ERROR = "error"

_SYMBOLS = {CORRECT: "✅", WRONG: "❌", MISSING: "✏️", ERROR: "⚠️"}


@dataclass(frozen=True)
class Result:
    """The verdict on one answer.

    Attributes
    ----------
    status : {"correct", "wrong", "missing", "error"}
    message : str
        What is right or wrong, in a sentence.
    hint : str
        How to make progress (empty when correct).
    """

    status: str
    message: str
    hint: str = ""

    @property
    def passed(self):
        return self.status == CORRECT

    @property
    def symbol(self):
        """The sign a verdict starts with: ✅, ❌, ✏️ (not answered) or ⚠️ (an error)."""
        return _SYMBOLS[self.status]

    def describe(self, title):
        text = f"{self.symbol} {title}: {self.message}"
        if self.hint:
            text += f"\n   Hint: {self.hint}"
        return text


def correct(message):
    return Result(CORRECT, message)


def wrong(message, hint=""):
    return Result(WRONG, message, hint)


class Exercise:
    """One exercise of one notebook.

    Subclasses set the class attributes and implement :meth:`judge`; those
    that take a function also implement :meth:`cases` (and :meth:`call` when
    the function is not called as ``func(*case)``).

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
        The name the notebook's check cell passes to :func:`check`; the grader
        reads the answer under this name.
    kind : {"value", "function"}
    """

    id = notebook = title = answer_name = ""
    number = 0
    points = 1
    kind = "value"

    @property
    def heading(self):
        return f"Exercise {self.number} ({self.title})"

    # Step 1: runs where the answer lives.
    def cases(self, seed):
        """Inputs, as plain data, on which a function answer is called."""
        return []

    def call(self, func, case):
        return func(*case)

    def collect(self, answer, cases):
        """Plain data about ``answer``; for a function, its output on each case in turn.

        A function that raises on a case stops the collection there: the payload
        then holds the outputs so far, the error and the failing case's index.
        """
        if self.kind != "function":
            return {"value": plain(answer)}
        if not callable(answer):
            raise TypeError(
                f"`{self.answer_name}` should be a function; got {type(answer).__name__}."
            )
        outputs = []
        for index, case in enumerate(cases):
            try:
                output = self.call(answer, case)
            except NotImplementedError:
                raise
            except Exception as exc:  # the learner's bug, reported with the call that hit it
                return {"outputs": outputs, "error": f"{type(exc).__name__}: {exc}",
                        "case": index}
            outputs.append(plain_or_name(output))
        return {"outputs": outputs}

    # Step 2: trusted.
    def judge(self, payload, cases):
        raise NotImplementedError

    def describe_case(self, case):
        """How a call on ``case`` reads in feedback, e.g. ``to_vector(array of shape (8, 8))``."""
        return f"{self.answer_name}({', '.join(_describe_argument(a) for a in case)})"

    def error_hint(self, case, error):
        """A hint for the error ``error`` (text) raised on ``case``; None for the general one."""
        return None

    def error_message(self, case, error):
        """What the error ``error`` raised on ``case`` means; None to quote it as it is."""
        return None


def _describe_argument(value):
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return repr(value)


def is_unanswered(answer):
    return answer is None or answer is Ellipsis


def collect_safely(exercise, answer, cases):
    """Run step 1, turning every failure into a payload instead of an exception."""
    if is_unanswered(answer):
        return {"unanswered": True}
    try:
        return exercise.collect(answer, cases)
    except NotImplementedError:
        return {"unanswered": True}
    except Exception as exc:  # a learner's bug must become feedback, not a traceback
        return {"error": f"{type(exc).__name__}: {exc}"}


def judge_safely(exercise, payload, cases):
    """Run step 2 on whatever step 1 produced; never raises."""
    if not well_formed(exercise, payload, len(cases)):
        return Result(ERROR, "the answer could not be read.",
                      "run the notebook from the top in a fresh kernel and make sure every "
                      "cell works.")
    if payload.get("unanswered"):
        return Result(
            MISSING,
            "not answered yet.",
            "replace `...` or the `raise NotImplementedError()` line with your answer and run "
            "that cell, then this one. If that cell showed an error, fix it first: this check "
            "sees only what last ran without error.",
        )
    outputs = payload.get("outputs")
    if "error" in payload:
        if outputs:
            # What worked before the failure may already show the mistake more clearly.
            partial = _judge(exercise, {"outputs": outputs}, cases[: len(outputs)])
            if not partial.passed:
                return partial
        index = payload.get("case")
        case = cases[index] if isinstance(index, int) and 0 <= index < len(cases) else None
        where = f"{exercise.describe_case(case)} raised" if case is not None else "your code raised"
        hint = (case is not None and exercise.error_hint(case, str(payload["error"]))) or (
            "read the error, fix the cell with your answer, run it, then run this one again."
        )
        message = case is not None and exercise.error_message(case, str(payload["error"]))
        return Result(ERROR, message or f"{where} {payload['error']}", hint)
    if exercise.kind == "function" and isinstance(outputs, list):
        for case, output in zip(cases, outputs):
            if output is None:
                return Result(
                    WRONG,
                    f"{exercise.describe_case(case)} returned None.",
                    "did you forget `return` (or use `print` instead)? A function hands its "
                    "result back with `return`.",
                )
    return _judge(exercise, payload, cases)


def _judge(exercise, payload, cases):
    try:
        return exercise.judge(payload, cases)
    except Exception as exc:  # an answer of an unexpected form, e.g. a ragged list
        return Result(
            WRONG,
            f"the answer has a form this check did not expect ({type(exc).__name__}: {exc}).",
            "compare the type and shape of your answer with what the exercise asks for.",
        )


def evaluate(exercise, answer, seed=0):
    """Judge ``answer`` in this process (what a notebook's check cell does)."""
    cases = exercise.cases(seed)
    return judge_safely(exercise, collect_safely(exercise, answer, cases), cases)


# ---------------------------------------------------------------- plain data

def plain(value):
    """Turn an answer into plain data: None, bool, int, float, str, ndarray, list, dict.

    Raises
    ------
    TypeError
        For objects that are not numbers, text or containers of them.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        items = [plain(v) for v in value]
        if items and all(isinstance(v, (int, float, bool)) for v in items):
            return np.asarray(items)
        if items and all(isinstance(v, np.ndarray) for v in items) and len(
            {v.shape for v in items}
        ) == 1 and all(v.dtype.kind in "biuf" for v in items):
            return np.stack(items)
        return items
    try:
        array = np.asarray(value)
    except Exception as exc:
        raise TypeError(f"expected numbers; got {type(value).__name__}") from exc
    if array.dtype.kind not in "biuf":
        raise TypeError(f"expected numbers; got {type(value).__name__} of {array.dtype}")
    return array.copy()


def plain_or_name(value):
    """:func:`plain` data, or for what is not numbers, text naming its type (``"<a set>"``)."""
    try:
        return plain(value)
    except TypeError:
        return f"<a {type(value).__name__}>"


def encode(data):
    """Serialize plain data to JSON text; arrays travel as .npy bytes (no pickle)."""
    return json.dumps(_to_json(data))


def decode(text):
    """Inverse of :func:`encode`; never unpickles anything.

    Only arrays of numbers whose header matches their data are accepted.

    Raises
    ------
    ValueError, TypeError
        For text that is not such data.
    """
    return _from_json(json.loads(text))


def _to_json(data):
    if isinstance(data, np.ndarray):
        buffer = io.BytesIO()
        np.save(buffer, data, allow_pickle=False)
        return {"__ndarray__": base64.b64encode(buffer.getvalue()).decode("ascii")}
    if isinstance(data, dict):
        return {str(k): _to_json(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_to_json(v) for v in data]
    if isinstance(data, np.generic):
        return data.item()
    return data


def _from_json(data):
    if isinstance(data, dict):
        if set(data) == {"__ndarray__"}:
            return _read_array(data["__ndarray__"])
        return {k: _from_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_from_json(v) for v in data]
    return data


#: Longest .npy header accepted; real ones are about a hundred characters.
_MAX_ARRAY_HEADER = 10_000


def _read_array(text):
    # The text may come from a learner's kernel: np.load would trust the header's
    # shape and allocate whatever it claims, so read the header first and accept
    # only numbers whose size matches the bytes that follow.
    if not isinstance(text, str):
        raise TypeError("an array must travel as base64 text")
    raw = base64.b64decode(text, validate=True)
    stream = io.BytesIO(raw)
    version = np.lib.format.read_magic(stream)
    read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                   else np.lib.format.read_array_header_2_0)
    shape, _, dtype = read_header(stream, max_header_size=_MAX_ARRAY_HEADER)
    if dtype.kind not in "biuf" or dtype.hasobject:
        raise TypeError(f"arrays of {dtype} are not answers")
    if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(raw) - stream.tell():
        raise ValueError("the array's header does not match its data")
    return np.load(io.BytesIO(raw), allow_pickle=False)


def well_formed(exercise, payload, n_cases):
    """Whether ``payload`` has a shape step 1 can produce for ``n_cases`` cases.

    Judges pair outputs with cases, so a payload with fewer outputs than cases
    would otherwise be judged on fewer cases; one from elsewhere (a patched
    kernel) may hold anything.
    """
    if not isinstance(payload, dict):
        return False
    keys = set(payload)
    if keys == {"unanswered"}:
        return payload["unanswered"] is True
    if keys == {"error"}:
        return isinstance(payload["error"], str)
    if exercise.kind != "function":
        return keys == {"value"}
    outputs = payload.get("outputs")
    if not isinstance(outputs, list):
        return False
    if keys == {"outputs"}:
        return len(outputs) == n_cases
    case = payload.get("case")
    return (keys == {"outputs", "error", "case"} and isinstance(payload["error"], str)
            and type(case) is int and case == len(outputs) < n_cases)


# ---------------------------------------------------------------- helpers for judges

def as_float_array(value, shape=None):
    """``value`` as a float array, or None when it is not numbers (of ``shape``)."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if shape is not None and array.shape != tuple(shape):
        return None
    return array


def as_float_arrays(value, count):
    """``value`` as a list of ``count`` float arrays (e.g. one per layer), or None.

    :func:`plain` turns a list of equal-shaped arrays into one stacked array and a
    ragged one into a list; both are accepted.
    """
    if isinstance(value, np.ndarray) and value.ndim >= 2 and len(value) == count:
        return [np.asarray(part, dtype=float) for part in value]
    if isinstance(value, list) and len(value) == count:
        parts = [as_float_array(part) for part in value]
        return None if any(part is None for part in parts) else parts
    return None


def percentages(got, expected):
    """A wrong() verdict when ``got`` is ``expected`` (shares in [0, 1]) in percent, else None.

    Shared by every check whose answer is a share, an accuracy or a rate, so that the
    slip gets the same words everywhere.
    """
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape == expected.shape and np.any(expected) and np.allclose(got, 100 * expected):
        return wrong("these are percentages.",
                     "give shares between 0 and 1, as `model.score` and `np.mean` return "
                     "them: 0.95, not 95.")
    return None


def collect_array(answer):
    """Step 1 for a value that must be a numpy array: its numbers and whether it is one.

    :func:`plain` turns a list of numbers into an array, so the judge would not see
    that a list was given; later cells may rely on array methods (``.T``, ``.shape``).
    """
    return {"value": {"numbers": plain(answer), "type": type(answer).__name__,
                      "array": isinstance(answer, np.ndarray)}}


def not_an_array(value, name, shape):
    """A wrong() verdict when a :func:`collect_array` value is not a numpy array, else None."""
    if value["array"] is True:
        return None
    return wrong(f"`{name}` is a {value['type']}, not a numpy array.",
                 f"make it a numpy array of shape {shape}, e.g. with `np.array(...)` or "
                 f"`np.stack(...)` around your list: the next cells use array operations "
                 f"such as `.T` and `@` on it.")


def describe_shape(value):
    if isinstance(value, str) and value.startswith("<a ") and value.endswith(">"):
        return value[1:-1]  # what plain_or_name made of an object that is not numbers
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    return f"{type(value).__name__} {value!r}"
