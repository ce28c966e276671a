"""Importing coursekit limits the BLAS and OpenMP threads of the process."""

import json
import os
import subprocess
import sys

import pytest

from coursekit import threads

PROBE = """
import json, numpy, sklearn.linear_model, threadpoolctl
import coursekit
print(json.dumps(sorted({pool["num_threads"] for pool in threadpoolctl.threadpool_info()})))
"""


def _thread_counts(**variables):
    env = {key: value for key, value in os.environ.items()
           if key not in threads.LIBRARY_VARIABLES and key != threads.THREADS_VARIABLE}
    env.update(variables)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_importing_coursekit_after_numpy_leaves_one_thread_per_library():
    assert _thread_counts() == [1]


def test_the_variable_sets_another_count():
    assert _thread_counts(COURSEKIT_BLAS_THREADS="2") == [min(2, threads.available_processors())]


def test_no_more_threads_than_processors_in_a_kernel():
    processors = threads.available_processors()
    assert _thread_counts(COURSEKIT_BLAS_THREADS=str(processors + 1)) == [processors]


@pytest.mark.parametrize(("asked", "processors", "given"), [(3, 2, 2), (3, 4, 3), (1, 1, 1)])
def test_the_count_is_cut_to_the_processors(monkeypatch, asked, processors, given):
    monkeypatch.setenv(threads.THREADS_VARIABLE, str(asked))
    monkeypatch.setattr(threads, "available_processors", lambda: processors)
    assert threads.blas_threads() == given


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_count_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(threads.THREADS_VARIABLE, value)
    with pytest.raises(ValueError, match="COURSEKIT_BLAS_THREADS must be a whole number"):
        threads.blas_threads()


def test_kernels_get_the_same_count_in_every_library_variable(monkeypatch):
    monkeypatch.setenv(threads.THREADS_VARIABLE, "3")
    monkeypatch.setattr(threads, "available_processors", lambda: 4)
    assert threads.thread_environment() == {
        "COURSEKIT_BLAS_THREADS": "3", "OPENBLAS_NUM_THREADS": "3",
        "OMP_NUM_THREADS": "3", "MKL_NUM_THREADS": "3"}
