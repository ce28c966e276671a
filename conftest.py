"""Root pytest configuration: it also governs the kernels nbval starts for solutions/."""

import os

from coursekit.threads import thread_environment

# nbval's kernels inherit this process's environment; give them the same settings
# as `coursekit execute`, which stored the outputs they are compared with.
os.environ.update(thread_environment())


#: The files that take longest (minutes each: real nbgrader, whole classes graded twice,
#: Dask workers, the RBM's fits), slowest first, from `--durations` in CI. pytest-xdist
#: hands out whole files in collection order (``--no-loadscope-reorder``); these go
#: first, so that the two workers finish together instead of one of them running a
#: long file alone at the end.
LONGEST_FIRST = (
    "tests/test_nbgrader.py",
    "tests/test_grade_pool.py",
    "tests/test_checks_nb05.py",
    "tests/test_grade_cluster.py",
    "tests/test_checks_nb06_search.py",
    "tests/test_gradebook_nbgrader.py",
    "tests/test_grade.py",
    "tests/test_grade_hostile_class.py",
    "tests/test_grade_attacks.py",
    "tests/test_checks_false_passes.py",
    "tests/test_gradebook_kill.py",
    "solutions/05_rbm_features.ipynb",
)


def pytest_collection_modifyitems(items):
    """Put the files of :data:`LONGEST_FIRST` first, in its order (the rest keep theirs)."""
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
