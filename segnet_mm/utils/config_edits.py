"""Named config edits: the tools' flags (``--amp``, ``--resume``,
``--tta``, ``--out``, ``--show``), mixed precision on and off, the speed
levers of ``tools/analysis_tools/benchmark_train.py`` and trimming a config
to a few training iterations. Each edits the config in place and returns
it; each is tested on its own. ``add_cfg_options``, ``add_run_options``
and ``parse_run_args`` give the tools the command-line options behind
them."""
import argparse
import os
import os.path as osp
from typing import Callable, Dict, Optional, Sequence

from mmengine.config import Config, DictAction
from mmengine.device import get_device
from mmengine.logging import print_log

from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS
from .tta import flip_tta_pipeline

# Which optim wrapper gives mixed precision on which device.
AMP_OPTIM_WRAPPERS = {
    'cuda': dict(type='AmpOptimWrapper', loss_scale='dynamic'),
    'cpu': dict(type='BF16AmpOptimWrapper', dtype='bfloat16'),
}
# Already mixed precision on any device: kept as the config has it.
DEVICE_AGNOSTIC_AMP = 'BF16AmpOptimWrapper'
# Optim wrapper keys that only a mixed-precision wrapper takes.
PRECISION_KEYS = ('dtype', 'loss_scale')


def add_cfg_options(
        parser: argparse.ArgumentParser,
        help: str = 'override settings in the config, key=value pairs'
) -> None:
    """Give a tool mmseg's ``--cfg-options key=value ...``: the config
    edits of the command line, merged with ``Config.merge_from_dict``."""
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, help=help)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Give ``tools/train.py`` and ``tools/test.py`` mmseg's options for a
    run: ``--amp``, ``--cfg-options``, ``--launcher`` and the
    ``--local-rank`` a launcher passes."""
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 on CUDA, bf16 autocast on CPU')
    add_cfg_options(parser)
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_run_args(
        parser: argparse.ArgumentParser,
        argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse a run's command line (``argv``, else ``sys.argv``);
    ``--local-rank`` becomes ``LOCAL_RANK`` for torch.distributed where the
    launcher did not set it."""
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


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
    ``SegTTAModel``. ``CalibrationMetric`` leaves ``test_evaluator`` (said
    on stdout): ``SegTTAModel`` predicts from the views' mean softmax but
    keeps only the last view's ``seg_logits``, and the metric refuses
    those."""
    evaluators = cfg.test_evaluator if isinstance(
        cfg.test_evaluator, list) else [cfg.test_evaluator]
    kept = [e for e in evaluators if e['type'] != 'CalibrationMetric']
    if len(kept) < len(evaluators):
        print('--tta: CalibrationMetric dropped from test_evaluator '
              '(SegTTAModel keeps only the last view\'s seg_logits, not '
              'the mean softmax it predicts from)')
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
    evaluators = cfg.test_evaluator if isinstance(
        cfg.test_evaluator, list) else [cfg.test_evaluator]
    iou = [
        e for e in evaluators
        if issubclass(METRICS.get(e['type']), IoUMetric)
    ]
    if not iou:
        raise ValueError('--out saves IoUMetric\'s label maps, but '
                         'test_evaluator has no IoUMetric')
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
            '--show/--show-dir need a "visualization" entry in '
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
        raise ValueError(f'--amp: no mixed-precision optim wrapper for '
                         f'device {device!r}; known: '
                         f'{list(AMP_OPTIM_WRAPPERS)}')
    amp = AMP_OPTIM_WRAPPERS[device]
    current = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if current in (amp['type'], DEVICE_AGNOSTIC_AMP):
        print_log(f'AMP is already enabled in the config ({current}).',
                  logger='current')
    elif current != 'OptimWrapper':
        raise ValueError(f'--amp: optim_wrapper.type is {current!r}; expected '
                         f"'OptimWrapper', {amp['type']!r} or "
                         f'{DEVICE_AGNOSTIC_AMP!r} on {device}')
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


def _set_optim_wrapper(cfg: Config, wrapper_type: str) -> None:
    """``optim_wrapper.type`` set to ``wrapper_type``, its optimizer and
    other settings kept, the mixed-precision keys dropped."""
    kept = {
        k: v
        for k, v in cfg.optim_wrapper.items()
        if k != 'type' and k not in PRECISION_KEYS
    }
    cfg.optim_wrapper = dict(type=wrapper_type, **kept)


def disable_amp(cfg: Config) -> Config:
    """fp32 throughout: mmengine's plain ``OptimWrapper`` (the optimizer
    kept) and validation and test loops without autocast."""
    _set_optim_wrapper(cfg, 'OptimWrapper')
    for loop in ('val_cfg', 'test_cfg'):
        if cfg.get(loop) is not None:
            cfg[loop]['fp16'] = False
    return cfg


def enable_bf16_autocast(cfg: Config) -> Config:
    """Training under bf16 autocast without loss scaling
    (``BF16AmpOptimWrapper``) whatever the config's optim wrapper, its
    optimizer kept."""
    _set_optim_wrapper(cfg, 'BF16AmpOptimWrapper')
    return cfg


def add_custom_hook(cfg: Config, hook: dict) -> Config:
    """``hook`` appended to ``custom_hooks`` unless it is there already."""
    hooks = cfg.get('custom_hooks', [])
    if hook not in hooks:
        cfg.custom_hooks = [*hooks, hook]
    return cfg


def remove_custom_hooks(cfg: Config, hook_type: str) -> Config:
    """Every hook of ``hook_type`` taken out of ``custom_hooks``."""
    cfg.custom_hooks = [
        h for h in cfg.get('custom_hooks', []) if h['type'] != hook_type
    ]
    return cfg


def enable_channels_last(cfg: Config) -> Config:
    """Channels-last weights (and so activations): ``ChannelsLastHook``."""
    return add_custom_hook(cfg, dict(type='ChannelsLastHook'))


def disable_channels_last(cfg: Config) -> Config:
    """The default memory format: no ``ChannelsLastHook``."""
    return remove_custom_hooks(cfg, 'ChannelsLastHook')


def tune_dataloader(cfg: Config, workers: int) -> Config:
    """``workers`` persistent training dataloader workers, pinned
    batches."""
    cfg.train_dataloader.update(
        num_workers=workers, persistent_workers=True, pin_memory=True)
    return cfg


def enable_window_codes(cfg: Config) -> Config:
    """SegNet's pooling indices as 2-bit window codes in training too:
    pure tensor algebra that stays channels-last, where CUDA's
    ``max_unpool2d`` converts its input to NCHW and writes NCHW.

    Raises:
        ValueError: naming the backbone, if it is not ``SegNetEncoder``.
    """
    backbone = cfg.model.backbone.type
    if backbone != 'SegNetEncoder':
        raise ValueError(f"the 'window_codes' lever needs SegNetEncoder, "
                         f'the config has {backbone}')
    cfg.model.backbone.compact_indices = True
    return cfg


def enable_compile(cfg: Config) -> Config:
    """torch.compile of the backbone's and decode head's forward passes
    (``CompileModulesHook``)."""
    return add_custom_hook(cfg, dict(type='CompileModulesHook'))


def enable_cuda_graphs(cfg: Config) -> Config:
    """The same compile replaying CUDA graphs (``mode='reduce-overhead'``):
    one launch for a step's many small kernels; replaces a plain
    compile."""
    remove_custom_hooks(cfg, 'CompileModulesHook')
    return add_custom_hook(
        cfg, dict(type='CompileModulesHook', mode='reduce-overhead'))


# The speed levers of tools/analysis_tools/benchmark_train.py, by name;
# 'loader' also takes the number of dataloader workers.
LEVERS: Dict[str, Callable[..., Config]] = {
    'bf16': enable_bf16_autocast,
    'channels_last': enable_channels_last,
    'loader': tune_dataloader,
    'window_codes': enable_window_codes,
    'compile': enable_compile,
    'cuda_graphs': enable_cuda_graphs,
}


def apply_levers(cfg: Config, levers: Sequence[str],
                 workers: int = 8) -> Config:
    """``cfg`` with ``levers`` (names in ``LEVERS``) applied in order;
    ``workers`` is the ``loader`` lever's number of dataloader workers.

    Raises:
        KeyError: naming an unknown lever and the known ones.
    """
    for name in levers:
        if name not in LEVERS:
            raise KeyError(f'unknown lever {name!r}; known: {list(LEVERS)}')
        if name == 'loader':
            LEVERS[name](cfg, workers)
        else:
            LEVERS[name](cfg)
    return cfg


def train_only(cfg: Config, iters: int) -> Config:
    """``cfg`` trimmed to ``iters`` training iterations: no validation, no
    checkpoints. The learning rate follows the full schedule's first
    ``iters`` iterations."""
    cfg.train_cfg.update(max_iters=iters, val_interval=iters + 1)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.update(interval=iters + 1, save_last=False)
    return cfg
