"""The order a batch is graded in: the longest notebooks first, so that no core idles at the end.

With ``jobs`` submissions graded at a time, a long notebook started last keeps
one core busy while the others have nothing left to do. Started first, it runs
beside the short ones, which fill the other cores until the end (longest
processing time first, the classic rule for parallel machines). The order
changes nothing else: each submission is graded in a kernel of its own with
its attempt's seed, whatever runs beside it.
"""

#: Processor seconds the kernel spends on each course notebook's solution once
#: started (its cells and the grader's collection), rounded up;
#: ``python benchmarks/grading_profile.py`` measures them. Only their order matters.
EXPECTED_SECONDS = {
    "01_random_baseline": 1,
    "02_average_image": 1,
    "03_mlp_from_scratch": 2,
    "04_mlp_scikit_learn": 3,
    "05_rbm_features": 20,
    "06_logistic_grid_search": 12,
    "07_weight_visualization": 4,
}


def expected_seconds(notebook):
    """What grading a submission of ``notebook`` is expected to take, for its place in line.

    A notebook of the course not listed in :data:`EXPECTED_SECONDS` (a new one)
    counts as the longest, so that it is never the one left running alone at
    the end; a submission of no known notebook (refused before any kernel
    starts) as nothing.

    Examples
    --------
    >>> expected_seconds("05_rbm_features") > expected_seconds("01_random_baseline")
    True
    >>> expected_seconds("")
    0
    """
    if not notebook:
        return 0
    return EXPECTED_SECONDS.get(notebook, max(EXPECTED_SECONDS.values()))


def longest_first(submissions):
    """``submissions`` in the order to grade them: longest expected first, else as given.

    A submission of no known notebook comes before all: it starts no kernel, and
    its row (refused, with the reason) is in the grades at once, even if the
    batch is interrupted.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> found = [S(notebook="01_random_baseline"), S(notebook="05_rbm_features"),
    ...          S(notebook="")]
    >>> [s.notebook for s in longest_first(found)]
    ['', '05_rbm_features', '01_random_baseline']
    """
    return sorted(submissions, key=lambda s: (bool(s.notebook), -expected_seconds(s.notebook)))
