"""What the store becomes: Canvas's and Moodle's imports, the plain export, grades.csv."""

import csv
import doctest
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from coursekit.grading import exports as exports_module
from coursekit.grading.deadlines import Deadlines, LatePolicy
from coursekit.grading.exports import counted, export, view_rows, write_view
from coursekit.grading.gradebook import GradesFile
from coursekit.grading.identity import read_roster
from coursekit.grading.store import Store, Verdict

UTC = timezone.utc
DUE = datetime(2026, 10, 1, 22, tzinfo=UTC)


def test_the_examples_in_the_docstrings_run():
    assert doctest.testmod(exports_module).failed == 0


def grade(store, attempt, points, status="ok"):
    [claimed] = store.claim(ids=[attempt.id])
    return store.finish(claimed.id, status=status, reason="", verdicts=[
        Verdict("nb01.ex1", points[0], 2, "correct" if points[0] else "wrong"),
        Verdict("nb01.ex2", points[1], 3, "correct" if points[1] else "wrong")])


def hand_in(store, student, name, when, notebook="nb01", flags=()):
    return store.add(f"/course/submitted/{student}/{notebook}/{name}", f"{student}-{name}",
                     student=student, assignment=notebook, notebook=notebook,
                     submitted_at=when, time_source="nbgrader timestamp.txt", flags=flags)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "gradebook.db") as store:
        ann_first = hand_in(store, "ann", "a1", DUE - timedelta(days=1))
        ann_late = hand_in(store, "ann", "a2", DUE + timedelta(hours=30))  # two days begun
        bob = hand_in(store, "bob", "b1", DUE - timedelta(hours=1))
        hand_in(store, "bob", "b2", DUE + timedelta(days=9), notebook="nb02",
                flags=["assignment mismatch: handed in as assignment 'nb02', but ..."])
        # Graded out of order: the late attempt first, the early one for a dispute after.
        grade(store, ann_late, (2, 3))
        grade(store, bob, (2, 0))
        grade(store, ann_first, (0, 1))
        yield store


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "canvas.csv"
    path.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n"
                    "    Points Possible,,,,\n"
                    '"Lee, Ann",101,S-1,ann,A\n"Roe, Bob",102,S-2,bob,B\n'
                    '"Doe, Cy",103,S-3,cy,B\n', encoding="utf-8")
    return read_roster(path)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


DEADLINES = Deadlines({"nb01": DUE}, LatePolicy("per-day", 10, cap=50),
                      columns={"nb01": "Vectors (1234)"})


def test_the_attempt_handed_in_last_counts_whatever_order_they_were_graded_in(store):
    table, problems = counted(store, DEADLINES)
    ann = table["ann", "nb01"]
    assert ann.attempt.file.endswith("/a2") and ann.raw_points == 5
    assert ann.late_by == timedelta(hours=30) and ann.deduction == 20 and ann.points == 4
    assert table["bob", "nb01"].points == 2
    assert ("bob", "nb02") not in table  # its folder and its metadata disagree
    assert any("b2: counted for no one: assignment mismatch" in p for p in problems)


def test_a_later_attempt_not_graded_yet_is_said_and_the_last_graded_counts(store):
    waiting = hand_in(store, "bob", "b3", DUE + timedelta(hours=2))
    table, problems = counted(store, DEADLINES)
    assert table["bob", "nb01"].attempt.file.endswith("/b1")
    assert any(f"a later attempt ({waiting.file}) is not graded yet" in p for p in problems)


def test_the_canvas_export_has_canvas_s_identity_columns_and_a_points_possible_row(
        store, roster, tmp_path):
    path = tmp_path / "canvas-import.csv"
    problems = export(store, path, "canvas", deadlines=DEADLINES, roster=roster,
                      notebooks=["nb01"], points_possible={"nb01": 5})
    assert read_rows(path) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Vectors (1234)"],
        ["Points Possible", "", "", "", "", "5"],
        ["Lee, Ann", "101", "S-1", "ann", "A", "4"],   # 5 points, 20% off: two days begun
        ["Roe, Bob", "102", "S-2", "bob", "B", "2"],
        ["Doe, Cy", "103", "S-3", "cy", "B", ""],       # nothing handed in: blank
    ]
    assert not any("Canvas ID" in p for p in problems)
    export(store, path, "canvas", deadlines=DEADLINES, roster=roster, missing="zero",
           notebooks=["nb01"])
    assert read_rows(path)[1][-1] == "5"  # the most a grading of nb01 could earn
    assert read_rows(path)[-1][-1] == "0"


def test_without_a_roster_canvas_rows_match_by_the_folder_s_name_and_say_so(store, tmp_path):
    path = tmp_path / "canvas-import.csv"
    problems = export(store, path, "canvas", notebooks=["nb01"])
    rows = read_rows(path)
    assert [row[3] for row in rows[2:]] == ["ann", "bob"]
    assert rows[2][-1] == "5"  # no due dates: no penalty
    assert sum("gives no Canvas ID" in p for p in problems) == 2


def test_the_moodle_export_has_the_columns_moodle_maps_from(store, tmp_path):
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text("username,first name,last name,email,id number\n"
                           "ann,Ann,Lee,ann@uni.example,A-1\nbob,Bob,Roe,bob@uni.example,B-2\n")
    path = tmp_path / "moodle.csv"
    export(store, path, "moodle", deadlines=DEADLINES, roster=read_roster(roster_path),
           notebooks=["nb01"])
    assert read_rows(path) == [
        ["First name", "Last name", "ID number", "Email address", "Username", "Vectors (1234)"],
        ["Ann", "Lee", "A-1", "ann@uni.example", "ann", "4"],
        ["Bob", "Roe", "B-2", "bob@uni.example", "bob", "2"]]


def test_the_moodle_export_splits_a_canvas_style_name(store, roster, tmp_path):
    path = tmp_path / "moodle.csv"
    export(store, path, "moodle", roster=roster, notebooks=["nb01"])
    assert [row[:2] for row in read_rows(path)[1:]] == [["Ann", "Lee"], ["Bob", "Roe"],
                                                        ["Cy", "Doe"]]


def test_the_plain_export_and_bad_options(store, tmp_path):
    path = tmp_path / "plain.csv"
    export(store, path, deadlines=DEADLINES)
    assert read_rows(path) == [["student", "Vectors (1234)"], ["ann", "4"], ["bob", "2"]]
    with pytest.raises(ValueError, match="export format must be one of plain, canvas, moodle"):
        export(store, path, "blackboard")
    with pytest.raises(ValueError, match="missing must be one of blank, zero"):
        export(store, path, missing="none")


def test_a_formula_in_a_name_is_written_as_text(store, tmp_path):
    roster_path = tmp_path / "roster.csv"
    roster_path.write_text('student,name\nann,"=HYPERLINK(""x"")"\n')
    path = tmp_path / "canvas.csv"
    export(store, path, "canvas", roster=read_roster(roster_path), notebooks=["nb01"])
    assert read_rows(path)[2][0] == "'=HYPERLINK(\"x\")"


def test_grades_csv_is_a_view_of_every_attempt(store, tmp_path):
    columns, rows = view_rows(store, DEADLINES, ["nb01.ex1", "nb01.ex2"])
    assert columns[:3] == ["submission", "nb01.ex1", "nb01.ex2"]
    by_file = {Path(row["submission"]).name: row for row in rows}
    assert set(by_file) == {"a1", "a2", "b1"}  # b2 is not graded yet
    assert by_file["a2"]["counts"] == "yes" and by_file["a1"]["counts"] == ""
    assert (by_file["a2"]["late_hours"], by_file["a2"]["late_deduction"],
            by_file["a2"]["counted_total"]) == ("30", "20", "4")
    assert by_file["a1"]["total"] == "1" and by_file["a1"]["nb01.ex2"] == "1"
    grade(store, [a for a in store.attempts() if a.file.endswith("/b2")][0], (0, 0))
    _, rows = view_rows(store, DEADLINES)
    [b2] = [row for row in rows if row["submission"].endswith("/b2")]
    assert b2["counts"] == "" and b2["flags"].startswith("assignment mismatch")


def test_the_view_is_rewritten_but_a_copy_edited_in_a_spreadsheet_is_kept(store, tmp_path):
    path = tmp_path / "grades.csv"
    assert write_view(store, path, DEADLINES) is None
    first = path.read_bytes()
    assert write_view(store, path, DEADLINES) is None  # unchanged: nothing kept
    # Saved back by a spreadsheet: a byte-order mark, CRLF line ends, a note added.
    edited = "\ufeff" + first.decode().replace("\r\n", "\n").replace("\n", "\r\n") + "note\r\n"
    path.write_bytes(edited.encode("utf-8"))
    kept = write_view(store, path, DEADLINES)
    assert kept is not None and kept.read_bytes() == edited.encode("utf-8")
    assert path.read_bytes() == first
    # And read, not refused, by the grades file reader the report uses.
    grades = GradesFile(kept)
    assert {Path(row["submission"]).name for row in grades.rows} >= {"a1", "a2"}


def test_a_grades_file_saved_by_a_spreadsheet_is_read_not_refused(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_bytes("\ufeffsubmission,nb01.ex1,total,max_total,status,reason,sha256,student,"
                     "notebook\r\nann/nb01.ipynb,2,2,2,ok,,ab,ann,nb01\r\n".encode("utf-8"))
    grades = GradesFile(path)
    assert grades.columns[0] == "submission"
    assert grades.rows[0]["total"] == "2" and grades.rows[0]["sha256"] == "ab"


# ---------------------------------------------------------------- one student's history

def test_a_student_s_history_lists_every_attempt_and_grading_and_which_counts(store):
    from coursekit.grading import history

    assert doctest.testmod(history).failed == 0
    [late] = [a for a in store.attempts(student="ann") if a.file.endswith("/a2")]
    store.finish(late.id, status="ok", reason="", regrade=True, verdicts=[
        Verdict("nb01.ex1", 2, 2, "correct"), Verdict("nb01.ex2", 0, 3, "wrong")])
    text = "\n".join(history.student_history(store, "ann", DEADLINES))
    assert text.startswith("ann: 2 attempts\n  nb01\n")
    first, second = text.split("    attempt ")[1:]
    assert "on time" in first and "COUNTS" not in first and "graded " in first
    assert "30.0 h late, 20% off; COUNTS: 1.6" in second  # the latest grading stands
    assert "regraded" in second and "differs from the first: nb01.ex2: 3 (correct) then 0 (wrong)" in second
    with pytest.raises(ValueError, match="student: no attempt of 'zed' .* ann, bob"):
        history.student_history(store, "zed")
    assert "no due date given" in "\n".join(history.student_history(store, "ann"))


def test_a_file_handed_in_by_two_students_is_flagged_in_grades_csv(store):
    [bob] = [a for a in store.attempts(student="bob") if a.file.endswith("/b1")]
    copy = store.add("/course/submitted/cy/nb01/b1", bob.sha256, student="cy", notebook="nb01",
                     submitted_at=DUE)
    grade(store, copy, (2, 0))
    _, rows = view_rows(store, DEADLINES)
    flags = {Path(row["submission"]).parts[-3]: row["flags"] for row in rows}
    assert flags["cy"] == "the same file as 'bob' handed in"
    assert flags["bob"] == "the same file as 'cy' handed in"
    assert flags["ann"] == ""


def test_a_regrade_names_what_it_cannot_regrade(store):
    from coursekit.grading.batch import regrade

    with pytest.raises(ValueError, match="regrade: no attempt of student 'zed'"):
        regrade(store, student="zed")
    with pytest.raises(ValueError, match="regrade: give a student, a file or an attempt"):
        regrade(store, student="ann", attempt=1)
    [pending] = [a for a in store.attempts() if a.file.endswith("/b2")]
    with pytest.raises(ValueError, match=f"attempt {pending.id} has not been graded yet"):
        regrade(store, attempt=pending.id)


def test_grades_csv_is_current_after_each_grade_of_a_small_class(store, tmp_path):
    from coursekit.grading.outputs import GradebookRecord
    from coursekit.grading.results import Grade

    attempt = hand_in(store, "cy", "c1", DUE)
    [claimed] = store.claim(ids=[attempt.id])
    view = tmp_path / "grades.csv"
    record = GradebookRecord(store, {"c1": claimed}, set(), view, DEADLINES)
    record.on_result(Grade("c1", "nb01", (), "invalid", "not a notebook"), None)
    rows = {Path(row["submission"]).name: row for row in GradesFile(view).rows}
    assert rows["c1"]["status"] == "invalid" and rows["c1"]["reason"] == "not a notebook"
    assert record.close(finished=True) == ""
