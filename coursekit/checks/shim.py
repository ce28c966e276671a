"""The grader's two helpers that run in a submission's kernel.

``python -m coursekit.checks.shim -f CONNECTION_FILE`` is the kernel the
grader starts: it caps the process's memory, then becomes an ordinary IPython
kernel (``ipykernel_launcher``) with the same interpreter.

:func:`install` and :func:`collect` are the kernel's side of grading: the
grader calls ``collect`` after the cells that define an answer; it runs the
exercise's step 1 (:func:`coursekit.checks.spec.collect_safely`) on the cases
the grader sent and publishes the result as plain data.

Nothing here is trusted by the grader. The submission's code runs in the same
process and can change anything in it, this module included; all it can gain
by that is to choose the data handed back, and that data is judged in the
grader's own process against cases the kernel never chose.
"""

import os
import resource
import sys
import threading

#: Environment variable through which the grader passes the memory limit (MB).
MEMORY_VARIABLE = "COURSEKIT_GRADE_MEMORY_MB"

#: Environment variable through which the grader passes the process limit.
PROCESS_VARIABLE = "COURSEKIT_GRADE_PROCESSES"

#: MIME type of the display output that carries the collected answers.
ANSWER_MIME = "application/x-coursekit-answer"

#: What the shim sends in place of an answer past the grader's bounds.
ANSWER_TOO_LARGE = "too large"

#: What every course notebook's set-up cell imports and the shim has not already
#: imported: a kernel started ahead of its submission imports them while it waits.
#: pyplot picks the backend the kernel gives it (matplotlib-inline), as it would
#: on the student's own import; no name is bound in the notebook's namespace.
WARM_MODULES = ("matplotlib.pyplot", "coursekit.plots")

_collect = None


def limit_memory(megabytes):
    """Cap this process's address space (and its children's) at ``megabytes`` MB.

    Beyond the cap an allocation fails: Python raises MemoryError instead of the
    machine swapping or the kernel taking memory from other submissions.

    Raises
    ------
    ValueError
        If ``megabytes`` is not a positive whole number.
    """
    if isinstance(megabytes, bool) or not isinstance(megabytes, int) or megabytes <= 0:
        raise ValueError(f"megabytes must be a positive whole number; got {megabytes!r}")
    limit = megabytes * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def apply_limits():
    """Take the grader's limits from the environment and apply them to this process."""
    megabytes = os.environ.pop(MEMORY_VARIABLE, "")
    if megabytes:
        limit_memory(int(megabytes))
    processes = os.environ.pop(PROCESS_VARIABLE, "")
    if processes:
        # Per user, and ignored for root: the sandbox's cgroup is the cap that holds.
        resource.setrlimit(resource.RLIMIT_NPROC, (int(processes), int(processes)))
    # A crashing submission must not leave a core file the size of its memory.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main():
    """Start an IPython kernel under the grader's limits (the grader's kernel command)."""
    apply_limits()
    if os.getppid() == 1:
        # In the sandbox's PID namespace the parent is its init, not the grader:
        # ipykernel would take that for an orphaned kernel. The sandbox dies with
        # the grader instead (bwrap --die-with-parent).
        os.environ.pop("JPY_PARENT_PID", None)
    # exec keeps the process id the kernel manager watches, and the limits.
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *sys.argv[1:]])


def run_in_process(arguments):
    """Become an IPython kernel in this process, under the grader's limits.

    What :func:`main` execs, done without a new interpreter, by a kernel the
    grader's fork server forked into its sandbox with the imports done
    (:mod:`coursekit.grading.sandbox.forkserver`): its parent is the sandbox's
    first process, never the grader.
    """
    import importlib.util

    apply_limits()
    os.environ.pop("JPY_PARENT_PID", None)
    sys.argv = [importlib.util.find_spec("ipykernel_launcher").origin, *arguments]
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def install(figures=True):
    """Capture what collecting answers needs, before any submission code runs.

    The grader runs this first in every fresh kernel, so that later changes the
    submission makes to coursekit's modules or to the kernel's namespace do not
    reach the references held here. (They could still reach their insides; the
    grader does not rely on this for trust, only for ordinary notebooks to be
    collected the way their check cells see them.)

    Parameters
    ----------
    figures : bool, default=True
        Render the figures a cell shows, as a notebook does. The grader passes
        False when nothing it writes (feedback pages, the report) shows them
        (:func:`skip_figures`).
    """
    global _collect
    from IPython import get_ipython
    from IPython.display import publish_display_data

    from coursekit.checks import EXERCISES
    from coursekit.checks.bounds import WIRE_BOUNDS
    from coursekit.checks.spec import collect_safely
    from coursekit.checks.wire import decode, encode

    shell = get_ipython()
    namespace = shell.user_ns
    if not figures:
        skip_figures(shell)
    exercises = dict(EXERCISES)
    _bound_outputs(shell.kernel.session)
    cap_streams(shell)

    def collect_answers(exercise_id, answer_name, case_texts):
        exercise = exercises[exercise_id]
        undefined = answer_name not in namespace
        answer = None if undefined else namespace[answer_name]
        payloads = []
        for text in case_texts:
            if undefined:
                payloads.append({"undefined": True})
                continue
            # Cases are tuples of arguments; JSON brings them back as lists.
            cases = [tuple(case) for case in decode(text)]
            payloads.append(collect_safely(exercise, answer, cases))
        try:
            data = encode(payloads)
        except Exception as exc:  # an answer plain() let through but JSON cannot hold
            problem = {"error": f"{type(exc).__name__} while the answer was sent to the "
                                f"grader: {exc}"}
            data = encode([problem] * len(case_texts))
        if len(data) > WIRE_BOUNDS.chars:  # say so, rather than cut the channel
            data = ANSWER_TOO_LARGE
        publish_display_data({ANSWER_MIME: data})

    _collect = collect_answers


def skip_figures(shell):
    """Show matplotlib's figures as their one-line text, never rendered to an image.

    Set before matplotlib is imported: the inline backend then registers no
    image format for figures, and what a cell shows of one is its text
    (``<Figure size 640x480 with 1 Axes>``). Figures are made, drawn on and
    closed after each cell as in a notebook; only the rendering to PNG, which
    nobody would see, is skipped (what it cost: benchmarks/README.md). A cell
    that asks for image formats itself gets them.
    """
    shell.config.InlineBackend.figure_formats = set()


#: What one cell may print on each of stdout and stderr before the rest is dropped.
#: The grader shows a few thousand characters of an output at most; the bound keeps
#: a printing loop from filling the kernel's memory with text waiting to be sent.
STREAM_CHARS = 4 * 2**20


def cap_streams(shell, limit=STREAM_CHARS):
    """Drop what a cell prints past ``limit`` characters per stream, with one note.

    ipykernel holds printed text for a moment before sending it, and IPython
    keeps every cell's printed text in its history: a loop printing hundreds of
    megabytes fills the kernel's memory with text nobody will read. The kernel
    then stops at its memory limit in whichever allocation comes first (Python's,
    or libzmq's, which aborts), and the same submission could be ``memory`` on
    one grader and ``crashed`` on another. Bounded here, a flood is just output,
    graded the same everywhere. (A submission can undo this; it only loses its
    own answers then.)

    IPython puts its own ``write`` on the streams for each cell and takes it off
    after, so the bound is put on at the start of every cell, outside IPython's.
    """
    written, busy = {}, set()

    def bound_this_cell():
        written.clear()
        for stream in (sys.stdout, sys.stderr):
            if not getattr(stream.write, "coursekit_capped", False):
                stream.write = _capped(stream.write, (written, busy), id(stream), limit)

    shell.events.register("pre_execute", bound_this_cell)
    bound_this_cell()


def _capped(write, state, key, limit):
    written, busy = state

    def capped(text, *args, **kwargs):
        # ipykernel's thread that reads the process's own output writes here too.
        this = (key, threading.get_ident())
        if this in busy:  # a cap further out (IPython's write between two) counted it
            return write(text, *args, **kwargs)
        busy.add(this)
        try:
            used = written.get(key, 0)
            written[key] = used + len(text)
            if used + len(text) <= limit:
                return write(text, *args, **kwargs)
            if used <= limit:
                write(text[:limit - used])
                write(f"\n(this cell printed more than {limit:,} characters here; the "
                      "rest was not kept)\n")
            return len(text)
        finally:
            busy.discard(this)

    capped.coursekit_capped = True
    return capped


#: Output message types whose content a note may replace.
_OUTPUTS = ("stream", "display_data", "update_display_data", "execute_result", "error")


def _bound_outputs(session):
    """Send a note in place of an output larger than the grader's socket takes.

    A message past :data:`coursekit.checks.bounds.MESSAGE_BYTES` would cut the
    kernel's output channel to the grader, and every answer after it with it:
    an honest notebook that displays a huge table would lose its grade. (A
    submission can undo this; it only loses its own answers then.)
    """
    from coursekit.checks.bounds import MESSAGE_BYTES

    serialize = session.serialize

    def bounded(msg, ident=None):
        frames = serialize(msg, ident)
        size = sum(len(frame) for frame in frames)
        if size <= MESSAGE_BYTES or msg.get("msg_type") not in _OUTPUTS:
            return frames
        note = f"(an output of {size:,} bytes, too large to send to the grader)"
        content = msg.get("content") or {}
        if msg["msg_type"] == "stream":
            small = {"name": content.get("name", "stdout"), "text": note}
        elif msg["msg_type"] == "error":
            small = {"ename": str(content.get("ename", "Error"))[:100], "evalue": note,
                     "traceback": []}
        else:
            small = {"data": {"text/plain": note}, "metadata": {}, "transient": {}}
            if "execution_count" in content:
                small["execution_count"] = content["execution_count"]
        return serialize({**msg, "content": small}, ident)

    session.serialize = bounded


def warm():
    """Import :data:`WARM_MODULES`, as the set-up cell of every course notebook does.

    Importing is all a set-up cell would do with them: the module objects are
    the same ones the student's own ``import`` then finds in ``sys.modules``.
    """
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)


def collect(exercise_id, answer_name, case_texts):
    """Collect one exercise's answer on each list of encoded cases and publish it.

    Parameters
    ----------
    exercise_id : str
    answer_name : str
        The name the answer is read under in the notebook's namespace.
    case_texts : list of str
        Cases encoded with :func:`coursekit.checks.wire.encode`, one text per run.
    """
    if _collect is None:
        raise RuntimeError("coursekit.checks.shim.install() must run first")
    _collect(exercise_id, answer_name, case_texts)


def collect_file(exercise_id, answer_name, path):
    """:func:`collect`, with the encoded cases read from ``path`` (a JSON list of texts).

    The grader writes them to a file rather than into the code it runs: the
    kernel would parse and keep megabytes of code.
    """
    import json

    with open(path, encoding="utf-8") as file:
        case_texts = json.load(file)
    collect(exercise_id, answer_name, case_texts)


if __name__ == "__main__":
    main()
