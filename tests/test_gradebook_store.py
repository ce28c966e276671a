"""The gradebook's store: every attempt kept, each graded once, nothing torn by a kill."""

import csv
import doctest
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from coursekit.grading import store as store_module
from coursekit.grading.store import SCHEMA_VERSION, Store, StoreError, Verdict

WORKER = Path(__file__).parent / "grading" / "store_worker.py"
sys.path.insert(0, str(WORKER.parent))
from store_worker import EXERCISES, verdicts  # noqa: E402


def test_the_examples_in_the_store_s_docstrings_run():
    assert doctest.testmod(store_module).failed == 0


def add(store, name, student="ann", notebook="nb01", when="2026-10-01T10:00:00Z", **kw):
    return store.add(f"/class/{student}/{name}", f"hash-{name}", student=student,
                     notebook=notebook, submitted_at=when, time_source="roster", **kw)


def grade_all(store):
    for attempt in store.claim(limit=None):
        store.finish(attempt.id, status="ok", reason="", verdicts=verdicts(attempt))


def test_a_new_store_has_its_schema_version_and_keeps_everything_of_an_attempt(tmp_path):
    with Store(tmp_path / "gb.db") as store:
        attempt = add(store, "nb01.ipynb", assignment="hw1", flags=["a", "a", "b"], seed=2**64 - 1)
        [claimed] = store.claim()
        grading = store.finish(claimed.id, status="timeout", reason="cell 3 ran too long",
                               verdicts=[Verdict("ex1", 2, 2, "correct", "right", ""),
                                         Verdict("ex2", 0, 3, "error", "stopped", "loop")],
                               flags=["check redefined"])
    with Store(tmp_path / "gb.db") as store:  # read back by a new connection
        again = store.attempt(attempt.id)
        assert (again.student, again.notebook, again.assignment, again.file) == (
            "ann", "nb01", "hw1", "/class/ann/nb01.ipynb")
        assert again.submitted_at == datetime(2026, 10, 1, 10, tzinfo=timezone.utc)
        assert again.seed == 2**64 - 1  # a 64-bit seed survives SQLite's signed integers
        assert again.flags == ("a", "b") and again.state == "graded"
        [kept] = store.gradings(attempt.id)
        assert kept == grading
        assert (kept.total, kept.max_total, kept.status, kept.flags) == (
            2, 5, "timeout", ("check redefined",))
        assert [v.exercise for v in kept.verdicts] == ["ex1", "ex2"]
        assert kept.verdicts[1].hint == "loop"
    db = sqlite3.connect(tmp_path / "gb.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_the_same_file_and_content_is_one_attempt_a_resubmission_another(tmp_path):
    with Store(tmp_path / "gb.db") as store:
        first = add(store, "nb01.ipynb")
        assert add(store, "nb01.ipynb", seed=7) == first  # found again: same seed too
        second = store.add(first.file, "hash-changed", student="ann", notebook="nb01",
                           submitted_at="2026-10-02T10:00:00Z")
        assert second.id != first.id
        grade_all(store)
        assert [a.id for a in store.attempts(student="ann")] == [first.id, second.id]
        assert len(store.gradings(first.id)) == 1  # the earlier attempt is still there


def test_attempts_are_listed_by_submission_time_not_by_when_they_were_found(tmp_path):
    with Store(tmp_path / "gb.db") as store:
        late = add(store, "b.ipynb", when="2026-10-05T00:00:00+02:00")
        early = add(store, "a.ipynb", when="2026-10-04T23:00:00Z")
        assert [a.id for a in store.attempts()] == [late.id, early.id]  # 22:00Z < 23:00Z
        unknown = store.add("/x.ipynb", "h", student="ann")
        assert store.attempts()[-1].id == unknown.id


def test_a_claim_is_taken_once_and_only_its_holder_records_a_grading(tmp_path):
    path = tmp_path / "gb.db"
    with Store(path) as one, Store(path) as two:
        two.worker = "this-host-never:1:1"  # another grader, on another machine
        ids = [add(one, f"{k}.ipynb").id for k in range(3)]
        first = one.claim(limit=2)
        second = two.claim(limit=None)
        assert [a.id for a in first] == ids[:2] and [a.id for a in second] == ids[2:]
        assert two.claim(limit=None) == [] and one.claim() == []
        with pytest.raises(ValueError, match="not claimed by this grader"):
            two.finish(ids[0], status="ok", reason="", verdicts=[])
        assert one.gradings(ids[0]) == []
        one.release(ids[1])
        assert [a.id for a in two.claim()] == [ids[1]]


def test_a_claim_of_a_dead_grader_is_taken_over_a_live_one_s_is_not(tmp_path):
    path = tmp_path / "gb.db"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with Store(path) as mine, Store(path) as theirs:
            theirs.worker = (f"{mine.worker.split(':')[0]}:{sleeper.pid}:"
                             f"{store_module._process_start(sleeper.pid)}")
            add(mine, "a.ipynb")
            assert len(theirs.claim()) == 1
            assert mine.claim() == []  # its grader runs
            sleeper.kill()
            sleeper.wait()
            assert len(mine.claim()) == 1  # its grader is gone
    finally:
        sleeper.kill()
        sleeper.wait()


def test_another_machine_s_claim_is_taken_over_after_the_lease(tmp_path):
    path = tmp_path / "gb.db"
    with Store(path, lease=0.2) as mine, Store(path) as theirs:
        theirs.worker = "elsewhere:1:1"
        add(mine, "a.ipynb")
        assert len(theirs.claim()) == 1
        assert mine.claim() == []
        time.sleep(0.3)
        assert len(mine.claim()) == 1


def test_a_grader_error_is_graded_again_on_the_next_run_and_both_are_kept(tmp_path):
    with Store(tmp_path / "gb.db") as store:
        attempt = add(store, "a.ipynb")
        store.claim()
        store.finish(attempt.id, status="error", reason="the grader failed", verdicts=[])
        assert store.current(attempt.id) is None
        assert store.requeue_errors() == 1 and store.requeue_errors() == 0
        store.claim()
        store.finish(attempt.id, status="ok", reason="", verdicts=verdicts(attempt))
        assert [g.status for g in store.gradings(attempt.id)] == ["error", "ok"]
        assert store.current(attempt.id).status == "ok"


def test_a_regrade_is_kept_beside_the_grading_and_uses_the_attempt_s_seed(tmp_path):
    with Store(tmp_path / "gb.db") as store:
        attempt = add(store, "a.ipynb")
        grade_all(store)
        regrade = store.finish(attempt.id, status="ok", reason="", regrade=True,
                               verdicts=verdicts(store.attempt(attempt.id)))
        first, second = store.gradings(attempt.id)
        assert second == regrade and second.regrade and not first.regrade
        assert first.seed == second.seed == attempt.seed
        assert first.verdicts == second.verdicts
        assert store.attempt(attempt.id).state == "graded"


@pytest.mark.parametrize("content, message", [
    (b"submission,total\n", "not a coursekit gradebook"),
    (None, "SQLite file, but not a coursekit gradebook"),
])
def test_a_file_that_is_not_a_gradebook_is_refused_and_left_alone(tmp_path, content, message):
    path = tmp_path / "other.db"
    if content is None:
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE notes (x)")
        other.commit()
        other.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(StoreError, match=message):
        Store(path)
    assert path.read_bytes() == before


def test_a_store_from_a_newer_coursekit_is_refused(tmp_path):
    Store(tmp_path / "gb.db").close()
    db = sqlite3.connect(tmp_path / "gb.db")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer coursekit"):
        Store(tmp_path / "gb.db")
    with pytest.raises(StoreError, match="is a folder"):
        Store(tmp_path)


def run_workers(path, log, count, pause):
    return [subprocess.Popen([sys.executable, str(WORKER), str(path), str(log), str(pause)])
            for _ in range(count)]


def check_graded_once(path, log, attempts):
    with Store(path) as store:
        assert store.check() == "ok"
        for attempt in store.attempts():
            assert attempt.state == "graded", attempt
            [grading] = store.gradings(attempt.id)  # once, never twice
            assert grading.verdicts == tuple(verdicts(attempt))  # whole, never torn
        assert len(store.attempts()) == attempts
    logged = [int(line) for line in Path(log).read_text().split()]
    assert sorted(logged) == sorted(set(logged))  # no attempt recorded by two graders
    return logged


def test_two_graders_at_once_grade_every_attempt_once(tmp_path):
    path, log = tmp_path / "gb.db", tmp_path / "log"
    with Store(path) as store:
        for k in range(40):
            add(store, f"{k}.ipynb", student=f"s{k % 7}")
    workers = run_workers(path, log, 2, 0.002)
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    logged = check_graded_once(path, log, 40)
    assert len(logged) == 40


def test_a_grader_killed_at_random_moments_and_resumed_grades_every_attempt_once(tmp_path):
    path, log = tmp_path / "gb.db", tmp_path / "log"
    with Store(path) as store:
        for k in range(30):
            add(store, f"{k}.ipynb", student=f"s{k}")
    chance = random.Random(20)
    kills = 0
    for _ in range(200):
        [worker] = run_workers(path, log, 1, 0.01)
        # Kill on the worker's progress, not on the clock: a few attempts recorded, then a
        # moment into the next one's verdicts (a fast machine must not finish unkilled).
        wanted = logged_count(log) + chance.randint(1, 4)
        while worker.poll() is None and logged_count(log) < wanted:
            time.sleep(0.005)
        time.sleep(chance.uniform(0, 0.06))
        if worker.poll() is not None:
            assert worker.returncode == 0
            break
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    else:
        pytest.fail("the graders never finished")
    assert kills >= 3, "the test must kill graders mid-way to prove anything"
    check_graded_once(path, log, 30)


def logged_count(log):
    return len(Path(log).read_text().split()) if Path(log).exists() else 0


def test_the_bytes_of_an_attempt_are_kept_for_a_regrade_and_checked(tmp_path):
    import hashlib

    data = b'{"cells": []}' * 1000
    digest = hashlib.sha256(data).hexdigest()
    with Store(tmp_path / "gb.db") as store:
        assert store.content(digest) is None
        store.keep_content(digest, data)
        store.keep_content(digest, data)  # kept once
        assert store.content(digest) == data
        with pytest.raises(ValueError, match="do not hash to"):
            store.keep_content(digest, data + b" ")
    db = sqlite3.connect(tmp_path / "gb.db")
    assert db.execute("SELECT length(data) FROM contents").fetchone()[0] < len(data) / 10
    db.close()


def test_the_seed_of_an_attempt_gives_its_secret_cases_again_and_another_seed_others():
    from coursekit import judging
    from coursekit.checks import wire
    from coursekit.grading.answers import Request

    for exercise in judging.EXERCISES.values():
        once, again = Request(exercise, 2**64 - 5), Request(exercise, 2**64 - 5)
        assert wire.encode(once.cases) == wire.encode(again.cases), exercise.id
    differ = [e.id for e in judging.EXERCISES.values()
              if wire.encode(Request(e, 1).cases[1]) != wire.encode(Request(e, 2).cases[1])]
    assert len(differ) >= len(judging.EXERCISES) // 2  # most exercises' cases use the seed


def test_two_coursekit_grade_runs_at_once_on_one_gradebook_grade_each_file_once(tmp_path):
    # Files that are not notebooks: graded (invalid) without a kernel, so the two runs overlap.
    for k in range(24):
        folder = tmp_path / "class" / f"s{k:02d}"
        folder.mkdir(parents=True)
        (folder / "01_random_baseline.ipynb").write_text("{" * (k + 1), encoding="utf-8")
    command = [sys.executable, "-m", "coursekit.cli", "grade", str(tmp_path / "class"),
               "--out", str(tmp_path / "grades.csv"), "--sandbox", "none"]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    said = "\n".join(stdout for stdout, _ in outputs)
    assert "submissions graded into" in said
    with Store(tmp_path / "grades.db") as store:
        attempts = store.attempts()
        assert len(attempts) == 24
        for attempt in attempts:
            [grading] = store.gradings(attempt.id)
            assert grading.status == "invalid"
    with open(tmp_path / "grades.csv", newline="", encoding="utf-8") as stream:
        rows = [row["submission"] for row in csv.DictReader(stream)]
    assert sorted(rows) == sorted(set(rows)) and len(rows) == 24
