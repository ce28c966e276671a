import ast
import importlib
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from coursekit import checks, judging
from coursekit.checks import spec, wire
from coursekit.data import load_digits
from verdicts import assert_wrong, verdict


def test_every_exercise_has_a_unique_id_points_and_answer_name():
    assert len(checks.EXERCISES) >= 6
    for exercise_id, exercise in checks.EXERCISES.items():
        assert exercise.id == exercise_id
        assert exercise_id.startswith(exercise.notebook[:2] + "-")
        assert exercise.points > 0 and exercise.answer_name.isidentifier()
        assert exercise.kind in ("value", "function")


def test_numbers_are_consecutive_within_each_notebook():
    notebooks = {exercise.notebook for exercise in checks.EXERCISES.values()}
    for notebook in notebooks:
        numbers = [exercise.number for exercise in checks.exercises_for(notebook)]
        assert numbers == list(range(1, len(numbers) + 1)), notebook


def test_get_unknown_id_lists_the_known_ones():
    with pytest.raises(KeyError, match="unknown exercise id 'nope'; known ids: 01-"):
        judging.get("nope")


@pytest.mark.parametrize("unanswered", [None, ...])
def test_unanswered_values_say_so(unanswered):
    result = judging.evaluate(judging.get("01-which-digit"), unanswered)
    assert result.status == checks.MISSING and "not answered yet" in result.message


def test_function_raising_not_implemented_is_unanswered():
    def to_vector(image):
        raise NotImplementedError()

    assert judging.evaluate(judging.get("01-scale-pixels"), to_vector).status == checks.MISSING


def test_a_crashing_answer_becomes_feedback_not_an_exception():
    result = judging.evaluate(judging.get("01-scale-pixels"), lambda image: 1 / 0)
    assert result.status == checks.ERROR and "ZeroDivisionError" in result.message


def test_a_value_given_for_a_function_is_explained():
    result = judging.evaluate(judging.get("01-scale-pixels"), 3)
    assert result.status == checks.ERROR and "should be a function" in result.message


def test_an_answer_of_the_wrong_form_never_raises():
    for exercise in judging.EXERCISES.values():
        for answer in ("text", [1, [2, 3]], {"a": 1}, object(), np.zeros((3, 3, 3))):
            result = judging.evaluate(exercise, answer)
            assert not result.passed, (exercise.id, answer)


def test_check_prints_verdict_and_returns_nothing(capsys):
    assert checks.check("01-which-digit", 4) is None
    assert "✅ Exercise 2" in capsys.readouterr().out
    checks.check("01-which-digit", 5)
    out = capsys.readouterr().out
    assert "❌" in out and "Hint:" in out


# Cells run one after another by IPython's own shell, as in a notebook's kernel.
IPYTHON_CELLS = """
import contextlib, io
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
for source in {cells!r}:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        shell.run_cell(source, store_history=True)
    print(printed.getvalue() if source.startswith("check(") else "", end="")
"""


@pytest.mark.parametrize("broken, error", [
    ("predicted_digit = undefined_name", "NameError: name 'undefined_name' is not defined"),
    ("predicted_digit = 5 +", "SyntaxError: invalid syntax"),
    ("predicted_digit = int('five')", "ValueError: invalid literal for int()"),
])
def test_a_check_after_a_failed_cell_says_the_answer_may_be_an_older_one(broken, error):
    cells = ["from coursekit.checks import check", "predicted_digit = 4",
             'check("01-which-digit", predicted_digit)', broken,
             'check("01-which-digit", predicted_digit)', "predicted_digit = 4",
             'check("01-which-digit", predicted_digit)']
    out = subprocess.run([sys.executable, "-c", IPYTHON_CELLS.format(cells=cells)],
                         capture_output=True, text=True, check=True).stdout
    first, after_failure, after_fix = out.split("✅ Exercise 2")[1:]
    assert "⚠️" not in first + after_fix
    assert f"The cell run just before this check stopped with {error}" in after_failure
    assert "may have stopped before setting `predicted_digit`" in after_failure
    assert "run the answer cell again" in after_failure


def test_a_check_after_the_placeholder_s_raise_says_to_delete_it():
    cells = ["from coursekit.checks import check",
             "predicted_digit = 4\n# YOUR CODE HERE\nraise NotImplementedError()",
             'check("01-which-digit", predicted_digit)']
    out = subprocess.run([sys.executable, "-c", IPYTHON_CELLS.format(cells=cells)],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("✅ Exercise 2")
    assert "stopped at `raise NotImplementedError()`" in out
    assert "delete that line and run the cell again" in out


@pytest.mark.parametrize("overwritten", [-1, 3, 2.0, "0", None])
def test_a_payload_naming_an_overwritten_case_that_cannot_be_is_not_judged(overwritten):
    exercise = judging.get("01-scale-pixels")
    cases = exercise.cases(0)[:4]
    payload = checks.collect_safely(exercise, lambda image: image.reshape(64) / 16, cases)
    payload["overwritten"] = overwritten
    assert "could not be read" in judging.judge_safely(exercise, payload, cases).message
    payload["overwritten"] = 1
    assert "a later call changed" in judging.judge_safely(exercise, payload, cases).message


def test_plain_converts_numbers_and_containers():
    assert wire.plain(np.int64(3)) == 3 and isinstance(wire.plain(np.int64(3)), int)
    assert wire.plain(2.5) == 2.5
    np.testing.assert_array_equal(wire.plain([1, 2]), np.array([1, 2]))
    stacked = wire.plain([np.zeros(2), np.ones(2)])
    assert stacked.shape == (2, 2)
    ragged = wire.plain([np.zeros(2), np.ones(3)])
    assert isinstance(ragged, list) and len(ragged) == 2
    assert wire.plain({"a": np.float32(1)}) == {"a": 1.0}


def test_plain_refuses_non_numbers():
    with pytest.raises(TypeError, match="expected numbers"):
        wire.plain(object())


def test_encode_decode_round_trip_without_pickle():
    payload = {"outputs": [np.arange(6).reshape(2, 3), 1.5, None, "x", [np.ones(2), 3]]}
    back = checks.decode(checks.encode(payload))
    np.testing.assert_array_equal(back["outputs"][0], payload["outputs"][0])
    assert back["outputs"][1:4] == [1.5, None, "x"]
    np.testing.assert_array_equal(back["outputs"][4][0], np.ones(2))


def test_decode_refuses_pickled_arrays():
    import base64
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    text = '{"__ndarray__": "%s"}' % base64.b64encode(buffer.getvalue()).decode()
    with pytest.raises((ValueError, TypeError)):
        checks.decode(text)


def test_judge_safely_reports_a_broken_payload():
    result = judging.judge_safely(judging.get("01-which-digit"), "not a dict", [])
    assert result.status == checks.ERROR


def test_decode_refuses_an_array_whose_header_lies():
    import base64
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3), allow_pickle=False)
    lying = buffer.getvalue().replace(b"(3,)", b"(9999999999,)".ljust(4))
    text = '{"__ndarray__": "%s"}' % base64.b64encode(lying).decode()
    with pytest.raises(ValueError):
        checks.decode(text)


@pytest.mark.parametrize("payload", [
    {"outputs": []},                                        # fewer outputs than cases
    {"outputs": [1, 2, 3, 4, 5, 6]},                        # more
    {"outputs": [1], "error": "E", "case": 3},              # error at the wrong case
    {"value": 4},                                           # a value for a function
    {"unanswered": "yes"},
    {"error": 3},
])
def test_a_payload_step_1_cannot_produce_is_not_judged(payload):
    exercise = judging.get("01-evaluate-range")
    result = judging.judge_safely(exercise, payload, exercise.cases(0))
    assert result.status == checks.ERROR and "could not be read" in result.message


# ---------------------------------------------------------------- unknown ids, progress

@pytest.mark.parametrize("typo, suggestion", [
    ("01-scale-pixel", "01-scale-pixels"),
    ("03-backpropp", "03-backprop"),
    ("02-average-nines", "02-average-nine"),
    ("04-copy_weights", "04-copy-weights"),
])
def test_check_with_a_typo_in_the_id_names_the_closest_and_never_raises(capsys, typo,
                                                                           suggestion):
    assert checks.check(typo, lambda image: image) is None
    out = capsys.readouterr().out
    assert out.startswith("⚠️") and repr(typo) in out and repr(suggestion) in out
    assert "known ids" not in out and "Traceback" not in out


@pytest.mark.parametrize("exercise_id", ["zzz", "", None, 3, ["01-which-digit"]])
def test_check_with_an_id_that_is_not_one_never_raises(capsys, exercise_id):
    checks.check(exercise_id, 4)
    out = capsys.readouterr().out
    assert out.startswith("⚠️") and "not an exercise id" in out and "Hint:" in out


def _to_vector(image):
    return np.asarray(image).reshape(64) / 16


def test_progress_groups_passed_not_yet_and_not_attempted(capsys):
    namespace = {"to_vector": _to_vector, "predicted_digit": 5}  # evaluate: not defined
    assert checks.progress("01_random_baseline", namespace) is None
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "1 of 3 exercises pass now (1 of 4 points)."
    passed, not_yet, missing = (lines.index(w) for w in ("passed:", "not yet:",
                                                          "not attempted:"))
    assert passed < not_yet < missing
    assert lines[passed + 1] == "  ✅ Exercise 1 (flatten and scale an image)"
    assert lines[not_yet + 1] == "  ❌ Exercise 2 (which digit do these scores name?)"
    assert lines[missing + 1] == "  ✏️ Exercise 3 (evaluate any range of images)"
    assert "check cell" in lines[-1]


def test_progress_counts_an_unanswered_value_and_a_crash(capsys):
    def evaluate(classifier, start, count):
        raise ValueError("oops")

    checks.progress("01_random_baseline", {"to_vector": _to_vector,
                                           "predicted_digit": ..., "evaluate": evaluate})
    out = capsys.readouterr().out
    assert "⚠️ Exercise 3" in out.split("not yet:")[1].split("not attempted:")[0]
    assert "✏️ Exercise 2" in out.split("not attempted:")[1]


def test_progress_judges_the_answers_as_they_are_now(capsys):
    namespace = {"predicted_digit": 5}
    checks.progress("01_random_baseline", namespace)
    assert "0 of 3" in capsys.readouterr().out
    namespace["predicted_digit"] = 4  # fixed after its check cell last ran
    checks.progress("01_random_baseline", namespace)
    assert "passed:\n  ✅ Exercise 2" in capsys.readouterr().out


def test_progress_says_when_everything_passes(capsys):
    checks.progress("02_average_image", {})
    assert "0 of 3 exercises pass now (0 of 4 points)" in capsys.readouterr().out
    from coursekit.data import load_digits
    X, y = load_digits()
    averages = np.stack([X[1000:][y[1000:] == d].mean(axis=0) for d in range(10)])
    checks.progress("02_average_image", {"average_nine": averages[9], "averages": averages,
                                         "dot_classifier": lambda x: averages @ x})
    out = capsys.readouterr().out
    assert out.startswith("3 of 3 exercises pass now") and "Well done" in out
    assert "not yet" not in out and "not attempted" not in out


def test_progress_reads_the_callers_globals_outside_ipython(capsys):
    code = "predicted_digit = 4\nprogress('01_random_baseline')\n"
    exec(code, {"progress": checks.progress})
    assert "passed:\n  ✅ Exercise 2" in capsys.readouterr().out


@pytest.mark.parametrize("name, suggestion", [
    ("01_random_basline", "01_random_baseline"),
    ("03", "03_mlp_from_scratch"),
])
def test_progress_with_an_unknown_notebook_names_the_closest(capsys, name, suggestion):
    checks.progress(name, {})
    out = capsys.readouterr().out
    assert out.startswith("⚠️") and repr(suggestion) in out and "Hint:" in out


def test_progress_accepts_the_file_name(capsys):
    checks.progress("01_random_baseline.ipynb", {"predicted_digit": 4})
    assert "passed:\n  ✅ Exercise 2" in capsys.readouterr().out


@pytest.mark.parametrize("notebook", [None, 1, ["01_random_baseline"]])
def test_progress_never_raises(capsys, notebook):
    checks.progress(notebook, {})
    assert capsys.readouterr().out.startswith("⚠️")


def test_progress_survives_a_namespace_that_is_not_one(capsys):
    checks.progress("01_random_baseline", namespace=42)
    out = capsys.readouterr().out
    assert out.startswith("⚠️") and "check cell" in out


def test_check_never_raises_even_when_the_check_itself_fails(capsys, monkeypatch):
    exercise = judging.get("01-evaluate-range")

    def broken_cases(seed):
        raise MemoryError("no room for the cases")

    monkeypatch.setattr(exercise, "cases", broken_cases)
    assert checks.check("01-evaluate-range", lambda c, s, n: 0.5) is None
    out = capsys.readouterr().out
    assert out.startswith("⚠️ Exercise 3") and "the check itself failed" in out
    assert "MemoryError" in out


def test_notebook_01s_check_imports_no_other_notebooks_specs_or_judges():
    # A fresh interpreter: this one has imported every notebook's judges already.
    code = ("import json, sys\n"
            "from coursekit.checks import check, progress\n"
            "check('01-which-digit', 4)\n"
            "progress('01_random_baseline', namespace={'predicted_digit': 4})\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('coursekit'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    *printed, modules = result.stdout.strip().splitlines()
    assert printed[0].startswith("✅ Exercise 2") and "1 of 3 exercises pass now" in printed[1]
    modules = set(json.loads(modules))
    assert {"coursekit.checks.nb01", "coursekit.judging.nb01"} <= modules
    for later in range(2, 8):
        assert f"coursekit.checks.nb0{later}" not in modules
        assert not any(m.startswith(f"coursekit.judging.nb0{later}") for m in modules)
    assert "coursekit.nn" not in modules and "coursekit.grading" not in modules


def test_the_kernel_side_never_imports_the_trusted_side():
    # The registry finds the judges by name when asked; an import statement would
    # make every kernel, a graded one too, load them.
    folder = Path(checks.__file__).parent
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                names = [module] + [f"{module}.{alias.name}" for alias in node.names]
                if node.level:
                    names = ["coursekit." + "checks." * (node.level == 1) + n for n in names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any("judging" in n.split(".") or "grading" in n.split(".")
                           for n in names), (path.name, ast.unparse(node))


def test_a_kernel_without_the_judges_says_the_grader_judges(monkeypatch, capsys):
    # What a graded kernel sees: importing coursekit.judging fails (the sandbox's
    # stand-in raises ModuleNotFoundError under that name).
    from coursekit.checks import registry

    real_import = importlib.import_module

    def no_judges(name, *args):
        if name.startswith(registry.JUDGES):
            raise ModuleNotFoundError(f"{name} is hidden", name=registry.JUDGES)
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_judges)
    registry._judges_of_module.cache_clear()
    try:
        checks.check("02-averages", np.zeros((10, 64)))
        checks.progress("02_average_image", namespace={})
        assert capsys.readouterr().out.splitlines() == [
            "Exercise 2 (all ten averages): the grader judges this answer.",
            "02_average_image: the grader judges these answers."]
    finally:
        registry._judges_of_module.cache_clear()
    # A module the judges need that is missing is a broken install, not a graded kernel.
    monkeypatch.setattr(importlib, "import_module", lambda name, *a: (_ for _ in ()).throw(
        ModuleNotFoundError("No module named 'sympy'", name="sympy")))
    try:
        with pytest.raises(ModuleNotFoundError, match="sympy"):
            registry.judge("02-averages")
    finally:
        registry._judges_of_module.cache_clear()


# ---------------------------------------------------------------- inputs changed in place

X_DIGITS, Y_DIGITS = load_digits()
AVERAGES_02 = np.stack([X_DIGITS[1000:][Y_DIGITS[1000:] == d].mean(axis=0) for d in range(10)])


def sort_then_count(y_true, y_pred):
    y_pred.sort()  # the slip: the notebook's predictions are reordered under it
    return confusion_matrix(y_true, y_pred, labels=range(10), normalize="true")


def count_then_sort(y_true, y_pred):
    rates = confusion_matrix(y_true, y_pred, labels=range(10), normalize="true")
    y_pred.sort()  # a right result, and still the notebook's array is changed
    return rates


def scaled_in_place(x):
    x /= np.linalg.norm(x) or 1
    return AVERAGES_02 @ x


def sigmoid_in_place(z):
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    np.reciprocal(z, out=z)
    return z


@pytest.mark.parametrize("exercise_id, answer, name", [
    ("07-confusion-rates", sort_then_count, "`y_pred`"),
    ("07-confusion-rates", count_then_sort, "`y_pred`"),
    ("02-dot-classifier", scaled_in_place, "`x`"),
    ("03-sigmoid", sigmoid_in_place, "`z`"),
])
def test_a_function_that_changes_its_arguments_in_place_is_named(exercise_id, answer, name):
    # Without the copy, the first answer passed: its judge computed the reference from
    # the sorted predictions; the third and fourth return right values.
    assert_wrong(verdict(exercise_id, answer), name, "in place", "copy")


def test_a_changed_argument_crosses_the_wire_and_bad_reports_are_refused():
    exercise = judging.get("07-confusion-rates")
    cases = exercise.cases(0)
    payload = wire.decode(wire.encode(spec.collect_safely(exercise, sort_then_count, cases)))
    assert payload["changed"] == {"case": 0, "names": ["y_pred"]}
    assert_wrong(judging.judge_safely(exercise, payload, cases), "in place")
    for bad in ({"case": len(cases), "names": ["y"]}, {"case": 0, "names": []},
                {"case": 0, "names": [1]}, {"case": "0", "names": ["y"]},
                {"case": 0, "names": ["y"], "more": 1}):
        assert judging.judge_safely(exercise, {**payload, "changed": bad},
                                    cases).status == checks.ERROR
    odd = {**payload, "changed": {"case": 0, "names": ["<b>" * 30, "argument 2"]}}
    result = judging.judge_safely(exercise, odd, cases)
    assert "<b>" not in result.message and "an argument, argument 2" in result.message


def test_arguments_a_function_does_not_touch_pass_unchanged():
    def reordered_copies(y_true, y_pred):
        return confusion_matrix(np.sort(y_true), y_pred[np.argsort(y_true, kind="stable")],
                                labels=range(10), normalize="true")
    assert verdict("07-confusion-rates", reordered_copies).passed


# ---------------------------------------------------------------- warnings a function raised

def warns_a_lot(y_true, y_pred):
    for index in range(1000):  # a flood, and texts longer than any verdict shows
        warnings.warn(f"number {index % 6} " + "x" * 1000, UserWarning)
    return confusion_matrix(y_true, y_pred, labels=range(10), normalize="true")


def test_warnings_cross_the_wire_bounded_and_bad_reports_are_refused():
    exercise = judging.get("07-confusion-rates")
    cases = exercise.cases(0)
    payload = wire.decode(wire.encode(spec.collect_safely(exercise, warns_a_lot, cases)))
    warned = payload["warned"]
    assert len(warned) == spec.WARNINGS_KEPT and {entry["case"] for entry in warned} == {0}
    assert all(len(entry["message"]) <= spec.WARNING_CHARS for entry in warned)
    result = judging.judge_safely(exercise, payload, cases)
    assert result.passed and "UserWarning ('number 0 xxx" in result.message, result
    good = warned[0]
    for bad in ([], [good] * (spec.WARNINGS_KEPT + 1), [{**good, "case": len(cases)}],
                [{**good, "case": "0"}], [{**good, "message": "x" * 10_000}],
                [{**good, "category": ""}], [{**good, "more": 1}], good):
        assert judging.judge_safely(exercise, {**payload, "warned": bad},
                                    cases).status == checks.ERROR, bad
    odd = {**payload, "warned": [{**good, "category": "<b>bold</b>"}]}
    assert "<b>" not in judging.judge_safely(exercise, odd, cases).message


def test_a_warning_before_an_error_stays_with_the_error():
    def warns_then_raises(y_true, y_pred):
        warnings.warn("first", UserWarning)
        raise ValueError("then this")

    exercise = judging.get("07-confusion-rates")
    payload = spec.collect_safely(exercise, warns_then_raises, exercise.cases(0))
    assert payload["warned"][0]["case"] == payload["case"] == 0
    result = judging.judge_safely(exercise, payload, exercise.cases(0))
    assert result.status == checks.ERROR and "then this" in result.message
