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
    assert _thread_counts(COURSEKIT_BLAS_THREADS="2") == [2]


@pytest.mark.parametrize("value", ["0", "two", "-1", "1.5"])
def test_a_bad_count_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(threads.THREADS_VARIABLE, value)
    with pytest.raises(ValueError, match="COURSEKIT_BLAS_THREADS must be a whole number"):
        threads.blas_threads()


def test_kernels_get_the_same_count_in_every_library_variable(monkeypatch):
    monkeypatch.setenv(threads.THREADS_VARIABLE, "3")
    assert threads.thread_environment() == {
        "COURSEKIT_BLAS_THREADS": "3", "OPENBLAS_NUM_THREADS": "3",
        "OMP_NUM_THREADS": "3", "MKL_NUM_THREADS": "3"}
