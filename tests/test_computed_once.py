"""coursekit.judging.computed_once: a reference model computed once, however many judges
ask for it at the same moment (--jobs 2 judges two submissions at once)."""

import threading
import time

import pytest

from coursekit.judging.computed_once import computed_once


def _at_once(function, *arguments):
    """Call ``function`` with each argument, each in a thread of its own, all at once."""
    results, ready = {}, threading.Barrier(len(arguments))

    def call(index, argument):
        ready.wait()
        results[index] = function(argument)

    threads = [threading.Thread(target=call, args=(index, argument))
               for index, argument in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[index] for index in range(len(arguments))]


def test_callers_of_one_key_at_once_wait_for_one_computation():
    calls = []

    @computed_once(maxsize=4)
    def refit(x):
        calls.append(x)
        time.sleep(0.3)
        return x * 10

    assert _at_once(refit, 1, 1, 1, 1) == [10, 10, 10, 10]
    assert calls == [1]
    assert refit(1) == 10 and calls == [1]  # cached after


def test_callers_of_other_keys_compute_side_by_side():
    @computed_once(maxsize=4)
    def refit(x):
        time.sleep(0.5)
        return -x

    start = time.monotonic()
    assert _at_once(refit, 1, 2, 3) == [-1, -2, -3]
    assert time.monotonic() - start < 1.4  # not one after another (1.5 s)


def test_a_failed_computation_is_not_kept_and_the_next_caller_tries_again():
    attempts = []

    @computed_once(maxsize=1)
    def refit(x):
        attempts.append(x)
        if len(attempts) == 1:
            raise RuntimeError("did not converge")
        return x

    with pytest.raises(RuntimeError, match="did not converge"):
        refit(5)
    assert refit(5) == 5 and attempts == [5, 5]
    refit.cache_clear()
    assert refit(5) == 5 and attempts == [5, 5, 5]


def test_the_judges_caches_are_computed_once():
    # Every cache of the judges is one (a plain lru_cache lets two threads refit alike).
    from pathlib import Path

    import coursekit.judging

    sources = Path(coursekit.judging.__file__).parent.rglob("*.py")
    assert not [path.name for path in sources if "lru_cache" in path.read_text()
                and path.name != "computed_once.py"]
