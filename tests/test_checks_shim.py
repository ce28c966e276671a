"""What the grader's shim does inside a graded kernel, tried in this process."""

import io
import sys
import types

from coursekit.checks import shim


class _Events:
    """The part of IPython's event manager the shim uses."""

    def __init__(self):
        self.callbacks = []

    def register(self, event, callback):
        assert event == "pre_execute"
        self.callbacks.append(callback)

    def next_cell(self):
        for callback in self.callbacks:
            callback()


def test_a_cell_prints_at_most_the_cap_per_stream_and_the_next_cell_prints_again(monkeypatch):
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    shell = types.SimpleNamespace(events=_Events())
    shim.cap_streams(shell, limit=10)
    for _ in range(1000):
        print("y" * 7)
    print("e" * 4, file=sys.stderr)
    assert out.getvalue().startswith("yyyyyyy\nyy\n(this cell printed more than 10 ")
    assert out.getvalue().count("(this cell printed") == 1
    assert err.getvalue() == "eeee\n"
    shell.events.next_cell()
    print("again")
    assert out.getvalue().endswith("not kept)\nagain\n")


def test_the_cap_is_put_back_on_each_cell_outside_ipythons_own_write(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    plain = out.write
    shell = types.SimpleNamespace(events=_Events())
    shim.cap_streams(shell, limit=10)
    sys.stdout.write = plain  # the end of the cell that installed it: IPython restores
    for _ in range(3):
        between_cells = sys.stdout.write
        sys.stdout.write = lambda text: between_cells(text)  # IPython's write for a cell
        shell.events.next_cell()
        print("z" * 100)
        sys.stdout.write = between_cells
    assert out.getvalue().count("z") == 30 and out.getvalue().count("not kept") == 3


def test_caps_one_inside_another_count_each_text_once(monkeypatch):
    # A cap left on the stream, IPython's write around it, and the next cell's cap
    # around that: the text is counted once, not once per cap.
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    shell = types.SimpleNamespace(events=_Events())
    shim.cap_streams(shell, limit=10)
    inner = sys.stdout.write
    sys.stdout.write = lambda text: inner(text)
    shell.events.next_cell()
    print("z" * 4)
    print("z" * 4)
    assert out.getvalue() == "zzzz\nzzzz\n"
