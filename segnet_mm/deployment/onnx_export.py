"""Export a segmentor to ONNX and check onnxruntime against PyTorch.

The graph maps a preprocessed batch (N, 3, H, W) -- what the model's
``data_preprocessor`` makes of a BGR image: RGB for our configs
(``bgr_to_rgb``), minus mean, over std -- to logits (N, num_classes, H, W),
for one fixed (H, W). SegNet's index pooling exports as plain ops
onnxruntime's CPU provider runs: the encoder's uint8 window codes
(``compact_indices=True``) are ``MaxPool`` (no indices output) and
``Slice``/``Equal``/``And``/``Add`` comparisons, the unpooling is nearest
``Resize`` of values and codes, ``Equal`` with a constant window grid and
``Mul``, and odd sizes a ``Pad`` (see :mod:`segnet_mm.models.utils.pooling`);
no ``MaxUnpool`` node is needed. The int64 path
(``compact_indices=False``, ``F.max_unpool2d``) does not trace in torch 2.13;
the weights are the same for both, so export with the default.

Uses PyTorch's TorchScript-based exporter (``dynamo=False``): the
torch.export-based default needs ``onnxscript``.
"""
import os
import os.path as osp
import shutil
import tempfile
from contextlib import contextmanager
from typing import Iterator, NamedTuple, Optional, Sequence, Tuple

import mmcv
import numpy as np
import torch
from mmengine.utils import mkdir_or_exist
from torch import Tensor

from mmseg.models import BaseSegmentor
from mmseg.registry import MODELS
from ..models.utils import SegmentorLogits
from ..utils.typing_utils import PathLike
from .runtime_segmentor import runtime_segmentor_cfg

# The window codes add uint8 tensors, which ONNX's Add takes from opset 14.
MIN_OPSET = 14


class AgreementError(ValueError):
    """A deployed model agrees with PyTorch on too few pixels."""


class OnnxCheck(NamedTuple):
    """A deployed model (onnxruntime, OpenVINO) against PyTorch on one
    input.

    Attributes:
        agreement (float): Fraction of pixels with the same argmax class.
        max_abs_diff (float): Largest absolute logit difference.
        max_abs_logit (float): Largest absolute PyTorch logit, the scale
            ``max_abs_diff`` is to be read against.
        shape (tuple[int, int]): (H, W) of the input.
    """
    agreement: float
    max_abs_diff: float
    max_abs_logit: float
    shape: Tuple[int, int]

    def summary(self, digits: int) -> str:
        """'argmax agreement A, max |logit diff| D (max |logit| L)', with
        the agreement to ``digits`` decimals."""
        return (f'argmax agreement {self.agreement:.{digits}f}, max |logit '
                f'diff| {self.max_abs_diff:.3e} (max |logit| '
                f'{self.max_abs_logit:.3e})')

    def require(self, min_agreement: float, digits: int) -> None:
        """Raise :class:`AgreementError` naming both values when the
        agreement is below ``min_agreement``; inside
        :func:`written_if_accepted` the model is then not written."""
        if self.agreement < min_agreement:
            raise AgreementError(
                f'argmax agreement {self.agreement:.{digits}f} is below '
                f'min_agreement {min_agreement}: the model is not written')


def model_files(model_file: PathLike) -> Tuple[str, ...]:
    """The files a deployed model is made of: ``model_file``, and the
    ``.bin`` of weights beside an OpenVINO ``.xml``."""
    stem, suffix = osp.splitext(str(model_file))
    return (str(model_file), stem + '.bin') if suffix.lower() == '.xml' \
        else (str(model_file), )


@contextmanager
def written_if_accepted(out_file: PathLike) -> Iterator[str]:
    """A path to write a deployed model to, in a temporary folder beside
    ``out_file``: its files (:func:`model_files`) take ``out_file``'s place
    when the block ends normally, and are discarded when it raises or exits
    (a check refusing the model), so a refused model is never written and a
    file already at ``out_file`` stays as it was."""
    out_dir = osp.dirname(osp.abspath(str(out_file)))
    mkdir_or_exist(out_dir)
    folder = tempfile.mkdtemp(prefix='.unchecked-', dir=out_dir)
    staged = osp.join(folder, osp.basename(str(out_file)))
    try:
        yield staged
        for src, dst in zip(model_files(staged), model_files(out_file)):
            if osp.isfile(src):
                os.replace(src, dst)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _rounded(values: Tensor) -> str:
    """``values`` as a flat list, 4 decimals, for ONNX metadata."""
    return str([round(v, 4) for v in values.flatten().tolist()])


def check_one_pass(model: BaseSegmentor, shape: Sequence[int],
                   graph: str) -> None:
    """Refuse what a fixed-size, one-pass ``graph`` can not hold: a
    ``shape`` that is not (H, W), and MC dropout (``mc_samples`` > 1).

    Raises:
        ValueError: naming the shape, or ``mc_samples`` and the option that
            exports weight averaging instead.
    """
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(f'shape must be (H, W), got {tuple(shape)}')
    mc_samples = getattr(model, 'mc_samples', 1)
    if mc_samples > 1:
        raise ValueError(
            f'model.mc_samples={mc_samples}: MC dropout averages '
            f'{mc_samples} stochastic passes, which {graph} (one pass, '
            'dropout off) would silently drop; to export the deterministic '
            'network set model.mc_samples=1 in the config (weight '
            'averaging)')


def input_metadata(model: BaseSegmentor) -> dict:
    """What a deployed graph records of ``model`` so that a config can be
    checked against it: its input (channel order, normalisation), ``mean``,
    ``std``, ``bgr_to_rgb`` and test ``classes``, as strings."""
    preprocessor = model.data_preprocessor
    dataset_meta = getattr(model, 'dataset_meta', None) or {}
    channels = 'RGB' if preprocessor.channel_conversion else 'BGR'
    return dict(
        input=f'(1, 3, H, W) float32, {channels}, (pixel - mean) / std',
        mean=_rounded(preprocessor.mean),
        std=_rounded(preprocessor.std),
        bgr_to_rgb=str(bool(preprocessor.channel_conversion)),
        classes=str(list(dataset_meta.get('classes', ()))))


def _require_onnx():
    """Import onnx and onnxruntime, or say how to get them."""
    try:
        import onnx
        import onnxruntime
    except ImportError as err:
        raise ImportError(f'ONNX export needs onnx and onnxruntime '
                          f'(pip install onnx onnxruntime): {err}') from err
    return onnx, onnxruntime


def export_onnx(model: BaseSegmentor,
                out_file: str,
                shape: Sequence[int],
                opset: int = 17) -> str:
    """Trace ``model`` on a (1, 3, H, W) input and write an ONNX file.

    The model is put in eval mode (and stays there). The file's metadata
    records the preprocessing the input needs (``mean``, ``std``,
    ``bgr_to_rgb``, and all three in words as ``input``) and the
    ``classes``, which :class:`ONNXRuntimeSegmentor` compares with the
    config it runs under. A graph is one deterministic pass: an MC-dropout
    model (``mc_samples`` > 1) is refused rather than exported without its
    sampling.

    Args:
        model (BaseSegmentor): The segmentor, on the CPU.
        out_file (str): Output ``.onnx`` path.
        shape (Sequence[int]): (H, W) the graph is traced for.
        opset (int): ONNX opset, >= 14. Default: 17.

    Returns:
        str: ``out_file``.
    """
    onnx, _ = _require_onnx()
    if opset < MIN_OPSET:
        raise ValueError(f'opset must be >= {MIN_OPSET}, got {opset}')
    check_one_pass(model, shape, 'an ONNX graph')
    if getattr(model.backbone, 'compact_indices', True) is False:
        raise ValueError(
            'model.backbone.compact_indices=False unpools with '
            'F.max_unpool2d, which does not export; export with '
            'compact_indices=True (same weights)')
    # eval() before export: the exporter hands the module back in the mode
    # it found it in, and a fresh wrapper is in training mode.
    wrapper = SegmentorLogits(model).eval()
    dummy = torch.zeros(1, 3, *shape)
    torch.onnx.export(
        wrapper, (dummy, ),
        out_file,
        dynamo=False,
        opset_version=opset,
        input_names=['input'],
        output_names=['logits'],
        do_constant_folding=True)
    proto = onnx.load(out_file)
    onnx.helper.set_model_props(proto, input_metadata(model))
    onnx.save(proto, out_file)
    return out_file


def prepare_input(model: BaseSegmentor,
                  shape: Sequence[int],
                  image: Optional[str] = None,
                  seed: int = 0) -> Tensor:
    """One (1, 3, H, W) input through the model's data preprocessor.

    Args:
        model (BaseSegmentor): Supplies ``data_preprocessor``.
        shape (Sequence[int]): (H, W); the image is resized to it.
        image (str, optional): Image file; None draws uniform random pixels.
            Default: None.
        seed (int): Seed of the random image. Default: 0.
    """
    h, w = shape
    if image is None:
        pixels = np.random.default_rng(seed).integers(
            0, 256, (h, w, 3), dtype=np.uint8)
    else:
        if not osp.isfile(image):
            raise FileNotFoundError(f'image {image} can not be found')
        pixels = mmcv.imresize(mmcv.imread(image), (w, h))
    chw = torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))
    with torch.no_grad():
        return model.data_preprocessor(dict(inputs=[chw]), False)['inputs']


def check_onnx(model: BaseSegmentor, model_file: str,
               inputs: Tensor) -> OnnxCheck:
    """Run PyTorch and the deployed ``model_file`` (on the CPU, through the
    segmentor ``tools/test.py`` would run it with: onnxruntime for an
    ``.onnx``, OpenVINO for an ``.xml``) on ``inputs`` and compare. The
    file's recorded preprocessing and classes must be ``model``'s.

    Args:
        model (BaseSegmentor): The exported model, on the CPU.
        model_file (str): Its ONNX file or OpenVINO IR, float or int8.
        inputs (Tensor): Preprocessed (1, 3, H, W) input, e.g. from
            :func:`prepare_input`.
    """
    if str(model_file).lower().endswith('.onnx'):
        _require_onnx()
    dataset_meta = getattr(model, 'dataset_meta', None) or {}
    runtime = MODELS.build(
        runtime_segmentor_cfg(model_file, dataset_meta.get('classes', ()),
                              model.data_preprocessor))
    with torch.no_grad():
        theirs = runtime(inputs, mode='tensor').numpy()
        ours = SegmentorLogits(model).eval()(inputs).numpy()
    if theirs.shape != ours.shape:
        raise RuntimeError(f'{model_file} gives logits of shape '
                           f'{theirs.shape}, PyTorch {ours.shape}')
    return OnnxCheck(
        agreement=float((theirs.argmax(1) == ours.argmax(1)).mean()),
        max_abs_diff=float(np.abs(theirs - ours).max()),
        max_abs_logit=float(np.abs(ours).max()),
        shape=tuple(inputs.shape[-2:]))
