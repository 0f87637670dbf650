#!/usr/bin/env bash
# One prepared device call (see make_bundle.sh for .whl/ and .devdata/):
#
#   bash .dev_scripts/device/run.sh bench
#       .dev_scripts/benchmark_train.py on configs/segnet_camvid.py --amp (the
#       config, a second seed, then the lever ladder), and the data-loading
#       share of configs/segnet_cityscapes.py --amp on synthetic 2048x1024
#       frames. Writes $OUT/bench.md, $OUT/bench.json, $OUT/cityscapes.md.
#   CONFIGS="a.py b.py" bash .dev_scripts/device/run.sh train
#       tools/train_and_test.sh on CONFIGS (default configs/segnet_camvid.py)
#       as they are in the working tree, with --amp, side by side; their
#       logs, test metrics and last-iteration val go to $OUT/zoo.tgz.
#   bash .dev_scripts/device/run.sh reproduce
#       The authors' CamVid schedule (10k iterations, constant lr 0.1,
#       batch 4, 360x480) for SegNet-Basic and Bayesian SegNet-Basic side
#       by side (CONFIGS, PARALLEL=2), bf16 autocast (PRECISION=fp32 for
#       plain fp32/TF32), for BUDGET less EVAL_RESERVE seconds; a run cut
#       short keeps its last checkpoint (every 1000 iterations). Each
#       final checkpoint is scored on test (aAcc/mAcc/mIoU/BF, per-class
#       IoU, calibration), then the Bayesian one with T = MC_SWEEP dropout
#       samples (1: weight averaging) on val and test, side by side.
#       $OUT/reproduce.tgz holds logs and metrics, $OUT/NAME.pth each
#       run's final weights (5.7 MB each).
#
# Where mmseg is not installed it installs .whl/ into /tmp/site. CamVid is
# read from $CAMVID (default .devdata/camvid, JPEG images); OPTIONS adds
# --cfg-options to every run; LEVERS, ALL_LEVERS_ONLY (set: one rung with
# every lever), ITERS, WARMUP, LOG_INTERVAL, WORKERS, PARALLEL and BUDGET
# (seconds for the training stage) tune it.
set -uo pipefail
cd "$(dirname "$0")/../.."
STAGE=${1:?usage: run.sh bench|train|reproduce}
OUT=${OUT:?set OUT to the folder that comes back}
T0=$(date +%s)
PY=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHON=$PY
if ! $PY -c 'import mmseg' 2>/dev/null; then
    $PY -m pip install -q --no-index --no-deps --no-compile --target /tmp/site \
        .whl/*.whl || exit 1
    cp .dev_scripts/device/mmcv_ext_stub.py /tmp/site/mmcv/_ext.py
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
    $PY .dev_scripts/benchmark_train.py configs/segnet_camvid.py --amp \
        --work-root /tmp/bench --levers $LEVERS ${ALL_LEVERS_ONLY:+--all-levers-only} \
        --iters "${ITERS:-300}" --warmup "${WARMUP:-100}" \
        --log-interval "${LOG_INTERVAL:-10}" \
        --workers "${WORKERS:-8}" --out "$OUT/bench.json" \
        --cfg-options "${DATA[@]}" "${MORE[@]}" | tee "$OUT/bench.md"
    $PY -c 'from segnet_mm.analysis.benchmark import write_synthetic_train_split as w
w("configs/segnet_cityscapes.py", "/tmp/cityscapes", (1024, 2048), 16)'
    $PY .dev_scripts/benchmark_train.py configs/segnet_cityscapes.py --amp \
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
reproduce)
    ROOT=/tmp/reproduce
    CONFIGS=${CONFIGS:-configs/segnet-basic_camvid.py configs/bayesian-segnet-basic_camvid.py}
    BAYES_CFG=configs/bayesian-segnet-basic_camvid.py
    [ "${PRECISION:-bf16}" = bf16 ] && MORE+=(optim_wrapper.type=BF16AmpOptimWrapper)
    MORE+=(env_cfg.cudnn_benchmark=True)
    # Training gets the budget less EVAL_RESERVE seconds; a run cut short
    # keeps its last checkpoint (every 1000 iterations; the lr is constant,
    # so it is the same schedule stopped earlier) and is scored below.
    LEFT=$(( ${BUDGET:-570} - ${EVAL_RESERVE:-150} - $(date +%s) + T0 ))
    [ "$LEFT" -gt 60 ] || { echo "no time left of BUDGET=${BUDGET:-570} s" >&2; exit 1; }
    bash .dev_scripts/device/project_eta.sh "$ROOT" "${PROJECT_EVERY:-30}" &
    WATCH=$!
    timeout "$LEFT" bash tools/train_and_test.sh "$ROOT" "${PARALLEL:-2}" \
        $CONFIGS -- --cfg-options "${DATA[@]}" "${MORE[@]}" 2>&1 \
        | tee "$OUT/progress.log"
    echo "train_and_test exit ${PIPESTATUS[0]} after $(( $(date +%s) - T0 )) s"
    kill "$WATCH" 2>/dev/null
    # Scoring, side by side: each run's test score if training was cut
    # short, then the Bayesian model's Monte Carlo sweep (T samples, 1 =
    # weight averaging) on val (for choices) and test.
    JOBS=()
    for cfg in $CONFIGS; do
        NAME=$(basename "$cfg" .py)
        [ "$cfg" != "$BAYES_CFG" ] && [ -f "$ROOT/$NAME/last_checkpoint" ] \
            && [ ! -d "$ROOT/$NAME/test" ] && JOBS+=("$cfg test config")
    done
    for T in ${MC_SWEEP:-1 2 4 8 16 32}; do
        for split in test val; do
            [ "$split/$T" = test/16 ] && [ -d "$ROOT/bayesian-segnet-basic_camvid/test" ] && continue
            JOBS+=("$BAYES_CFG $split $T")
        done
    done
    LEFT=$(( ${BUDGET:-570} - $(date +%s) + T0 ))
    for job in "${JOBS[@]}"; do
        read -r cfg split T <<<"$job"
        NAME=$(basename "$cfg" .py)
        [ -f "$ROOT/$NAME/last_checkpoint" ] || continue
        SPLIT=(); [ "$split" = val ] && SPLIT=(
            test_dataloader.dataset.data_prefix.img_path=val
            test_dataloader.dataset.data_prefix.seg_map_path=valannot)
        MC=(); [ "$T" = config ] || MC=(model.mc_samples=$T)
        TAG=$split${MC:+_mc$T}
        [ "$T" = config ] && TAG=test
        timeout "$LEFT" $PY tools/test.py "$cfg" "$(cat "$ROOT/$NAME/last_checkpoint")" \
            --work-dir "$ROOT/$NAME/$TAG" --cfg-options "${DATA[@]}" "${MORE[@]}" \
            "${SPLIT[@]}" "${MC[@]}" >"$ROOT/$NAME.$TAG.log" 2>&1 \
            && echo "$NAME $TAG scored" || echo "$NAME $TAG FAILED or cut" &
    done
    wait
    for cfg in $CONFIGS; do
        NAME=$(basename "$cfg" .py)
        [ -f "$ROOT/$NAME/last_checkpoint" ] && $PY -c 'import sys, torch
ckpt = torch.load(sys.argv[1], map_location="cpu", weights_only=False)
torch.save(dict(meta=ckpt["meta"], state_dict=ckpt["state_dict"]), sys.argv[2])' \
            "$(cat "$ROOT/$NAME/last_checkpoint")" "$OUT/$NAME.pth"
    done
    tar czf "$OUT/reproduce.tgz" -C "$ROOT" --exclude='*.pth' --exclude=vis_image .
    ;;
*)
    echo "unknown stage $STAGE: bench, train or reproduce" >&2
    exit 2
    ;;
esac
echo "$STAGE took $(( $(date +%s) - T0 )) s"
