"""Feedback per student, through ``coursekit grade`` on a small class with real kernels.

A class in the one-folder-per-student layout: alice's notebook 01 raises in an
answer cell, holds hostile Markdown, prints a huge output and draws a figure;
bob hands notebook 01 in twice (an answer right only on the notebook's own
inputs, handed in first but graded last, then the solution); carol's notebook
02 has a dot product that is wrong on the notebook's own cases. Each student's
folder gets ``<notebook>.{md,html,txt}`` from the attempt that counts and every
attempt's files beside them; a failing case reaches the instructor's view
(``coursekit grades``) and, unless it is secret, the learner's feedback.
"""

import os
import re
import time

import numpy as np
import pytest

from coursekit import grading, judging
from coursekit.cli import main
from coursekit.grading import feedback_html, seen_outputs
from coursekit.grading.feedback import COMMENT_CHARS
from coursekit.grading.store import Store
from grading import submissions as build

NB01, NB02 = "01_random_baseline", "02_average_image"
SANDBOX = "auto" if os.environ.get("CI") or not grading.bwrap_problem() else "none"

HOSTILE_MARKDOWN = """\
# My notes <script>alert("md")</script>

[a link](javascript:alert(1)) and [another](JaVa&#9;script:alert(2)) and [docs](https://numpy.org)

![tracker](http://tracker.example/pixel.png) <img src=x onerror="alert(3)">

<iframe src="https://evil.example"></iframe>"""

#: An answer cell that raises at its second line: to_vector is never defined.
RAISING_ANSWER = """\
scale = 16
factor = 1 / sixteen
def to_vector(image):
    return image.reshape(64) * factor"""

FIGURE = """\
import matplotlib.pyplot as plt
plt.plot([0, 1], [1, 0])
plt.show()
print("<b>not bold</b> <script>alert('out')</script>")"""

HUGE_OUTPUT = 'print("A" * 2_000_000)'


def alice_notebook():
    notebook = build.solution(NB01)
    build.set_answer(notebook, "01-scale-pixels", RAISING_ANSWER)
    cell = build.find(notebook, "01-scale-pixels", "exercise")
    notebook.cells.insert(cell, build.nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN))
    build.insert(notebook, cell, FIGURE)
    build.insert(notebook, cell, HUGE_OUTPUT)
    return notebook


def carol_notebook():
    notebook = build.solution(NB02)
    build.set_answer(notebook, "02-dot-classifier",
                     "def dot_classifier(x):\n    return averages @ x + 1")
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    klass = root / "class"
    build.save(alice_notebook(), klass / "alice" / f"{NB01}.ipynb")
    # bob: the attempt handed in last sorts first, so it is graded first.
    newer = build.save(build.solution(NB01), klass / "bob" / f"a_{NB01}.ipynb")
    older = build.solution(NB01)
    build.set_answer(older, "01-scale-pixels", build.memorized_to_vector())
    older = build.save(older, klass / "bob" / f"b_{NB01}.ipynb")
    now = time.time()
    os.utime(older, (now - 86_400, now - 86_400))
    os.utime(newer, (now - 3_600, now - 3_600))
    build.save(carol_notebook(), klass / "carol" / f"{NB02}.ipynb")
    report = grading.grade([klass], root / "grades.csv", feedback=root / "feedback", jobs=1,
                           timeout=60, sandbox=SANDBOX, progress=False)
    with Store(grading.default_store(root / "grades.csv")) as store:
        attempts = {(a.student, a.file.rsplit("/", 1)[-1]): a for a in store.attempts()}
    return root, report, attempts


def read(path):
    return path.read_text(encoding="utf-8")


def test_each_student_has_a_folder_with_markdown_html_and_a_comment(graded):
    root, report, attempts = graded
    assert {g.status for g in report.graded} == {"ok"}, [g.reason for g in report.graded]
    feedback = root / "feedback"
    for student, notebook in (("alice", NB01), ("bob", NB01), ("carol", NB02)):
        for suffix in (".md", ".html", ".txt"):
            assert (feedback / student / f"{notebook}{suffix}").is_file(), (student, suffix)
    alice = attempts["alice", f"{NB01}.ipynb"]
    assert (feedback / "alice" / f"{NB01}.attempt-{alice.id}.html").is_file()
    comment = read(feedback / "alice" / f"{NB01}.txt")
    assert comment.startswith("This is the attempt that counts")
    assert f"{NB01}: 3 of 4 points." in comment
    assert len(comment) <= COMMENT_CHARS + 200
    assert len(comment.splitlines()) <= 6


def test_an_exception_in_an_answer_cell_is_in_the_feedback_not_not_answered(graded):
    root, report, attempts = graded
    grade = next(g for g in report.graded if "alice" in g.submission)
    result = grade.exercises[0].result
    assert result.status == "error" and grade.exercises[0].points == 0
    assert "raised NameError: name 'sixteen' is not defined" in result.message
    assert "at line 2: `factor = 1 / sixteen`" in result.message
    for suffix in (".md", ".html", ".txt"):
        text = read(root / "feedback" / "alice" / f"{NB01}{suffix}")
        assert "NameError" in text and "not answered yet" not in text
        assert "sixteen" in text


def test_the_attempt_that_counts_is_the_last_handed_in_and_every_attempt_is_kept(graded):
    root, report, attempts = graded
    first, last = attempts["bob", f"b_{NB01}.ipynb"], attempts["bob", f"a_{NB01}.ipynb"]
    assert first.submitted_at < last.submitted_at
    order = [g.submission for g in report.graded if "bob" in g.submission]
    assert order[-1].endswith(f"b_{NB01}.ipynb")  # the earlier attempt was graded last
    folder = root / "feedback" / "bob"
    counting = read(folder / f"{NB01}.md")
    assert f"attempt that counts: attempt {last.id}" in counting
    assert "4 of 4 points" in counting
    earlier = read(folder / f"{NB01}.attempt-{first.id}.md")
    assert "3 of 4 points" in earlier and f"Attempt {first.id}, handed in" in earlier
    assert (folder / f"{NB01}.attempt-{last.id}.html").is_file()


def test_a_secret_case_reaches_the_instructor_and_never_the_learner(graded, capsys):
    root, report, attempts = graded
    first = attempts["bob", f"b_{NB01}.ipynb"]
    with Store(grading.default_store(root / "grades.csv")) as store:
        verdict = store.current(first.id).verdicts[0]
    assert verdict.status == "wrong"
    assert verdict.detail.startswith("on a secret case:")
    assert "input:    to_vector(array of shape (8, 8))" in verdict.detail
    assert "expected: array([" in verdict.detail and "given:    array([0., 0." in verdict.detail
    secret_line = verdict.detail.splitlines()[2]
    for suffix in (".md", ".html", ".txt"):
        text = read(root / "feedback" / "bob" / f"{NB01}.attempt-{first.id}{suffix}")
        assert "passes the check in the notebook" in text
        assert "secret" not in text and "input:" not in text and secret_line not in text
    assert main(["grades", "bob", "--out", str(root / "grades.csv")]) == 0
    shown = capsys.readouterr().out
    assert "01-scale-pixels: 0/1, wrong" in shown and "expected: array([" in shown


def test_a_public_failing_case_is_shown_to_the_learner_and_the_instructor(graded, capsys):
    root, report, attempts = graded
    grade = next(g for g in report.graded if "carol" in g.submission)
    item = next(i for i in grade.exercises if i.exercise.id == "02-dot-classifier")
    assert item.points == 0 and not item.result.secret
    expected = judging.get("02-dot-classifier").cases(0)[0][0]
    assert "input:    dot_classifier(array of shape (64,))" in item.result.detail
    for suffix in (".md", ".html"):
        assert "input:    dot_classifier(array of shape (64,))" in read(
            root / "feedback" / "carol" / f"{NB02}{suffix}")
    assert expected.shape == (64,)
    assert main(["grades", "carol", "--out", str(root / "grades.csv")]) == 0
    assert "given:    array([" in capsys.readouterr().out


def test_the_page_renders_the_learners_markdown_and_runs_nothing_of_theirs(graded):
    root, _, _ = graded
    page = read(root / "feedback" / "alice" / f"{NB01}.html")
    assert "<h1>My notes &lt;script&gt;" in page  # their heading rendered, their HTML text
    assert "<script" not in page and "<iframe" not in page and "onerror=\"" not in page
    assert not re.search(r"href=\"\s*javascript", page, re.I) and "JaVa" not in page
    assert '<a href="https://numpy.org">docs</a>' in page
    assert "tracker.example" not in page and "[image: tracker]" in page
    assert "&lt;b&gt;not bold&lt;/b&gt;" in page  # a print, as text
    assert "default-src 'none'" in page


def test_the_page_shows_the_outputs_the_grader_saw_bounded(graded):
    root, report, _ = graded
    page = read(root / "feedback" / "alice" / f"{NB01}.html")
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert images, "the figure is on the page"
    assert "A" * 5000 not in page  # two million characters printed, not copied
    assert "an output too large for the grader to read" in page
    assert "NameError" in page and 'class="output error"' in page  # the traceback
    grade = next(g for g in report.graded if "alice" in g.submission)
    assert sum(len(text) for _, kind, text in grade.outputs if kind != "image") \
        <= seen_outputs.NOTEBOOK_TEXT
    # The verdict of each exercise is under the cell where it is graded, in order.
    verdicts = [page.index(f"Exercise {n} (") for n in (1, 2, 3)]
    assert verdicts == sorted(verdicts)
    check_cell = page.index("check(&quot;01-scale-pixels&quot;, to_vector)")
    assert check_cell < verdicts[0] < page.index("check(&quot;01-which-digit&quot;")


def test_markdown_feedback_shows_reasons_as_text_not_escapes():
    from coursekit.grading.feedback import feedback_markdown
    from coursekit.grading.results import Grade

    grade = Grade("x.ipynb", NB01, (), "timeout",
                  'cell 18 (`print(f"dot-product")`) ran past the 60 s limit')
    text = feedback_markdown(grade)
    assert 'cell 18 (`print(f"dot-product")`) ran past' in text
    assert "\\(" not in text and "\\`" not in text


def test_failing_cases_name_input_expected_and_given_in_three_notebooks():
    wrong = {
        "01-scale-pixels": lambda image: image.reshape(64) / 15,
        "02-dot-classifier": lambda x: np.zeros(10),
        "03-sigmoid": lambda z: 1 / (1 + np.exp(z)),
        "03-feedforward": lambda weights, biases, x: [x],
    }
    for exercise_id, answer in wrong.items():
        exercise = judging.get(exercise_id)
        result = exercise.evaluate(answer, detail=True)
        lines = result.detail.splitlines()
        assert not result.passed and [line.split(":")[0] for line in lines] == [
            "input", "expected", "given"], (exercise_id, result.detail)
        assert lines[0].startswith("input:    ") and exercise.answer_name in lines[0]
    # An answer right on the first case and wrong on the third is blamed on the third.
    exercise = judging.get("03-sigmoid")
    third = exercise.cases(0)[2][0]
    result = exercise.evaluate(lambda z: 1 / (1 + np.exp(-z)) if np.ndim(z) else 0.25,
                               detail=True)
    assert "sigmoid(0.0)" in result.detail and "given:    0.25" in result.detail
    assert np.ndim(third) == 0
    # A passing answer, or an unanswered one, has none.
    scale = judging.get("01-scale-pixels")
    assert scale.evaluate(lambda image: image.reshape(64) / 16, detail=True).detail == ""
    assert scale.evaluate(..., detail=True).detail == ""
    # A check cell in a notebook prints no detail, and spends nothing on one.
    assert scale.evaluate(lambda image: image.reshape(64) / 15).detail == ""


def test_an_answer_that_raises_names_the_case_it_raised_on():
    result = judging.get("01-scale-pixels").evaluate(lambda image: image.reshape(65),
                                                      detail=True)
    assert result.detail.startswith("input:    to_vector(array of shape (8, 8))")
    assert "given:    raised ValueError" in result.detail


@pytest.mark.parametrize("text", ["javascript:alert(1)", "JAVASCRIPT:x", "java\nscript:x",
                                  " javascript:x", "vbscript:x", "data:text/html,x",
                                  "java&#9;script:x", "file:///etc/passwd"])
def test_no_dangerous_link_survives(text):
    assert not feedback_html.safe_link(text)
    assert "href" not in feedback_html.render_markdown(f"[x]({text})")


def test_only_png_images_reach_a_page():
    fake = 'AAAA" onerror="alert(1)'
    assert seen_outputs.png(fake) is None
    assert seen_outputs.png("iVBORw0KGgo=") is not None  # the PNG signature
    assert seen_outputs.from_message("display_data", {"data": {"image/png": fake}})[0] \
        == "omitted"


def test_a_gradebook_of_version_one_gains_the_failing_cases_and_keeps_its_verdicts(tmp_path):
    import sqlite3

    from coursekit.grading.store import SCHEMA_VERSION, Verdict

    path = tmp_path / "gb.db"
    with Store(path) as store:
        attempt = store.add("/c/ann/nb01.ipynb", "h", student="ann", notebook="nb01")
        store.claim()
        store.finish(attempt.id, status="ok", reason="",
                     verdicts=[Verdict("ex1", 0, 1, "wrong", "off", "", "input: f(1)")])
    # Made as version 1 was: no detail column.
    db = sqlite3.connect(path)
    db.executescript("ALTER TABLE verdicts DROP COLUMN detail; PRAGMA user_version = 1;")
    db.close()
    with Store(path) as store:
        [verdict] = store.current(attempt.id).verdicts
        assert (verdict.message, verdict.detail) == ("off", "")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    db.close()
    with Store(path) as store:  # and a version 2 store keeps a detail
        [claimed] = store.claim(ids=[store.add("/c/ann/nb01.ipynb", "h2", student="ann",
                                               notebook="nb01").id])
        grading = store.finish(claimed.id, status="ok", reason="",
                               verdicts=[Verdict("ex1", 0, 1, "wrong", "off", "", "input: x")])
        assert grading.verdicts[0].detail == "input: x"


def test_a_grade_read_back_holds_the_specs_and_equals_the_judged_one():
    # A cluster's client reads grades back against the specs alone (it judges nothing, so
    # it imports no judge); the grade is the same one the worker judged.
    from coursekit.checks import registry
    from coursekit.checks.results import CORRECT, WRONG, Result
    from coursekit.grading.results import ExerciseGrade, Grade

    class Submitted:
        label, notebook = "a.ipynb", NB01

    def graded(exercises, status=CORRECT, points=None):
        return Grade("a.ipynb", NB01, tuple(
            ExerciseGrade(e, Result(status, "said"), e.points if points is None else points)
            for e in exercises), "ok", sha256="0" * 64)

    judges = judging.exercises_for(NB01)
    judged = graded(judges)
    back = Grade.from_data(judged.to_data(), Submitted)
    assert [item.exercise for item in back.exercises] == registry.specs(NB01)
    assert not any(isinstance(item.exercise, judging.Judge) for item in back.exercises)
    assert back == judged and hash(back) == hash(judged)
    assert back.row() == judged.row()
    # Another verdict, other points or another exercise is another grade.
    assert graded(judges, WRONG) != back
    assert graded(judges, points=0) != back
    assert graded(judges[::-1]) != graded(judges)
    assert back.exercises[0] != "01-scale-pixels"


def test_outputs_cross_the_wire_checked_and_bounded():
    from coursekit.grading.results import Grade

    class Submitted:
        label, notebook = "a.ipynb", None

    png = "iVBORw0KGgo="
    grade = Grade("a.ipynb", None, (), "invalid", "x",
                  outputs=((3, "stream", "hi"), (4, "image", png)))
    assert Grade.from_data(grade.to_data(), Submitted) == grade
    for bad in ([[3, "script", "x"]], [["3", "stream", "x"]], [[3, "stream"]], "x"):
        data = grade.to_data()
        data["outputs"] = bad
        with pytest.raises(ValueError, match="a worker sent"):
            Grade.from_data(data, Submitted)
    data = grade.to_data()
    data["outputs"] = [[5, "image", 'x" onerror="y'], [6, "stream", "z" * 10**6]]
    kept = Grade.from_data(data, Submitted).outputs
    assert kept[0][1] == "omitted" and len(kept[1][2]) <= seen_outputs.TEXT_CHARS
