"""The similarity page in a real browser: matches highlighted, a learner's text shown as text.

A small generated class (tests/classroom) with a copied pair, one of whose
students is named and writes like an attacker, is compared; Debian's Chromium,
driven by Playwright, opens the page. The screenshot is left in
``test-artifacts/similarity/page.png`` to be looked at.

Needs ``/usr/bin/chromium`` and ``playwright`` (test extras); skipped without
them, except under CI (``CI`` set), where it fails.
"""

import random
from pathlib import Path

import pytest

pytest.importorskip("copydetect", reason="coursekit similarity needs the similarity extra")

from classroom import generate, transforms  # noqa: E402
from coursekit.similarity import compare_class, write_outputs  # noqa: E402
from test_browser import static_page  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "similarity"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_LINE = "    note = '</pre><script>alert(2)</script>'"


def _page(tmp_path):
    rng = random.Random(7)
    given = generate._answer_cells(generate.student_version())
    klass = generate.BenchmarkClass()
    for number in range(12):
        klass.students[f"student{number:02d}"] = generate.honest_student(rng, given)
    copied = transforms.rename(klass.students["student03"], rng)
    answers = dict(copied.answers)
    answers["03-sigmoid"] += "\n" + HOSTILE_LINE
    klass.students[HOSTILE_NAME] = generate.Student(answers)
    report = compare_class([generate.write_class(klass, tmp_path)],
                           student_version=ROOT / "notebooks")
    page = tmp_path / "similarity.html"
    write_outputs(report, page)
    return report, page


def test_page_in_chromium(tmp_path):
    report, page_file = _page(tmp_path)
    top = report.pairs[0]
    assert {top.student_a, top.student_b} == {HOSTILE_NAME, "student03"} and top.flagged
    with static_page(page_file.as_uri(), width=1400, height=1000) as (page, dialogs):
        first = page.locator(".pair").first
        assert "score" in first.locator("h3").inner_text()
        # The shared code is highlighted on both sides, most of each answer.
        for side in range(2):
            marks = first.locator(".side").nth(side).locator("mark")
            assert marks.count() >= 1
            highlighted = sum(len(text) for text in marks.all_inner_texts())
            whole = len(first.locator(".side").nth(side).locator("pre").inner_text())
            assert highlighted > 0.5 * whole
        # The learner's text is shown as text, and nothing of theirs runs.
        assert HOSTILE_NAME in first.locator("h3").inner_text()
        assert "</pre><script>alert(2)</script>" in first.inner_text()
        assert page.locator("img").count() == 0 and page.locator("script").count() == 0
        assert page.locator("table tr.flagged").count() >= 1
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page.png"), full_page=False)
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "pair.png"))
    assert dialogs == []
