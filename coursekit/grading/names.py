"""File names as the grader stores and shows them: any bytes, one safe line of text.

A Linux file name is any bytes but ``/`` and NUL; a zip or tar file can make
one that is not UTF-8 (``b"\\xff01_random_baseline.ipynb"``), one with a line
break, or one with a right-to-left override that shows its end first. Python
reads such bytes as lone surrogates, which no UTF-8 file (grades.csv, the
feedback, the report) can hold. Every name the grader stores or shows goes
through :func:`safe_name`: printable text stays as it is, anything else is
written as an escape, and a backslash is doubled so that no two names read
the same. The file itself is always opened through its real path.
"""

import unicodedata

# Unicode categories shown as escapes: control and format characters (line
# breaks, bidirectional overrides, zero-width marks), line and paragraph
# separators, unassigned and private-use code points.
_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cn", "Co"})


def _escape(character):
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if character == "\\":
        return "\\\\"
    if unicodedata.category(character) in _ESCAPED or 0xD800 <= code <= 0xDFFF:
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 \
            else f"\\U{code:08x}"
    return character


def safe_name(text):
    """``text`` (a path as Python reads it from the OS) as one line of valid UTF-8.

    Distinct names stay distinct, and a name that needs no escape is unchanged.

    Examples
    --------
    >>> import os
    >>> safe_name(os.fsdecode(b"\\xff01_random_baseline.ipynb"))
    '\\\\xff01_random_baseline.ipynb'
    >>> safe_name("class/a\\nb.ipynb")
    'class/a\\\\x0ab.ipynb'
    >>> safe_name("élève/01_random_baseline.ipynb")
    'élève/01_random_baseline.ipynb'
    """
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(_escape(character) for character in text)
