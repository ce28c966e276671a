"""copydetect's fingerprints of a student's code, and the code two students share.

A fingerprint is the hash of ``k`` consecutive characters of the code as
copydetect normalises it: Pygments tokens with every variable, attribute and
function name replaced by ``V`` or ``F``, strings by ``S``, and comments and
white space dropped. ``x = 1 / (1 + np.exp(-x))  # sigmoid`` becomes
``V=1/(1+V.V(-V))``. Every k-gram is kept (a winnowing window of 1): the
hashes copydetect draws from Python's ``hash`` differ from run to run, and a
wider window would choose different k-grams each run, so the scores would too.
"""

import io
from dataclasses import dataclass

import numpy as np

#: Characters of normalised code in one fingerprint (copydetect's noise
#: threshold; its default, 25, is for whole programs). A line of normalised code
#: is 10 to 30 characters; a copier's swapped statements and changed literals
#: break every k-gram across them, so shorter k-grams survive more of a copy,
#: and the class baseline (:mod:`.scoring`) discounts the short ones everyone
#: writes. On the generated class, k from 8 to 20 was tried: the separation
#: of copies from independent pairs was best at 8 to 10 and worst at 20.
K = 10


@dataclass(frozen=True)
class Fingerprints:
    """The fingerprints of one student's code.

    Attributes
    ----------
    code : str
        The code as the student wrote it.
    hashes : numpy.ndarray
        The distinct fingerprints (int64), sorted.
    detail : copydetect.CodeFingerprint
        copydetect's own record, for :func:`shared_slices`.
    """

    code: str
    hashes: np.ndarray
    detail: object


def fingerprint(code, k=K):
    """The fingerprints of ``code`` (Python source).

    Parameters
    ----------
    code : str
    k : int, default=K
        Characters of normalised code in one fingerprint.

    Returns
    -------
    Fingerprints

    Examples
    --------
    >>> a = fingerprint("def f(x):\\n    return 1 / (1 + np.exp(-x))")
    >>> b = fingerprint("def g(z):  # renamed\\n    return 1/(1+np.exp(-z))")
    >>> bool(np.array_equal(a.hashes, b.hashes))
    True
    """
    try:
        from copydetect import CodeFingerprint  # imports matplotlib: only when needed
    except ImportError:  # an optional extra: the course's own install has no copydetect
        raise ImportError("comparing code needs the package copydetect, the course's "
                          "`similarity` extra: pip install -e '.[similarity]' (make test "
                          "installs it)") from None

    detail = CodeFingerprint("answer.py", k, 1, language="python", fp=io.StringIO(code))
    hashes = np.array(sorted(int(value) for value in detail.hashes), dtype=np.int64)
    return Fingerprints(code, hashes, detail)


def shared_slices(first, second):
    """Where ``first`` and ``second`` share code: character ranges in each.

    Parameters
    ----------
    first, second : Fingerprints

    Returns
    -------
    tuple of two lists of (int, int)
        For each code, the ``(start, end)`` ranges of its text that match the
        other's, sorted and not overlapping.

    Examples
    --------
    >>> a = fingerprint("total = 0\\nfor value in values:\\n    total += value * value")
    >>> b = fingerprint("s = 0\\nfor v in vs:\\n    s += v * v\\nprint(s)")
    >>> ranges_a, ranges_b = shared_slices(a, b)
    >>> [a.code[start:end] for start, end in ranges_a]
    ['total = 0\\nfor value in values:\\n    total += value * value']
    """
    from copydetect import compare_files

    _, _, (slices_first, slices_second) = compare_files(first.detail, second.detail)
    return _ranges(slices_first, first.code), _ranges(slices_second, second.code)


def _ranges(slices, code):
    """copydetect's 2 x n array of slice starts and ends, as merged ranges of ``code``."""
    slices = np.asarray(slices)
    if slices.ndim != 2 or slices.shape[1] == 0:
        return []
    ranges = []
    for start, end in sorted(zip(slices[0].tolist(), slices[1].tolist())):
        start, end = max(0, int(start)), min(len(code), int(end))
        if ranges and start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
        elif start < end:
            ranges.append((start, end))
    return ranges
