"""A cache for what the judges compute once per grading process, computed once by one thread.

Judges refit reference models (notebook 06's searches, 05's RBMs, ...) and keep
them: the first submission of a notebook pays for them, the others reuse them.
With ``--jobs 2`` and more, two submissions of one notebook are often judged at
the same moment, each in a thread of the grader, and :func:`functools.lru_cache`
lets both compute the same model: seconds of a processor spent twice, while the
kernels wait. :func:`computed_once` makes the second caller wait for the first.
"""

import functools
import threading


def computed_once(maxsize):
    """:func:`functools.lru_cache` of ``maxsize``, whose callers of one key while it is
    being computed wait for that computation rather than repeat it.

    Examples
    --------
    >>> calls = []
    >>> @computed_once(maxsize=2)
    ... def square(x):
    ...     calls.append(x)
    ...     return x * x
    >>> square(3), square(3), calls
    (9, 9, [3])
    """
    def decorate(function):
        cached = functools.lru_cache(maxsize=maxsize)(function)
        computing, guard = {}, threading.Lock()

        @functools.wraps(function)
        def once(*args, **kwargs):
            key = (args, tuple(sorted(kwargs.items())))
            with guard:
                lock = computing.setdefault(key, threading.Lock())
            try:
                with lock:  # a caller of the same key computing it: wait, then find it cached
                    return cached(*args, **kwargs)
            finally:
                with guard:
                    if computing.get(key) is lock and not lock.locked():
                        del computing[key]

        once.cache_clear, once.cache_info = cached.cache_clear, cached.cache_info
        return once

    return decorate
