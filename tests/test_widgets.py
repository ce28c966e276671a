"""The sliders work without a browser: moving one redraws its picture."""

import base64

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.artist import Artist
from sklearn.neural_network import MLPClassifier

from coursekit.data import load_digits
from coursekit.plots import plot_loss_curves
from coursekit.training import first_layer_snapshots
from coursekit.widgets import FigureSlider, png_bytes, weight_slider

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


def test_snapshots_keyed_by_step_make_a_slider():
    # first_layer_snapshots keys its weights by step count, an int; the slider shows text.
    X, y = load_digits()
    network = MLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    snapshots = first_layer_snapshots(network, X[:100], y[:100], steps=(1, 10),
                                      classes=np.arange(10))
    slider = weight_slider(snapshots, description="steps", value=10)
    assert slider.slider.options == ("1", "10")
    assert slider.slider.value == "10"
    assert shown(slider).startswith(PNG)


@pytest.mark.parametrize("weights, message", [
    ({0.5: np.ones((2, 64))}, r"each label of weights must be a string or a whole number.*0\.5"),
    ({True: np.ones((2, 64))}, "each label of weights must be a string or a whole number"),
    ({1: np.ones((2, 64)), "1": np.ones((2, 64))}, "weights must not hold two labels"),
])
def test_labels_the_slider_cannot_show_are_refused_naming_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        weight_slider(weights, description="steps")


def test_draw_may_return_the_axes_of_a_plot_helper():
    slider = FigureSlider({"a": [3, 2, 1], "b": [1, 2, 3]},
                          lambda label, losses: plot_loss_curves(losses, title=label),
                          description="curve")
    slider.slider.value = "b"
    assert shown(slider).startswith(PNG)
    assert plt.get_fignums() == []


def test_draw_must_return_a_figure_or_axes():
    with pytest.raises(ValueError, match="draw must return a matplotlib Figure or Axes.*str"):
        FigureSlider({"a": 1}, lambda label, state: "a picture", description="x")


class _Unsaveable(Artist):
    def draw(self, renderer):
        raise RuntimeError("this artist cannot be drawn")


def test_a_figure_that_fails_to_save_is_still_closed():
    def draw(label, state):
        fig = plt.figure()
        fig.add_artist(_Unsaveable())
        return fig

    with pytest.raises(RuntimeError, match="cannot be drawn"):
        FigureSlider({"a": 1}, draw, description="x")
    assert plt.get_fignums() == []


def test_the_display_bundle_holds_a_picture_of_the_current_view():
    # GitHub and nbviewer cannot run the widget: they show this picture instead.
    slider = weight_slider(weights_by_label(), description="C", value="1")
    slider.slider.value = "100"
    bundle = slider._repr_mimebundle_()
    assert base64.b64decode(bundle["image/png"]) == shown(slider)
    assert bundle["text/plain"] == repr(slider)


def test_png_bytes_can_crop_the_margin():
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.set_axis_off()
    ax.text(0.5, 0.5, "digit")
    assert png_bytes(fig).startswith(PNG)
    assert len(png_bytes(fig, crop=True)) < len(png_bytes(fig))
