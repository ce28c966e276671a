"""``coursekit similarity`` on a generated class: recall, false positives, time, scale.

The class is tests/classroom's: ``HONEST`` students each made of independently
written right answers to notebook 03 (an answer per exercise, each with its
own choices), and ``COPIES`` copies of honest students per kind: each of the
six transformations of tests/classroom/transforms.py alone (renamed
identifiers, reordered independent statements, comments and blank lines,
changed literals, code moved between cells, ``for`` as a comprehension), and
three of them combined. 160 + 7 x 20 = 300 students by default, written in
nbgrader's ``submitted/<student>/<assignment>/`` layout.

The command an instructor runs, ``coursekit similarity submitted --out ...
--csv ...``, is timed on one core (``taskset -c 0``), from start to exit, with
the processor time it used (which other load on the machine inflates least);
recall and false positives are read from the CSV it wrote. A copy is found
when the pair (copy, source) is flagged; an independent pair is one of two
students with no source in common. Then the pair scoring alone is timed for
larger classes (the class repeated, each repeat's fingerprints shifted so no
two students are alike by construction), which is the part that grows with the
square of the class. ``COURSEKIT_BENCH_SIMILARITY_HONEST`` and
``..._COPIES`` change the class's size.
"""

import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from common import entry
except ImportError:
    from .common import entry

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from classroom import generate  # noqa: E402

HONEST = int(os.environ.get("COURSEKIT_BENCH_SIMILARITY_HONEST", "160"))
COPIES = int(os.environ.get("COURSEKIT_BENCH_SIMILARITY_COPIES", "20"))
SEED = 2026
TIME_TARGET = 60.0
RECALL_TARGET, COMBINED_TARGET, FALSE_POSITIVE_TARGET = 0.95, 0.80, 0.02


def _command(submitted, out):
    command = [str(Path(sys.executable).parent / "coursekit"), "similarity", str(submitted),
               "--out", str(out / "similarity.html"), "--csv", str(out / "pairs.csv"),
               "--student-version", str(ROOT / "notebooks")]
    return (["taskset", "-c", "0"] if shutil.which("taskset") else []) + command


def _figures(klass, rows):
    origin = {name: name for name in klass.students}
    for name, source, _ in klass.copies:
        origin[name] = source
    flagged = {(row["student_a"], row["student_b"]) for row in rows if row["flagged"] == "true"}
    recall = {}
    for name, source, kind in klass.copies:
        recall.setdefault(kind, []).append(tuple(sorted((name, source))) in flagged)
    independent = [row for row in rows if origin[row["student_a"]] != origin[row["student_b"]]]
    false = sum(row["flagged"] == "true" for row in independent)
    return ({kind: sum(hits) / len(hits) for kind, hits in recall.items()},
            false / len(independent), len(independent))


def _scaling(hash_arrays, sizes):
    from coursekit.similarity.scoring import pair_scores

    times = {}
    for size in sizes:
        repeats = -(-size // len(hash_arrays))
        arrays = [hashes + 1_000_003 * repeat for repeat in range(repeats)
                  for hashes in hash_arrays][:size]
        start = time.perf_counter()
        pair_scores(arrays)
        times[size] = time.perf_counter() - start
    return times


def run():
    klass = generate.make_class(HONEST, COPIES, seed=SEED)
    students = len(klass.students)
    print(f"  {students} students ({HONEST} honest, {COPIES} copies of each of 7 kinds); "
          f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        submitted = generate.write_class(klass, scratch)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(_command(submitted, scratch), capture_output=True, text=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The processor time is what a busy machine inflates least.
        processor = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if result.returncode != 0:
            raise RuntimeError(f"coursekit similarity failed:\n{result.stderr[-2000:]}")
        with (scratch / "pairs.csv").open(encoding="utf-8", newline="") as stream:
            rows = list(csv.DictReader(stream))
        from coursekit.similarity.fingerprints import fingerprint
        from coursekit.similarity.sources import collect_answers, student_versions

        answers = collect_answers([submitted], student_versions(ROOT / "notebooks"))
        (class_answers,) = answers.notebooks.values()
        start = time.perf_counter()
        hashes = [fingerprint(answer.code.text).hashes for answer in class_answers]
        fingerprinting = time.perf_counter() - start
    recall, false_rate, independent = _figures(klass, rows)
    scaling = _scaling(hashes, [300, 600, 1200])
    single = min(value for kind, value in recall.items() if kind != "combined")
    print(f"  `coursekit similarity` on one core: {seconds:.1f} s for {students} students "
          f"({processor:.1f} s of processor time), {len(rows)} pairs; fingerprinting alone "
          f"{fingerprinting:.1f} s "
          f"({fingerprinting / students * 1000:.0f} ms a student)")
    print("  recall by kind: " + ", ".join(f"{kind} {value:.0%}"
                                           for kind, value in recall.items()))
    print(f"  independent pairs flagged: {false_rate:.2%} of {independent}")
    print("  pair scoring alone (grows with the square of the class): " + ", ".join(
        f"{size} students {value:.2f} s" for size, value in scaling.items()))
    print(f"  load average after: {os.getloadavg()[0]:.1f}")
    return [
        entry(f"similarity: {students} students x 1 notebook, `coursekit similarity`, 1 core",
              round(seconds, 1), f"< {TIME_TARGET:.0f}", "s", seconds < TIME_TARGET),
        entry("similarity: the same command's processor time", round(processor, 1), "-", "s",
              True),
        entry("similarity: copies flagged, the weakest single transformation",
              round(100 * single, 1), f">= {100 * RECALL_TARGET:.0f}", "%",
              single >= RECALL_TARGET),
        entry("similarity: copies flagged, three transformations combined",
              round(100 * recall["combined"], 1), f">= {100 * COMBINED_TARGET:.0f}", "%",
              recall["combined"] >= COMBINED_TARGET),
        entry("similarity: independent pairs flagged", round(100 * false_rate, 2),
              f"<= {100 * FALSE_POSITIVE_TARGET:.0f}", "%",
              false_rate <= FALSE_POSITIVE_TARGET),
        entry("similarity: pair scoring alone, 1200 students", round(scaling[1200], 2), "-",
              "s", True),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
