"""The sliders work without a browser: moving one redraws its picture."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit.widgets import FigureSlider, weight_slider

PNG = b"\x89PNG\r\n\x1a\n"


def shown(slider):
    """The bytes of the picture the slider shows now."""
    return bytes(slider.image.value)


def weights_by_label():
    rng = np.random.default_rng(0)
    return {label: rng.normal(scale=scale, size=(10, 64))
            for label, scale in (("0.01", 0.01), ("1", 1.0), ("100", 5.0))}


def test_weight_slider_draws_its_default_state_at_once():
    slider = weight_slider(weights_by_label(), description="C", rows=2, cols=5, value="1")
    assert slider.slider.value == "1"
    assert slider.slider.options == ("0.01", "1", "100")
    assert shown(slider).startswith(PNG)
    assert plt.get_fignums() == []  # drawn to PNG and closed, so nothing else shows


def test_moving_the_slider_redraws_and_going_back_restores_the_picture():
    slider = weight_slider(weights_by_label(), description="C")
    first = shown(slider)
    slider.slider.value = "100"
    assert shown(slider).startswith(PNG)
    assert shown(slider) != first
    slider.slider.value = "0.01"
    assert shown(slider) == first
    assert plt.get_fignums() == []


def test_each_picture_is_drawn_once():
    calls = []

    def draw(label, state):
        calls.append(label)
        fig, ax = plt.subplots()
        ax.plot(state)
        return fig

    slider = FigureSlider({"a": [0, 1], "b": [1, 0]}, draw, description="state")
    slider.slider.value = "b"
    slider.slider.value = "a"
    slider.slider.value = "b"
    assert calls == ["a", "b"]


def test_the_stored_text_is_stable_and_says_what_the_slider_does():
    slider = weight_slider(weights_by_label(), description="C", value="100")
    text = slider._repr_mimebundle_()["text/plain"]
    assert text == ("FigureSlider: C over 3 values from 0.01 to 100, showing 100 "
                    "(move it in JupyterLab)")
    assert "0x" not in text


def test_the_title_names_the_position():
    titles = []

    def draw(label, state):
        fig = plt.figure()
        fig.suptitle(f"steps = {label}")
        titles.append(fig.get_suptitle())
        return fig

    FigureSlider({"10": None}, draw, description="steps")
    assert titles == ["steps = 10"]


@pytest.mark.parametrize("states, message", [
    ({}, "states must be a non-empty dict"),
    ([("a", 1)], "states must be a non-empty dict"),
    ({1: "x"}, "labels must be strings"),
])
def test_bad_states_are_refused(states, message):
    with pytest.raises(ValueError, match=message):
        FigureSlider(states, lambda label, state: plt.figure(), description="x")


def test_a_value_that_is_not_a_label_is_refused():
    with pytest.raises(ValueError, match="value must be one of"):
        weight_slider(weights_by_label(), description="C", value="3")


def test_draw_must_be_callable():
    with pytest.raises(ValueError, match="draw must be a function"):
        FigureSlider({"a": 1}, "not a function", description="x")


def test_weights_of_the_wrong_shape_are_refused_with_their_label():
    with pytest.raises(ValueError, match=r"weights\['b'\] must have shape"):
        weight_slider({"a": np.zeros((10, 64)), "b": np.zeros((64, 10))}, description="C")
    with pytest.raises(ValueError, match="non-empty dict"):
        weight_slider({}, description="C")


def test_mnist_sized_weights_work_too():
    slider = weight_slider({"1": np.ones((3, 784)), "2": -np.ones((3, 784))},
                           description="steps", title="after {label} steps")
    slider.slider.value = "2"
    assert shown(slider).startswith(PNG)
