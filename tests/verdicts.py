"""What every check test does: judge an answer, and assert a wrong one is named."""

from coursekit import checks, judging


def verdict(exercise_id, answer):
    """The check's verdict on ``answer``, as the notebook's check cell computes it."""
    return judging.evaluate(judging.get(exercise_id), answer)


def assert_wrong(result, *words):
    """``result`` is a wrong answer whose message or hint mentions every word."""
    assert result.status == checks.WRONG, result
    text = (result.message + " " + result.hint).lower()
    for word in words:
        assert word.lower() in text, (word, result)
