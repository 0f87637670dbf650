"""Inference of one config on the CPU along four paths: ms per (1, 3, H, W)
image for PyTorch fp32, PyTorch's bf16 fast path (bf16 autocast +
channels-last), ONNX Runtime fp32 and ONNX Runtime int8
(:func:`~segnet_mm.deployment.quantize_int8`), each against the peak of
its own arithmetic measured on the same CPU (a square matrix product in
the same library and precision), and each path's peak resident memory
measured in a fresh process; and, with ``pip install -e .[openvino]``,
OpenVINO fp32 (the same graph as an IR) and OpenVINO int8
(:func:`~segnet_mm.deployment.quantize_int8_openvino`), and with ``pip
install -e .[pt2e]`` PyTorch's PT2E int8 compiled by Inductor
(:func:`~segnet_mm.deployment.pt2e_quantization.quantize_pt2e_int8`), read
against ONNX Runtime's peak of the same precision. Every path runs on the
same input (:func:`~.timing.benchmark_input`) with the same number of threads
(``torch.set_num_threads``, ONNX Runtime's ``intra_op_num_threads``,
OpenVINO's ``INFERENCE_NUM_THREADS`` with the 'LATENCY' hint) and reports
the median of its timed runs. Weights are freshly initialised and the
int8 paths calibrated on two random images, unless a checkpoint and
calibration images are given (the deployed files are then those
``tools/deployment/quantize.py`` makes of them; accuracy is
``tools/test.py``'s job)."""
import os
import tempfile
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import Tensor

from ..utils.config_edits import flat_pooling_indices, load_config
from .benchmark import bf16_autocast, build_model
from .op_profile import onnxruntime_op_times, openvino_op_times
from .timing import (benchmark_input, in_fresh_process, median_seconds,
                     onnxruntime_matmul_peak, peak_rss_mib,
                     torch_matmul_peak)

PATHS = ('fp32', 'bf16', 'onnxruntime fp32', 'onnxruntime int8')
# The same paths with SegNet's index pooling in the formulation it had
# before the comparison codes (max_pool2d's int64 indices turned into codes
# with Div/Mod, 6-D Where unpooling), to measure one against the other.
FLAT = ' (flat index ops)'
FLAT_PATHS = tuple(p + FLAT for p in PATHS if p != 'bf16')
# OpenVINO's paths, optional (the openvino extra). Its CPU plugin would run
# float layers in bf16 where the CPU has bf16 hardware; they run in f32 as
# the deployed segmentor runs them (int8 included), and in bf16 on the
# 'openvino bf16' path.
OPENVINO_PATHS = ('openvino fp32', 'openvino bf16', 'openvino int8')
OPENVINO_PRECISIONS = {'openvino fp32': 'f32', 'openvino bf16': 'bf16'}
# PyTorch's own int8 (PT2E, x86 Inductor quantizer, torch.compile), optional
# (the pt2e extra); its compilation is part of the warm-up runs.
PT2E_PATHS = ('pt2e int8', )
ALL_PATHS = PATHS + FLAT_PATHS + OPENVINO_PATHS + PT2E_PATHS
DEPLOYED = ('onnxruntime', 'openvino', 'pt2e')
WARMUP = 2


def _model(config: str, name: str, channels_last: bool,
           checkpoint: Optional[str] = None) -> torch.nn.Module:
    """The config's model in eval mode, with the weights of
    ``checkpoint`` if given (else freshly initialised); a ``FLAT_PATHS``
    name builds SegNet with the flat-index formulation."""
    from ..apis.inference import load_weights
    cfg = load_config(config)
    if name.endswith(FLAT):
        flat_pooling_indices(cfg)
    model = build_model(cfg, channels_last=channels_last).eval()
    if checkpoint:
        load_weights(model, checkpoint, config)
    return model


class PathSpeed(NamedTuple):
    """One inference path.

    Attributes:
        name (str): One of ``PATHS``.
        ms (float): Milliseconds per image, median of the timed runs.
        peak_gops (float): Its arithmetic's measured peak, GFLOP/s (GOP/s
            for int8).
        peak_rss_mib (float): The measuring process's peak resident memory.
        threads (int): Threads the path ran on (PyTorch's, the ONNX
            Runtime session's intra-op threads, or OpenVINO's
            ``INFERENCE_NUM_THREADS``).
        op_ms (dict[str, float], optional): ONNX Runtime and OpenVINO
            paths, when profiled: ms per run of each op kind
            (:mod:`~.op_profile`).
    """
    name: str
    ms: float
    peak_gops: float
    peak_rss_mib: float
    threads: int
    op_ms: Optional[Dict[str, float]] = None


def _openvino_precision(name: str) -> Dict[str, str]:
    """Compile properties of OpenVINO path ``name``: the float paths'
    ``INFERENCE_PRECISION_HINT``."""
    hint = OPENVINO_PRECISIONS.get(name)
    return {'INFERENCE_PRECISION_HINT': hint} if hint else {}


def _check_openvino_precision(name: str, compiled) -> None:
    """Raise if OpenVINO compiled a float path in another precision than
    its name says (bf16 where the CPU has no bf16 support)."""
    hint = OPENVINO_PRECISIONS.get(name)
    used = compiled.get_property('INFERENCE_PRECISION_HINT').to_string()
    if hint and used != hint:
        raise RuntimeError(f'{name!r}: OpenVINO compiled it in {used}, not '
                           f'{hint} (this CPU has no {hint} support)')


def _path_runner(
        name: str,
        config: str,
        onnx_file: Optional[str],
        threads: int,
        checkpoint: Optional[str] = None
) -> Tuple[Callable[[np.ndarray], object], int]:
    """``run(x)``: one inference of path ``name`` on a (1, 3, H, W) float32
    array, returning its logits; and the threads it runs on. A PyTorch path
    runs ``checkpoint``'s weights if given."""
    if name.startswith('onnxruntime'):
        from ..deployment.onnxruntime_segmentor import onnxruntime_session
        session = onnxruntime_session(onnx_file, threads)
        input_name = session.get_inputs()[0].name
        return (lambda x: session.run(None, {input_name: x})[0],
                session.get_session_options().intra_op_num_threads)
    if name.startswith('openvino'):
        from ..deployment.openvino_segmentor import openvino_compiled_model
        compiled = openvino_compiled_model(onnx_file, threads,
                                           **_openvino_precision(name))
        _check_openvino_precision(name, compiled)
        request = compiled.create_infer_request()

        def infer(x: np.ndarray) -> np.ndarray:
            request.infer({0: x})
            return request.get_output_tensor(0).data

        return infer, int(compiled.get_property('INFERENCE_NUM_THREADS'))
    if name.startswith('pt2e'):
        from ..deployment.pt2e_quantization import (compile_pt2e_int8,
                                                    load_pt2e_int8)
        compiled = compile_pt2e_int8(load_pt2e_int8(onnx_file)[0])
        return (lambda x: compiled(torch.from_numpy(x)),
                torch.get_num_threads())
    bf16 = name == 'bf16'
    model = _model(config, name, bf16, checkpoint)
    layout = torch.channels_last if bf16 else torch.contiguous_format

    def run(x: np.ndarray) -> Tensor:
        with torch.no_grad(), bf16_autocast(bf16, cache=False):
            return model(
                torch.from_numpy(x).contiguous(memory_format=layout),
                mode='tensor')

    return run, torch.get_num_threads()


def _measure_path(name: str, config: str, shape: Sequence[int],
                  onnx_file: Optional[str], iters: int, threads: int,
                  profile: bool = False,
                  checkpoint: Optional[str] = None) -> PathSpeed:
    """One path, in the calling (fresh) process; an ONNX Runtime or
    OpenVINO path profiled per op kind too if ``profile`` (after the
    timing, in another session or compiled model)."""
    torch.set_num_threads(threads)
    run, used = _path_runner(name, config, onnx_file, threads, checkpoint)
    x = benchmark_input(shape)
    seconds = median_seconds(lambda: run(x), WARMUP, iters)
    if name.startswith(DEPLOYED) and not name.endswith('bf16'):
        peak = onnxruntime_matmul_peak(
            'int8' if 'int8' in name else 'float32', threads=threads)
    else:
        peak = torch_matmul_peak(
            torch.bfloat16 if name.endswith('bf16') else torch.float32)
    rss = peak_rss_mib()  # before a profile adds a session of its own
    op_ms = None
    if profile and name.startswith('onnxruntime'):
        op_ms = onnxruntime_op_times(onnx_file, x, threads, iters)
    elif profile and name.startswith('openvino'):
        op_ms = openvino_op_times(onnx_file, x, threads, iters,
                                  **_openvino_precision(name))
    return PathSpeed(name, seconds * 1e3, peak, rss, used, op_ms)


def _random_images(out_dir: str, shape: Sequence[int], num: int) -> List[str]:
    """``num`` PNG images of random pixels, (H, W) ``shape``, written to
    ``out_dir``."""
    import cv2
    rng = np.random.default_rng(0)
    images = [os.path.join(out_dir, f'calib_{i}.png') for i in range(num)]
    for image in images:
        cv2.imwrite(image, rng.integers(0, 256, (*shape, 3), dtype=np.uint8))
    return images


def _export(config: str,
            shape: Sequence[int],
            out_dir: str,
            paths: Sequence[str],
            checkpoint: Optional[str] = None,
            calib_images: Sequence[str] = (),
            float_input_conv: bool = False) -> Dict[str, str]:
    """The ONNX file of each ONNX Runtime path of ``paths`` (the IR of each
    OpenVINO path, the program of a PT2E one), exported from the config's
    model with ``checkpoint``'s weights, or freshly initialised ones (the
    same for every path); int8 calibrated on ``calib_images``, or on two
    random images, its input convolution kept in float if
    ``float_input_conv``."""

    from ..deployment import (export_onnx, export_openvino, quantize_int8,
                              quantize_int8_openvino)
    from ..deployment.pt2e_quantization import quantize_pt2e_int8
    writers = {
        'onnxruntime': ('.onnx', export_onnx, quantize_int8),
        'openvino': ('.xml', export_openvino, quantize_int8_openvino),
        'pt2e': ('.pt2', None, quantize_pt2e_int8)
    }
    images = list(calib_images) or _random_images(out_dir, shape, 2)
    files, state = {}, None
    for i, name in enumerate(p for p in paths if p.startswith(DEPLOYED)):
        model = _model(config, name, False,
                       checkpoint if state is None else None)
        if state is None:
            state = model.state_dict()
        model.load_state_dict(state)
        suffix, export, quantize = writers[name.split()[0]]
        files[name] = os.path.join(out_dir, f'{i}{suffix}')
        if 'int8' in name:
            quantize(model, files[name], images, shape,
                     float_input_conv=float_input_conv)
        else:
            export(model, files[name], shape)
    return files


def time_inference_paths(config: str, shape: Sequence[int] = (360, 480),
                         paths: Sequence[str] = PATHS, iters: int = 5,
                         threads: Optional[int] = None,
                         runner: Optional[Callable] = None,
                         profile: bool = False,
                         checkpoint: Optional[str] = None,
                         calib_images: Sequence[str] = (),
                         float_input_conv: bool = False) -> List[PathSpeed]:
    """Measure ``paths`` of ``config`` one after another, each in a fresh
    process (so each peak memory is its own).

    Args:
        config (str): Config file.
        shape (Sequence[int]): (H, W). Default: (360, 480).
        paths (Sequence[str]): Some of ``ALL_PATHS``. Default: ``PATHS``.
        iters (int): Timed runs per path (after 2 warm-up runs), of which
            the median is reported. Default: 5.
        threads (int, optional): Threads of every path; None takes the
            cores this process may run on. Default: None.
        runner (Callable, optional): ``runner(fn, *args)`` running one
            measurement; default: :func:`~.timing.in_fresh_process`.
        profile (bool): Also profile each ONNX Runtime and OpenVINO path
            per op kind (``PathSpeed.op_ms``), ``iters`` runs.
            Default: False.
        checkpoint (str, optional): Weights of every path; None measures
            freshly initialised ones. Default: None.
        calib_images (Sequence[str]): Images the int8 paths are calibrated
            on (resized to ``shape``, as ``tools/deployment/quantize.py``
            does); empty calibrates on two random images. Default: ().
        float_input_conv (bool): Keep the input convolution of the int8
            paths in float. Default: False.

    Raises:
        ValueError: naming unknown paths.
        RuntimeError: naming the checkpoint and the config if the weights
            do not fit the config's model.
    """
    unknown = set(paths) - set(ALL_PATHS)
    if unknown:
        raise ValueError(f'unknown paths {sorted(unknown)}: choose from '
                         f'{list(ALL_PATHS)}')
    threads = threads or len(os.sched_getaffinity(0))
    run = runner or in_fresh_process
    with tempfile.TemporaryDirectory() as tmp:
        files = run(_export, config, tuple(shape), tmp, tuple(paths),
                    checkpoint, tuple(calib_images),
                    float_input_conv) if any(
                        p.startswith(DEPLOYED) for p in paths) else {}
        return [
            run(_measure_path, name, config, tuple(shape), files.get(name),
                iters, threads, profile, checkpoint) for name in paths
        ]
