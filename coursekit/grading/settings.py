"""How a batch is graded: one frozen :class:`GradeSettings`, checked once where it is made.

Every stage takes the same object: the batch, the backend that runs it (here
or on a cluster's workers), the kernel pool, each kernel and its sandbox. A
reader follows ``--timeout`` by following ``settings.timeout``.
"""

import dataclasses
from dataclasses import dataclass

from ..validation import check_positive_number, check_whole_number
from .sandbox import DEFAULT_CPU_LIMIT, DEFAULT_PROCESS_LIMIT, SANDBOXES

#: Seconds a cell (or a call of an answer on the grader's cases) may run.
DEFAULT_TIMEOUT = 120
#: Megabytes a submission's kernel and everything it starts may use (0: no limit).
DEFAULT_MEMORY_LIMIT = 4096
#: Seconds a whole notebook may run (all its cells and the grader's calls together).
DEFAULT_NOTEBOOK_TIMEOUT = 1200

# Each whole-number setting and the smallest value it may take.
_LOWEST = {"jobs": 1, "pool": 0, "timeout": 1, "memory_limit": 0, "notebook_timeout": 1,
           "process_limit": 0}


@dataclass(frozen=True)
class GradeSettings:
    """The limits and the sandbox of a batch; invalid values are refused when it is made.

    Parameters
    ----------
    jobs : int, default=1
        Submissions graded at once (here; a cluster has its workers).
    pool : int, default=1
        Kernels started ahead of the submissions that will use them
        (:mod:`coursekit.grading.pool`); 0 starts each when its turn comes.
    timeout : int, default=DEFAULT_TIMEOUT
        Seconds each cell may run.
    memory_limit : int, default=DEFAULT_MEMORY_LIMIT
        Megabytes each kernel, with all it starts, may use; 0 for no limit.
    notebook_timeout : int, default=DEFAULT_NOTEBOOK_TIMEOUT
        Seconds each notebook may run in all.
    process_limit : int, default=DEFAULT_PROCESS_LIMIT
        Processes and threads each kernel's sandbox may hold; 0 for no limit.
    cpu_limit : float, default=DEFAULT_CPU_LIMIT
        Processors' worth of time each kernel's sandbox may use, however many
        processes, threads or sessions it runs; 0 for no cap (where the machine
        has no CPU controller the grader may use, none holds, and it says so).
    sandbox : {"auto", "bwrap", "none"}, default="auto"
        The sandbox asked for; :meth:`in_sandbox` gives the settings with the one
        chosen on this machine (:func:`coursekit.grading.sandbox.choose`).
    figures : bool, default=True
        Whether the kernels render the figures a cell shows (as PNG, for the
        feedback pages); :func:`~coursekit.grading.batch.grade` asks for them
        only with feedback or a report, which show them
        (:func:`coursekit.checks.shim.skip_figures`).
    fork : bool, default=True
        Whether a bubblewrap sandbox's kernel is forked into it by a process
        that has made the kernels' imports once (:mod:`coursekit.grading.sandbox.forks`);
        False starts each one afresh. Where forking does not work, kernels start
        afresh and the grader says why.

    Raises
    ------
    ValueError
        Naming the first setting that is not a whole number in its range, or a
        sandbox that is not one of :data:`coursekit.grading.sandbox.SANDBOXES`.

    Examples
    --------
    >>> GradeSettings(jobs=2, timeout=30).timeout
    30
    >>> GradeSettings(jobs=0)
    Traceback (most recent call last):
    ...
    ValueError: jobs must be a positive whole number; got 0.
    >>> GradeSettings.from_data(GradeSettings(pool=0).to_data()).pool
    0
    """

    jobs: int = 1
    pool: int = 1
    timeout: int = DEFAULT_TIMEOUT
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    notebook_timeout: int = DEFAULT_NOTEBOOK_TIMEOUT
    process_limit: int = DEFAULT_PROCESS_LIMIT
    sandbox: str = "auto"
    cpu_limit: float = DEFAULT_CPU_LIMIT
    figures: bool = True
    fork: bool = True

    def __post_init__(self):
        for name, lowest in _LOWEST.items():
            object.__setattr__(self, name, check_whole_number(getattr(self, name), name,
                                                              low=lowest))
        if self.cpu_limit != 0 or isinstance(self.cpu_limit, bool):
            try:
                cpus = check_positive_number(self.cpu_limit, "cpu_limit")
            except ValueError:
                raise ValueError(f"cpu_limit must be a positive number, or 0 for no cap; "
                                 f"got {self.cpu_limit!r}.") from None
            object.__setattr__(self, "cpu_limit", cpus)
        for name in ("figures", "fork"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False; got {getattr(self, name)!r}")
        if self.sandbox not in SANDBOXES:
            raise ValueError(f"sandbox must be one of {', '.join(SANDBOXES)}; "
                             f"got {self.sandbox!r}")

    def in_sandbox(self, kind):
        """These settings with ``kind`` (``"bwrap"`` or ``"none"``) as the sandbox chosen."""
        return dataclasses.replace(self, sandbox=kind)

    def same_kernels(self, other):
        """Whether kernels started for ``other`` are the kernels these settings start.

        Kernels differ by their sandbox and limits, and a pool by its size; the
        jobs and the notebook's time in all are not the kernel's.
        """
        fields = ("pool", "timeout", "memory_limit", "process_limit", "sandbox", "cpu_limit",
                  "figures", "fork")
        return all(getattr(self, name) == getattr(other, name) for name in fields)

    def to_data(self):
        """These settings as JSON-ready plain data (for a cluster's workers)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_data(cls, data):
        """The settings :meth:`to_data` gave, checked again (they crossed a network)."""
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in names})
