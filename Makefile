# Set-up and everyday commands of the braindyn course kit.
#   make lab    create .venv, install the kit, open JupyterLab on the lessons
#   make test   create .venv (with test tools) if missing, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: lab test test-fast install install-dev browser bubblewrap cjk-fonts bench peers strip check-notebooks site slides assets node binder-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The kit alone (what students need).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The kit plus the test tools.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(STAMP)

# Your own copy of the lessons and the homework (my-lessons/): kit updates never
# overwrite your edits. .venv/bin goes first on PATH so that JupyterLab's terminals
# find the `braindyn` command (check, submit). jupyter-config/ on JUPYTER_CONFIG_PATH
# turns off JupyterLab's news pop-up (see jupyter-config/README.md).
lab: $(VENV)/.installed
	$(BIN)/python -m braindyn.workspace --source lessons --dest my-lessons
	PATH="$(abspath $(BIN)):$$PATH" \
	JUPYTER_CONFIG_PATH="$(abspath jupyter-config)$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(BIN)/jupyter lab my-lessons/ $(if $(filter 0,$(shell id -u)),--allow-root)

# On CI (CI=true) the browser for the end-to-end test and bubblewrap for the grading
# sandbox are installed first; elsewhere those tests are skipped, saying so, when
# they are missing (run `make browser`, `make bubblewrap`).
# The course's offline assets (npm packages, pinned) are fetched once into _build/npm.
# Compiled code goes to a cache of the run's own, emptied first: the tests neither
# depend on nor fill your ~/.cache/braindyn, and a model that several tests (or
# lessons) run is compiled once.
TEST_CACHE := $(abspath _build/test-cache)
test: $(STAMP) assets $(if $(CI),browser bubblewrap cjk-fonts)
	rm -rf $(TEST_CACHE)
	BRAINDYN_CACHE=$(TEST_CACHE) $(BIN)/python -m pytest -n auto --dist loadgroup

# Debian's Chromium (no browser downloads) for tests/test_browser_e2e.py; Playwright's
# Python package comes with the dev extra.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }

# Debian's bubblewrap (bwrap): `braindyn grade` runs each submission in a sandbox of
# its own (library/braindyn/homework/sandbox.py) and refuses to grade without it.
bubblewrap:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; fi; }

# Debian's Noto CJK fonts: Chinese characters in figure titles (braindyn.visualize.fonts;
# tests/test_visualize_fonts.py fails on CI without one).
cjk-fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk; fi; }

test-fast: $(STAMP)
	rm -rf $(TEST_CACHE)
	BRAINDYN_CACHE=$(TEST_CACHE) $(BIN)/python -m pytest -n auto --dist loadgroup -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_odeint.py
	$(BIN)/python benchmarks/bench_hh.py
	$(BIN)/python benchmarks/bench_coba.py
	$(BIN)/python benchmarks/bench_widgets.py

# Other simulators, each in its own environment, for benchmarks/bench_hh.py and
# bench_coba.py only (never dependencies of the kit).
peers:
	$(PYTHON) -m venv .envs/brian2 && .envs/brian2/bin/pip install --quiet brian2 cython "numpy<2.4"  # brian2 uses ndarray.ptp, gone in numpy 2.4
	$(PYTHON) -m venv .envs/brainpy && .envs/brainpy/bin/pip install --quiet brainpy jax numba  # brainevent's CPU kernels are Numba code

# Notebooks are stored without outputs (except cells tagged keep_output).
strip: $(STAMP)
	$(BIN)/python tools/strip_notebooks.py

check-notebooks: $(STAMP)
	$(BIN)/python tools/strip_notebooks.py --check

# The course site: syllabus, instructor guide and every lesson, executed -> _build/html.
# It works offline (from file:// too): MathJax, the widget manager and Font Awesome (for
# matplotlib's animations) are copied beside it.
site: $(STAMP) slides
	$(BIN)/python course/build_site.py

# The lecture slides (course/slides/*.ipynb), executed -> _build/slides/*.slides.html,
# with reveal.js, MathJax, require.js and jQuery copied into _build/slides/assets/
slides: $(STAMP) assets
	$(BIN)/python course/build_slides.py

# What the site and slides load instead of CDNs: pinned npm packages (MathJax, reveal.js
# and its fonts, the Jupyter widget manager, Font Awesome, require.js, jQuery), fetched with `npm pack`
# and checked against their sha512 into _build/npm (course/offline_assets.py). The builds
# fetch them too when missing; this target also installs npm where it is missing.
assets: $(STAMP) node
	$(BIN)/python course/offline_assets.py

# Debian's Node.js and npm, where npm is missing (only `npm pack` is used: no npm install,
# no node_modules)
node:
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; fi; }

# What Binder / JupyterHub (repo2docker) would build, without Docker: the generated
# Dockerfile must use Python 3.11 from environment.yml and run ./start at server start.
binder-check:
	@test -x .envs/repo2docker/bin/repo2docker || { $(PYTHON) -m venv .envs/repo2docker && \
	  .envs/repo2docker/bin/pip install --quiet jupyter-repo2docker; }
	@mkdir -p _build
	.envs/repo2docker/bin/repo2docker --no-build --no-run --debug . > _build/binder-Dockerfile.txt 2>&1
	@grep -q "conda environment for python=3.11" _build/binder-Dockerfile.txt && \
	  grep -q 'R2D_ENTRYPOINT="$${REPO_DIR}/start"' _build/binder-Dockerfile.txt && \
	  echo "binder-check: repo2docker builds Python 3.11 from environment.yml and runs ./start (see _build/binder-Dockerfile.txt)" || \
	  { echo "binder-check: unexpected Dockerfile, see _build/binder-Dockerfile.txt"; exit 1; }

clean:
	rm -rf $(VENV) _build .pytest_cache
