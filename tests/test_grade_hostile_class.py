"""A hostile class, third round: nothing a submission sends crashes, starves or swells the batch.

The eight attacks of the issue and their variants (tests/grading/hostile.py),
graded beside honest classmates by ``coursekit grade --jobs 2`` with feedback,
report and LMS export: the classmates keep full marks, every file has its row
and every export is written, the grader's own peak memory stays under
:data:`PEAK_MB`, and feedback and report pages stay under their caps. The CPU
hog is graded beside an honest notebook, against a sleeping control.

Skipped where bubblewrap does not work, except under CI (``CI`` set).
"""

import csv
import os
import re
import subprocess
import sys
import threading
import time
import tracemalloc
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
import pytest
import zmq
from jupyter_client.session import Session

from coursekit import judging
from coursekit.checks import results, shim, wire
from coursekit.checks.bounds import WIRE_BOUNDS, Bounds, TooLarge
from coursekit.checks.quoting import MESSAGE_CHARS
from coursekit.grading import kernel, report, sandbox
from coursekit.grading.feedback import FEEDBACK_CHARS, write_feedback
from coursekit.grading.gradebook import unescape_cell
from coursekit.grading.kernel_messages import MAX_MESSAGE_BYTES, BoundedSession
from coursekit.grading.names import safe_name
from coursekit.grading.results import OK, ExerciseGrade, Grade, clean_text
from coursekit.grading.settings import GradeSettings
from coursekit.grading.submissions import read_submission
from coursekit.judging.plain_answers import describe_shape
from grading import hostile, submissions as build
from grading.attacks import NB01, NB02
from grading.needs import require_bubblewrap

ROOT = Path(__file__).resolve().parents[1]
#: The grader's own peak resident memory, whatever the class sends (MB).
PEAK_MB = 500
#: A student's report page, and report.html, at most (bytes).
PAGE_BYTES = 4 * 2**20
#: One feedback file at most (bytes: the cap is in characters, UTF-8 takes up to 4).
FEEDBACK_BYTES = 4 * FEEDBACK_CHARS
#: Processors' worth of time a hog may use, with the measurement's own slack.
CPU_SLACK = 1.15

_WRAPPER = """\
import atexit, resource, sys
# The grader's own peak (RUSAGE_SELF: not its kernels, which are its children).
atexit.register(lambda: print(f"grader-peak-rss-kb "
                              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}",
                              file=sys.stderr))
from coursekit.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _require_bubblewrap():
    require_bubblewrap("the attack suite")


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    finished_at: dict = field(default_factory=dict)  # label -> seconds after the start
    rows: list = field(default_factory=list)

    def row(self, label):
        matching = [row for row in self.rows if row["submission"] == label]
        assert len(matching) == 1, (label, [r["submission"] for r in self.rows])
        return matching[0]


def grade(root, *arguments):
    """Run ``coursekit grade`` in ``root``; the grader's peak and when each row was done."""
    scratch = root / "scratch"
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch)}
    started = time.monotonic()
    finished_at, lines = {}, []
    with subprocess.Popen([sys.executable, "-c", _WRAPPER, "grade", *arguments], cwd=root,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          errors="replace") as process:

        def read_progress():
            for line in process.stderr:
                lines.append(line)
                match = re.match(r"\[\d+/\d+\] (.*): \w+, \d+/\d+$", line.rstrip("\n"))
                if match:
                    finished_at[match.group(1)] = time.monotonic() - started

        reader = threading.Thread(target=read_progress, daemon=True)
        reader.start()
        stdout = process.stdout.read()
        process.wait(timeout=1200)
        reader.join(timeout=60)
    stderr = "".join(lines)
    peak = re.findall(r"grader-peak-rss-kb (\d+)", stderr)
    return Run(process.returncode, stdout, stderr, int(peak[-1]) / 1024 if peak else -1.0,
               finished_at)


def read_rows(path):
    with open(path, encoding="utf-8", newline="") as stream:
        return [{key: unescape_cell(value) for key, value in row.items()}
                for row in csv.DictReader(stream)]


def points(row, expected):
    return {exercise_id: int(row[exercise_id]) for exercise_id in expected}


# ---------------------------------------------------------------- the class

@dataclass
class HostileClass:
    root: Path
    expected: dict
    honest: list
    first: Run
    rerun: Run


def _byte_path(folder, name):
    """``folder / name`` where ``name`` is bytes (any, as a zip can make them)."""
    return Path(os.fsdecode(os.path.join(os.fsencode(folder), name)))


def _class(root):
    folder = root / "class"
    folder.mkdir()
    expected, honest = {}, []

    def add(path, notebook, wanted, is_honest=False):
        build.save(notebook, path)
        label = safe_name(os.path.relpath(path, root))
        expected[label] = wanted
        if is_honest:
            honest.append(label)
        return path

    alice = add(folder / f"a1_alice_{NB01}.ipynb", *hostile.marked_classmate(), True)
    add(folder / f"a2_bomb_lists_{NB01}.ipynb", *hostile.json_bomb(950_000))
    add(folder / f"a3_bob_{NB02}.ipynb", *hostile.honest(NB02), True)
    add(folder / f"a5_bomb_dicts_{NB01}.ipynb", *hostile.json_bomb(900_000, item="{}"))
    add(folder / f"a6_deep_{NB01}.ipynb", *hostile.deep_answer(200))
    add(folder / f"a7_string_3mb_{NB01}.ipynb", *hostile.huge_string_value(3))
    add(folder / f"a8_string_30mb_{NB01}.ipynb", *hostile.huge_string_value(30))
    add(folder / f"a9_error_3mb_{NB01}.ipynb", *hostile.huge_error())
    add(folder / f"b1_string_list_{NB02}.ipynb", *hostile.huge_string_in_a_list())
    add(folder / f"b2_display_bomb_{NB01}.ipynb", *hostile.display_bomb())
    add(folder / f"b3_result_bomb_{NB01}.ipynb", *hostile.result_bomb())
    add(folder / f"b4_fake_answer_{NB01}.ipynb", *hostile.fake_answer_bomb())
    add(folder / f"b5_carol_{NB01}.ipynb", *hostile.honest(NB01), True)
    add(folder / f"b6_stash_{NB01}.ipynb", *hostile.case_stash())
    add(folder / f"b7_stash_{NB01}.ipynb", *hostile.case_stash())
    # File names of any bytes: honest content, full marks, shown safely; and others
    # cut short (a row each, no kernel).
    for name in (b"\xff" + NB01.encode() + b".ipynb",
                 b"\xfestudent/" + NB01.encode() + b".ipynb"):
        path = _byte_path(folder, name)
        path.parent.mkdir(exist_ok=True)
        add(path, *hostile.honest(NB01), True)
    for name in (b"\xe9l\xe8ve_" + NB01.encode() + b".ipynb",
                 "\u202egpj.".encode() + NB01.encode() + b".ipynb",
                 f"line\nbreak_{NB01}.ipynb".encode(),
                 unicodedata.normalize("NFC", f"café_{NB01}.ipynb").encode(),
                 unicodedata.normalize("NFD", f"café_{NB01}.ipynb").encode()):
        path = _byte_path(folder, name)
        path.write_text("{", encoding="utf-8")  # cut short: a row, no kernel
        expected[safe_name(os.path.relpath(path, root))] = hostile.zero(NB01)
    # Links the grader refuses: their pages must show nothing of their targets.
    for name, target in ((f"c1_link_{NB01}.ipynb", alice),
                         (f"c2_solution_link_{NB01}.ipynb",
                          ROOT / "solutions" / f"{NB01}.ipynb")):
        (folder / name).symlink_to(target)
        expected[os.path.relpath(folder / name, root)] = hostile.zero(NB01)
    # nbgrader's layout, and a student's folder that imitates it for a classmate; a
    # notebook handed in inside another assignment's folder.
    submitted = root / "course" / "submitted"
    add(submitted / "alice" / "ps1" / f"{NB01}.ipynb", *hostile.honest(NB01), True)
    # Not graded at all: no documented layout puts a file there (test below).
    nested = submitted / "mallory" / "ps1" / "submitted" / "alice" / "ps1" / f"{NB01}.ipynb"
    build.save(hostile.honest(NB01)[0], nested)
    add(submitted / "bob" / NB02 / f"{NB01}.ipynb", build.student(NB01), hostile.zero(NB01))
    return expected, honest


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory):
    _require_bubblewrap()
    root = tmp_path_factory.mktemp("hostile")
    expected, honest = _class(root)
    arguments = ["class", "course", "--out", "grades.csv", "--feedback", "feedback", "--report",
                 "report", "--export", "lms.csv", "--jobs", "2", "--timeout", "60"]
    first = grade(root, *arguments)
    first.rows = read_rows(root / "grades.csv")
    rerun = grade(root, *arguments)
    rerun.rows = read_rows(root / "grades.csv")
    sizes = [path.stat().st_size for path in (root / "feedback").rglob("*.md")]
    pages = [path.stat().st_size for path in (root / "report").rglob("*.html")]
    print(f"\nhostile class: grader peak {first.peak_mb:.0f} MB; largest feedback "
          f"{max(sizes, default=0):,} B; largest page {max(pages, default=0):,} B; "
          f"report folder {sum(p.stat().st_size for p in root.joinpath('report').rglob('*')):,} B")
    return HostileClass(root, expected, honest, first, rerun)


def test_the_batch_finishes_with_every_export_written(hostile_class):
    run = hostile_class.first
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    root = hostile_class.root
    for path in ("grades.csv", "lms.csv", "report/report.html"):
        assert (root / path).is_file(), path
    assert sorted(r["submission"] for r in run.rows) == sorted(hostile_class.expected)


def test_a_rerun_finds_every_row_and_grades_nothing_again(hostile_class):
    run = hostile_class.rerun
    assert run.returncode == 0, run.stderr[-3000:]
    # Only the two links, which no content hash vouches for, are looked at again.
    skipped = len(hostile_class.expected) - 2
    assert f"{skipped} submissions already in grades.csv, unchanged" in run.stdout, run.stdout
    assert "2 submissions graded" in run.stdout, run.stdout
    assert sorted(r["submission"] for r in run.rows) == sorted(hostile_class.expected)


def test_every_classmate_keeps_full_marks(hostile_class):
    for label in hostile_class.honest:
        row = hostile_class.first.row(label)
        assert row["status"] == OK and row["reason"] == "", row
        assert points(row, hostile_class.expected[label]) == hostile_class.expected[label]


def test_no_attack_earns_a_point(hostile_class):
    for label, wanted in hostile_class.expected.items():
        assert points(hostile_class.first.row(label), wanted) == wanted, label


def test_the_graders_peak_memory_stays_under_its_bound(hostile_class):
    assert 0 < hostile_class.first.peak_mb < PEAK_MB, hostile_class.first.peak_mb


def test_feedback_and_report_pages_stay_under_their_caps(hostile_class):
    root = hostile_class.root
    every = list((root / "feedback").rglob("*.md"))
    # Each attempt's own file. The files of the attempt that counts are written beside
    # them, but not for alice's and bob's here: both are flagged as handed in under
    # another assignment than their notebook says, and count for no one.
    feedback = [path for path in every if ".attempt-" in path.name]
    pages = list((root / "report" / "students").rglob("*.html"))
    assert len(feedback) == len(pages) == len(hostile_class.expected)
    for path in every:
        assert path.stat().st_size <= FEEDBACK_BYTES, path
    for path in [*pages, root / "report" / "report.html"]:
        assert path.stat().st_size <= PAGE_BYTES, path


def _feedback(hostile_class, name):
    return (hostile_class.root / "feedback" / "class" / name).read_text(encoding="utf-8")


def test_an_answer_that_swells_when_decoded_is_too_large_to_grade(hostile_class):
    for name in ("a2_bomb_lists", "a5_bomb_dicts", "a6_deep"):
        text = _feedback(hostile_class, f"{name}_{NB01}.md")
        assert "too large to grade" in text, (name, text)


def test_a_huge_value_is_quoted_cut_with_its_size(hostile_class):
    # Sent twice (public and secret runs), 3 MB is under the answer's cap: quoted, cut.
    text = _feedback(hostile_class, f"a7_string_3mb_{NB01}.md")
    assert "(a str of 3,145,738 characters)" in text, text[:3000]
    assert len(text) < 10_000
    assert "too large to grade" in _feedback(hostile_class, f"a8_string_30mb_{NB01}.md")
    text = _feedback(hostile_class, f"a9_error_3mb_{NB01}.md")
    assert "ValueError: eeee" in text and "3,145,740 characters in all" in text, text[-2000:]


def test_output_the_grader_does_not_need_costs_it_nothing(hostile_class):
    # Full marks beside megabytes of display output, none of it parsed.
    for name in ("b2_display_bomb", "b3_result_bomb", "b4_fake_answer"):
        row = hostile_class.first.row(f"class/{name}_{NB01}.ipynb")
        assert row["status"] == OK and row["total"] == "4", row


def test_any_file_name_is_stored_and_shown_safely(hostile_class):
    labels = {row["submission"] for row in hostile_class.first.rows}
    assert f"class/\\xff{NB01}.ipynb" in labels
    assert f"class/line\\x0abreak_{NB01}.ipynb" in labels
    assert f"class/\\u202egpj.{NB01}.ipynb" in labels
    # Two spellings of one visible name are two files: two rows.
    assert len({label for label in labels if "caf" in label}) == 2
    student = hostile_class.first.row(f"class/\\xfestudent/{NB01}.ipynb")["student"]
    assert student == "\\xfestudent"
    assert (hostile_class.root / "feedback" / "class" / f"\\xff{NB01}.md").is_file()


def test_a_refused_link_shows_nothing_of_its_target(hostile_class):
    pages = hostile_class.root / "report" / "students" / "class"
    own = (pages / f"a1_alice_{NB01}.html").read_text(encoding="utf-8")
    assert hostile.CLASSMATE_MARKER in own  # the page does show a notebook's code
    for name in (f"c1_link_{NB01}", f"c2_solution_link_{NB01}"):
        page = (pages / f"{name}.html").read_text(encoding="utf-8")
        assert hostile.CLASSMATE_MARKER not in page and hostile.SOLUTION_MARKER not in page
        assert "symbolic link" in page
        assert hostile_class.first.row(f"class/{name}.ipynb")["status"] == "invalid"


def test_a_wrapped_collector_sees_only_its_own_fresh_secret_cases(hostile_class):
    # Low impact, and said so in the threat model: the learner can read the secret
    # inputs drawn for this submission, and the next submission gets others.
    quoted = [re.search(r"'secret (.*?)'", _feedback(hostile_class, f"{name}_{NB01}.md"))
              for name in ("b6_stash", "b7_stash")]
    assert all(quoted), quoted
    assert quoted[0].group(1) != quoted[1].group(1)


def test_a_notebook_inside_a_classmates_path_is_not_graded_as_theirs(hostile_class):
    base = "course/submitted"
    assert hostile_class.first.row(f"{base}/alice/ps1/{NB01}.ipynb")["student"] == "alice"
    nested = f"{base}/mallory/ps1/submitted/alice/ps1/{NB01}.ipynb"
    # Not graded as alice's, nor at all: listed as not graded, with the reason.
    assert nested not in {row["submission"] for row in hostile_class.first.rows}
    assert f"{nested}: at depth 7 below" in hostile_class.first.stdout


def test_a_notebook_in_another_assignments_folder_counts_only_for_its_own(hostile_class):
    # It answers notebook 01: graded on 01's exercises, nothing of 02's filled in.
    row = hostile_class.first.row(f"course/submitted/bob/{NB02}/{NB01}.ipynb")
    assert row["notebook"] == NB01 and row["student"] == "bob", row
    assert all(row[e.id] == "" for e in build.exercises(NB02)), row


# ---------------------------------------------------------------- CPU

HOLD = 15  # seconds the hog (or the sleeper) keeps running after measuring


@pytest.fixture(scope="module")
def cpu_runs(tmp_path_factory):
    """The honest notebook's time beside a sleeper and beside a hog, in pairs of runs."""
    _require_bubblewrap()
    root = tmp_path_factory.mktemp("cpu")
    honest_notebook, _ = hostile.honest(NB01, hostile.HONEST_WORK)
    pairs = []
    for attempt in range(3):
        times = {}
        for kind, (notebook, _) in (("sleeper", hostile.sleeper(HOLD)),
                                    ("hog", hostile.cpu_hog(HOLD))):
            folder = root / f"{kind}{attempt}"
            build.save(notebook, folder / f"a_{kind}_{NB01}.ipynb")
            build.save(honest_notebook, folder / f"b_honest_{NB01}.ipynb")
            run = grade(root, folder.name, "--out", f"{folder.name}.csv", "--feedback",
                        f"feedback_{folder.name}", "--jobs", "2", "--timeout", "120")
            assert run.returncode == 0, run.stderr[-3000:]
            run.rows = read_rows(root / f"{folder.name}.csv")
            times[kind] = run
        pairs.append(times)
        print(f"\ncpu pair {attempt}: honest beside the sleeper "
              f"{times['sleeper'].finished_at}, beside the hog {times['hog'].finished_at}")
        if _ratio(times) <= 1.3:
            break
    return root, pairs


def _ratio(times):
    label = "{}/b_honest_{}.ipynb"
    hog, sleeper = times["hog"], times["sleeper"]
    return (hog.finished_at[label.format(Path(hog.rows[0]["submission"]).parent, NB01)]
            / sleeper.finished_at[label.format(Path(sleeper.rows[0]["submission"]).parent,
                                               NB01)])


@pytest.mark.cpu_share
def test_a_cpu_hog_uses_at_most_its_share(cpu_runs):
    root, pairs = cpu_runs
    for times in pairs:
        hog = times["hog"]
        name = Path(hog.rows[0]["submission"]).parent.name
        text = (root / f"feedback_{name}" / name / f"a_hog_{NB01}.md").read_text("utf-8")
        used = float(re.search(r"cpu-used ([0-9.]+)", text).group(1))
        print(f"\nthe hog's processes used {used:.2f} CPUs")
        # 32 busy processes in sessions of their own and forks, on a sandbox held to
        # one CPU: at most one CPU's worth of time, whatever the machine's load.
        assert used <= sandbox.DEFAULT_CPU_LIMIT * CPU_SLACK, used


@pytest.mark.cpu_share
def test_an_honest_notebook_beside_a_cpu_hog_keeps_its_time(cpu_runs):
    _, pairs = cpu_runs
    for times in pairs:
        for run in times.values():
            honest = [r for r in run.rows if "b_honest" in r["submission"]][0]
            assert honest["status"] == OK and honest["total"] == "4", honest
    ratios = [_ratio(times) for times in pairs]
    assert min(ratios) <= 1.3, ratios


# ---------------------------------------------------------------- no kernel needed

def _peak_while(function, *args):
    tracemalloc.start()
    try:
        function(*args)
    except TooLarge as exc:
        problem = exc
    else:
        problem = None
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return problem, peak


@pytest.mark.parametrize("text, what", [
    ("[" + "[], " * 1_500_000 + "[]]", "values"),
    ("[" + "{}, " * 1_500_000 + "{}]", "values"),
    ('{"a": ' * 100 + "1" + "}" * 100, "nested"),
    ("[" + ", ".join(['"' + "x" * 2**20 + '"'] * 7) + "]", "bytes once decoded"),
    ("[" + "1.5, " * 2_200_000 + "1]", "characters"),
])
def test_the_wire_refuses_what_would_swell_before_building_it(text, what):
    bounds = Bounds(chars=WIRE_BOUNDS.chars, values=WIRE_BOUNDS.values, depth=64,
                    decoded_bytes=4 * 2**20)
    problem, peak = _peak_while(wire.decode, text, bounds)
    assert problem is not None and what.split()[0] in str(problem), problem
    assert peak < 2 * len(text) + 2**20, peak  # nothing built past the text itself


def test_an_array_is_refused_before_it_is_decoded():
    text = wire.encode({"value": np.zeros(2**20)})  # 8 MB of data, about 11 MB of text
    bounds = Bounds(chars=2**25, values=100, depth=8, decoded_bytes=2**20)
    problem, peak = _peak_while(wire.decode, text, bounds)
    assert problem is not None and "an array" in str(problem)
    # The parsed text, and not the 8 MB of numbers it would have made.
    assert peak < 1.2 * len(text), (peak, len(text))


def test_the_wire_still_carries_every_exercises_cases_and_real_answers():
    for exercise in judging.EXERCISES.values():
        cases = exercise.cases(0)
        assert len(wire.decode(wire.encode(cases))) == len(cases), exercise.id
    answer = [{"outputs": [np.arange(784.0), "<a set>", [1.5, "x"]]}] * 2
    assert wire.decode(wire.encode(answer))[1]["outputs"][2] == [1.5, "x"]


def test_output_the_grader_does_not_need_is_never_parsed():
    key = b"secret-key"
    sender, reader = Session(key=key), BoundedSession(key=key)
    big = {"data": {"application/json": [[]] * 300_000}, "metadata": {}}
    frames = sender.serialize(sender.msg("display_data", content=big))
    start = frames.index(b"<IDS|MSG>") if b"<IDS|MSG>" in frames else 0
    problem, peak = _peak_while(reader.deserialize, frames[start + 1:])
    assert problem is None and peak < 2**20, peak
    assert reader.deserialize(frames[start + 1:])["content"] == {}
    answer = {"data": {shim.ANSWER_MIME: "[1, 2]"}, "metadata": {}}
    frames = sender.serialize(sender.msg("display_data", content=answer))
    assert reader.deserialize(frames[start + 1:])["content"] == answer
    # A message the kernel did not sign is refused as before.
    forged = Session(key=b"another").serialize(Session(key=b"another").msg(
        "display_data", content=answer))
    with pytest.raises(ValueError, match="Signature"):
        reader.deserialize(forged[start + 1:])


def test_a_message_part_past_its_bounds_is_refused_unparsed():
    sender, reader = Session(key=b"k"), BoundedSession(key=b"k")
    frames = sender.serialize(sender.msg("execute_reply", content={"x": [[]] * 200_000}))
    start = frames.index(b"<IDS|MSG>") if b"<IDS|MSG>" in frames else 0
    problem, peak = _peak_while(reader.deserialize, frames[start + 1:])
    # Counted on copies of its 0.8 MB (parsed, its 200,000 lists would take 14 MB).
    assert isinstance(problem, TooLarge) and peak < 3 * 2**20, (problem, peak)


def test_the_socket_refuses_a_message_past_its_cap():
    context = zmq.Context()
    try:
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        pull, push = context.socket(zmq.PULL), context.socket(zmq.PUSH)
        port = pull.bind_to_random_port("tcp://127.0.0.1")
        push.connect(f"tcp://127.0.0.1:{port}")
        push.send(b"x" * (MAX_MESSAGE_BYTES + 1))
        assert pull.poll(1500) == 0  # dropped with its connection
        push.close(linger=0)
        push = context.socket(zmq.PUSH)
        push.connect(f"tcp://127.0.0.1:{port}")
        push.send(b"small")
        assert pull.poll(5000) and pull.recv() == b"small"
    finally:
        context.destroy(linger=0)


_FREED_FRAMES = """\
from coursekit.grading import kernel_messages, runner

def resident():
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * 4096

if {fixed}:
    runner.preload()
first = b"x" * (16 * 2**20)  # a large frame, freed: glibc raises its thresholds past it
del first
before, frames, kept = resident(), [], []
for _ in range(20):  # 8 MB frames, each followed by a smaller block that outlives it
    frames.append(b"x" * (8 * 2**20))
    kept.append(b"x" * (256 * 2**10))
del frames
print(kernel_messages.return_freed_messages(), resident() - before)
"""


def test_a_dropped_messages_memory_goes_back_to_the_system():
    # A fresh process each: what the allocator keeps depends on all it did before.
    def kept(fixed):
        out = subprocess.run([sys.executable, "-c", _FREED_FRAMES.format(fixed=fixed)],
                             capture_output=True, text=True, check=True).stdout.split()
        return out[0] == "True", int(out[1]) / 2**20

    supported, after = kept(True)
    if not supported:
        pytest.skip("glibc's malloc only")
    _, before = kept(False)
    # Only the small blocks (5 MB) stay; without it, the 160 MB of freed frames did.
    assert after < 16 < 100 < before, (after, before)


def test_a_verdict_quoting_a_value_is_cut_with_its_size():
    result = results.Result(results.WRONG, "got " + "x" * 10**6, "y" * 10**6)
    assert len(result.message) <= MESSAGE_CHARS and "1,000,004 characters" in result.message
    assert len(result.hint) <= MESSAGE_CHARS
    assert "a str of 3,000,000 characters" in describe_shape("z" * 3_000_000)


def test_names_that_differ_stay_different_once_made_safe():
    names = [os.fsdecode(b"\xff.ipynb"), "\\xff.ipynb", "a\nb", "a\\x0ab", "\u202eb",
             unicodedata.normalize("NFC", "é"), unicodedata.normalize("NFD", "é")]
    safe = [safe_name(name) for name in names]
    assert len(set(safe)) == len(names)
    for text in safe:
        text.encode("utf-8")
        assert text.isprintable()


def test_the_report_page_shows_what_grading_read_not_what_the_path_holds_later(tmp_path):
    path = tmp_path / f"x_{NB01}.ipynb"
    notebook = build.student(NB01)
    build.insert(notebook, build.first_code_cell(notebook), f"# {hostile.CLASSMATE_MARKER}")
    build.save(notebook, path)
    submission = read_submission(path)
    # Between grading and the page, the path becomes the instructor's solution.
    path.unlink()
    path.symlink_to(ROOT / "solutions" / f"{NB01}.ipynb")
    grade_ = Grade(submission.label, NB01,
                   tuple(ExerciseGrade(e, results.Result(results.CORRECT, "fine"), e.points)
                         for e in judging.exercises_for(NB01)), OK, "", submission.sha256)
    page = report.student_page(grade_, submission)
    assert hostile.CLASSMATE_MARKER in page
    assert hostile.SOLUTION_MARKER not in page


def test_write_report_reads_huge_details_without_holding_them(tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_text("submission,total,max_total,status,reason,sha256,student,notebook\n"
                      + "".join(f"s{i}.ipynb,0,4,ok,,h{i},,{NB01}\n" for i in range(4)),
                      encoding="utf-8")
    data = tmp_path / "report" / "data"
    data.mkdir(parents=True)
    for i in range(8):  # details left by a grader before messages were cut
        (data / f"s{i}.json").write_text(
            '{"submission": "s%d.ipynb", "sha256": "h%d", "exercises": '
            '[["01-which-digit", "wrong", "%s", "", 0]]}' % (i, i, "m" * 3 * 2**20),
            encoding="utf-8")
    report.write_report(grades, tmp_path / "warm")  # matplotlib's first figure, not counted
    tracemalloc.start()
    path = report.write_report(grades, tmp_path / "report")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert path.stat().st_size < PAGE_BYTES
    # One details file at a time (each 3 MB of text, twice that parsed), not all eight.
    assert peak < 14 * 2**20, peak


def test_the_sandbox_cgroup_holds_a_cpu_cap(tmp_path):
    group = sandbox.Cgroup.create(2**30, 64, 0.5)
    if group is None or not group.cpu_limited:
        pytest.skip("no cgroup with a CPU controller here (the grader warns)")
    try:
        if group.version == 1:
            folder = next(f for f in group.folders if f.parent.name == "cpu")
            assert (folder / "cpu.cfs_quota_us").read_text().strip() == "50000"
        else:
            assert (group.folders[0] / "cpu.max").read_text().split() == ["50000", "100000"]
    finally:
        group.close()
    assert not any(folder.exists() for folder in group.folders)


def test_an_answer_the_shim_found_too_large_is_too_large_here():
    client = kernel.GradingClient(nbformat.v4.new_notebook())
    client.begin_cell()
    for text in ("[1, 2]", shim.ANSWER_TOO_LARGE):
        message = {"msg_type": "display_data",
                   "content": {"data": {shim.ANSWER_MIME: text}, "metadata": {}}}
        client.output([], message, None, 0)
    assert client.answers == ["[1, 2]", None]


def test_a_lone_surrogate_in_an_answer_is_written_as_an_escape(tmp_path):
    # JSON may hold "\\udcff", which no UTF-8 file can: the feedback is still written.
    exercise = judging.get("01-which-digit")
    payload = {"value": {"number": "caf\udce9", "type": "str"}}
    result = judging.judge_safely(exercise, payload, exercise.cases(0))
    grade_ = Grade(f"x_{NB01}.ipynb", NB01, tuple(
        ExerciseGrade(e, result if e is exercise else results.Result(results.CORRECT, "fine"), 0)
        for e in judging.exercises_for(NB01)), OK, clean_text("\udcff reason"))
    write_feedback(tmp_path, grade_, {})
    assert "caf\\udce9" in (tmp_path / f"x_{NB01}.md").read_text(encoding="utf-8")


def test_the_cpu_limit_setting_reaches_each_sandboxs_cgroup(tmp_path):
    settings = GradeSettings(cpu_limit=0.25).in_sandbox("bwrap")
    box = sandbox.Sandbox(settings, tmp_path, NB01, view=None)
    try:
        if box.cgroup is None or not box.cgroup.cpu_limited:
            pytest.skip("no cgroup with a CPU controller here (the grader warns)")
        folder = next((f for f in box.cgroup.folders if f.parent.name == "cpu"), None)
        if folder is not None:
            assert (folder / "cpu.cfs_quota_us").read_text().strip() == "25000"
        else:
            assert (box.cgroup.folders[0] / "cpu.max").read_text().split()[0] == "25000"
    finally:
        box.close()


@pytest.mark.parametrize("cpus", [-1, True, "1", float("nan")])
def test_a_bad_cpu_limit_is_named(cpus):
    with pytest.raises(ValueError, match="cpu_limit must be a positive number, or 0"):
        GradeSettings(cpu_limit=cpus)
