#!/usr/bin/env bash
# Every EVERY seconds, each unfinished training log under ROOT (ROOT/NAME.train.log, as
# tools/train_and_test.sh writes them): its last logged iteration, mmengine's
# eta, and the projected wall-clock of the run (elapsed + eta).
#
#   bash .dev_scripts/device/project_eta.sh ROOT [EVERY]   (runs until killed)
ROOT=${1:?usage: project_eta.sh ROOT [EVERY]}
EVERY=${2:-30}
T0=$(date +%s)
while sleep "$EVERY"; do
    elapsed=$(( $(date +%s) - T0 ))
    for log in "$ROOT"/*.train.log; do
        [ -f "$log" ] || continue
        line=$(grep -o 'Iter(train) \[ *[0-9]*/[0-9]*\].*eta: [0-9:]*' "$log" | tail -1)
        [ -n "$line" ] || continue
        it=$(sed -E 's/.*\[ *([0-9]+\/[0-9]+)\].*/\1/' <<<"$line")
        [ "${it%/*}" = "${it#*/}" ] && continue  # finished
        eta=$(sed -E 's/.*eta: ([0-9]+):([0-9]+):([0-9]+)$/\1 \2 \3/' <<<"$line")
        read -r h m s <<<"$eta"
        left=$(( 10#$h * 3600 + 10#$m * 60 + 10#$s ))
        echo "[${elapsed}s] $(basename "$log" .train.log): iteration $it," \
            "eta ${left}s, projected training wall-clock $(( elapsed + left ))s"
    done
done
