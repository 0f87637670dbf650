"""Named config edits: loading a config with overrides, the tools' flags
(``--amp``, ``--resume``, ``--tta``, ``--out``, ``--show``), taking a hook
out, trimming a config to a few training iterations, and the edits the
measurements make (weights from nowhere, another data root, SegNet's flat
index formulation, a quiet run of its own). Each edits the config in
place and returns it; each is tested on its own. The command-line options
behind them are the tools'."""
import copy
import os.path as osp
import uuid
from typing import List, Optional, Union

from mmengine.config import Config
from mmengine.device import get_device
from mmengine.logging import print_log

from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS
from .tta import flip_tta_pipeline
from .typing_utils import PathLike

# Which optim wrapper gives mixed precision on which device.
AMP_OPTIM_WRAPPERS = {
    'cuda': dict(type='AmpOptimWrapper', loss_scale='dynamic'),
    'cpu': dict(type='BF16AmpOptimWrapper', dtype='bfloat16'),
}
# Already mixed precision on any device: kept as the config has it.
DEVICE_AGNOSTIC_AMP = 'BF16AmpOptimWrapper'


def load_config(config: Union[PathLike, Config],
                cfg_options: Optional[dict] = None) -> Config:
    """``config`` (a file, or a loaded config, copied so the caller's stays
    as it is) with ``cfg_options`` (mmseg's ``--cfg-options``) merged."""
    cfg = copy.deepcopy(config) if isinstance(config, Config) else \
        Config.fromfile(str(config))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


def evaluator_list(cfg: Config) -> List[dict]:
    """``test_evaluator`` as a list: one metric, or its list of them."""
    return cfg.test_evaluator if isinstance(cfg.test_evaluator,
                                            list) else [cfg.test_evaluator]


def load_run_config(config: str,
                    work_dir: Optional[str] = None,
                    cfg_options: Optional[dict] = None,
                    launcher: str = 'none') -> Config:
    """``config`` with ``--cfg-options`` merged, the launcher set and the
    work dir given, else the config's own, else ``work_dirs/<config
    name>`` (mmseg's tools' rule)."""
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config))[0])
    return cfg


def resume_from(cfg: Config, resume: Optional[str]) -> Config:
    """``--resume``: 'auto' resumes from the work dir's latest checkpoint,
    a path from that checkpoint, None not at all."""
    if resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif resume is not None:
        cfg.resume = True
        cfg.load_from = resume
    return cfg


def enable_tta(cfg: Config) -> Config:
    """``--tta``: the config's own ``tta_pipeline`` (mmseg's Cityscapes base
    has a multi-scale one), else flip averaging at the test resolution;
    the model wrapped in the config's ``tta_model``, else mmseg's
    ``SegTTAModel``. ``CalibrationMetric`` leaves ``test_evaluator``:
    ``SegTTAModel`` predicts from the views' mean softmax but keeps only
    the last view's ``seg_logits``, and the metric refuses those."""
    evaluators = evaluator_list(cfg)
    kept = [e for e in evaluators if e['type'] != 'CalibrationMetric']
    if len(kept) < len(evaluators):
        cfg.test_evaluator = kept
    cfg.test_dataloader.dataset.pipeline = cfg.get(
        'tta_pipeline') or flip_tta_pipeline(
            cfg.test_dataloader.dataset.pipeline)
    cfg.model = dict(
        cfg.get('tta_model') or dict(type='SegTTAModel'), module=cfg.model)
    return cfg


def keep_label_maps(cfg: Config, out_dir: str) -> Config:
    """``--out``: every IoU metric of ``test_evaluator`` (``IoUMetric`` or a
    subclass) writes its label maps to ``out_dir``.

    Raises:
        ValueError: if ``test_evaluator`` has no IoU metric.
    """
    iou = [
        e for e in evaluator_list(cfg)
        if issubclass(METRICS.get(e['type']), IoUMetric)
    ]
    if not iou:
        raise ValueError('label maps are saved by an IoUMetric, but '
                         'test_evaluator has none')
    for evaluator in iou:
        evaluator.update(output_dir=out_dir, keep_results=True)
    return cfg


def enable_visualization_hook(cfg: Config, show: bool = False,
                              show_dir: Optional[str] = None,
                              wait_time: float = 2) -> Config:
    """``--show`` / ``--show-dir``: turn on mmseg's SegVisualizationHook.

    Raises:
        RuntimeError: if ``default_hooks`` has no ``visualization`` entry.
    """
    if 'visualization' not in cfg.default_hooks:
        raise RuntimeError(
            'drawing predictions needs a "visualization" entry in '
            'default_hooks (mmseg::_base_/default_runtime.py has one)')
    hook = cfg.default_hooks['visualization']
    hook['draw'] = True
    if show:
        hook['show'] = True
        hook['wait_time'] = wait_time
    if show_dir:
        cfg.visualizer['save_dir'] = show_dir
    return cfg


def enable_amp(cfg: Config, device: Optional[str] = None) -> Config:
    """``--amp``: mixed precision for ``device`` (default: the current one).

    CUDA gets mmengine's ``AmpOptimWrapper`` (fp16 with loss scaling); the
    CPU gets ``BF16AmpOptimWrapper`` (bf16 autocast). A config that already
    trains with ``BF16AmpOptimWrapper`` (the CPU recipe) keeps it on either
    device. Validation and test loops autocast too
    (:func:`enable_eval_amp`).

    Raises:
        ValueError: if the device has no mixed-precision wrapper or the
            config's optim wrapper is neither plain nor already an AMP one.
    """
    device = device or get_device()
    if device not in AMP_OPTIM_WRAPPERS:
        raise ValueError(f'no mixed-precision optim wrapper for '
                         f'device {device!r}; known: '
                         f'{list(AMP_OPTIM_WRAPPERS)}')
    amp = AMP_OPTIM_WRAPPERS[device]
    current = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if current in (amp['type'], DEVICE_AGNOSTIC_AMP):
        print_log(f'AMP is already enabled in the config ({current}).',
                  logger='current')
    elif current != 'OptimWrapper':
        raise ValueError(f'mixed precision: optim_wrapper.type is '
                         f"{current!r}; expected 'OptimWrapper', "
                         f"{amp['type']!r} or {DEVICE_AGNOSTIC_AMP!r} on "
                         f'{device}')
    else:
        cfg.optim_wrapper.update(amp)
    return enable_eval_amp(cfg)


def enable_eval_amp(cfg: Config) -> Config:
    """``tools/test.py --amp``: autocast the validation and test loops (their
    ``fp16`` flag: fp16 on CUDA, bf16 on CPU); a test run builds no optim
    wrapper."""
    for loop in ('val_cfg', 'test_cfg'):
        if cfg.get(loop) is not None:
            cfg[loop]['fp16'] = True
    return cfg


def remove_custom_hooks(cfg: Config, hook_type: str) -> Config:
    """Every hook of ``hook_type`` taken out of ``custom_hooks``."""
    cfg.custom_hooks = [
        h for h in cfg.get('custom_hooks', []) if h['type'] != hook_type
    ]
    return cfg


def train_only(cfg: Config, iters: int) -> Config:
    """``cfg`` trimmed to ``iters`` training iterations: no validation, no
    checkpoints. The learning rate follows the full schedule's first
    ``iters`` iterations."""
    cfg.train_cfg.update(max_iters=iters, val_interval=iters + 1)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.update(interval=iters + 1, save_last=False)
    return cfg


def without_pretrained(cfg: Config) -> Config:
    """The model initialised from nothing: no ``pretrained`` file, no
    ``init_cfg`` of the backbone (a measurement needs no weights, and none
    can be downloaded)."""
    cfg.model.pop('pretrained', None)
    cfg.model.backbone.pop('init_cfg', None)
    return cfg


def train_on(cfg: Config, data_root: str) -> Config:
    """Training reads ``data_root``, in the config's own layout below it."""
    cfg.train_dataloader.dataset.data_root = data_root
    return cfg


def flat_pooling_indices(cfg: Config) -> Config:
    """SegNet with the flat-index formulation: the encoder keeps
    PyTorch's flat indices and the decoder unpools by comparison with
    them, in place of the 2-bit window codes."""
    cfg.model.backbone.window_codes = 'flat'
    cfg.model.decode_head.unpool = 'where'
    return cfg


def quiet_run(cfg: Config, work_dir: str) -> Config:
    """A Runner of its own in ``work_dir`` logging warnings only: a fresh
    experiment name gives it its own logger and visualizer (mmengine keeps
    both process-wide by name; mmseg's runtime names its visualizer
    'visualizer')."""
    cfg.experiment_name = f'run_{uuid.uuid4().hex}'
    if cfg.get('visualizer'):
        cfg.visualizer.name = cfg.experiment_name
    cfg.work_dir = work_dir
    cfg.log_level = 'WARNING'
    return cfg
