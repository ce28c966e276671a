"""Who handed in what (roster, folders), the LMS export, and the instructor's report.

The report is built from a real (local) grading of a small class made from
solutions/ and notebooks/, one of whose students writes HTML and script into
every text the report shows; the page is opened in Debian's Chromium.
"""

import csv
import os
import re
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.grading import GradesFile
from coursekit.grading.lms import export_lms
from coursekit.grading.roster import read_roster, student_from_path, students_of
from grading import submissions as build
from test_browser import CHROMIUM, CHROMIUM_ARGS, require, sync_api

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "report"
NB01, NB02 = "01_random_baseline", "02_average_image"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


# ---------------------------------------------------------------- students

def test_nbgrader_layout_names_the_folder_after_submitted(tmp_path):
    path = tmp_path / "course" / "submitted" / "s123" / "ps1" / f"{NB01}.ipynb"
    assert student_from_path(path, [tmp_path]) == "s123"


def test_one_folder_per_student_below_the_directory_given(tmp_path):
    given = tmp_path / "class"
    assert student_from_path(given / "alice" / f"{NB01}.ipynb", [given]) == "alice"
    assert student_from_path(given / "alice" / "late" / f"{NB01}.ipynb", [given]) == "alice"
    assert student_from_path(given / f"{NB01}.ipynb", [given]) == ""
    assert student_from_path(tmp_path / "x.ipynb", []) == ""


def test_a_roster_names_each_file_and_overrides_the_folders(tmp_path):
    files = [build.save(build.student(NB01), tmp_path / "in" / name)
             for name in ("a.ipynb", "b.ipynb")]
    roster = tmp_path / "roster.csv"
    roster.write_text("Student ID,File\ns1,in/a.ipynb\n", encoding="utf-8")
    found = [(f, os.path.relpath(f)) for f in files]
    students = students_of([(p, str(read_label(p))) for p, _ in found], roster, [tmp_path])
    assert list(students.values()) == ["s1", "in"]
    headless = tmp_path / "plain.csv"
    headless.write_text(f"s2,{files[1]}\n", encoding="utf-8")
    assert list(read_roster(headless).values()) == ["s2"]


def read_label(path):
    from coursekit.grading import submission_label

    return submission_label(path)


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("student,file\n,a.ipynb\n", "line 2"),
    ("student,file\ns1,missing.ipynb\n", "no such file"),
    ("student,file\ns1,a.ipynb\ns2,a.ipynb\n", "already the file of 's1'"),
    ("just one column\n", "line 1"),
])
def test_a_bad_roster_is_named_with_its_line(tmp_path, text, words):
    (tmp_path / "a.ipynb").write_text("{}", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="roster") as error:
        read_roster(roster)
    assert words in str(error.value)


# ---------------------------------------------------------------- LMS export

def write_grades(path, rows):
    columns = ["submission", "01-scale-pixels", "total", "max_total", "status", "reason",
               "sha256", "student", "notebook"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


def test_the_lms_export_has_one_row_per_student_and_a_column_per_notebook(tmp_path):
    grades = tmp_path / "grades.csv"
    write_grades(grades, [
        dict(submission="a/01.ipynb", total=4, max_total=4, status="ok", student="s1",
             notebook=NB01),
        dict(submission="a/02.ipynb", total=3, max_total=4, status="ok", student="s1",
             notebook=NB02),
        dict(submission="b/01.ipynb", total=1, max_total=4, status="timeout", student="=s2",
             notebook=NB01),
        dict(submission="b/01-again.ipynb", total=2, max_total=4, status="ok",
             student="=s2", notebook=NB01),
        dict(submission="c/01.ipynb", total=0, max_total=4, status="error", student="s3",
             notebook=NB01),
        dict(submission="nobody.ipynb", total=4, max_total=4, status="ok", notebook=NB01),
    ])
    out = tmp_path / "lms.csv"
    problems = export_lms(grades, out)
    assert out.read_text(encoding="utf-8").splitlines() == [
        f"student,{NB01},{NB02}", "s1,4,3", "'=s2,2,"]
    assert any("more than once" in p for p in problems)
    assert any("nobody.ipynb" in p for p in problems)


def test_the_export_of_a_missing_grades_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="export"):
        export_lms(tmp_path / "none.csv", tmp_path / "lms.csv")


# ---------------------------------------------------------------- the report

@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    subs = root / "class"
    build.save(build.solution(NB01), subs / "alice" / f"{NB01}.ipynb")
    hostile = build.student(NB01)
    hostile.cells[0].source = f"# My notes {HOSTILE}"
    build.set_answer(hostile, "01-scale-pixels",
                     f"# {HOSTILE}\ndef to_vector(image):\n    return '{HOSTILE}'")
    build.save(hostile, subs / HOSTILE.replace("/", "_")[:40] / f"{NB01}.ipynb")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        code = main(["grade", "class", "--out", "grades.csv", "--jobs", "2", "--report",
                     "report", "--feedback", "feedback", "--export", "lms.csv"])
    finally:
        os.chdir(cwd)
    assert code == 0
    return root


def test_the_report_shows_pass_shares_totals_statuses_and_links(graded_class):
    page = (graded_class / "report" / "report.html").read_text(encoding="utf-8")
    assert "<h1>Class report: 2 submissions, 2 students</h1>" in page
    # Alice passed everything, the other student nothing.
    assert page.count("<td>1 / 2 (50%)</td>") == 3
    assert page.count("data:image/png;base64,") == 2
    links = re.findall(r'href="([^"]+)"', page)
    assert len(links) == 4
    for link in links:
        from urllib.parse import unquote

        assert (graded_class / "report" / unquote(link.replace("&amp;", "&"))).is_file()
    lms = (graded_class / "lms.csv").read_text(encoding="utf-8").splitlines()
    assert lms[0] == f"student,{NB01}" and "alice,4" in lms


def test_student_text_is_escaped_everywhere_in_the_report(graded_class):
    pages = [graded_class / "report" / "report.html",
             *(graded_class / "report" / "students").rglob("*.html")]
    assert len(pages) == 3
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and "<img src=x" not in text
    hostile_page = next(p for p in pages if "alice" not in str(p) and p.name != "report.html")
    text = hostile_page.read_text(encoding="utf-8")
    assert "&lt;script&gt;" in text
    # Each verdict sits under its exercise's check cell, in the learner's own notebook.
    assert text.count('class="verdict') == 3
    assert text.index("def to_vector") < text.index('class="verdict wrong')


def test_the_report_in_chromium(graded_class):
    require(CHROMIUM.exists(), "Debian's Chromium")
    require(sync_api is not None, "Playwright")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = graded_class / "report" / "report.html"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(report.as_uri())
            images = page.locator("img")
            assert images.count() == 2
            assert all(images.nth(i).evaluate("img => img.naturalWidth > 0")
                       for i in range(2))
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
            page.locator("a", has_text="notebook with verdicts").last.click()
            page.wait_for_load_state()
            assert "Feedback on" in page.title()
            page.screenshot(path=str(ARTIFACTS / "student.png"), full_page=True)
            assert dialogs == []  # no student script ran
        finally:
            browser.close()
