"""Who handed in what and when: layouts at their depth, rosters, nbgrader's times, due dates."""

import doctest
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from coursekit.grading import deadlines as deadlines_module
from coursekit.grading import identity as identity_module
from coursekit.grading.deadlines import Deadlines, LatePolicy, parse_time, read_nbgrader_timestamp
from coursekit.grading.identity import assignment_flags, discover, layout_of, read_roster

UTC = timezone.utc
NOTEBOOK = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def test_the_examples_in_the_docstrings_run():
    assert doctest.testmod(deadlines_module).failed == 0
    assert doctest.testmod(identity_module).failed == 0


def put(root, relative, text=NOTEBOOK, mtime=None):
    path = Path(root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def nbgrader_stamp(when):
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


# ------------------------------------------------------------------- times and policies

@pytest.mark.parametrize("text, expected", [
    ("2026-10-01 21:59:00.123456 UTC", datetime(2026, 10, 1, 21, 59, 0, 123456, UTC)),
    ("2026-10-01 21:59:00 UTC", datetime(2026, 10, 1, 21, 59, tzinfo=UTC)),
    ("2026-10-01T23:59:00+02:00", datetime(2026, 10, 1, 21, 59, tzinfo=UTC)),
    ("2026-10-01T21:59:00Z", datetime(2026, 10, 1, 21, 59, tzinfo=UTC)),
    ("2026-10-01 16:59:00 -0500", datetime(2026, 10, 1, 21, 59, tzinfo=UTC)),
])
def test_times_are_read_in_every_spelling_nbgrader_and_iso_use(text, expected):
    assert parse_time(text, "t") == expected


@pytest.mark.parametrize("text, message", [
    ("2026-10-01 21:59:00", "has no time zone"),
    ("2026-10-01 21:59:00 CET", "cannot read"),
    ("next friday", "cannot read"),
])
def test_a_time_without_a_zone_or_unreadable_is_refused_naming_it(text, message):
    with pytest.raises(ValueError, match=f"due: .*{message}"):
        parse_time(text, "due")


def test_nbgrader_s_timestamp_file_is_read(tmp_path):
    when = datetime(2026, 10, 2, 8, 30, 1, 250000, UTC)
    path = put(tmp_path, "timestamp.txt", nbgrader_stamp(when) + "\n")
    assert read_nbgrader_timestamp(path) == when
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(ValueError, match="timestamp.txt: cannot read"):
        read_nbgrader_timestamp(path)


@pytest.mark.parametrize("policy, late, kept", [
    (LatePolicy("none"), timedelta(days=9), 10),
    (LatePolicy("zero"), timedelta(seconds=1), 0),
    (LatePolicy("zero"), timedelta(0), 10),
    (LatePolicy("per-day", 10), timedelta(seconds=1), 9),       # a day begun
    (LatePolicy("per-day", 10), timedelta(days=1), 9),
    (LatePolicy("per-day", 10), timedelta(days=1, seconds=1), 8),
    (LatePolicy("per-day", 10, cap=25), timedelta(days=30), 7.5),
    (LatePolicy("per-day", 30), timedelta(days=30), 0),          # never below zero
    (LatePolicy("per-hour", 5), timedelta(hours=2, minutes=1), 8.5),
    (LatePolicy("per-hour", 5, grace_minutes=10), timedelta(minutes=9), 10),
    (LatePolicy("per-hour", 5, grace_minutes=10), timedelta(minutes=11), 9.5),
])
def test_late_policies_take_off_what_they_say(policy, late, kept):
    assert policy.apply(10, late) == kept


def test_a_late_policy_is_read_from_its_short_spelling_and_refused_when_wrong():
    assert LatePolicy.parse("10%/day", cap=50) == LatePolicy("per-day", 10, 50)
    assert LatePolicy.parse(" 2.5 % per hour") == LatePolicy("per-hour", 2.5)
    assert LatePolicy.parse("zero").kind == "zero"
    with pytest.raises(ValueError, match="late policy must be one of"):
        LatePolicy.parse("half")
    with pytest.raises(ValueError, match="late percent must be a number from 0 to 100"):
        LatePolicy.parse("150%/day")
    with pytest.raises(ValueError, match="late cap"):
        LatePolicy("per-day", 10, cap=True)
    assert "10% off per day late, at most 50%" in LatePolicy("per-day", 10, 50).describe()


def test_due_dates_are_read_from_a_small_toml_file(tmp_path):
    path = put(tmp_path, "due.toml", """
[due]
nb01 = 2026-10-01T23:59:00+02:00
nb02 = "2026-10-08 21:59:00 UTC"
[late]
policy = "10%/day"
cap = 50
[assignments]
hw1 = ["nb01", "nb02"]
[columns]
nb01 = "Vectors (1234)"
""")
    deadlines = Deadlines.read(path, ["nb01", "nb02", "nb03"])
    assert deadlines.due == {"nb01": datetime(2026, 10, 1, 21, 59, tzinfo=UTC),
                             "nb02": datetime(2026, 10, 8, 21, 59, tzinfo=UTC)}
    assert deadlines.policy == LatePolicy("per-day", 10, 50)
    assert deadlines.notebooks_of("hw1") == ("nb01", "nb02")
    assert deadlines.notebooks_of("nb03") == ("nb03",)
    assert deadlines.columns == {"nb01": "Vectors (1234)"}
    assert deadlines.late_by("nb01", datetime(2026, 10, 2, 0, tzinfo=UTC)) == timedelta(
        hours=2, minutes=1)
    assert deadlines.late_by("nb01", datetime(2026, 10, 1, 0, tzinfo=UTC)) == timedelta(0)
    assert deadlines.late_by("nb03", datetime(2030, 1, 1, tzinfo=UTC)) == timedelta(0)


@pytest.mark.parametrize("text, message", [
    ("[due]\nnb09 = 2026-10-01T00:00:00Z\n", r"\[due\] .* names \['nb09'\]"),
    ("[due]\nnb01 = 2026-10-01T00:00:00\n", "has no time zone"),
    ("[late]\npolicy = 'sometimes'\n", r"\[late\]: late policy must be one of"),
    ("[deadlines]\n", "has sections"),
    ("[due\n", "cannot read"),
    ("[assignments]\nhw1 = 'nb01'\n", "must be a list"),
])
def test_a_bad_due_dates_file_is_refused_naming_the_file_and_the_entry(tmp_path, text, message):
    path = put(tmp_path, "due.toml", text)
    with pytest.raises(ValueError, match=f"due-dates: .*{message}"):
        Deadlines.read(path, ["nb01", "nb02"])


# ---------------------------------------------------------------------------- identity

def test_nbgrader_s_layout_names_student_assignment_and_time(tmp_path):
    when = datetime(2026, 10, 2, 8, 30, tzinfo=UTC)
    course = tmp_path / "course"
    put(course, "submitted/ann/nb01/nb01.ipynb", mtime=datetime(2020, 1, 1, tzinfo=UTC))
    put(course, "submitted/ann/nb01/timestamp.txt", nbgrader_stamp(when))
    put(course, "submitted/bob/nb01/nb01.ipynb", mtime=when + timedelta(days=1))
    for given in (course, course / "submitted"):
        found = discover([given])
        assert [(f.student, f.assignment, f.submitted_at, f.time_source)
                for f in found.files] == [
            ("ann", "nb01", when, "nbgrader timestamp.txt"),
            ("bob", "nb01", when + timedelta(days=1), "file time (no timestamp.txt)")]
        assert found.ignored == []  # timestamp.txt is read, not listed as ignored


def test_a_planted_submitted_tree_inside_a_student_s_folder_is_ignored_with_the_reason(
        tmp_path):
    course = tmp_path / "course"
    put(course, "submitted/bob/nb01/nb01.ipynb")
    planted = put(course, "submitted/bob/nb01/submitted/alice/nb01/nb01.ipynb")
    deeper = put(course, "submitted/bob/nb01/extra/nb01.ipynb")
    found = discover([course])
    assert [(f.student, f.path.name) for f in found.files] == [("bob", "nb01.ipynb")]
    reasons = dict(found.ignored)
    assert set(reasons) == {str(planted), str(deeper)}
    assert all("a file is graded only at submitted/<student>/<assignment>" in reason
               for reason in reasons.values())
    assert "alice" not in {f.student for f in found.files}


def test_one_folder_per_student_and_other_depths(tmp_path):
    put(tmp_path, "class/ann/nb01.ipynb")
    put(tmp_path, "class/loose.ipynb")
    put(tmp_path, "class/bob/week1/nb01.ipynb")
    found = discover([tmp_path / "class"])
    assert [(f.student, f.path.name) for f in found.files] == [("", "loose.ipynb"),
                                                              ("ann", "nb01.ipynb")]
    assert [Path(label).parts[-3:] for label, _ in found.ignored] == [
        ("bob", "week1", "nb01.ipynb")]
    # A file given on its own names no one: graded, counted for no one.
    alone = discover([tmp_path / "class" / "loose.ipynb"])
    assert [(f.student, f.assignment) for f in alone.files] == [("", "")]


def test_the_layout_is_read_from_the_nearest_folder_given():
    course = Path("/c")
    assert layout_of("/c/submitted/ann/nb01/nb01.ipynb", [course, course / "submitted"]) == (
        "ann", "nb01", "")
    assert layout_of("/elsewhere/x.ipynb", [course]) == ("", "", "")
    assert layout_of("/c/submitted/x.ipynb", [course])[2]  # not a student's folder
    assert layout_of("/c/submitted/x.ipynb", [course / "submitted"]) == ("", "", "")


def test_a_roster_of_files_decides_for_every_file(tmp_path):
    course = tmp_path / "course"
    ann = put(course, "submitted/ann/nb01/nb01.ipynb")
    put(course, "submitted/eve/nb01/nb01.ipynb")
    odd = put(course, "submitted/x/y/z/nb01.ipynb")
    roster = put(tmp_path, "roster.csv",
                 "\ufeffStudent,File,Submitted At\r\n"
                 f"ann-id,{ann},2026-10-01T12:00:00Z\r\n"
                 f"bob,{odd.relative_to(tmp_path)},\r\n")
    found = discover([course], read_roster(roster))
    got = {f.student: f for f in found.files}
    assert set(got) == {"ann-id", "bob"}
    assert got["ann-id"].time_source == "roster"
    assert got["ann-id"].submitted_at == datetime(2026, 10, 1, 12, tzinfo=UTC)
    assert got["ann-id"].flags == ("in the folder of 'ann', graded as 'ann-id' (the roster's)",)
    assert got["bob"].time_source.startswith("file time")
    assert [(Path(label).parts[-3], reason) for label, reason in found.ignored] == [
        ("eve", "not in the roster, which lists every file to grade")]


def test_a_roster_of_students_keeps_only_their_files(tmp_path):
    put(tmp_path, "class/ann/nb01.ipynb")
    put(tmp_path, "class/mallory/nb01.ipynb")
    roster = put(tmp_path, "roster.csv", "username,name,email\nann,Ann Lee,ann@x.org\n")
    found = discover([tmp_path / "class"], read_roster(roster))
    assert [f.student for f in found.files] == ["ann"]
    assert "'mallory' is not on the roster" in found.ignored[0][1]


def test_a_canvas_gradebook_export_is_a_roster_as_it_is(tmp_path):
    path = put(tmp_path, "canvas.csv",
               "Student,ID,SIS User ID,SIS Login ID,Section,Vectors (1234)\n"
               "    Points Possible,,,,,3\n"
               '"Lee, Ann",101,S-1,ann,Sec A,\n'
               '"Roe, Bob",102,S-2,bob,Sec B,2\n')
    roster = read_roster(path)
    assert list(roster.people) == ["ann", "bob"]
    ann = roster.people["ann"]
    assert (ann.name, ann.canvas_id, ann.sis_user_id, ann.section) == (
        "Lee, Ann", "101", "S-1", "Sec A")


@pytest.mark.parametrize("text, message", [
    ("", "is empty"),
    ("student,file\n,a.ipynb\n", "line 2 names no student"),
    ("student,file\nann,missing.ipynb\n", "line 2: no such file"),
    ("student,file\nann,a.ipynb\nbob,a.ipynb\n", "line 3: .* already the file of 'ann'"),
    ("student,file,submitted_at\nann,a.ipynb,yesterday\n", "line 2: cannot read"),
])
def test_a_bad_roster_is_refused_naming_the_line(tmp_path, text, message):
    put(tmp_path, "a.ipynb")
    path = put(tmp_path, "roster.csv", text)
    with pytest.raises(ValueError, match=f"roster: .*{message}"):
        read_roster(path)


def test_a_roster_without_a_header_is_student_then_file(tmp_path):
    put(tmp_path, "a.ipynb")
    roster = read_roster(put(tmp_path, "roster.csv", "ann,a.ipynb\n"))
    assert list(roster.files.values()) == ["ann"] and list(roster.people) == ["ann"]


def test_an_assignment_folder_whose_notebook_answers_another_is_flagged(tmp_path):
    course = tmp_path / "course"
    put(course, "submitted/ann/nb01/nb02.ipynb")
    [handed] = discover([course]).files
    flags = assignment_flags(handed, "nb02", "nb02")
    assert flags == ("assignment mismatch: handed in as assignment 'nb01', but the notebook "
                     "says it answers 'nb02'",)
    assert assignment_flags(handed, "nb01", "nb01") == ()
    assert assignment_flags(handed, "nb02", "nb02", {"nb01": ("nb01", "nb02")}) == ()
    assert "notebook mismatch" in assignment_flags(handed, "nb01", "nb02")[0]


def test_the_feedback_of_late_work_says_how_late_and_what_it_costs():
    from coursekit.grading.feedback import feedback_markdown
    from coursekit.grading.results import Grade

    deadlines = Deadlines({"01_random_baseline": datetime(2026, 10, 1, 22, tzinfo=UTC)},
                          LatePolicy("per-hour", 5, cap=20))
    late = deadlines.lateness_note("01_random_baseline", datetime(2026, 10, 2, 1, tzinfo=UTC))
    assert late == ("Handed in 2026-10-02 01:00 UTC, 3.0 hours after the due time "
                    "(2026-10-01 22:00 UTC): 15% off (5% off per hour late, at most 20%).")
    assert deadlines.lateness_note("01_random_baseline",
                                   datetime(2026, 10, 1, 21, tzinfo=UTC)) == ""
    text = feedback_markdown(Grade("a.ipynb", "01_random_baseline", (), "ok"), late)
    assert f"points**.\n\n{late}\n" in text
