"""How the grader reads a kernel's messages: bounded, and what it does not need left unparsed.

Every message a submission's kernel sends is parsed in the grader's process
before anyone looks at it. A print costs the grader only its bytes, but a
display output can be a JSON document (``{"application/json": [[]] * 10**7}``)
that costs a gigabyte once parsed. So:

- the socket refuses a message past :data:`MAX_MESSAGE_BYTES` (zmq's
  ``MAXMSGSIZE``: the kernel is disconnected) and queues at most
  :data:`RECEIVE_QUEUE` of them (:class:`coursekit.grading.kernel.KernelSession`);
- every part is measured before it is parsed (:class:`coursekit.checks.bounds.Bounds`);
- the content of output the grader does not need (prints, displays, results,
  errors: everything but the shim's answers), once past :data:`UNPARSED_OUTPUT_BYTES`,
  is dropped as bytes, never parsed; output past the bounds is dropped too, and
  a reply past them stops the kernel (the grader cannot go on without it).
"""

import json

from jupyter_client.session import Session

from ..checks import shim
from ..checks.bounds import MESSAGE_BYTES, WIRE_BOUNDS, Bounds, TooLarge

#: The largest answer text the grader reads (the shim's display output).
MAX_ANSWER_CHARS = WIRE_BOUNDS.chars
#: The largest message the socket takes: an answer escaped inside its envelope.
MAX_MESSAGE_BYTES = MESSAGE_BYTES
#: Messages queued per channel before zmq drops the next (the grader's memory:
#: at most this many times :data:`MAX_MESSAGE_BYTES` per channel).
RECEIVE_QUEUE = 4
#: Output content past this size is dropped unparsed unless it carries an answer.
UNPARSED_OUTPUT_BYTES = 64 * 2**10
#: A figure (a PNG: one base64 string, cheap to parse) is read up to this size, for the
#: learner's feedback (:mod:`coursekit.grading.seen_outputs`).
IMAGE_OUTPUT_BYTES = 512 * 2**10
#: What one part of a message (header, metadata, content) may decode to.
PART_BOUNDS = Bounds(chars=MAX_MESSAGE_BYTES, values=100_000, depth=64,
                     decoded_bytes=4 * MAX_MESSAGE_BYTES)
#: Output message types the grader reads nothing from but the shim's answers.
_OUTPUTS = frozenset({"stream", "display_data", "update_display_data", "execute_result",
                      "error", "execute_input", "clear_output"})
_ANSWER_KEY = json.dumps(shim.ANSWER_MIME).encode()
_IMAGE_KEY = b'"image/png"'


def bounded_unpack(data):
    """Parse one JSON part of a message, refusing one past :data:`PART_BOUNDS` unparsed.

    Raises
    ------
    coursekit.checks.bounds.TooLarge
        If the part may hold more than the bounds allow.

    Examples
    --------
    >>> bounded_unpack(b'{"a": 1}')
    {'a': 1}
    """
    PART_BOUNDS.check_text(data)
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data).decode("utf-8", "replace")
    return json.loads(data)


def needed(msg_type, content):
    """Whether the grader parses a message's ``content`` (bytes) at all.

    Examples
    --------
    >>> needed("stream", b'{"name": "stdout", "text": "' + b"x" * 2**20 + b'"}')
    False
    >>> needed("execute_reply", b'{"status": "ok"}')
    True
    """
    if msg_type not in _OUTPUTS or len(content) <= UNPARSED_OUTPUT_BYTES:
        return True
    if msg_type == "display_data" and _ANSWER_KEY in content:
        return True
    return (msg_type in ("display_data", "execute_result") and _IMAGE_KEY in content
            and len(content) <= IMAGE_OUTPUT_BYTES)


class BoundedSession(Session):
    """A jupyter_client Session that parses only what the grader needs, within bounds."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.unpack = bounded_unpack

    def deserialize(self, msg_list, content=True, copy=True):
        """Session.deserialize, with output content the grader does not need left unread."""
        message = super().deserialize(msg_list, content=False, copy=copy)
        raw = message["content"]
        raw = raw if isinstance(raw, bytes) else bytes(raw)
        if not content:
            return message
        message["content"] = {}
        if needed(message["msg_type"], raw):
            try:
                message["content"] = bounded_unpack(raw)
            except TooLarge:
                if message["msg_type"] not in _OUTPUTS:
                    raise  # a reply the grader cannot do without: the kernel misbehaves
        return message
