"""The lock installs from wheels on every platform students use, with every Python >= 3.11.

Each case asks uv to install the test lock (the course's lock is part of it, at the same
versions: tests/test_project.py) for another platform, dry-run and wheels only, so that a
package that would need a C compiler there (no wheel for that platform or Python) fails
here. uv reads the packages' metadata from PyPI: without PyPI the test is skipped,
except under CI (``CI`` set), where it fails.
"""

import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INDEX = "https://pypi.org/simple/"
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
PLATFORMS = {
    "x86_64-unknown-linux-gnu": PYTHONS,
    "aarch64-unknown-linux-gnu": PYTHONS,
    "aarch64-apple-darwin": PYTHONS,     # Apple silicon
    "x86_64-apple-darwin": PYTHONS,      # Intel Macs
    "x86_64-pc-windows-msvc": PYTHONS,
    # Windows on Arm: python.org's installers for it start with 3.11 as "experimental",
    # and PyYAML (jupyter_events) has no wheel for that one.
    "aarch64-pc-windows-msvc": PYTHONS[1:],
}


@cache
def pypi_reachable():
    try:
        with urllib.request.urlopen(INDEX + "numpy/", timeout=20):
            return True
    except OSError:
        return False


def resolve(lock, platform, python, target):
    """uv's dry-run install of ``lock`` for ``platform`` and ``python``, wheels only."""
    if not pypi_reachable():
        message = f"{INDEX} cannot be reached: the lock's wheels cannot be looked up"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run(
        [sys.executable, "-m", "uv", "pip", "install", "--dry-run", "--no-config",
         "--index-url", INDEX, "--python-platform", platform, "--python-version", python,
         "--target", str(target), "--only-binary", ":all:", "--require-hashes",
         "-r", str(lock)],
        capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_lock_has_a_wheel_for_every_package(tmp_path, platform):
    lock = ROOT / "requirements" / "test.txt"
    pythons = PLATFORMS[platform]
    # uv spends these seconds waiting for PyPI: one at a time would be four times as long.
    with ThreadPoolExecutor(len(pythons)) as pool:
        results = pool.map(lambda python: resolve(lock, platform, python, tmp_path / python),
                           pythons)
        failures = [f"Python {python}: {done.stderr.strip()}"
                    for python, done in zip(pythons, results, strict=True)
                    if done.returncode != 0 or "Would install" not in done.stderr]
    assert not failures, "\n".join(failures)


def test_a_package_without_a_wheel_there_fails(tmp_path):
    # argon2-cffi-bindings 26.2.0 has no wheel for Intel Macs: the reason for
    # requirements/constraints.txt, and proof that the check above can fail.
    lock = tmp_path / "lock.txt"
    lock.write_text("argon2-cffi-bindings==26.2.0 --hash=sha256:" + "0" * 64 + "\n")
    done = resolve(lock, "x86_64-apple-darwin", "3.12", tmp_path / "target")
    assert done.returncode != 0
    assert "no usable wheels" in done.stderr
