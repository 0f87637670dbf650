#!/usr/bin/env bash
# One prepared device call (see make_bundle.sh for .whl/ and .devdata/):
#
#   bash tools/device/run.sh bench
#       tools/benchmark_train.py on configs/segnet_camvid.py --amp (the
#       config, a second seed, then the lever ladder), and the data-loading
#       share of configs/segnet_cityscapes.py --amp on synthetic 2048x1024
#       frames. Writes $OUT/bench.md, $OUT/bench.json, $OUT/cityscapes.md.
#   CONFIGS="a.py b.py" bash tools/device/run.sh train
#       tools/train_and_test.sh on CONFIGS (default configs/segnet_camvid.py)
#       as they are in the working tree, with --amp, side by side; their
#       logs, test metrics and last-iteration val go to $OUT/zoo.tgz.
#
# Where mmseg is not installed it installs .whl/ into /tmp/site. CamVid is
# read from $CAMVID (default .devdata/camvid, JPEG images); OPTIONS adds
# --cfg-options to every run; LEVERS, ALL_LEVERS_ONLY (set: one rung with
# every lever), ITERS, WARMUP, LOG_INTERVAL, WORKERS, PARALLEL and BUDGET
# (seconds for the training stage) tune it.
set -uo pipefail
cd "$(dirname "$0")/../.."
STAGE=${1:?usage: run.sh bench|train}
OUT=${OUT:?set OUT to the folder that comes back}
T0=$(date +%s)
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHON=$PY
if ! $PY -c 'import mmseg' 2>/dev/null; then
    $PY -m pip install -q --no-index --no-deps --no-compile --target /tmp/site \
        .whl/*.whl || exit 1
    cp tools/device/mmcv_ext_stub.py /tmp/site/mmcv/_ext.py
    export PYTHONPATH=/tmp/site
fi
export PYTHONPATH=${PYTHONPATH:+$PYTHONPATH:}$PWD
nvidia-smi -L 2>/dev/null
$PY -c 'import torch, mmseg, mmcv; print(torch.__version__, mmseg.__version__, mmcv.__version__)' || exit 1

CAMVID=${CAMVID:-.devdata/camvid}
DATA=()
for split in train val test; do
    [ -d "$CAMVID/$split" ] || { echo "no CamVid $split at $CAMVID" >&2; exit 2; }
    DATA+=("${split}_dataloader.dataset.data_root=$CAMVID")
    if compgen -G "$CAMVID/$split/*.jpg" >/dev/null; then
        DATA+=("${split}_dataloader.dataset.img_suffix=.jpg")
    fi
done
MORE=()
read -ra MORE <<<"${OPTIONS:-}"

case $STAGE in
bench)
    LEVERS=${LEVERS:-bf16 channels_last loader window_codes compile cuda_graphs}
    $PY tools/benchmark_train.py configs/segnet_camvid.py --amp \
        --work-root /tmp/bench --levers $LEVERS ${ALL_LEVERS_ONLY:+--all-levers-only} \
        --iters "${ITERS:-300}" --warmup "${WARMUP:-100}" \
        --log-interval "${LOG_INTERVAL:-10}" \
        --workers "${WORKERS:-8}" --out "$OUT/bench.json" \
        --cfg-options "${DATA[@]}" "${MORE[@]}" | tee "$OUT/bench.md"
    $PY -c 'from segnet_mm.datasets import write_synthetic_cityscapes as w
w("/tmp/cityscapes", splits=("train",), num=16)'
    $PY tools/benchmark_train.py configs/segnet_cityscapes.py --amp \
        --work-root /tmp/bench_cityscapes --levers --skip-noise \
        --iters "${ITERS:-300}" --warmup "${WARMUP:-100}" \
        --log-interval "${LOG_INTERVAL:-10}" \
        --cfg-options train_dataloader.dataset.data_root=/tmp/cityscapes \
        "${MORE[@]}" \
        | tee "$OUT/cityscapes.md"
    ;;
train)
    LEFT=$(( ${BUDGET:-570} - $(date +%s) + T0 ))
    [ "$LEFT" -gt 0 ] || { echo "no time left of BUDGET=${BUDGET:-570} s" >&2; exit 1; }
    timeout "$LEFT" \
        bash tools/train_and_test.sh /tmp/zoo "${PARALLEL:-1}" \
        ${CONFIGS:-configs/segnet_camvid.py} -- --amp --cfg-options \
        "${DATA[@]}" "${MORE[@]}" 2>&1 | tee "$OUT/progress.log"
    echo "train_and_test exit ${PIPESTATUS[0]} after $(( $(date +%s) - T0 )) s"
    tar czf "$OUT/zoo.tgz" -C /tmp/zoo --exclude='*.pth' --exclude=vis_image .
    ;;
*)
    echo "unknown stage $STAGE: bench or train" >&2
    exit 2
    ;;
esac
echo "$STAGE took $(( $(date +%s) - T0 )) s"
