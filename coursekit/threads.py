"""How many BLAS and OpenMP threads the course's kernels use.

Importing :mod:`coursekit` limits every BLAS and OpenMP library of the process to
:func:`blas_threads` threads (1 unless ``COURSEKIT_BLAS_THREADS`` says otherwise, and
never more than the process has processors), with :mod:`threadpoolctl` for the libraries
already loaded and the usual environment variables for those loaded later. Why, and what
more threads cost, is in CONTRIBUTING.md ("Threads") and benchmarks/README.md.
"""

import os
import sys

#: The variable that sets the thread count (a whole number, at least 1).
THREADS_VARIABLE = "COURSEKIT_BLAS_THREADS"

#: The variables that BLAS and OpenMP libraries read when they are loaded.
LIBRARY_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def available_processors():
    """How many processors this process may run on (its CPU affinity, else all)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def blas_threads():
    """The thread count for the course's kernels: ``$COURSEKIT_BLAS_THREADS``, else 1.

    A count above :func:`available_processors` is cut to it.

    Raises
    ------
    ValueError
        If the variable is set to anything but a whole number of at least 1.
    """
    value = os.environ.get(THREADS_VARIABLE, "1").strip()
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{THREADS_VARIABLE} must be a whole number of at least 1; "
                         f"got {value!r}")
    return min(int(value), available_processors())


def thread_environment():
    """The environment variables that give a new process :func:`blas_threads` threads."""
    count = str(blas_threads())
    return {THREADS_VARIABLE: count, **dict.fromkeys(LIBRARY_VARIABLES, count)}


def kernel_environment():
    """The current environment with :func:`thread_environment` laid over it.

    The environment of every kernel that stores or checks outputs: ``coursekit
    execute``, nbval's kernels (the root ``conftest.py``), the grader's and the
    benchmarks'.
    """
    return {**os.environ, **thread_environment()}


def limit_threads():
    """Limit this process's BLAS and OpenMP libraries to :func:`blas_threads` threads.

    Libraries loaded later read the environment variables set here; those already
    loaded (numpy imported before coursekit, as in most notebooks) are limited through
    :mod:`threadpoolctl`. Returns the thread count.
    """
    os.environ.update(thread_environment())
    count = blas_threads()
    if any(name in sys.modules for name in ("numpy", "scipy", "sklearn")):
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=count)
    return count
