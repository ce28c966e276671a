"""Matplotlib's list of fonts, made once per grader and shown read-only to every kernel.

The first time matplotlib is imported with an empty cache folder, it opens every
font file the machine has and writes down what each one is: a sixth of a second
with a server's few dozen fonts, many seconds with a desktop's thousands (TeX
Live alone brings hundreds). Every graded kernel starts with an empty home, so
each one paid it again, before the submission's first cell. The grader makes
the list once, in a sandbox like the kernels' (so it names only the fonts a
kernel can open), and each kernel finds it, read-only, in its matplotlib folder.
"""

import os
import subprocess
from pathlib import Path

from .bubblewrap import HOME, INTERPRETER, bwrap_command

#: The folder, in a kernel's home, that ``MPLCONFIGDIR`` names (matplotlib's cache).
MATPLOTLIB_FOLDER = "matplotlib"
#: What makes matplotlib write its list of fonts into an empty ``MPLCONFIGDIR``.
_MAKE_LIST = "import matplotlib.font_manager"
#: Seconds the list may take to make (a desktop's fonts included) before the kernels go without.
_TIMEOUT = 300


def make_font_list(folder):
    """Make matplotlib's font list in ``folder``, in a bubblewrap sandbox like a kernel's.

    Parameters
    ----------
    folder : path-like
        An empty folder of the grader's own; the sandbox that makes the list
        binds it at its own path, as a kernel's socket folder is.

    Returns
    -------
    pathlib.Path or None
        The list, ``fontlist-v<version>.json`` in ``folder``; None where it could
        not be made, and then every kernel makes its own, as without it.
    """
    folder = Path(folder)
    # The same view of the machine as a kernel: the list names only fonts it can open.
    command = bwrap_command([INTERPRETER, "-c", _MAKE_LIST], ipc=str(folder), view_arguments=[])
    environment = {"HOME": HOME, "MPLCONFIGDIR": str(folder), "PYTHONNOUSERSITE": "1",
                   "PATH": os.environ.get("PATH", os.defpath)}
    try:
        subprocess.run(command, env=environment, capture_output=True, timeout=_TIMEOUT,
                       check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    lists = sorted(folder.glob("fontlist-*.json"))
    return lists[0] if len(lists) == 1 else None


def font_list_arguments(font_list):
    """bwrap arguments that put ``font_list`` read-only in the kernel's matplotlib folder."""
    if font_list is None:
        return []
    return ["--ro-bind", str(font_list), f"{HOME}/{MATPLOTLIB_FOLDER}/{Path(font_list).name}"]
