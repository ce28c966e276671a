"""The judges' shared references, computed ahead in a thread at a low priority.

Some judges compare every right answer with a reference of their own that no
answer changes: notebook 06's judges refit the final model, with and without
its scaler, two processor seconds (:func:`coursekit.judging.shared_references`).
Computed when the first answer needs them, they hold up that submission's
kernel, which waits for its verdict, and with ``--jobs 2`` they take a core from
the other kernel as well. Computed ahead, in a thread of their own at a lower
priority than the kernels (on Linux a thread's priority is its own), they take
the processor time the kernels leave: while the fork server imports, between
two submissions, while a kernel waits for the grader. A judge that needs one
still being computed waits for it (:func:`coursekit.judging.computed_once`);
its kernel, waiting too, leaves a core to that thread.
"""

import os
import sys
import threading

from .. import judging

#: How much lower the thread's priority is than the grader's (its nice value, added):
#: beside a kernel that keeps a core busy it gets about a tenth of that core.
NICENESS = 10

_started = set()  # the notebooks whose references a thread of this process computes
_lock = threading.Lock()


def compute_ahead(notebooks):
    """Start computing the shared references of ``notebooks`` in a thread of its own.

    A notebook whose references this process computes already is left out; with
    none left, no thread starts.

    Parameters
    ----------
    notebooks : iterable of str
        Notebook stems, in the order their references are wanted.

    Returns
    -------
    threading.Thread or None
        The thread started (a daemon: the process does not wait for it).
    """
    with _lock:
        todo = [n for n in dict.fromkeys(notebooks) if n and n not in _started]
        _started.update(todo)
    if not todo:
        return None
    thread = threading.Thread(target=_compute, args=(todo,), name="coursekit-references",
                              daemon=True)
    thread.start()
    return thread


def _compute(notebooks):
    _lower_priority()
    for notebook in notebooks:
        for compute in judging.shared_references(notebook):
            try:
                compute()
            except Exception:  # the judge that needs it computes it again, and says why
                continue


def _lower_priority():
    """Lower this thread's priority by :data:`NICENESS`, where it is a thread's own."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere the call would renice the whole grader, or another process
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       os.getpriority(os.PRIO_PROCESS, 0) + NICENESS)
    except OSError:
        pass  # left at the grader's priority: computed all the same
