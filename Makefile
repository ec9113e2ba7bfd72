# Two commands: `make train` (set up + train the demo) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sumix-installed
DEMO ?= configs/fashion_mnist/resnet18-w16_cutmix-sumix_1xb64-4e_fmnist.py
FMNIST := /usr/share/datasets/fashion-mnist
PYTEST_ARGS ?=

.PHONY: setup data train train-baseline test gpu-check clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-test.txt requirements-lock.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -r requirements.txt -r requirements-test.txt \
	  -c requirements-lock.txt
	$(PY) -m pip install --no-deps -e .
	touch $(STAMP)

# Fashion-MNIST from Debian's package (needs root + apt); no download by us.
data:
	@if [ -f $(FMNIST)/train-images-idx3-ubyte.gz ]; then \
	  echo "Fashion-MNIST found in $(FMNIST)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq dataset-fashion-mnist; \
	else \
	  echo "Fashion-MNIST missing: run 'sudo apt-get install dataset-fashion-mnist'" \
	       "or put the four idx .gz files in a folder and pass" \
	       "--cfg-options train_dataloader.dataset.data_root=... (and val/test)"; \
	  exit 1; \
	fi

train: setup data
	$(PY) tools/train.py $(DEMO)

train-baseline: setup data
	$(PY) tools/train.py configs/fashion_mnist/resnet18-w16_cutmix_1xb64-4e_fmnist.py

test: setup
	$(PY) -m pytest tests -q $(PYTEST_ARGS)

# The prepared GPU check (one GPU, < 8 min): CUDA tests, the demo with --amp,
# GPU step benchmarks; output in work_dirs/gpu_check (docs/benchmarks.md).
gpu-check: setup
	PY=$(PY) bash tools/gpu_check.sh

clean:
	rm -rf $(VENV) *.egg-info
