#!/usr/bin/env bash
# What a lent GPU machine needs and cannot download, made here (it copies
# at most 64 MiB of the working tree and reaches nothing outside):
#
#   bash .dev_scripts/device/make_bundle.sh [CAMVID_DIR]   (default ../shared/camvid)
#
# .whl/      the Python parts of mmengine, mmsegmentation and mmcv (mmcv-lite:
#            the device has no time to compile mmcv's ops; run.sh puts a
#            stand-in for them, .dev_scripts/device/mmcv_ext_stub.py) and their
#            pure-Python dependencies, for the device's Python 3.12.
# .devdata/  a CamVid copy that fits: images as JPEG (train quality 90,
#            val/test 95), labels as the original PNGs.
# Both folders are git-ignored; pass them to the device in `carry`.
set -euo pipefail
cd "$(dirname "$0")/../.."
CAMVID=${1:-../shared/camvid}
[ -d "$CAMVID/train" ] || { echo "no CamVid at $CAMVID" >&2; exit 2; }
if [ ! -d .whl ]; then
    python -m pip download -q --dest .whl --only-binary=:all: \
        --python-version 3.12 --no-deps mmengine==0.10.7 \
        mmsegmentation==1.2.2 mmcv-lite==2.1.0 addict yapf termcolor \
        prettytable ftfy wcwidth platformdirs
fi
python - "$CAMVID" .devdata/camvid <<'PY'
import shutil
import sys
from pathlib import Path

import cv2

src, dst = map(Path, sys.argv[1:])
for split, quality in (('train', 90), ('val', 95), ('test', 95)):
    (dst / split).mkdir(parents=True, exist_ok=True)
    shutil.copytree(src / f'{split}annot', dst / f'{split}annot',
                    dirs_exist_ok=True)
    for png in sorted((src / split).glob('*.png')):
        cv2.imwrite(str(dst / split / f'{png.stem}.jpg'), cv2.imread(str(png)),
                    [cv2.IMWRITE_JPEG_QUALITY, quality])
PY
du -sh .whl .devdata
