#!/usr/bin/env bash
# Train configs from scratch and score each final checkpoint on the test
# split, several runs side by side (one device, e.g. one GPU):
#
#   bash tools/train_and_test.sh WORK_ROOT PARALLEL CONFIG [CONFIG ...] [-- ARGS]
#
# Each CONFIG trains with `tools/train.py CONFIG --work-dir WORK_ROOT/NAME
# ARGS` (NAME = the config's file name without .py); its val score is the
# validation logged at the last iteration. Then `tools/test.py` scores the
# last checkpoint (WORK_ROOT/NAME/last_checkpoint) with the config's test
# dataloader, into WORK_ROOT/NAME/test. ARGS (e.g. --cfg-options ...) go to
# both. Logs: WORK_ROOT/NAME.train.log and WORK_ROOT/NAME.test.log. Exits
# non-zero if any run failed, after all have ended.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then
    sed -n '2,14p' "$0" >&2
    exit 2
fi
ROOT=$1 PARALLEL=$2
shift 2
CONFIGS=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do CONFIGS+=("$1"); shift; done
[ $# -gt 0 ] && shift
ARGS=("$@")
for cfg in "${CONFIGS[@]}"; do
    [ -f "$cfg" ] || { echo "no such config: $cfg" >&2; exit 2; }
done
mkdir -p "$ROOT"
PY=${PYTHON:-python}

run_one() {
    local cfg=$1 name wd
    name=$(basename "$cfg" .py)
    wd=$ROOT/$name
    echo "$(date +%T) start $name"
    if ! $PY tools/train.py "$cfg" --work-dir "$wd" "${ARGS[@]}" \
        >"$ROOT/$name.train.log" 2>&1; then
        echo "$(date +%T) FAILED training $name (see $ROOT/$name.train.log)"
        return 1
    fi
    if ! $PY tools/test.py "$cfg" "$(cat "$wd/last_checkpoint")" \
        --work-dir "$wd/test" "${ARGS[@]}" >"$ROOT/$name.test.log" 2>&1; then
        echo "$(date +%T) FAILED testing $name (see $ROOT/$name.test.log)"
        return 1
    fi
    echo "$(date +%T) done $name"
}

failed=0
running=0
for cfg in "${CONFIGS[@]}"; do
    if [ "$running" -ge "$PARALLEL" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
    run_one "$cfg" &
    running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
exit $failed
