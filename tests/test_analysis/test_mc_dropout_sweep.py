"""mc_dropout_sweep scores each T on the first T of one run of dropout
samples, T = 1 with dropout off, each with its own evaluator."""
import pytest
import torch

from segnet_mm.analysis.mc_dropout_sweep import mc_dropout_sweep
from tests.utils import (BAYESIAN_CONFIG, SMALL_MODEL, cfg_options,
                         data_options, sharpened_bayesian_checkpoint)

EVALUATORS = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='CalibrationMetric')
]


@pytest.fixture
def sweep(tmp_path, camvid_root):
    ckpt = sharpened_bayesian_checkpoint(tmp_path / 'bayes.pth')
    options = cfg_options([*SMALL_MODEL, *data_options(camvid_root)])
    options['test_evaluator'] = EVALUATORS

    def run(samples, seed=0):
        torch.manual_seed(seed)
        return mc_dropout_sweep(str(BAYESIAN_CONFIG), str(ckpt), samples,
                                options, progress=False)

    return run


def test_each_t_is_scored_on_its_own_samples(sweep):
    both = sweep([1, 2, 3])
    assert list(both) == [1, 2, 3]
    assert 'AUROC.MI' not in both[1]  # weight averaging: no samples
    assert 'AUROC.MI' in both[2] and 'AUROC.MI' in both[3]
    # T = 3 alone draws the same first three samples.
    alone = sweep([3])
    assert alone[3]['NLL'] == pytest.approx(both[3]['NLL'], rel=1e-6)
    assert both[2]['NLL'] != pytest.approx(both[3]['NLL'], rel=1e-6)
    # Weight averaging does not depend on the random state.
    assert sweep([1, 2], seed=7)[1] == both[1]


def test_needs_a_sampled_t(sweep):
    with pytest.raises(ValueError, match='one >= 2'):
        sweep([1])
