"""The third round of attacks on the grader (issue "A hostile class, third round").

Each builder returns a notebook (built at test time from solutions/ and
notebooks/) and the points it must get. None of these earns a point from the
grader; they aim at the batch instead: its memory, its outputs, its
classmates' time.
"""

from . import submissions as build
from .attacks import NB01, NB02, notebook_of, zero

FULL = {stem: {e.id: e.points for e in build.exercises(stem)} for stem in (NB01, NB02)}

#: A line of this file's own in an honest notebook: no other page may show it.
CLASSMATE_MARKER = "classmate-own-code-7c41d2"
#: What only the instructor's solutions hold.
SOLUTION_MARKER = "### BEGIN SOLUTION"


def honest(stem, *extra_cells):
    """The solution of ``stem`` with ``extra_cells`` first: full marks."""
    notebook = build.solution(stem)
    for source in reversed(extra_cells):
        build.insert(notebook, build.first_code_cell(notebook), source)
    return notebook, FULL[stem]


def marked_classmate():
    return honest(NB01, f"# {CLASSMATE_MARKER}")


# ---------------------------------------------------------------- answers that swell when decoded

def _function_answer(exercise_id, body):
    notebook = build.solution(NB01)
    build.set_answer(notebook, exercise_id, body)
    points = dict(FULL[NB01])
    points[exercise_id] = 0
    return notebook, points


def json_bomb(count, item="[]"):
    """``to_vector`` returning ``count`` empty lists (or ``item``s): a few characters each
    on the wire, tens of bytes each once parsed. On the first call of each run only
    (the second raises, which ends the run), so that both runs (public and secret
    cases) fit in one answer."""
    return _function_answer("01-scale-pixels", f"""\
calls = []

def to_vector(image):
    calls.append(1)
    if len(calls) % 2 == 0:
        raise ValueError("once per run")
    return [{item}] * {count}
""")


def deep_answer(depth):
    """``to_vector`` returning lists nested ``depth`` deep."""
    return _function_answer("01-scale-pixels", f"""\
def to_vector(image):
    value = []
    for _ in range({depth}):
        value = [value, "x"]
    return value
""")


def huge_string_value(megabytes, exercise_id="01-which-digit"):
    """A value answer that is a string of ``megabytes`` MB: quoted in the verdict."""
    notebook = build.solution(NB01)
    build.set_answer(notebook, exercise_id,
                     f"predicted_digit = 'x' * {megabytes * 2**20} + '<b>end</b>'")
    points = dict(FULL[NB01])
    points[exercise_id] = 0
    return notebook, points


def huge_error():
    """``to_vector`` raising an error whose message is 3 MB of text (sent for both runs)."""
    return _function_answer("01-scale-pixels", """\
def to_vector(image):
    raise ValueError("e" * 3 * 2**20)
""")


def huge_string_in_a_list():
    """Notebook 02's ``averages`` as a list holding a 6 MB string (another exercise; the
    dot classifier after it uses the averages, and fails too)."""
    notebook = build.solution(NB02)
    build.set_answer(notebook, "02-averages", "averages = ['a' * 6 * 2**20, 1, 2]")
    return notebook, {**FULL[NB02], "02-averages": 0, "02-dot-classifier": 0}


# ---------------------------------------------------------------- output the grader never needs

DISPLAY_BOMB = """\
from IPython.display import publish_display_data

# Parsed whole by the grader before, and dropped: now never parsed.
small = [[]] * 1_500_000  # 6 MB of JSON, ~100 MB once parsed
for _ in range(30):
    publish_display_data({"application/json": small})
large = [[]] * 15_000_000  # 60 MB: past the socket's cap
for _ in range(3):
    publish_display_data({"application/json": large})
publish_display_data({"application/json": {"a": [{}] * 1_500_000}, "text/plain": "x" * 2**20})
"""

RESULT_BOMB = """\
class Bomb:
    def _repr_json_(self):
        return [{}] * 1_500_000

    def _repr_html_(self):
        return "<p>" * 2_000_000

for _ in range(10):
    display(Bomb())
Bomb()
"""

FAKE_ANSWER_BOMB = """\
from IPython.display import publish_display_data

# Carries the answer's type, so it is parsed: within the bounds.
for _ in range(20):
    publish_display_data({"application/x-coursekit-answer": "[" + "[]," * 2_000_000 + "[]]",
                          "application/json": [[]] * 500_000})
"""


def display_bomb():
    return honest(NB01, DISPLAY_BOMB)[0], FULL[NB01]


def result_bomb():
    return honest(NB01, RESULT_BOMB)[0], FULL[NB01]


def fake_answer_bomb():
    return honest(NB01, FAKE_ANSWER_BOMB)[0], FULL[NB01]


# ---------------------------------------------------------------- secret cases

STASH = """\
import coursekit.checks.shim as shim

# Whatever the grader sends to collect answers (public cases, then secret ones),
# kept for later.
stash = []
inner = shim._collect
def spy(exercise_id, answer_name, case_texts):
    stash.append((exercise_id, list(case_texts)))
    return inner(exercise_id, answer_name, case_texts)
shim._collect = spy
"""


def case_stash():
    """Keeps the cases the grader sends (public and secret) and answers exercise 2 with
    them, so its verdict quotes them: the learner sees this submission's own secret
    inputs, drawn for it alone."""
    notebook = build.solution(NB01)
    build.insert(notebook, build.first_code_cell(notebook), STASH)
    build.set_answer(notebook, "01-which-digit",
                     "predicted_digit = 'secret ' + stash[0][1][1][-60:] if stash else 'none'")
    points = dict(FULL[NB01])
    points["01-which-digit"] = 0
    return notebook, points


# ---------------------------------------------------------------- CPU

HOG = """\
import os, subprocess, sys, time

# Busy processes in sessions of their own and forked ones: without a CPU cap on
# the sandbox, each would take a share of the machine from the classmates.
busy = "while True: pass"
children = [subprocess.Popen([sys.executable, "-c", busy], start_new_session=True).pid
            for _ in range({sessions})]
for _ in range({forks}):
    pid = os.fork()
    if pid == 0:
        while True:
            pass
    children.append(pid)


def cpu_ticks():
    total = 0
    for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            fields = open(f"/proc/{{pid}}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


time.sleep(2)
start, ticks = time.monotonic(), cpu_ticks()
time.sleep(6)
used = (cpu_ticks() - ticks) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - start)
time.sleep({hold})
for pid in children:  # the rest of the notebook runs at its own pace, and ends
    os.kill(pid, 9)
    os.waitpid(pid, 0)
"""
SLEEP = "import time\n\ntime.sleep({hold} + 8)"


def cpu_hog(hold, sessions=16, forks=16):
    """Solution 01 whose first cell runs ``sessions + forks`` busy processes for ``hold`` s
    more than it measures their CPU use; exercise 2's verdict quotes that use
    (processors' worth of time), so the test can read it."""
    notebook = build.solution(NB01)
    build.insert(notebook, build.first_code_cell(notebook),
                 HOG.format(sessions=sessions, forks=forks, hold=hold))
    build.set_answer(notebook, "01-which-digit", "predicted_digit = f'cpu-used {used:.3f}'")
    points = dict(FULL[NB01])
    points["01-which-digit"] = 0
    return notebook, points


def sleeper(hold):
    """What :func:`cpu_hog` does, asleep: the control."""
    return notebook_of(NB01, SLEEP.format(hold=hold)), zero(NB01)


#: A cell of honest work the CPU decides the time of.
HONEST_WORK = "total = 0\nfor i in range(30_000_000):\n    total += i"


# ---------------------------------------------------------------- one status wherever graded

#: Fills the kernel's memory a kilobyte at a time and keeps it: the kernel is left
#: at its limit, where its own machinery (libzmq, a new thread, a message's
#: signature) fails at random unless the grader stops it.
MEMORY_KEPT = """\
kept = []
while True:
    kept.append(" " * 1000)"""
SPIN = "while True:\n    pass"
#: 600 MB printed in 2 MB lines: left to the kernel, more than its memory limit holds
#: while waiting to be sent (it stopped as `memory` or `crashed`, at random).
FLOOD = "for _ in range(300):\n    print('y' * 2_000_000)"
KILL_ITSELF = "import os, signal\n\nos.kill(os.getpid(), signal.SIGKILL)"


def after_first_check(source):
    """Solution 01 running ``source`` after exercise 1's check cell."""
    notebook = build.solution(NB01)
    build.insert(notebook, build.find(notebook, "01-scale-pixels", "check") + 1, source)
    return notebook


def statuses_class():
    """Submissions that must get one status and the same points wherever graded:
    file name -> (notebook, status expected, or None where only agreement is asked)."""
    from .attacks import fork_bomb

    return {
        "memory_kept.ipynb": (after_first_check(MEMORY_KEPT), "memory"),
        "spin.ipynb": (after_first_check(SPIN), "timeout"),
        "kills_itself.ipynb": (after_first_check(KILL_ITSELF), "crashed"),
        "flood.ipynb": (after_first_check(FLOOD), "ok"),
        "fork_bomb.ipynb": (fork_bomb()[0], None),
        "honest.ipynb": (honest(NB01)[0], "ok"),
    }
