#!/usr/bin/env bash
# Multi-process training with torchrun: one process per GPU (or per CPU
# worker with --cfg-options env_cfg.dist_cfg.backend=gloo).
#   bash tools/dist_train.sh CONFIG NPROC [train.py args ...]
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR, PORT (defaults 1, 0,
# 127.0.0.1, 29500).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG NPROC [train.py args ...]" >&2
    exit 2
fi
CONFIG=$1
NPROC=$2
shift 2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"

PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" \
python -m torch.distributed.run \
    --nnodes="${NNODES:-1}" \
    --node_rank="${NODE_RANK:-0}" \
    --master_addr="${MASTER_ADDR:-127.0.0.1}" \
    --master_port="${PORT:-29500}" \
    --nproc_per_node="$NPROC" \
    "$ROOT/tools/train.py" "$CONFIG" --launcher pytorch "$@"
