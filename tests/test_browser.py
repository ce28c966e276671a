"""The course in a real JupyterLab, in a real browser: the end-to-end test.

A JupyterLab server runs on a copy of the course, and Debian's Chromium, driven
by Playwright, does what a learner does: runs a solution notebook, moves the
digit browser's slider, answers an exercise in a student notebook right and
then wrong. Every step leaves a screenshot in ``test-artifacts/browser/``.

Needs ``/usr/bin/chromium`` (Debian's ``chromium`` package; no browser is
downloaded) and the ``playwright`` package from the test extras. Without
them the test is skipped, except under CI (``CI`` set), where it fails.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

try:
    from playwright import sync_api
except ImportError:  # the test extras are not installed; the test says how to install them
    sync_api = None

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_START_TIMEOUT = 60  # seconds
STEP_TIMEOUT = 30_000  # milliseconds, for any one wait in the browser
RUN_ALL_TIMEOUT = 60_000

# JupyterLab's own settings for this run: every cell in the page (no windowing,
# so any cell can be found), and no news or update pop-ups over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}

SOLUTION = "solutions/01_random_baseline.ipynb"
STUDENT = "notebooks/01_random_baseline.ipynb"
RIGHT_ANSWER = '''def to_vector(image):
    """Flatten an 8x8 image (values 0-16) into 64 values in [0, 1], row by row."""
    return np.asarray(image).reshape(64) / 16'''
WRONG_ANSWER = RIGHT_ANSWER.replace("/ 16", "/ 15")



def make_lab_flags():
    """The flags ``make lab`` gives JupyterLab (the Makefile's ``LAB_FLAGS``)."""
    for line in (ROOT / "Makefile").read_text().splitlines():
        if line.startswith("LAB_FLAGS :="):
            return line.split(":=", 1)[1].split()
    raise AssertionError("the Makefile no longer defines LAB_FLAGS")


HOW_TO_INSTALL = ("the browser test needs Debian's Chromium and Playwright: "
                  "`sudo apt-get install -y chromium` and `.venv/bin/pip install -e '.[test]'` "
                  "(or run .ci/run as root, which does both)")


def require(condition, what):
    """Skip (or, under CI, fail) when a prerequisite is missing."""
    if condition:
        return
    message = f"{what} is missing; {HOW_TO_INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_lab_settings(folder):
    for name, values in LAB_SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def wait_until_serving(url, server, log, timeout=SERVER_START_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"jupyter lab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"jupyter lab did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def stop(server):
    """Terminate the server and everything it started (its kernels); kill if it lingers."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a copy of the course; yields its base URL, token and log file."""
    course = tmp_path / "course"
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder, course / folder)
    write_lab_settings(tmp_path / "lab-settings")
    port, token = free_port(), uuid.uuid4().hex
    command = [
        sys.executable, "-m", "jupyter", "lab", "--ServerApp.open_browser=False",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
        f"--LabApp.user_settings_dir={tmp_path / 'lab-settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}", *make_lab_flags(),
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    # Keep the user's own Jupyter and IPython configuration, data and runtime files
    # out of the run, and the run out of them.
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
               JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
               IPYTHONDIR=str(tmp_path / "ipython"), JUPYTER_PLATFORM_DIRS="1")
    log = tmp_path / "jupyter-lab.log"
    with log.open("w") as log_file:
        # A session of its own, so that stopping it reaches the kernels it starts.
        server = subprocess.Popen(command, cwd=course, env=env, stdout=log_file,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(f"{base}/api/status?token={token}", server, log)
        yield base, token, log
    finally:
        stop(server)


@pytest.fixture
def page():
    """A Chromium page driven by Playwright (requested first, so a skip starts no server)."""
    require(CHROMIUM.exists(), str(CHROMIUM))
    require(sync_api is not None, "the playwright package")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.set_default_timeout(STEP_TIMEOUT)
            yield page
        finally:
            browser.close()


@contextlib.contextmanager
def static_page(uri, *, width=1100, height=900):
    """A file page (a report, a similarity page) open in Chromium, and the dialogs it raised.

    Skips (under CI, fails) without Chromium or Playwright. Any dialog a script
    on the page opens is dismissed and recorded: a page showing learners' text
    must raise none.

    Yields
    ------
    page : playwright.sync_api.Page
    dialogs : list of str
        The messages of the dialogs opened so far; still filled after the block.
    """
    require(CHROMIUM.exists(), "Debian's Chromium")
    require(sync_api is not None, "Playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            dialogs = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(uri)
            yield page, dialogs
        finally:
            browser.close()


# ------------------------------------------------------------ acting in JupyterLab

def open_notebook(page, lab, path, workspace):
    """Open ``path`` in a workspace of its own (one notebook per page) and wait for its kernel."""
    base, token, _ = lab
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{path}?token={token}")
    notebook = page.locator(".jp-NotebookPanel")
    notebook.locator(".jp-Notebook .jp-Cell").first.wait_for()
    wait_for_idle_kernel(page)
    return notebook


def wait_for_idle_kernel(page):
    """Wait until the status bar shows the notebook's kernel started and idle."""
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()


def run_from_menu(page, command):
    """Choose a command of JupyterLab's Run menu, e.g. ``runmenu:run-all``."""
    page.locator(".lm-MenuBar-item", has_text="Run").click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').click()


def wait_for_every_cell_to_run(page, *, before=None, timeout=RUN_ALL_TIMEOUT):
    """Wait until every code cell (``before`` a given cell, if given) shows an execution
    count: none waiting, ``[*]``, and none not run, ``[ ]``."""
    page.wait_for_function(
        """(last) => {
            let cells = [...document.querySelectorAll('.jp-CodeCell')];
            if (last !== null) cells = cells.slice(0, cells.indexOf(last));
            return cells.length > 0 && cells.every(cell => /\\[\\d+\\]/.test(
                cell.querySelector('.jp-InputArea-prompt').textContent));
        }""",
        arg=before.element_handle() if before is not None else None,
        timeout=timeout,
    )


def code_cell(notebook, text):
    """The one code cell whose source contains ``text``."""
    source = notebook.page.locator(".jp-InputArea", has_text=text)
    cell = notebook.locator(".jp-CodeCell", has=source)
    assert cell.count() == 1, f"{cell.count()} code cells contain {text!r}"
    return cell


def replace_source(page, cell, source):
    """Replace a cell's source as a learner would: click in it, select all, put the new text."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    # Inserted like a paste: typing key by key would let the editor auto-indent.
    page.keyboard.insert_text(source)


def screenshot(page, element, name):
    element.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / name)


def output_text(cell):
    return cell.locator(".jp-OutputArea-output").all_inner_texts()


# ------------------------------------------------------------ the test

def test_a_learner_runs_a_solution_moves_a_slider_and_answers_an_exercise(page, lab):
    # 1. The solution notebook runs from top to bottom without an error.
    notebook = open_notebook(page, lab, SOLUTION, "solution")
    run_from_menu(page, "runmenu:run-all")
    wait_for_every_cell_to_run(page)
    # JupyterLab shows tracebacks and warnings alike with the stderr mime type.
    errors = notebook.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert errors.count() == 0, errors.all_inner_texts()
    verdicts = [text for text in notebook.locator(".jp-OutputArea-output").all_inner_texts()
                if "Exercise" in text and "exercises pass now" not in text]
    # The last cell, progress(), sums the notebook up.
    assert any(text.startswith("3 of 3 exercises pass now")
               for text in notebook.locator(".jp-OutputArea-output").all_inner_texts())
    assert len(verdicts) == 3 and all(text.startswith("✅") for text in verdicts), verdicts

    browser_cell = code_cell(notebook, "DigitBrowser(X, y, browser_guess")
    slider = browser_cell.locator(".widget-slider .noUi-handle")
    caption = browser_cell.locator(".widget-html-content")
    picture = browser_cell.locator(".widget-image")
    slider.wait_for()
    assert "Error displaying widget" not in browser_cell.inner_text()
    before = caption.inner_text()
    assert before.startswith("Image 0 of 1,797 shows a 0; the random classifier answers")
    picture_before = picture.get_attribute("src")
    screenshot(page, browser_cell, "1-solution-ran-all-cells.png")

    # 2. Dragging the slider shows another image and the classifier's answer for it.
    box = slider.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + box["height"] / 2, steps=10)
    page.mouse.up()
    sync_api.expect(caption).not_to_have_text(before, timeout=STEP_TIMEOUT)
    after = caption.inner_text()
    shown = int(browser_cell.locator(".widget-readout").inner_text())
    assert shown > 0 and after.startswith(f"Image {shown} of 1,797 shows a "), after
    assert "the random classifier answers" in after
    assert picture.get_attribute("src") != picture_before
    screenshot(page, browser_cell, "2-slider-moved.png")

    # 3. In the student notebook, a right answer is confirmed and a wrong one gets a hint.
    notebook = open_notebook(page, lab, STUDENT, "student")
    exercise = code_cell(notebook, "def to_vector(image):")
    check = code_cell(notebook, 'check("01-scale-pixels", to_vector)')
    assert "raise NotImplementedError()" in exercise.inner_text()
    exercise.locator(".jp-InputArea-prompt").click()  # select the cell, in command mode
    run_from_menu(page, "notebook:run-all-above")  # the imports and the cells before
    wait_for_every_cell_to_run(page, before=exercise)

    for source, expected in ((RIGHT_ANSWER, "✅"), (WRONG_ANSWER, "❌")):
        replace_source(page, exercise, source)
        page.keyboard.press("Shift+Enter")  # runs the exercise cell, moves to the check cell
        page.keyboard.press("Shift+Enter")  # runs the check cell
        check.locator(".jp-OutputArea-output", has_text=expected).wait_for()
        verdict = "\n".join(output_text(check))
        if expected == "✅":
            assert verdict.startswith("✅ Exercise 1 (flatten and scale an image): 64 values")
            screenshot(page, check, "3a-student-right-answer.png")
        else:
            assert verdict.startswith("❌ Exercise 1") and "divided by 15" in verdict
            assert "Hint: divide by 16" in verdict
            screenshot(page, check, "3b-student-wrong-answer-hint.png")

    # 4. Both kernels talked to JupyterLab encrypted (make lab's flags): ipykernel warns
    # in the terminal about every kernel that does not.
    log = lab[2].read_text()
    assert "without encryption" not in log, log[-3000:]
