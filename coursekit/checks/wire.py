"""The wire format between a graded kernel and the grader: plain data as JSON text.

What crosses the sandbox's wall is plain data only: None, bool, int, float,
str, lists, dicts and numeric arrays, which travel as ``.npy`` bytes in base64.
Nothing is ever unpickled, and an array's header is checked against its bytes
before numpy reads it, so text from a hostile kernel can neither run code nor
make the grader allocate more than it sent (docs/grading-security.md).
"""

import base64
import io
import json
import numbers
import sys

import numpy as np

from .bounds import WIRE_BOUNDS



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


def decode(text, bounds=WIRE_BOUNDS):
    """Inverse of :func:`encode`; never unpickles anything.

    Only arrays of numbers whose header matches their data are accepted, and
    nothing past ``bounds`` (:class:`coursekit.checks.bounds.Bounds`) is built:
    the text is measured before it is parsed, each array before it is decoded.

    Raises
    ------
    ValueError, TypeError
        For text that is not such data (:class:`coursekit.checks.bounds.TooLarge`,
        a ValueError, for text past ``bounds``).
    """
    bounds.check_text(text)
    return _from_json(json.loads(text), bounds.budget(), 0)


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


def _from_json(data, budget, depth):
    if isinstance(data, dict):
        budget.enter(depth + 1)
        if set(data) == {"__ndarray__"}:
            return _read_array(data["__ndarray__"], budget)
        return {k: _from_json(v, budget, depth + 1) for k, v in data.items()}
    if isinstance(data, list):
        budget.enter(depth + 1)
        return [_from_json(v, budget, depth + 1) for v in data]
    if isinstance(data, str):
        budget.spend(sys.getsizeof(data), "a string")
    return data


#: Longest .npy header accepted; real ones are about a hundred characters.
_MAX_ARRAY_HEADER = 10_000


def _read_array(text, budget):
    # The text may come from a learner's kernel: np.load would trust the header's
    # shape and allocate whatever it claims, so read the header first and accept
    # only numbers whose size matches the bytes that follow.
    if not isinstance(text, str):
        raise TypeError("an array must travel as base64 text")
    budget.spend(len(text) * 3 // 4, "an array")
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
