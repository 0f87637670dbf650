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
$PY -m pip install -q "mmengine==0.10.7" "opencv-python<4.11" "numpy<2" \
    matplotlib prettytable scipy ftfy regex pytest "model-index==0.1.11"
if ! $PY -c "import mmcv, mmcv.ops, sys; sys.exit(mmcv.__version__ != '2.1.0')" 2>/dev/null; then
    # mmcv 2.1.0 is only a source release; its setup.py imports torch (no
    # torch: "Skip building ext ops", a wheel without mmcv.ops) and needs an
    # older setuptools (< 70, with wheel < 0.46 for its bdist_wheel) than the
    # one torch asks for. So this environment's own python builds it, without
    # build isolation (its torch, numpy, opencv), with that older setuptools
    # and wheel installed in a temporary folder put first on PYTHONPATH for
    # the build only: this environment keeps torch's setuptools, and the same
    # works in a venv, a virtualenv, conda or the machine's Python (a venv
    # made --system-site-packages would see the base interpreter's packages,
    # not an active venv's). The environment's scripts come first on PATH so
    # torch finds its ninja even when the environment is not activated.
    # ~9-35 min on 2 cores the first time; pip caches the wheel.
    build=$(mktemp -d)
    trap 'rm -rf "$build"' EXIT
    $PY -m pip install -q --no-deps --no-warn-conflicts --target "$build/setuptools" \
        "setuptools<70" "wheel<0.46"
    scripts=$($PY -c "import sysconfig; print(sysconfig.get_path('scripts'))")
    PYTHONPATH="$build/setuptools${PYTHONPATH:+:$PYTHONPATH}" PATH="$scripts:$PATH" \
        MAX_JOBS=${MAX_JOBS:-2} $PY -m pip wheel -q --no-build-isolation --no-deps \
        "mmcv==2.1.0" -w "$build/wheels"
    $PY -m pip install -q "$build"/wheels/mmcv-2.1.0-*.whl
    $PY -c "import mmcv.ops" || { echo "mmcv 2.1.0 lacks its compiled ops: a wheel" \
        "built without torch in pip's cache? (pip cache remove mmcv)" >&2; exit 1; }
fi
$PY -m pip install -q --no-build-isolation "mmsegmentation==1.2.2"
# This package with its extras (setup.py): onnx (ONNX export, ONNX Runtime
# int8), openvino (the int8 back end the README recommends) and pt2e
# (PyTorch's PT2E int8). mmcv's opencv-python is already here, so pip adds
# only the extras' packages (about 300 MB, half a minute).
$PY -m pip install -q --no-build-isolation -e ".[onnx,openvino,pt2e]"
