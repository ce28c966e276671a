"""How many BLAS and OpenMP threads the course's kernels use.

The course's matrices are small (at most a few thousand rows of 64 or 784 values), so
extra BLAS threads buy nothing and, on a laptop with two cores and a browser open, they
fight over the cores: notebook 05's fits took minutes instead of seconds with two
threads on a busy two-core machine. Importing :mod:`coursekit` therefore limits every
BLAS and OpenMP library of the process to :func:`blas_threads` threads (1 unless
``COURSEKIT_BLAS_THREADS`` says otherwise), with :mod:`threadpoolctl` for the libraries
already loaded and the usual environment variables for those loaded later.

The stored outputs do not depend on this choice: ``make test-portable`` re-runs every
solution with 2 and 3 threads and compares.
"""

import os
import sys

#: The variable that sets the thread count (a whole number, at least 1).
THREADS_VARIABLE = "COURSEKIT_BLAS_THREADS"

#: The variables that BLAS and OpenMP libraries read when they are loaded.
LIBRARY_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def blas_threads():
    """The thread count for the course's kernels: ``$COURSEKIT_BLAS_THREADS``, else 1.

    Raises
    ------
    ValueError
        If the variable is set to anything but a whole number of at least 1.
    """
    value = os.environ.get(THREADS_VARIABLE, "1").strip()
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{THREADS_VARIABLE} must be a whole number of at least 1; "
                         f"got {value!r}")
    return int(value)


def thread_environment():
    """The environment variables that give a new process :func:`blas_threads` threads."""
    count = str(blas_threads())
    return {THREADS_VARIABLE: count, **dict.fromkeys(LIBRARY_VARIABLES, count)}


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
