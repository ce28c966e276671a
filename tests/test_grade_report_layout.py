"""The instructor's report for a whole course, read in Chromium: labels apart, nothing off the page.

A gradebook is filled as the grader fills it (:class:`~coursekit.grading.store.Store`:
attempts, gradings, flags, times) for every notebook of the course, with a
student whose name and file are one long word, a flagged attempt, a late one
and attempts that did not grade; grades.csv is written from it
(:func:`~coursekit.grading.exports.write_view`) and the report from that.
Debian's Chromium, driven by Playwright, then measures the page: no
horizontal scrolling, and no two texts of a figure (tick labels, titles, axis
labels, legend) overlapping. The screenshot is left in
``test-artifacts/report/course.png`` to be looked at.
"""

import random
from datetime import datetime, timedelta, timezone

import pytest

from coursekit import checks
from coursekit.grading.deadlines import Deadlines, LatePolicy
from coursekit.grading.exports import write_view
from coursekit.grading.report import exercise_label, write_report
from coursekit.grading.store import Store, Verdict
from coursekit.grading.submissions import known_notebooks
from test_browser import static_page
from test_grade_report import ARTIFACTS

DUE = datetime(2026, 10, 1, 22, 0, tzinfo=timezone.utc)
LONG_NAME = "a" * 40 + "-very-long-student-identifier-" + "b" * 60
FLAG = "check cell of Exercise 2 edited"


def _grade(store, student, notebook, rng, *, status="ok", reason="", late=None, flags=()):
    exercises = checks.exercises_for(notebook)
    folder = f"/course/submitted/{student}/{notebook}"
    attempt = store.add(f"{folder}/{notebook}.ipynb", f"{student}-{notebook}", student=student,
                        notebook=notebook, submitted_at=DUE + (late or -timedelta(hours=2)),
                        time_source="test", flags=flags)
    store.claim(ids=[attempt.id], limit=None)
    verdicts = [Verdict(e.id, e.points if rng.random() < 0.6 else 0, e.points,
                        "correct" if status == "ok" else "error") for e in exercises]
    if status != "ok":
        verdicts = [Verdict(e.id, 0, e.points, "error") for e in exercises]
    store.finish(attempt.id, status=status, reason=reason, verdicts=verdicts)


@pytest.fixture(scope="module")
def course_report(tmp_path_factory):
    root = tmp_path_factory.mktemp("course-report")
    rng = random.Random(3)
    deadlines = Deadlines({notebook: DUE for notebook in known_notebooks()},
                          LatePolicy.parse("10%/day"))
    with Store(root / "grades.db") as store:
        for number in range(9):
            for notebook in known_notebooks():
                _grade(store, f"student{number}", notebook, rng)
        _grade(store, LONG_NAME, "03_mlp_from_scratch", rng, flags=(FLAG,))
        _grade(store, "late", "02_average_image", rng, late=timedelta(hours=30))
        _grade(store, "stuck", "04_mlp_scikit_learn", rng, status="timeout",
               reason="cell 12 ran longer than 120 s")
        write_view(store, root / "grades.csv", deadlines, list(checks.EXERCISES))
    return write_report(root / "grades.csv", root / "report")


def test_each_exercise_is_named_with_its_notebook(course_report):
    page = course_report.read_text(encoding="utf-8")
    label = "03_mlp_from_scratch · 03-sigmoid — the sigmoid"
    assert exercise_label(checks.get("03-sigmoid")) == label
    assert f"<td>{label}</td>" in page
    # No row of the exercises' table names an exercise by its number alone.
    assert "<td>Exercise " not in page
    # The figures are text, the notebooks named in them.
    assert page.count("<svg") == 2
    assert all(f">{notebook}<" in page for notebook in known_notebooks())


def test_flags_late_work_and_statuses_are_shown(course_report):
    page = course_report.read_text(encoding="utf-8")
    attention = page[page.index("<h2>Flags and late work</h2>"):page.index("<h2>Submissions")]
    assert FLAG in attention and LONG_NAME in attention
    assert "30 h late (&minus;20%)" in attention
    assert "stuck" not in attention
    submissions = page[page.index("<h2>Submissions"):]
    row = next(r for r in submissions.split("<tr") if ">stuck<" in r)
    assert 'class="trouble"' in row and ">timeout<" in row
    assert "cell 12 ran longer than 120 s" in row
    assert submissions.count('class="flagged"') == 1


def _overlaps(page, selector):
    """Pairs of texts of ``selector``'s figure whose boxes in the page overlap."""
    return page.locator(selector).evaluate("""svg => {
        const boxes = [...svg.querySelectorAll('text')]
            .filter(t => t.textContent.trim())
            .map(t => [t.textContent, t.getBoundingClientRect()]);
        const hit = [];
        for (let i = 0; i < boxes.length; i++)
            for (let j = i + 1; j < boxes.length; j++) {
                const [a, p] = boxes[i], [b, q] = boxes[j];
                if (p.left < q.right - 0.5 && q.left < p.right - 0.5
                        && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5)
                    hit.push(a + ' / ' + b);
            }
        return hit;
    }""")


def _sideways(page):
    """How far the page scrolls sideways, and the tables' boxes that scroll."""
    return page.evaluate("""() => [
        document.documentElement.scrollWidth - document.documentElement.clientWidth,
        [...document.querySelectorAll('.wide')]
            .filter(box => box.scrollWidth > box.clientWidth)
            .map(box => box.previousElementSibling.textContent)]""")


def test_the_course_report_in_chromium(course_report):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with static_page(course_report.as_uri()) as (page, dialogs):
        page.screenshot(path=str(ARTIFACTS / "course.png"), full_page=True)
        # Nothing runs off the page: not the long name, not the tables, not the figures;
        # at a laptop's width every table fits without scrolling in its box.
        assert _sideways(page) == [0, []]
        for selector in ("#passed-per-exercise svg", "#totals-per-notebook svg"):
            assert _overlaps(page, selector) == [], selector
        # Notebook 03's axis (13 points) has separate labels, each a number.
        ticks = page.locator("#totals-per-notebook svg g[id^=xtick] text").all_text_contents()
        assert ticks and all(t.strip().isdigit() and len(t.strip()) <= 2 for t in ticks)
        ids = page.locator("#passed-per-exercise svg g[id^=ytick] text").all_text_contents()
        assert sorted(t.strip() for t in ids) == sorted(checks.EXERCISES)
        # In a narrow window, the page still does not scroll sideways (a table may).
        page.set_viewport_size({"width": 700, "height": 800})
        assert _sideways(page)[0] == 0
        assert dialogs == []  # nothing of a learner's ran
