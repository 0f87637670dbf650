"""The CamVid benchmark: mmseg's models under the CPU-budget recipe's
pieces, which segnet_camvid_cpu.py is composed of too."""
import json
import math

import mmseg
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from mmseg.registry import MODELS
from tests.conftest import REPO_ROOT
from tests.data_utils import write_synthetic_camvid
from tests.utils import FP32_WHERE_BF16_IS_EMULATED, cfg_options

CONFIGS = REPO_ROOT / 'configs'
RECIPE = CONFIGS / 'segnet_camvid_cpu.py'
BENCHMARK = sorted((CONFIGS / 'benchmark').glob('*.py'))
ALL = [RECIPE, *BENCHMARK]
REQUIRED = ('unet-s5-d16_fcn', 'fcn_r18-d8', 'deeplabv3plus_r18-d8',
            'bisenetv2_fcn', 'ddrnet_23-slim', 'fast_scnn', 'cgnet_fcn',
            'segnet-basic')
# DDRHead takes one loss per output, so it cannot take the recipe's list.
OWN_DECODE_LOSS = ('ddrnet_23-slim_1xb8-3k_camvid-180x240.py', )


def name(path):
    return path.name


def test_required_models_present():
    stems = [p.stem for p in BENCHMARK]
    for model in REQUIRED:
        assert any(s.startswith(model + '_') for s in stems), model


@pytest.mark.parametrize('path', BENCHMARK, ids=name)
def test_same_recipe_as_segnet(path):
    """Pipelines, batch, crop, schedule, optimizer and hooks are the
    recipe's."""
    cfg, recipe = Config.fromfile(path), Config.fromfile(RECIPE)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[key].dataset.pipeline == recipe[key].dataset.pipeline
        assert cfg[key].batch_size == recipe[key].batch_size
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg', 'val_cfg',
                'test_cfg', 'custom_hooks', 'default_hooks', 'randomness',
                'crop_size'):
        assert cfg[key] == recipe[key], key


def test_bayesian_segnet_basic_is_segnet_basic_with_dropout():
    """Everything but the model resolves as SegNet-Basic's benchmark
    config; the model differs only by MC dropout at the authors' places."""
    basic = Config.fromfile(CONFIGS / 'benchmark' /
                            'segnet-basic_1xb8-3k_camvid-180x240.py')
    bayes = Config.fromfile(CONFIGS / 'benchmark' /
                            'bayesian-segnet-basic_1xb8-3k_camvid-180x240.py')
    assert set(bayes.keys()) == set(basic.keys())
    for key in basic.keys() - {'model'}:
        assert bayes[key] == basic[key], key
    model = bayes.model.to_dict()
    assert model.pop('type') == 'MCDropoutEncoderDecoder'
    assert model.pop('mc_samples') == 1  # val scores weight averaging
    for part in ('backbone', 'decode_head'):
        assert tuple(model[part].pop('dropout_stages')) == (2, 3)
    assert model['backbone'].pop('stage_dropout_ratio') == 0.5
    assert model['decode_head'].pop('stage_dropout_ratio') == 0.5
    expected = basic.model.to_dict()
    expected.pop('type')
    assert model == expected


@pytest.mark.parametrize('path', ALL, ids=name)
def test_builds_with_11_classes_and_plain_bn(path):
    cfg = Config.fromfile(path)
    model = MODELS.build(cfg.model)
    assert model.decode_head.num_classes == 11
    aux = getattr(model, 'auxiliary_head', None)
    for head in (aux if isinstance(aux, torch.nn.ModuleList) else
                 [aux] if aux is not None else []):
        # STDC's detail head is a two-class boundary head by design.
        expected = 2 if type(head).__name__ == 'STDCHead' else 11
        assert head.num_classes == expected
    assert not any(
        isinstance(m, torch.nn.SyncBatchNorm) for m in model.modules())


@pytest.mark.parametrize('path', ALL, ids=name)
def test_decode_head_gets_the_recipes_loss(path):
    cfg = Config.fromfile(path)
    loss = cfg.model.decode_head.loss_decode
    if path.name in OWN_DECODE_LOSS:
        assert [(l_['type'], l_['class_weight']) for l_ in loss] == \
            [('WeightedCrossEntropyLoss', cfg.class_weight)] * 2
    else:
        assert loss == cfg.decode_loss
        assert [l_['type'] for l_ in loss] == [
            'WeightedCrossEntropyLoss', 'LovaszLoss'
        ]


def checkpoint_requests(node, key=''):
    """Where a resolved config asks for weights to be loaded."""
    if isinstance(node, dict):
        if node.get('type') == 'Pretrained':
            yield key
        for k, v in node.items():
            if k in ('pretrained', 'checkpoint', 'load_from') and \
                    isinstance(v, str):
                yield f'{key}.{k}'
            yield from checkpoint_requests(v, f'{key}.{k}')
    elif isinstance(node, (list, tuple)):
        for i, v in enumerate(node):
            yield from checkpoint_requests(v, f'{key}[{i}]')
    elif isinstance(node, str) and '://' in node:
        yield key


def mmseg_config(rel):
    return Config.fromfile(
        f'{mmseg.__path__[0]}/.mim/configs/{rel}').to_dict()


def test_checkpoint_requests_are_found():
    """The check below would see what mmseg's own configs ask for."""
    assert '.model.pretrained' in set(checkpoint_requests(
        mmseg_config('fcn/fcn_r18-d8_4xb2-80k_cityscapes-512x1024.py')))
    assert '.model.backbone.init_cfg' in set(checkpoint_requests(
        mmseg_config('ddrnet/ddrnet_23-slim_in1k-pre_2xb6-120k_cityscapes-'
                     '1024x1024.py')))


@pytest.mark.parametrize('path', ALL, ids=name)
def test_no_config_asks_for_a_checkpoint(path):
    assert list(checkpoint_requests(Config.fromfile(path).to_dict())) == []


def test_cpu_recipe_resolves_as_before_the_split():
    """segnet_camvid_cpu.py and the yardstick, now composed of _base_
    pieces, resolve to the model, pipelines, schedule and hooks they had as
    a chain of leaf configs (saved in tests/data; the hook lists with
    SafeCheckpointHook and the train loop FastResumeIterBasedTrainLoop,
    added since; the test IoU metric ClassIoUMetric, as the split made
    it). segnet-basic_camvid.py left the fixture when it
    took the authors' schedule (test_authors_settings.py).
    """
    before = json.loads(
        (REPO_ROOT / 'tests/data/resolved_before_split.json').read_text())
    assert set(before) == {'segnet_camvid_cpu.py',
                           'segnet_camvid_cpu_yardstick.py'}
    for config, sections in before.items():
        assert {'model', 'val_evaluator', 'test_evaluator'} <= set(sections)
        # The data preprocessor the runner uses is the model's.
        assert sections['model']['data_preprocessor']['size'] == [180, 240]
        cfg = Config.fromfile(CONFIGS / config)
        for key, value in sections.items():
            now = json.loads(json.dumps(cfg.get(key), default=list))
            assert now == value, f'{config}: {key}'


def test_every_config_keeps_the_runtime_hooks():
    runtime = Config.fromfile(CONFIGS / '_base_/default_runtime.py')
    configs = [p for p in CONFIGS.rglob('*.py') if '_base_' not in p.parts]
    assert len(configs) > len(ALL)
    for path in configs:
        hooks = Config.fromfile(path).custom_hooks
        for hook in runtime.custom_hooks:
            assert hook in hooks, f'{path.name} drops {hook}'


@pytest.fixture(scope='module')
def camvid_360x480(tmp_path_factory):
    """Two frames per split at CamVid's size, so the recipe's 0.5-1.0
    scale jitter and 180x240 crops apply as on the real data."""
    return write_synthetic_camvid(
        tmp_path_factory.mktemp('camvid'), splits=('train', 'val'), num=2,
        size=(360, 480))


@pytest.mark.parametrize('path', ALL, ids=name)
def test_trains_two_iterations(path, camvid_360x480, tmp_path):
    cfg = Config.fromfile(path)
    cfg.merge_from_dict(cfg_options(FP32_WHERE_BF16_IS_EMULATED))
    cfg.train_dataloader.dataset.data_root = str(camvid_360x480)
    cfg.train_dataloader.batch_size = 2
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.train_cfg.max_iters = 2
    cfg.default_hooks.checkpoint.interval = 10**9
    cfg.default_hooks.checkpoint.save_last = False
    cfg.work_dir = str(tmp_path)
    cfg.log_level = 'WARNING'
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    loss = runner.message_hub.get_scalar('train/loss').current()
    assert math.isfinite(loss) and loss > 0
