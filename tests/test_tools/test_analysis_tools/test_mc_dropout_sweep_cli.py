"""tools/analysis_tools/mc_dropout_sweep.py prints one row per T and keeps
every metric by T as JSON."""
import json

from tests.utils import (SMALL_MODEL, data_options, run_tool,
                         sharpened_bayesian_checkpoint, write_bayesian_config)


def test_table_and_json(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'bayes.pth')
    config = write_bayesian_config(tmp_path / 'bayesian_calibration.py',
                                   'CalibrationMetric')
    out = run_tool('tools/analysis_tools/mc_dropout_sweep.py', config,
                   ckpt, '--samples', '1', '2', '--out',
                   tmp_path / 'sweep.json', '--cfg-options', *SMALL_MODEL,
                   *data_options(camvid_root))
    assert '| T | aAcc | mAcc | mIoU | ECE | NLL | Brier |' in out
    rows = [line for line in out.splitlines() if line.startswith('| 1 |')
            or line.startswith('| 2 |')]
    assert len(rows) == 2
    metrics = json.loads((tmp_path / 'sweep.json').read_text())
    assert sorted(metrics) == ['1', '2']
    assert 'AUROC.MI' in metrics['2'] and 'AUROC.MI' not in metrics['1']
    assert f"| 2 | {metrics['2']['aAcc']:.2f} |" in out
