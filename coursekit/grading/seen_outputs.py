"""What a submission's cells showed the grader: their outputs as plain data, bounded.

The learner's feedback shows each cell's outputs as the grader saw them
(:mod:`.feedback`). Everything here came from the learner's kernel, so every
item is cut to a size, a cell keeps a few items, a notebook a bounded total,
and an image is kept only when it is a PNG (decoded and encoded again: nothing
but base64 reaches a page).

An output is ``(kind, text)``; a cell's, in the grade, ``(cell number, kind, text)``.
Kinds: ``stream`` (what it printed), ``text`` (a result or display as text),
``image`` (a PNG, base64), ``error`` (an exception and its traceback), and
``omitted`` (what is not shown, and why).
"""

import base64
import binascii
import re

from ..checks.quoting import shorten

#: Characters of one output's text kept.
TEXT_CHARS = 4_000
#: Outputs kept of one cell (a loop that prints a line each turn makes one output).
CELL_OUTPUTS = 12
#: Characters of base64 of one image kept (larger images are named, not shown).
IMAGE_CHARS = 400_000
#: Characters of text, and of images, kept of one notebook (a grade's details, images
#: included, stay under what the report reads: coursekit.grading.report.DETAIL_FILE_BYTES).
NOTEBOOK_TEXT = 200_000
NOTEBOOK_IMAGES = 2_000_000
KINDS = ("stream", "text", "image", "error", "omitted")

_PNG = b"\x89PNG\r\n\x1a\n"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def png(text):
    """``text`` (base64 from a kernel) as canonical base64 of a PNG, or None.

    Examples
    --------
    >>> png(base64.b64encode(_PNG + b"rest").decode()) is not None
    True
    >>> png('" onerror="alert(1)') is None
    True
    """
    if not isinstance(text, str) or len(text) > IMAGE_CHARS:
        return None
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return base64.b64encode(data).decode("ascii") if data.startswith(_PNG) else None


def _text(value):
    if isinstance(value, list):  # nbformat splits text into lines
        value = "".join(part for part in value if isinstance(part, str))
    return shorten(_ANSI.sub("", value), TEXT_CHARS) if isinstance(value, str) else ""


def from_message(msg_type, content):
    """One kernel output message as ``(kind, text)``, or None when it shows nothing.

    ``content`` is ``{}`` when the grader did not parse it (too large: see
    :mod:`.kernel_messages`).

    Examples
    --------
    >>> from_message("stream", {"name": "stdout", "text": "\\x1b[31mhi\\n"})
    ('stream', 'hi\\n')
    >>> from_message("error", {"ename": "NameError", "evalue": "x", "traceback": []})
    ('error', 'NameError: x')
    """
    if not content:
        return "omitted", "an output too large for the grader to read"
    if msg_type == "stream":
        return "stream", _text(content.get("text"))
    if msg_type == "error":
        trace = content.get("traceback")
        if isinstance(trace, list) and any(isinstance(part, str) for part in trace):
            # IPython's traceback ends with the exception's type and message.
            return "error", _text("\n".join(part for part in trace[:200]
                                             if isinstance(part, str)))
        return "error", f"{_text(content.get('ename'))}: {_text(content.get('evalue'))}"
    data = content.get("data") if msg_type in ("display_data", "execute_result") else None
    if not isinstance(data, dict):
        return None
    if "image/png" in data:
        image = png(data["image/png"])
        if image is not None:
            return "image", image
        return "omitted", "an image that is not a PNG, or too large to show"
    if "text/plain" in data:
        return "text", _text(data["text/plain"])
    return None


class CellOutputs:
    """The outputs of one cell as they arrive: streams merged, at most :data:`CELL_OUTPUTS`."""

    def __init__(self):
        self.items = []
        self.dropped = 0

    def add(self, msg_type, content):
        """Keep one output message (``content`` as parsed, ``{}`` when it was not)."""
        item = from_message(msg_type, content if isinstance(content, dict) else {})
        if item is None:
            return
        if item[0] == "stream" and self.items and self.items[-1][0] == "stream":
            self.items[-1] = ("stream", shorten(self.items[-1][1] + item[1], TEXT_CHARS))
        elif len(self.items) < CELL_OUTPUTS:
            self.items.append(item)
        else:
            self.dropped += 1

    def clear(self):
        """``clear_output``: what was shown before is gone from the page too."""
        self.items, self.dropped = [], 0

    def outputs(self):
        """The cell's outputs, with a note of those not kept."""
        note = [("omitted", f"{self.dropped} more outputs not kept")] if self.dropped else []
        return list(self.items) + note


class NotebookOutputs:
    """A notebook's cells' outputs, within :data:`NOTEBOOK_TEXT` and :data:`NOTEBOOK_IMAGES`."""

    def __init__(self):
        self.items = []
        self.text_left, self.images_left = NOTEBOOK_TEXT, NOTEBOOK_IMAGES

    def add(self, number, outputs):
        """Keep cell ``number``'s ``outputs`` (``(kind, text)`` pairs) as far as they fit."""
        for kind, text in outputs:
            if kind not in KINDS or not isinstance(text, str):
                continue
            if kind == "image":
                text = png(text)
                if text is None or len(text) > self.images_left:
                    kind, text = "omitted", "an image past what the feedback shows"
                else:
                    self.images_left -= len(text)
            else:
                text = shorten(text, min(TEXT_CHARS, max(self.text_left, 60)))
                if self.text_left <= 0:
                    kind, text = "omitted", "output past what the feedback shows"
                self.text_left -= len(text)
            self.items.append((int(number), kind, text))

    def outputs(self):
        return tuple(self.items)


def checked(data):
    """Outputs sent as plain data (a cluster's worker), kept within the same bounds.

    Raises
    ------
    ValueError
        If ``data`` is not a list of ``[number, kind, text]``.

    Examples
    --------
    >>> checked([[3, "stream", "hi"]])
    ((3, 'stream', 'hi'),)
    """
    seen = NotebookOutputs()
    if not isinstance(data, list):
        raise ValueError("a worker sent outputs that are not a list")
    for item in data:
        if (not isinstance(item, list) or len(item) != 3 or type(item[0]) is not int
                or item[1] not in KINDS or not isinstance(item[2], str)):
            raise ValueError("a worker sent a malformed output")
        seen.add(item[0], [(item[1], item[2])])
    return seen.outputs()
