"""The configs that follow the training settings SegNet's authors released
with their Caffe models (SegNet-Tutorial, Models/*_solver.prototxt and
*_train.prototxt), compared with those files' values."""
import pytest
from mmengine.config import Config

from tests.conftest import REPO_ROOT

PUBLISHED_WEIGHTS = [
    0.2595, 0.1826, 4.5640, 0.1417, 0.9051, 0.3826, 9.6446, 1.8418, 0.6823,
    6.2478, 7.3614
]
# config: (lr, iterations, ImageNet init, encoder dropout, decoder dropout)
AUTHORS = {
    'segnet-basic_camvid.py': (0.1, 10_000, False, (), ()),
    'bayesian-segnet-basic_camvid.py': (0.1, 10_000, False, (2, 3), (2, 3)),
    'segnet_camvid_imagenet-init.py': (0.001, 40_000, True, (), ()),
    'bayesian-segnet_camvid_imagenet-init.py':
    (0.001, 60_000, True, (2, 3, 4), (2, 3, 4)),
}


@pytest.mark.parametrize('name', AUTHORS)
def test_follows_authors_solver(name):
    lr, iters, imagenet, enc_drop, dec_drop = AUTHORS[name]
    cfg = Config.fromfile(REPO_ROOT / 'configs' / name)
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr, optimizer.momentum,
            optimizer.weight_decay) == ('SGD', lr, 0.9, 5e-4)
    assert cfg.optim_wrapper.type == 'OptimWrapper'  # fp32, as in Caffe
    assert not cfg.param_scheduler, 'the learning rate is constant'
    assert cfg.train_cfg.max_iters == iters
    assert cfg.train_dataloader.batch_size == 4
    # 360x480 frames as they are: no flip, crop or resize.
    assert [t['type'] for t in cfg.train_dataloader.dataset.pipeline
            ] == ['LoadImageFromFile', 'LoadAnnotations', 'PackSegInputs']
    assert cfg.model.data_preprocessor.size == (360, 480)
    head = cfg.model.decode_head
    assert head.loss_decode.type == 'WeightedCrossEntropyLoss'
    assert head.loss_decode.class_weight == PUBLISHED_WEIGHTS
    # Caffe's SoftmaxWithLoss: the weighted sum over the labelled pixels.
    assert head.loss_decode.normalize == 'labelled_pixels'
    assert head.get('ignore_index', 255) == 255  # CamVid's void 11 -> 255
    init = cfg.model.backbone.get('init_cfg')
    assert (init is not None and init.type == 'Pretrained') == imagenet
    assert tuple(cfg.model.backbone.get('dropout_stages', ())) == enc_drop
    assert tuple(head.get('dropout_stages', ())) == dec_drop
    if enc_drop:
        assert cfg.model.backbone.stage_dropout_ratio == 0.5
        assert head.stage_dropout_ratio == 0.5
        assert cfg.model.type == 'MCDropoutEncoderDecoder'
        assert cfg.model.mc_samples == 16


@pytest.mark.parametrize('name', AUTHORS)
def test_chooses_checkpoint_as_the_paper(name):
    """Validated every 1000 iterations on BN statistics recomputed over the
    training split (dropout off), the best by val global accuracy kept
    beside the last."""
    cfg = Config.fromfile(REPO_ROOT / 'configs' / name)
    assert cfg.train_cfg.val_interval == 1000
    checkpoint = cfg.default_hooks.checkpoint
    assert (checkpoint.interval, checkpoint.save_best,
            checkpoint.rule) == (1000, 'aAcc', 'greater')
    precise_bn = [h for h in cfg.custom_hooks if h.type == 'PreciseBNHook']
    assert precise_bn == [dict(type='PreciseBNHook')]


def test_lrn_input_variant():
    """The Caffe SegNet-Basic's input: LRN on raw pixels, no mean/std."""
    cfg = Config.fromfile(
        REPO_ROOT / 'configs/ablations/segnet-basic_camvid_lrn-input.py')
    base = Config.fromfile(REPO_ROOT / 'configs/segnet-basic_camvid.py')
    pre = cfg.model.data_preprocessor
    assert (pre.mean, pre.std) == ([0.0] * 3, [1.0] * 3)
    assert cfg.model.backbone.input_lrn == dict(
        size=5, alpha=1e-4, beta=0.75, k=1.0)
    assert cfg.train_cfg == base.train_cfg
    assert cfg.optim_wrapper == base.optim_wrapper


def test_from_scratch_segnet_differs_as_documented():
    """segnet_camvid.py trains from scratch on mmseg's poly schedule_40k."""
    cfg = Config.fromfile(REPO_ROOT / 'configs/segnet_camvid.py')
    assert cfg.model.backbone.get('init_cfg') is None
    assert cfg.optim_wrapper.optimizer.lr == 0.01
    assert [s.type for s in cfg.param_scheduler] == ['PolyLR']
    assert cfg.train_cfg.max_iters == 40_000
    assert 'RandomFlip' in [
        t['type'] for t in cfg.train_dataloader.dataset.pipeline]
