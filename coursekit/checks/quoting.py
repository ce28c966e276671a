"""Bounded text: a learner's value quoted in a verdict, cut with its full size stated.

A verdict that quotes an answer verbatim is as large as the answer: a 60 MB
string answer made 150 MB of feedback per submission. Every quote of a
learner's value goes through :func:`quote`, and every verdict through
:func:`shorten` (:class:`coursekit.checks.results.Result` does it itself).

Plain: imported by a learner's kernel as well as the grader.
"""

import reprlib

#: Characters of a learner's value quoted in a verdict.
QUOTE_CHARS = 200
#: Characters of a verdict's message (and of its hint) kept, whatever it quotes.
MESSAGE_CHARS = 4000


def shorten(text, limit):
    """``text`` cut to at most ``limit`` characters, saying how long it was when cut.

    Examples
    --------
    >>> shorten("short", 10)
    'short'
    >>> shorten("x" * 100, 40)
    'xxxxxxxxxx… (cut: 100 characters in all)'
    """
    if len(text) > limit:
        note = f"… (cut: {len(text):,} characters in all)"
        text = text[: max(0, limit - len(note))] + note
    return encodable(text)


def encodable(text):
    """``text`` with any lone surrogate (JSON's ``"\\udcff"``) written as an escape, so
    that it can be written as UTF-8.

    Examples
    --------
    >>> encodable("caf\\udce9")
    'caf\\\\udce9'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _quoter(limit):
    quoter = reprlib.Repr()
    # reprlib cuts strings, numbers and other objects to these many characters,
    # and containers to their first few items, without building the whole repr.
    quoter.maxstring = quoter.maxlong = quoter.maxother = limit
    quoter.maxlist = quoter.maxtuple = quoter.maxdict = quoter.maxset = 8
    quoter.maxlevel = 3
    return quoter


_QUOTER = _quoter(QUOTE_CHARS)


def quote(value):
    """``repr(value)``, at most about :data:`QUOTE_CHARS` characters, with its size when cut.

    Examples
    --------
    >>> quote("abc")
    "'abc'"
    >>> quote("y" * 10_000)[-36:]
    "yyyyy'… (a str of 10,000 characters)"
    """
    text = _QUOTER.repr(value)
    size = len(value) if isinstance(value, (str, bytes)) else None
    if size is not None and size > QUOTE_CHARS:
        return f"{text}… (a {type(value).__name__} of {size:,} characters)"
    return text
