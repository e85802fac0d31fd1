#!/usr/bin/env bash
# Builds the Python module into its own tree and prints a PYTHONPATH that imports it, so several
# people (or agents) can build and test at once without sharing a build directory:
#     export PYTHONPATH=$(tools/dev_build.sh mine)    # then: python -m pytest tests/ttnn/...
set -euo pipefail
name=${1:-dev}
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build/dev-$name"
cmake -S "$root" -B "$build" -G Ninja -DTTNN_BUILD_PYTHON=ON -DTTNN_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
ninja -C "$build" _C >&2
site="$build/site"
mkdir -p "$site/ttnn" "$site/torch_ttnn"
for f in "$root"/python/ttnn/*.py; do ln -sf "$f" "$site/ttnn/"; done
for f in "$root"/python/torch_ttnn/*.py; do ln -sf "$f" "$site/torch_ttnn/"; done
ln -sf "$build"/_C*.so "$site/ttnn/"
echo "$site"
