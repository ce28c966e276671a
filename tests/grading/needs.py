"""What a test of the grader needs from the machine, checked the one way."""

import os

import pytest

from coursekit.grading import sandbox


def require_bubblewrap(suite):
    """Skip where bubblewrap does not work, or fail under CI (``CI`` set), naming ``suite``."""
    problem = sandbox.bwrap_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"{suite} needs bubblewrap under CI: {problem}")
        pytest.skip(f"bubblewrap does not work here: {problem}")
