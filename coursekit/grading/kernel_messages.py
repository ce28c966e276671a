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
  a reply past them stops the kernel (the grader cannot go on without it);
- a message's memory goes back to the system once it is dropped
  (:func:`return_freed_messages`), not kept by the allocator for later.
"""

import ctypes
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
#: A block of memory this large or larger gets a mapping of its own, unmapped when it is
#: freed, and a heap gives back a free top this large: glibc's defaults of
#: ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD``, fixed (:func:`return_freed_messages`).
OWN_MAPPING_BYTES = 128 * 2**10
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameters (glibc's malloc.h)


def return_freed_messages():
    """Have every block of :data:`OWN_MAPPING_BYTES` or more mapped apart (glibc).

    Each frame of a message is a block of its size: libzmq's, in the thread of
    the kernel's zmq context, then pyzmq's copy. By default glibc raises its
    thresholds to the size of the largest mapped block freed so far (up to
    32 MiB, and twice that for the heap's top), so after the first large frame
    the next ones come from the heap of whichever thread received them, and
    freed they stay resident there, each heap (up to eight per core) at its own
    high-water mark. Fixed, a frame's memory goes back to the system when the
    frame is dropped. Called before any kernel starts
    (:func:`coursekit.grading.runner.preload`).

    Returns whether the allocator took the setting (it does nothing elsewhere).
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (macOS)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return all([mallopt(_M_MMAP_THRESHOLD, OWN_MAPPING_BYTES),
                mallopt(_M_TRIM_THRESHOLD, OWN_MAPPING_BYTES)])


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
