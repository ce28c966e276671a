"""The check of notebook 05 accepts right nudges and tells wrong ones apart."""

import numpy as np
import pytest

from coursekit import checks, judging
from coursekit.checks import spec, wire


def verdict(answer):
    return judging.evaluate(judging.get("05-nudge"), answer)


def by_slicing(images, direction):
    out = np.zeros_like(images)
    if direction == "left":
        out[:, :, :-1] = images[:, :, 1:]
    elif direction == "right":
        out[:, :, 1:] = images[:, :, :-1]
    elif direction == "up":
        out[:, :-1] = images[:, 1:]
    else:
        out[:, 1:] = images[:, :-1]
    return out


def by_padding(images, direction):
    # Another correct way: pad with a border of zeros, then cut the window out.
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    row, col = {"left": (1, 2), "right": (1, 0), "up": (2, 1), "down": (0, 1)}[direction]
    return padded[:, row:row + 8, col:col + 8]


def as_lists(images, direction):
    return by_slicing(images, direction).tolist()


@pytest.mark.parametrize("answer", [by_slicing, by_padding, as_lists])
def test_right_answers_pass(answer):
    result = verdict(answer)
    assert result.passed, result


def test_the_exercise_is_registered_for_notebook_05():
    assert [e.id for e in checks.exercises_for("05_rbm_features")] == ["05-nudge"]


def rolled(images, direction):
    axis, step = {"left": (2, -1), "right": (2, 1), "up": (1, -1), "down": (1, 1)}[direction]
    return np.roll(images, step, axis=axis)


def opposite(images, direction):
    return by_slicing(images, {"left": "right", "right": "left", "up": "down",
                               "down": "up"}[direction])


def rows_for_columns(images, direction):
    return by_slicing(images, {"left": "up", "right": "down", "up": "left",
                               "down": "right"}[direction])


def gap_not_cleared(images, direction):
    out = images.copy()
    fresh = by_slicing(images, direction)
    inner = {"left": np.s_[:, :, :-1], "right": np.s_[:, :, 1:], "up": np.s_[:, :-1],
             "down": np.s_[:, 1:]}[direction]
    out[inner] = fresh[inner]
    return out


def in_place(images, direction):
    images[:] = by_slicing(images, direction)
    return images


def flat(images, direction):
    return by_slicing(images, direction).reshape(len(images), 64)


def only_left(images, direction):
    return by_slicing(images, "left")


WRONG = [
    (rolled, "comes back in on the other side", "`np.roll` wraps around"),
    (lambda images, d: rolled(images, {"left": "right", "right": "left", "up": "down",
                                       "down": "up"}[d]), "opposite direction", "slice"),
    (opposite, "the opposite way", "says where the ink goes"),
    (rows_for_columns, "rows and columns are swapped", "axis 1 indexes rows"),
    (gap_not_cleared, "is not 0", "blank paper"),
    (in_place, "changed the images it was given", "np.zeros_like"),
    (flat, "right pixels but shape (3, 64)", "return the shape you were given"),
    (lambda images, d: images[:, :7], "returned shape (3, 7, 8)", "one shifted 8x8"),
    (lambda images, d: images.copy(), "unchanged", "column j"),
    (lambda images, d: by_slicing(images, d) * 2, "differs from the images moved", "zeros_like"),
    (lambda images, d: "left", "not an array of numbers", "numpy array"),
    (lambda images, d: object(), "returned a value of type object, not an array", "numpy array"),
    (lambda images, d: print(by_slicing(images, d)), "returned None", "forget `return`"),
]


@pytest.mark.parametrize("answer, message, hint", WRONG)
def test_wrong_answers_get_their_own_feedback(answer, message, hint):
    result = verdict(answer)
    assert result.status == checks.WRONG, result
    assert message in result.message
    assert hint in result.hint


def test_a_nudge_right_only_for_left_is_caught_on_another_direction():
    result = verdict(only_left)
    assert result.status == checks.WRONG
    assert "'right'" in result.message and "opposite way" in result.message


def test_unanswered_and_failing_answers():
    def todo(images, direction):
        raise NotImplementedError()

    def broken(images, direction):
        raise KeyError(direction)

    assert verdict(todo).status == checks.MISSING
    assert verdict(...).status == checks.MISSING
    assert verdict(broken).status == checks.ERROR
    assert verdict(np.zeros((3, 8, 8))).status == checks.ERROR  # not a function


def test_the_judge_works_on_data_that_crossed_a_process_boundary():
    exercise = judging.get("05-nudge")
    cases = exercise.cases(seed=3)
    for answer, status in ((by_slicing, checks.CORRECT), (rolled, checks.WRONG)):
        payload = wire.decode(wire.encode(spec.collect_safely(exercise, answer, cases)))
        assert judging.judge_safely(exercise, payload, cases).status == status


def test_cases_put_ink_on_every_border_and_cover_every_direction():
    cases = judging.get("05-nudge").cases(seed=0)
    assert {direction for _, direction in cases} == {"left", "right", "up", "down"}
    for images, _ in cases:
        assert images.shape[1:] == (8, 8) and images.min() > 0
