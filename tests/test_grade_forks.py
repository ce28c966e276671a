"""Kernels forked into their sandboxes by the fork server (coursekit/grading/sandbox/forks.py).

A forked kernel must see the same sandbox as one started afresh in it (the same
capabilities, user, files, environment, limits and cgroup), hold nothing of the
process it was forked from, draw its own random numbers, and be reported the
same way when it dies; where forking does not work, kernels start afresh and the
grader says why. Every other grading test runs on forked kernels (the default).

Skipped where bubblewrap does not work, except under CI (``CI`` set).
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import grading as grade
from coursekit.grading import kernel_forks
from coursekit.grading.sandbox import forks
from grading.needs import require_bubblewrap

NB01, NB03 = "01_random_baseline", "03_mlp_from_scratch"

#: What a kernel reports of itself, as one line of JSON.
LOOK = r'''
import json, os, random, resource, sys
import numpy as np
def link(fd):
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:  # the listing's own descriptor, closed since
        return None
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
try:
    import coursekit.nn
    reference = "imported"
except Exception as exc:
    reference = type(exc).__name__
print(json.dumps({
    "pid": os.getpid(), "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "status": {name: status[name].strip() for name in (
        "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Uid",
        "Gid", "Groups")},
    "namespaces": {name: os.readlink(f"/proc/self/ns/{name}")
                   for name in ("user", "mnt", "pid", "net", "ipc", "uts", "cgroup")},
    "cwd": os.getcwd(), "root": sorted(os.listdir("/")), "environment": dict(os.environ),
    "path": sys.path, "cgroup": open("/proc/self/cgroup").read(),
    "limits": {name: resource.getrlimit(getattr(resource, name))
               for name in ("RLIMIT_AS", "RLIMIT_NPROC", "RLIMIT_CORE", "RLIMIT_NOFILE")},
    "threads": len(os.listdir("/proc/self/task")), "umask": os.umask(0o22),
    "descriptors": {fd: link(fd) for fd in os.listdir("/proc/self/fd") if link(fd)},
    "trusted": sorted(m for m in sys.modules
                      if m.startswith(("coursekit.judging", "coursekit.nn"))),
    "reference": reference, "backend": __import__("matplotlib").get_backend(),
    "random": [random.random(), float(np.random.rand())],
}))'''


@pytest.fixture(autouse=True)
def _bubblewrap():
    require_bubblewrap("the fork tests")


def _settings(fork):
    return grade.GradeSettings(pool=1, timeout=60, memory_limit=2048, sandbox="bwrap",
                               fork=fork)


async def _look(session):
    lines = []
    session.client.output = lambda outs, msg, display_id, index: lines.append(
        msg["content"].get("text", ""))
    run = await session.run(LOOK)
    assert run.kind == "done" and not run.ename, run
    return json.loads("".join(lines))


def looks(fork, notebooks, *, also=None):
    """What the kernels of a pool for ``notebooks`` (one each, in turn) report of themselves."""

    async def scenario():
        view = grade.KernelView.create()
        pool = grade.pool_for(_settings(fork), view)
        pool.expect(notebooks)
        seen = []
        try:
            for notebook in notebooks:
                session, problem = await pool.take(notebook)
                assert problem == ""
                seen.append(await _look(session))
                if also is not None:
                    seen[-1]["also"] = await also(pool, session)
                await pool.give_back(session)
            return seen, pool.fork_problem
        finally:
            await pool.close()
            view.remove()

    return asyncio.run(scenario())


def test_a_forked_kernel_sees_the_sandbox_a_fresh_one_sees():
    home_there = Path(grade.sandbox.HOME).exists()
    [fresh], problem = looks(False, [NB01])
    assert problem == ""
    [forked], problem = looks(True, [NB01])
    assert problem == ""
    assert fresh["pid"] == 2 and fresh["processes"] == [1, 2]  # bubblewrap's init, the kernel
    assert forked["pid"] == 3 and forked["processes"] == [1, 3]  # the stub, the kernel
    for key in ("status", "cwd", "root", "environment", "path", "cgroup", "limits", "threads",
                "umask", "trusted", "reference", "backend"):
        assert forked[key] == fresh[key], key
    assert all(int(forked["status"][name], 16) == 0
               for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"))
    assert forked["status"]["NoNewPrivs"] == "1"
    grader = {name: os.readlink(f"/proc/self/ns/{name}") for name in forked["namespaces"]}
    for name, namespace in forked["namespaces"].items():
        if name == "cgroup" and namespace == grader[name]:
            continue  # --unshare-cgroup-try: not every machine gives one
        assert namespace != grader[name], name
    assert forked["reference"] != "imported" and forked["trusted"] == []
    # The server, outside every sandbox, made no kernel's home on the machine (matplotlib's).
    assert Path(grade.sandbox.HOME).exists() == home_there


def test_each_forked_kernel_has_namespaces_and_random_numbers_of_its_own():
    # Namespaces are told apart by their inode while both kernels live (one gone, its
    # inode may be reused): the kernel in use and the one forked ahead for the next.
    async def waiting(pool, session):
        ahead = await pool.ahead()  # none after the last
        assert all(problem == "" for _, problem in ahead)
        return await _look(ahead[0][0]) if ahead else None

    seen, problem = looks(True, [NB01, NB01, NB03], also=waiting)
    assert problem == ""
    for look in seen[:2]:
        for name in ("user", "mnt", "pid", "net", "ipc", "uts"):
            assert look["namespaces"][name] != look["also"]["namespaces"][name], name
    numbers = [tuple(look["random"]) for look in seen] + [tuple(seen[0]["also"]["random"])]
    assert len(set(numbers)) == 4
    assert all(look["trusted"] == [] for look in seen)


#: The modules a fork server holds: its own imports, then the modules it is given.
SERVER_MODULES = r"""
import importlib, json, runpy, sys
runpy.run_path(sys.argv[1])  # the server's own imports, without serving
for name in sys.argv[2:]:
    importlib.import_module(name)
print(json.dumps(sorted(sys.modules)))
"""


def test_a_forked_kernel_imports_no_module_of_ipykernel_or_ipython_to_start():
    # The server imports what each kernel's start would (ipykernel's debugger and debugpy,
    # IPython's pdb, the shell's history): left to every kernel, 0.07 processor seconds
    # each. Only the course's checks (what the shim installs) may be new.
    async def modules(pool, session):
        lines = []
        session.client.output = lambda outs, msg, display_id, index: lines.append(
            msg["content"].get("text", ""))
        run = await session.run("import json, sys; print(json.dumps(sorted(sys.modules)))")
        assert run.kind == "done" and not run.ename, run
        return json.loads("".join(lines))

    [look], problem = looks(True, [NB01], also=modules)
    assert problem == ""
    server = subprocess.run(
        [sys.executable, "-c", SERVER_MODULES, str(forks.PROGRAM), *kernel_forks.FORKED_IMPORTS],
        env={**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline",
             "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        capture_output=True, text=True, check=True)
    new = set(look["also"]) - set(json.loads(server.stdout))
    assert "coursekit.checks.nb01" in new  # the shim's, imported in the kernel
    assert {name for name in new if name.split(".")[0] not in ("coursekit", "encodings")} == set()


def test_a_forked_kernel_holds_no_descriptor_of_the_fork_server_or_the_grader():
    def links(folder):
        found = set()
        for entry in Path(folder).iterdir():
            try:
                found.add(os.readlink(entry))
            except OSError:  # the listing's own descriptor, closed since
                pass
        return found

    async def server_sockets(pool, session):
        server = await pool.forks.server()
        return sorted(links(f"/proc/{server.pid}/fd") | links("/proc/self/fd"))

    [look], problem = looks(True, [NB01], also=server_sockets)
    assert problem == ""
    held = set(look["descriptors"].values())
    assert not held & {name for name in look["also"] if name.startswith(("socket:", "pipe:"))}
    assert not {name for name in held if name.startswith("/") and not name.startswith(
        ("/dev/", "/home/learner/", str(grade.KernelView().package)))}, held


def test_where_forking_fails_kernels_start_afresh_and_the_grader_says_why(
        tmp_path, monkeypatch, capsys):
    # A fork server whose setns asks for a namespace that does not exist: the probe fails
    # for real, in a real sandbox.
    broken = tmp_path / "forkserver.py"
    source = forks.PROGRAM.read_text()
    assert "_CLONE_NAMESPACES = (" in source
    broken.write_text(source.replace("_CLONE_NAMESPACES = (", "_CLONE_NAMESPACES = 1 | ("))
    monkeypatch.setattr(forks, "PROGRAM", broken)
    kernel_forks.warn_no_fork.cache_clear()
    [look], problem = looks(True, [NB01])
    assert "entering the sandbox's namespaces" in problem
    assert look["pid"] == 2  # started afresh
    assert "kernels start afresh" in capsys.readouterr().err


def test_the_fork_server_refuses_a_module_that_starts_a_thread(tmp_path, monkeypatch):
    (tmp_path / "threaded_module.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(60,), "
        "daemon=True).start()\n")
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(tmp_path)}
    with pytest.raises(forks.ForkServerError, match="started a thread"):
        forks.ForkServer(environment, ["threaded_module"]).ready()


def test_a_fork_server_that_died_is_replaced_before_the_next_kernel():
    # Killed while the first submission runs (the second's kernel is forked already):
    # the third's kernel comes from a new server.
    async def server_pid(pool, session):
        server = await pool.forks.server()
        if pool.handed_out == 1:
            os.kill(server.pid, signal.SIGKILL)
            while server.alive():
                await asyncio.sleep(0.01)
        return server.pid

    seen, problem = looks(True, [NB01, NB01, NB01], also=server_pid)
    assert problem == ""
    assert [look["pid"] for look in seen] == [3, 3, 3]  # all forked
    # By the second look, the third kernel is being forked by the new server.
    assert seen[0]["also"] != seen[1]["also"] == seen[2]["also"]


#: Every file of the machine's kernel settings a graded kernel could open for writing.
WRITABLE_SETTINGS = r'''
import os
opened = []
for folder, _, files in os.walk("/proc/sys"):
    for name in files:
        path = os.path.join(folder, name)
        try:
            os.close(os.open(path, os.O_WRONLY))  # opened only: nothing is written
            opened.append(path)
        except OSError:
            pass
for path in ("/proc/sysrq-trigger",):
    try:
        os.close(os.open(path, os.O_WRONLY))
        opened.append(path)
    except OSError:
        pass
print(len(opened), opened[:5])'''


@pytest.mark.parametrize("fork", [True, False])
def test_no_graded_kernel_can_change_the_machines_settings(fork):
    # Run by root, a sandbox's user is root outside it too, and passes the owner checks of
    # /proc/sys without any capability: core_pattern would run its program as root.
    async def opened(pool, session):
        lines = []
        session.client.output = lambda outs, msg, display_id, index: lines.append(
            msg["content"].get("text", ""))
        run = await session.run(WRITABLE_SETTINGS)
        assert run.kind == "done" and not run.ename, run
        return "".join(lines).strip()

    [look], _ = looks(fork, [NB01], also=opened)
    assert look["also"] == "0 []"
