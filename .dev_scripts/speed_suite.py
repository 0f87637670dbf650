"""The speed and memory suite ``.dev_scripts/benchmark_speed.py`` runs
(docs/benchmark.md's tables): the measurements (as :func:`run_measurement`
specs), each in a fresh process; each inference row's GFLOP/s and share of
the matching matmul peak; the ratios the CPU speed targets are stated in;
and the tables it prints. The measurements ``compare_models.py`` shares
(MACs, forward pass, the Runner's step) are
:mod:`segnet_mm.analysis.benchmark`'s."""
import tempfile
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.config import Config

from segnet_mm.analysis.benchmark import (bf16_autocast, build_model,
                                          macs_and_params,
                                          runner_seconds_per_iter,
                                          time_forward,
                                          write_synthetic_train_split)
from segnet_mm.analysis.comparison import round_up
from segnet_mm.analysis.report import markdown_table
from segnet_mm.analysis.timing import (in_fresh_process, mean_seconds,
                                       peak_tensor_mib, torch_matmul_peak)
from segnet_mm.utils.config_edits import load_config
from speed_levers import disable_amp, disable_channels_last

# Inference paths: label -> (bf16_channels_last, compact indices); SegNet
# has both index kinds, the baselines none.
SEGNET_PATHS = {
    'fp32': (False, False),
    'bf16+CL, int64 idx': (True, False),
    'bf16+CL, 2-bit idx': (True, True),
}
BASELINE_PATHS = {'fp32': (False, None), 'bf16+CL': (True, None)}
FAST_SEGNET = 'bf16+CL, 2-bit idx'
# Training loops: label -> (measurement kind, bf16_channels_last, compact
# indices).
PLAIN_FP32 = 'plain loop fp32'
PLAIN_FAST = 'plain loop bf16+CL'
RUNNER_FP32 = 'Runner fp32 (OptimWrapper)'
RUNNER_FAST = 'Runner bf16+CL (config)'
LOOPS = {
    PLAIN_FP32: ('plain_train', False, False),
    PLAIN_FAST: ('plain_train', True, False),
    'plain loop bf16+CL, 2-bit idx': ('plain_train', True, True),
    RUNNER_FP32: ('runner_train', False, None),
    RUNNER_FAST: ('runner_train', True, None),
}


def inference_specs(config: str, shape: Sequence[int], paths: Dict,
                    iters: int) -> Dict[str, Dict]:
    """Path label -> the inference measurement of ``config`` at ``shape``
    on that path."""
    return {
        label: dict(kind='inference', config=config, shape=list(shape),
                    bf16_channels_last=bf16_channels_last,
                    compact=compact, iters=iters)
        for label, (bf16_channels_last, compact) in paths.items()
    }


def training_specs(plain_config: str, runner_config: str,
                   shape: Sequence[int], batch: int, iters: int,
                   data_shape: Sequence[int]) -> Dict[str, Dict]:
    """Loop label -> its training-step measurement: the plain loops on
    ``plain_config``, the Runner on ``runner_config`` (training on
    synthetic ``data_shape`` frames resized to ``shape``)."""
    return {
        label: dict(kind=kind, config=runner_config
                    if kind == 'runner_train' else plain_config,
                    shape=list(shape), batch=batch,
                    bf16_channels_last=bf16_channels_last, compact=compact,
                    iters=iters, data_shape=list(data_shape))
        for label, (kind, bf16_channels_last, compact) in LOOPS.items()
    }


def best_peak(*peaks: Dict[str, float]) -> Dict[str, float]:
    """Per dtype the highest of several matmul peak measurements: a shared
    machine's noise only ever lowers them."""
    return {k: max(p[k] for p in peaks) for k in peaks[0]}


def inference_row(model: str, shape: Sequence[int], path: str,
                  bf16_channels_last: bool, cost: Dict, timing: Dict,
                  peak: Dict[str, float]) -> Dict:
    """One inference row: ``cost`` (params, macs) and ``timing`` (seconds
    per image, peak_mib), with the achieved GFLOP/s (2 FLOPs per MAC) as a
    percentage of the peak of the path's dtype."""
    gflops = 2 * cost['macs'] / timing['seconds'] / 1e9
    dtype = 'bf16' if bf16_channels_last else 'fp32'
    return dict(model=model, shape=list(shape), path=path,
                params=cost['params'], macs=cost['macs'], **timing,
                gflops=gflops, pct_peak=100 * gflops / peak[dtype])


def speed_ratios(rows: Sequence[Dict], train: Dict[str, Dict]) -> Dict:
    """The ratios the CPU speed targets are stated in, from SegNet's
    inference rows and the training loops."""
    seg = {r['path']: r for r in rows if r['model'] == 'SegNet'}
    return dict(
        runner_vs_plain_fast=train[RUNNER_FAST]['seconds'] /
        train[PLAIN_FAST]['seconds'],
        runner_fast_speedup_vs_fp32=train[RUNNER_FP32]['seconds'] /
        train[RUNNER_FAST]['seconds'],
        inference_pct_bf16_peak=seg[FAST_SEGNET]['pct_peak'],
        inference_mem_fast_vs_fp32=seg[FAST_SEGNET]['peak_mib'] /
        seg['fp32']['peak_mib'])


def measure_in_fresh_process(spec: Dict) -> Dict:
    """:func:`run_measurement` of ``spec`` in a fresh process."""
    return in_fresh_process(run_measurement, spec)


def run_inference_suite(
    models: Dict[str, Tuple[str, int, Dict]],
    shape: Sequence[int],
    iters: int,
    peak_before: Dict[str, float],
    measure: Callable[[Dict], Dict] = measure_in_fresh_process
) -> Tuple[List[Dict], Dict[str, float], Dict[str, Dict]]:
    """Cost and inference time of every model on each of its paths.

    Args:
        models (dict): Name -> (config, the side divisor the model needs,
            its paths: ``SEGNET_PATHS`` or ``BASELINE_PATHS``).
        shape (Sequence[int]): (H, W), rounded up to each divisor.
        iters (int): Timed iterations per measurement.
        peak_before (dict): The matmul peak measured before the models.
        measure (Callable): Runs one spec. Default: in a fresh process.

    Returns:
        tuple: :func:`inference_row` rows; the matmul peak, best of before
        and after the models; per model the ops its MACs leave out.
    """
    measured, uncounted = [], {}
    for name, (config, divisor, paths) in models.items():
        padded = round_up(shape, divisor)
        cost = measure(dict(kind='macs', config=config, shape=list(padded)))
        uncounted[name] = cost['unsupported']
        for label, spec in inference_specs(config, padded, paths,
                                           iters).items():
            measured.append((name, padded, label,
                             spec['bf16_channels_last'], cost,
                             measure(spec)))
    peak = best_peak(peak_before, measure(dict(kind='peak')))
    return [inference_row(*m, peak) for m in measured], peak, uncounted


def run_training_suite(
    plain_config: str,
    runner_config: str,
    shape: Sequence[int],
    batch: int,
    iters: int,
    data_shape: Sequence[int],
    measure: Callable[[Dict], Dict] = measure_in_fresh_process
) -> Dict[str, Dict]:
    """Loop label -> its measured training step (:func:`training_specs`,
    each run by ``measure``)."""
    return {
        label: measure(spec)
        for label, spec in training_specs(plain_config, runner_config, shape,
                                          batch, iters, data_shape).items()
    }


def decode_loss_class_weight(cfg: Config) -> Optional[torch.Tensor]:
    """The class weights of the decode head's (first) cross-entropy loss,
    None if it has none."""
    losses = cfg.model.decode_head.loss_decode
    for loss in losses if isinstance(losses, list) else [losses]:
        if loss.get('class_weight') is not None:
            return torch.tensor(loss['class_weight'])
    return None


def build_optimizer(cfg: Config, model: torch.nn.Module):
    """The config's ``optim_wrapper.optimizer`` for ``model``."""
    from mmengine.registry import OPTIMIZERS
    return OPTIMIZERS.build(
        dict(cfg.optim_wrapper.optimizer, params=model.parameters()))


def time_plain_train_step(config: Union[str, Config], shape, batch: int,
                          bf16_channels_last: bool, compact: Optional[bool],
                          warmup: int = 2,
                          iters: int = 4) -> Dict[str, float]:
    """Seconds per step and peak tensor memory of a hand-written loop on
    random labels of the model's classes: forward (under bf16 autocast on
    channels-last weights and input if ``bf16_channels_last``),
    cross-entropy with the config's class weights and its decode head's
    ignore index, backward, the config's optimizer."""
    cfg = load_config(config)
    model = build_model(cfg, bf16_channels_last, compact, train=True)
    weight = decode_loss_class_weight(cfg)
    opt = build_optimizer(cfg, model)
    x = torch.randn(batch, 3, *shape)
    if bf16_channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, model.decode_head.num_classes, (batch, *shape))

    def step():
        with bf16_autocast(bf16_channels_last):
            logits = model(x, mode='tensor')
        loss = F.cross_entropy(logits.float(), y, weight=weight,
                               ignore_index=model.decode_head.ignore_index)
        opt.zero_grad()
        loss.backward()
        opt.step()

    seconds = mean_seconds(step, warmup, iters)
    return dict(seconds=seconds, peak_mib=peak_tensor_mib(step))


def time_runner_train_step(config: Union[str, Config], data_root: str,
                           work_dir: str, shape, batch: int,
                           bf16_channels_last: bool, warmup: int = 2,
                           iters: int = 4) -> Dict[str, float]:
    """Seconds per iteration of ``config`` through mmengine's Runner, its
    training images resized to ``shape`` (H, W) in batches of ``batch``.

    ``bf16_channels_last`` False turns the config back into mmengine's
    fp32 default (:func:`~speed_levers.disable_amp`,
    :func:`~speed_levers.disable_channels_last`).
    """
    cfg = load_config(config)
    cfg.train_dataloader.dataset.data_root = data_root
    cfg.train_dataloader.batch_size = batch
    for t in cfg.train_dataloader.dataset.pipeline:
        if t['type'] == 'Resize':
            t['scale'] = (shape[1], shape[0])
    cfg.model.data_preprocessor.size = tuple(shape)
    if not bf16_channels_last:
        disable_channels_last(disable_amp(cfg))
    return dict(seconds=runner_seconds_per_iter(cfg, work_dir, warmup, iters))


def _runner_step_on_synthetic(config: str, shape, batch: int,
                              bf16_channels_last: bool, iters: int,
                              data_shape) -> Dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_synthetic_train_split(
            config, Path(tmp) / 'data', data_shape, batch * 2)
        return time_runner_train_step(config, root,
                                      str(Path(tmp) / 'work'), shape, batch,
                                      bf16_channels_last, iters=iters)


def run_measurement(spec: Dict) -> Dict:
    """One measurement, in this process: ``spec['kind']`` and its
    arguments.

    Kinds: ``peak`` (fp32/bf16 matmul GFLOP/s), ``macs`` (config, shape),
    ``inference`` (config, shape, bf16_channels_last, compact, iters),
    ``plain_train`` and ``runner_train`` (config, shape, batch,
    bf16_channels_last, compact, iters, data_shape).

    Raises:
        ValueError: naming an unknown kind.
    """
    spec = dict(spec)
    kind = spec.pop('kind')
    if kind == 'peak':
        return dict(fp32=torch_matmul_peak(torch.float32),
                    bf16=torch_matmul_peak(torch.bfloat16))
    if kind == 'macs':
        return macs_and_params(spec['config'], spec['shape'])
    if kind == 'inference':
        return time_forward(spec['config'], spec['shape'],
                            spec['bf16_channels_last'], spec.get('compact'),
                            iters=spec['iters'])
    if kind == 'plain_train':
        return time_plain_train_step(spec['config'], spec['shape'],
                                     spec['batch'],
                                     spec['bf16_channels_last'],
                                     spec.get('compact'),
                                     iters=spec['iters'])
    if kind == 'runner_train':
        return _runner_step_on_synthetic(spec['config'], spec['shape'],
                                         spec['batch'],
                                         spec['bf16_channels_last'],
                                         spec['iters'], spec['data_shape'])
    raise ValueError(f'unknown measurement {kind!r}')


def peak_line(peak: Dict[str, float], threads: int) -> str:
    """The fp32 and bf16 matmul peaks of ``benchmark_speed.py``."""
    return (f'matmul peak (4096^3, best of 5, before and after): fp32 '
            f'{peak["fp32"]:.0f} GFLOP/s, bf16 {peak["bf16"]:.0f} GFLOP/s, '
            f'{threads} threads')


def inference_table(rows: Sequence[Dict]) -> str:
    """The table of :func:`inference_row` rows."""
    return markdown_table(
        ['model', 'input', 'params (M)', 'GMACs', 'path', 'ms/img', 'img/s',
         'GFLOP/s', '% of peak', 'peak tensor mem (MiB)'],
        ([r['model'], f'{r["shape"][0]}x{r["shape"][1]}',
          f'{r["params"] / 1e6:.2f}', f'{r["macs"] / 1e9:.1f}', r['path'],
          f'{1000 * r["seconds"]:.0f}', f'{1 / r["seconds"]:.2f}',
          f'{r["gflops"]:.0f}', f'{r["pct_peak"]:.0f}%',
          f'{r["peak_mib"]:.0f}'] for r in rows))


def training_table(train: Dict[str, Dict], batch: int) -> str:
    """The training loops' seconds per iteration, per image (``batch``
    images an iteration) and peak memory (– where not measured)."""
    return markdown_table(
        ['loop', 's/iter', 's/img', 'peak tensor mem (MiB)'],
        ([label, f'{r["seconds"]:.2f}', f'{r["seconds"] / batch:.3f}',
          f'{r["peak_mib"]:.0f}' if 'peak_mib' in r else '–']
         for label, r in train.items()))


def ratios_text(ratios: Dict) -> str:
    """:func:`speed_ratios` next to their targets."""
    lines = [
        'Ratios against the CPU speed targets:',
        f'  Runner fast / plain bf16+CL loop: '
        f'{ratios["runner_vs_plain_fast"]:.2f}x (target <= 1.1)',
        f'  Runner fp32 / Runner fast: '
        f'{ratios["runner_fast_speedup_vs_fp32"]:.2f}x (target >= 4)',
        f'  inference, fast path: {ratios["inference_pct_bf16_peak"]:.0f}% '
        'of the bf16 matmul peak (target >= 60%)',
        f'  inference peak memory fast / fp32: '
        f'{ratios["inference_mem_fast_vs_fp32"]:.2f} (target <= 0.7)'
    ]
    return '\n'.join(lines)
