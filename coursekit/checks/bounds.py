"""Bounds on what a text from a kernel may decode to, checked before it is built.

The grader reads answers that a learner's kernel wrote. Their length says
little about their cost once decoded: ``[[], [], ...]`` takes four characters
per element and some seventy bytes per element once parsed (60 MB of text, a
gigabyte of lists), and a base64 array is allocated at the size its text
implies. So a text is measured before it is parsed: its length, an upper bound
on the JSON values it can hold (counted in C, with :meth:`str.count`), and,
while the parsed data is walked, its nesting and the bytes of its strings and
arrays, each array's size known from its text before it is decoded.

Plain: this module is imported by a learner's kernel as well as the grader.
"""

import re
from dataclasses import dataclass

#: Bytes a parsed JSON value may cost at most, its slot in its container included
#: (an empty dict is 64 bytes, a float 24, a list slot 8); an upper estimate.
VALUE_BYTES = 100
# Every JSON value but the first follows one of these: a container's opening, an
# item separator, or a key's colon. Characters inside strings only add to the count.
_BEFORE_A_VALUE = (",", ":", "[", "{")
# A JSON string once its escaped backslashes and quotes are gone: no quote inside.
_STRING = re.compile('"[^"]*"')
_BYTES_STRING = re.compile(b'"[^"]*"')


class TooLarge(ValueError):
    """A text whose decoded form would pass its :class:`Bounds`."""


@dataclass(frozen=True)
class Bounds:
    """What one decoded text may hold.

    Attributes
    ----------
    chars : int
        Characters (or bytes) of the text.
    values : int
        JSON values (numbers, strings, lists, objects and keys) in it.
    depth : int
        Nesting of lists and objects.
    decoded_bytes : int
        Bytes of its strings and arrays once decoded.

    Examples
    --------
    >>> bounds = Bounds(chars=100, values=10, depth=4, decoded_bytes=1000)
    >>> bounds.check_text("[1, 2, 3]")
    4
    >>> bounds.check_text("[[], [], [], [], [], [], [], [], [], [], []]")
    Traceback (most recent call last):
    ...
    coursekit.checks.bounds.TooLarge: the text holds up to 23 values, more than 10
    """

    chars: int
    values: int
    depth: int
    decoded_bytes: int

    def check_text(self, text):
        """Check ``text`` (str or bytes) before parsing; return its bound on values.

        Raises
        ------
        TooLarge
            If it is longer than :attr:`chars` or may hold more than :attr:`values`.
        """
        if len(text) > self.chars:
            raise TooLarge(f"the text is {len(text):,} characters long, more than "
                           f"{self.chars:,}")
        values = value_bound(text)
        if values > self.values:  # perhaps only inside strings: count outside them
            values = value_bound(text, outside_strings=True)
        if values > self.values:
            raise TooLarge(f"the text holds up to {values:,} values, more than {self.values:,}")
        return values

    def budget(self):
        """A fresh :class:`Budget` for walking one text's parsed data."""
        return Budget(self)


def value_bound(text, outside_strings=False):
    r"""An upper bound on the JSON values in ``text`` (str or bytes), found without parsing.

    Counted in C (:meth:`str.count`); with ``outside_strings``, the strings'
    contents are taken out first (a few copies of the text, no parsing), so a
    long string of commas counts as one value.

    Examples
    --------
    >>> value_bound('{"a": [1, 2]}')
    5
    >>> value_bound(b"[]")
    2
    >>> value_bound('["a, b, \\", c", 1]'), value_bound('["a, b, \\", c", 1]', True)
    (6, 3)
    """
    if outside_strings:
        if isinstance(text, str):
            text = _STRING.sub('""', text.replace("\\\\", "").replace('\\"', ""))
        else:
            text = _BYTES_STRING.sub(b'""', bytes(text).replace(b"\\\\", b"")
                                     .replace(b'\\"', b""))
    if isinstance(text, str):
        return 1 + sum(text.count(mark) for mark in _BEFORE_A_VALUE)
    return 1 + sum(text.count(mark.encode()) for mark in _BEFORE_A_VALUE)


class Budget:
    """What is left of a :class:`Bounds` while one text's data is walked.

    Examples
    --------
    >>> budget = Bounds(chars=10, values=10, depth=2, decoded_bytes=8).budget()
    >>> budget.spend(6, "a string")
    >>> budget.spend(6, "an array")
    Traceback (most recent call last):
    ...
    coursekit.checks.bounds.TooLarge: an array takes the answer past 8 bytes once decoded
    """

    def __init__(self, bounds):
        self.bounds = bounds
        self.left = bounds.decoded_bytes

    def spend(self, nbytes, what):
        """Count ``nbytes`` more decoded bytes (of ``what``), before allocating them."""
        self.left -= nbytes
        if self.left < 0:
            raise TooLarge(f"{what} takes the answer past {self.bounds.decoded_bytes:,} "
                           f"bytes once decoded")

    def enter(self, depth):
        """Check that a container at nesting ``depth`` is allowed."""
        if depth > self.bounds.depth:
            raise TooLarge(f"the answer is nested more than {self.bounds.depth} levels deep")


#: What an answer (or a list of cases) may decode to: far above any answer of the
#: course (the largest, notebook 06's pipeline cases, is about 2.3 MB of text with
#: a few hundred values), far below what would strain the grader.
WIRE_BOUNDS = Bounds(chars=8 * 2**20, values=250_000, depth=64, decoded_bytes=32 * 2**20)

#: The largest message a graded kernel may send the grader: an answer of
#: :data:`WIRE_BOUNDS` escaped inside its envelope. Past it the grader's socket drops
#: the connection; the kernel's shim sends a note in place of a larger output.
MESSAGE_BYTES = 2 * WIRE_BOUNDS.chars + 2**20
