"""What every benchmark shares: side-by-side timing and the result entry format."""

import time


def entry(name, value, target, unit, met):
    """One line of ``results.json``."""
    return {"name": name, "value": value, "target": target, "unit": unit, "met": bool(met)}


def best_times(functions, repeat=5, number=None):
    """Best wall time of each function, run in turns so that machine noise hits all alike.

    Parameters
    ----------
    functions : dict of str to callable
    repeat : int
        Rounds; in each round every function runs, in the order given.
    number : dict of str to int, optional
        Calls per round of each function (default 1); a fast function needs many
        calls per round to be timed above the clock's noise.

    Returns
    -------
    dict of str to float
        Seconds per call, from the fastest round of each.
    """
    number = number or {}
    best = {name: float("inf") for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            calls = number.get(name, 1)
            start = time.perf_counter()
            for _ in range(calls):
                function()
            best[name] = min(best[name], (time.perf_counter() - start) / calls)
    return best
