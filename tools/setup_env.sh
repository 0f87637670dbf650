#!/usr/bin/env bash
# One-shot, re-runnable environment set-up for segnet-mm (CPU machine, Python 3.11).
# Order matters: torch is pinned first so pip never resolves an unpinned (CUDA) torch,
# and mmcv is built from source against it without build isolation.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}

# torch 2.13 needs setuptools >= 77.0.3; mmengine still imports
# pkg_resources, which setuptools 82 removed.
$PY -m pip install -q "torch==2.13.0" "setuptools>=77.0.3,<80" wheel ninja
$PY -m pip install -q "mmengine==0.10.7" "opencv-python-headless<4.11" "numpy<2" \
    matplotlib prettytable scipy ftfy regex pytest "model-index==0.1.11"
if ! $PY -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '2.1.0')" 2>/dev/null; then
    # mmcv 2.1.0 is only a source release; its setup.py builds its ops
    # against the installed torch with an older setuptools (< 70), which
    # a throw-away venv over this environment brings (Python 3.11's venv
    # ships setuptools 65), so this environment keeps torch's.
    # ~9-30 min on 2 cores the first time; pip caches the wheel.
    build=$(mktemp -d)
    trap 'rm -rf "$build"' EXIT
    $PY -m venv --system-site-packages "$build/venv"
    MAX_JOBS=${MAX_JOBS:-2} "$build/venv/bin/python" -m pip wheel -q \
        --no-build-isolation --no-deps "mmcv==2.1.0" -w "$build/wheels"
    $PY -m pip install -q "$build"/wheels/mmcv-2.1.0-*.whl
fi
$PY -m pip install -q --no-build-isolation "mmsegmentation==1.2.2"
$PY -m pip install -q --no-build-isolation --no-deps -e .
# setup.py's `onnx` extra (ONNX export and its tests), by name: an extras
# install without --no-deps would let pip resolve mmcv's opencv-python too.
# ml_dtypes 0.6 (onnx's) needs numpy 2; 0.5.4 runs on numpy 1.
$PY -m pip install -q onnx onnxruntime "ml_dtypes<0.6"
