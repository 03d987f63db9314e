# Two commands: `make demo` and `make test`. Both create/refresh .venv first.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The stamp is keyed on the dependency pins (pyproject.toml) and this Makefile's
# install recipe, so a second run skips the install when nothing changed.
STAMP := $(VENV)/.stamp-$(shell cat pyproject.toml Makefile | sha256sum | cut -c1-16)
export PREFECT_HOME ?= $(CURDIR)/.prefect
export TSUKASA_CACHE ?= $(CURDIR)/.cache/tsukasa

.PHONY: venv sysdeps demo test lint bench clean

venv: $(STAMP)

# Debian packages: FFmpeg libraries (torchcodec's fallback decoder for containers
# soundfile cannot read). Installed only when missing; skipped without root.
sysdeps:
	@if ! ldconfig -p | grep -q libavcodec; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null) \
	      || echo "warning: could not install ffmpeg; non-soundfile containers will be rejected with a reason"; \
	  else echo "note: ffmpeg missing and not root; skipping"; fi; \
	fi

$(STAMP): pyproject.toml Makefile
	@$(MAKE) --no-print-directory sysdeps
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	@rm -f $(VENV)/.stamp-*
	$(BIN)/python -m pip install -q --upgrade pip
	# One pip install: torch==2.13.0 (CPU wheel, found locally) resolved with everything else.
	$(BIN)/python -m pip install -q "torch==2.13.0" -e ".[dev]"
	@$(BIN)/python -c "import torch,sys; v=torch.__version__; sys.exit(0 if v.startswith('2.13.0') and torch.version.cuda is None else 'CUDA or wrong torch installed: '+v)"
	@! $(BIN)/python -m pip list 2>/dev/null | grep -iE '^nvidia-|^triton ' || (echo "CUDA packages were pulled in: check the pins" && false)
	@touch $@

demo: venv
	$(BIN)/tsukasa demo

test: venv
	$(BIN)/python -m pytest -n 2 -q

lint: venv
	$(BIN)/ruff check tsukasa tests benchmarks

clean:
	rm -rf $(VENV) .cache .prefect
