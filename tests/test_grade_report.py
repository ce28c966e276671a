"""Who handed in what (roster, folders), and the instructor's report.

The report is built from a real (local) grading of a small class made from
solutions/ and notebooks/, one of whose students writes HTML and script into
every text the report shows; the page is opened in Debian's Chromium.
"""

import os
import re
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.grading.identity import discover, layout_of, read_roster
from grading import submissions as build
from test_browser import static_page

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "report"
NB01, NB02 = "01_random_baseline", "02_average_image"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


# ---------------------------------------------------------------- students

def test_nbgrader_layout_names_the_folder_after_submitted(tmp_path):
    course = tmp_path / "course"
    path = course / "submitted" / "s123" / "ps1" / f"{NB01}.ipynb"
    assert layout_of(path, [course]) == ("s123", "ps1", "")
    assert layout_of(path, [course / "submitted"]) == ("s123", "ps1", "")


def test_one_folder_per_student_below_the_directory_given(tmp_path):
    given = tmp_path / "class"
    assert layout_of(given / "alice" / f"{NB01}.ipynb", [given]) == ("alice", "", "")
    # Deeper is no documented layout: not graded, whoever's folder it is in.
    assert "a file is graded only at" in layout_of(
        given / "alice" / "late" / f"{NB01}.ipynb", [given])[2]
    assert layout_of(given / f"{NB01}.ipynb", [given]) == ("", "", "")
    assert layout_of(tmp_path / "x.ipynb", []) == ("", "", "")


def test_a_roster_names_each_file_and_overrides_the_folders(tmp_path):
    files = [build.save(build.student(NB01), tmp_path / "in" / name)
             for name in ("a.ipynb", "b.ipynb")]
    roster = tmp_path / "roster.csv"
    roster.write_text("Student ID,File\ns1,in/a.ipynb\n", encoding="utf-8")
    found = discover([tmp_path / "in"], read_roster(roster))
    assert [(f.path, f.student) for f in found.files] == [(files[0], "s1")]
    assert found.ignored == [(str(files[1]), "not in the roster, which lists every file "
                                             "to grade")]
    headless = tmp_path / "plain.csv"
    headless.write_text(f"s2,{files[1]}\n", encoding="utf-8")
    assert list(read_roster(headless).files.values()) == ["s2"]


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
    # Each attempt's status, reason, time, whether it counts and its flags.
    assert "<th>Reason</th><th>Handed in</th><th>Counts</th><th>Flags</th>" in page
    assert page.count('<td class="short">yes</td>') == 2
    # Alice passed everything, the other student nothing.
    assert page.count('<td class="short">1 / 2 (50%)</td>') == 3
    assert page.count('<figure class="chart"') == 2 and page.count("<svg") == 2
    links = re.findall(r'<a href="([^"]+)"', page)
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
    report = graded_class / "report" / "report.html"
    with static_page(report.as_uri(), width=1200) as (page, dialogs):
        figures = page.locator("figure.chart svg")
        assert figures.count() == 2
        assert all(figures.nth(i).evaluate("svg => svg.getBoundingClientRect().height > 100")
                   for i in range(2))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        page.locator("a", has_text="notebook with verdicts").last.click()
        page.wait_for_load_state()
        assert "Feedback on" in page.title()
        page.screenshot(path=str(ARTIFACTS / "student.png"), full_page=True)
        assert dialogs == []  # no student script ran
