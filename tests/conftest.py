import matplotlib

matplotlib.use("Agg")  # tests draw figures without a screen

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")
