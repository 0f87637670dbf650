#!/usr/bin/env bash
# One-shot, re-runnable environment set-up for segnet-mm (CPU machine, Python 3.11).
# Order matters: torch is pinned first so pip never resolves an unpinned (CUDA) torch,
# and mmcv is built from source against it without build isolation.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}

$PY -m pip install -q "torch==2.13.0"
$PY -m pip install -q "setuptools<70" wheel ninja
$PY -m pip install -q "mmengine==0.10.7" "opencv-python-headless<4.11" "numpy<2" \
    matplotlib prettytable scipy ftfy regex pytest "model-index==0.1.11"
if ! $PY -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '2.1.0')" 2>/dev/null; then
    # ~9 min on 2 cores the first time; pip caches the wheel, so later runs are fast.
    MAX_JOBS=${MAX_JOBS:-2} $PY -m pip install -q --no-build-isolation "mmcv==2.1.0"
fi
$PY -m pip install -q --no-build-isolation "mmsegmentation==1.2.2"
$PY -m pip install -q --no-build-isolation --no-deps -e .
# setup.py's `onnx` extra (ONNX export and its tests), by name: an extras
# install without --no-deps would let pip resolve mmcv's opencv-python too.
$PY -m pip install -q onnx onnxruntime
