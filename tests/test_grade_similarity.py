"""The similarity section of ``coursekit grade --report``, through the real command.

A small class hands in notebook 01: four students who wrote ``evaluate`` each
their own way, and a fifth whose latest answer is the second student's with
every name changed (a planted copy); an earlier attempt of the fifth is the
fourth student's answer as it is, and must not be compared (only the latest
attempt per student and notebook is). The class is graded by ``coursekit grade
--report`` (real kernels); the report's similarity section must rank that
pair first and flag it. Without the ``similarity`` extra, the same command
writes the report with a note on how to enable the section, and no traceback.
"""

import os
import sys
from pathlib import Path

import pytest

from coursekit.cli import main
from coursekit.similarity.report import NOT_INSTALLED
from grading import submissions as build
from test_browser import static_page
from test_grade_report import ARTIFACTS

pytest.importorskip("copydetect", reason="the similarity section needs the similarity extra")

ROOT = Path(__file__).resolve().parents[1]
NB01 = "01_random_baseline"
EVALUATE = {
    "ann": """def evaluate(classifier, start=0, count=1000):
    return float(np.mean([np.argmax(classifier(X[i])) == y[i]
                          for i in range(start, start + count)]))""",
    "bea": """def evaluate(classifier, start=0, count=1000):
    hits, seen = 0, 0
    index = start
    while seen < count:
        guess = np.argmax(classifier(X[index]))
        if guess == y[index]:
            hits = hits + 1
        seen += 1
        index += 1
    ratio = hits / seen
    return ratio""",
    "cid": """def evaluate(classifier, start=0, count=1000):
    labels = [int(np.argmax(classifier(image))) for image in X[start:start + count]]
    return sum(a == b for a, b in zip(labels, y[start:start + count])) / count""",
    "dev": """def evaluate(classifier, start=0, count=1000):
    correct = 0
    for i in range(start, start + count):
        if np.argmax(classifier(X[i])) == y[i]:
            correct += 1
    return correct / count""",
}
RENAMED = {"hits": "good", "seen": "done", "index": "k", "guess": "g", "ratio": "share"}


def _copy_of(code):
    for old, new in RENAMED.items():
        code = code.replace(old, new)
    return code


def _grade(root, *extra):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return main(["grade", "class", "--out", "grades.csv", "--jobs", "2", "--report",
                     "report", "--student-version", str(ROOT / "notebooks"), *extra])
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("similar-class")
    answers = {**EVALUATE, "eve": _copy_of(EVALUATE["bea"])}
    for student, code in answers.items():
        notebook = build.solution(NB01)
        build.set_answer(notebook, "01-evaluate-range", code)
        build.save(notebook, root / "class" / student / f"{NB01}.ipynb")
    earlier = build.solution(NB01)
    build.set_answer(earlier, "01-evaluate-range", EVALUATE["dev"])
    old = build.save(earlier, root / "class" / "eve" / f"first_{NB01}.ipynb")
    day_before = (root / "class" / "eve" / f"{NB01}.ipynb").stat().st_mtime - 86400
    os.utime(old, (day_before, day_before))
    assert _grade(root) == 0
    # As graded with the extra (the tests below write the report again without it).
    (root / "report" / "first.html").write_bytes((root / "report" / "report.html").read_bytes())
    return root


def page_of(root, name="first.html"):
    return (root / "report" / name).read_text(encoding="utf-8")


def _section(root, name="report.html"):
    page = (root / "report" / name).read_text(encoding="utf-8")
    assert page.count('<h2 id="similarity">') == 1
    return page[page.index('<h2 id="similarity">'):]


def test_the_planted_copy_is_the_flagged_pair_of_the_report(graded):
    section = _section(graded, "first.html")
    assert '<section class="similarity">' in section
    rows = [row for row in section.split("<tr")[1:] if "<td" in row]
    assert len(rows) >= 2  # the flagged pair, and the next ones below the threshold
    assert 'class="flagged"' in rows[0]
    assert "<td>bea</td>" in rows[0] and "<td>eve</td>" in rows[0]
    assert all('class="flagged"' not in row for row in rows[1:])
    assert "5 students, 10 pairs compared, 1 flagged" in section
    assert f"class/eve/first_{NB01}.ipynb: an earlier attempt of eve" in section
    # Both of eve's attempts were graded; the report's table lists them.
    assert f"class/eve/first_{NB01}.ipynb" in page_of(graded).split('<h2 id="similarity">')[0]


def test_without_the_extra_the_report_says_how_to_enable_it(graded, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "copydetect", None)  # import copydetect fails
    assert _grade(graded) == 0  # nothing left to grade; the report is written again
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Instructor's report written" in captured.out
    section = _section(graded)
    assert NOT_INSTALLED in section and "coursekit[similarity]" in section
    assert '<section class="similarity">' not in section


def test_a_missing_student_version_is_said_in_the_section(graded, tmp_path):
    assert _grade(graded, "--student-version", str(tmp_path / "nowhere")) == 0
    section = _section(graded)
    assert "The answers were not compared" in section and "nowhere" in section


def test_the_section_in_chromium(graded):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with static_page((graded / "report" / "first.html").as_uri()) as (page, dialogs):
        flagged = page.locator(".similarity tr.flagged")
        assert flagged.count() == 1 and flagged.first.is_visible()
        # The pair's code side by side, the shared code highlighted on both sides.
        sides = page.locator(".similarity .pair").first.locator(".side")
        assert sides.count() == 2 and all(sides.nth(i).locator("mark").count() >= 1
                                           for i in range(2))
        assert page.evaluate("document.documentElement.scrollWidth "
                             "<= document.documentElement.clientWidth")
        page.locator("#similarity").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "similarity-section.png"))
        assert dialogs == []  # nothing of a learner's ran
