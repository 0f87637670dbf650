"""tools/analysis_tools/compare_models.py end to end: costs, saved speed,
results."""
import subprocess
import sys

from mmseg.datasets import CityscapesDataset
from tests.conftest import REPO_ROOT
from tests.utils import (FP32_WHERE_BF16_IS_EMULATED, SMALL_MODEL,
                         fake_work_dir, run_tool)

CONFIG = 'configs/benchmark/segnet-basic_1xb8-3k_camvid-180x240.py'
TOOL = 'tools/analysis_tools/compare_models.py'


def test_table_from_work_dirs(tmp_path):
    fake_work_dir(tmp_path / 'segnet-basic_1xb8-3k_camvid-180x240')
    out = tmp_path / 'table.md'
    result = subprocess.run(
        [sys.executable, TOOL, CONFIG, '--work-root',
         str(tmp_path),
         '--shape', '90', '120', '--measure', '--iters', '1', '--out',
         str(out), '--cfg-options', 'train_dataloader.batch_size=2',
         *FP32_WHERE_BF16_IS_EMULATED],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    row = out.read_text().splitlines()[2]
    # 1,416,075 parameters, MACs at 90x120; val/test and the device from
    # the work dir; speed measured now and saved there.
    assert '| 1.42 |' in row and '| 90x120 |' in row
    assert '| 51.25 |' in row and '| 45.50 |' in row
    assert '| NVIDIA H200 |' in row
    ms, s_iter = row.split(' | ')[9:11]
    assert float(ms) > 0 and float(s_iter) > 0
    assert (tmp_path / 'segnet-basic_1xb8-3k_camvid-180x240/'
            'cpu_speed.json').is_file()


def test_per_class_table_names_the_config_dataset_classes(tmp_path):
    out = run_tool(TOOL, 'configs/segnet_cityscapes.py',
                   '--work-root', tmp_path, '--shape', 64, 128,
                   '--cfg-options', *SMALL_MODEL)
    classes = CityscapesDataset.METAINFO['classes']
    assert len(classes) == 19
    assert '| config | ' + ' | '.join(classes) + ' |' in out
