"""Check bf16 weight gradients of grouped dilated convolutions on the CPU.

oneDNN's bf16 weight gradient of a grouped (depthwise included) dilated
convolution is wrong in channels-last layout on CPUs with AVX512-BF16: off
by more than its own size, at times astronomically large or not finite.
It once stopped the CGNet benchmark config at iteration 2 with one
non-finite weight, ``backbone.level2.20.f_sur.weight`` (a 3x3 depthwise
convolution with dilation 4). ``ChannelsLastHook`` therefore keeps such
convolutions NCHW on the CPU. This script shows the fault and the fix.

Kernel mode repeats the weight gradient of CGNet's f_sur convolutions at
the CamVid recipe's crop (180x240) in bf16, channels-last and NCHW, against
fp32 in the same layout, and prints per shape and layout how many repeats
gave a non-finite gradient and the largest relative error::

    python .dev_scripts/bf16_depthwise_grad_check.py --reps 20

Run it with ``ONEDNN_VERBOSE=1`` to see which oneDNN implementation
computed each weight gradient, and with ``--threads 1`` to rule threading in
or out. Where bf16 is emulated (AVX2 only) each repeat takes seconds.

``--config`` checks the whole model instead, in one bf16 training step on
a random batch of the config's crop size and batch size: every
convolution's weight gradient against the one recomputed in fp64 from the
same input and output gradient, once with every weight channels-last and
once laid out by ``ChannelsLastHook``, printing the convolutions whose
relative error exceeds ``--tolerance``::

    python .dev_scripts/bf16_depthwise_grad_check.py \
        --config configs/benchmark/cgnet_fcn_1xb8-3k_camvid-180x240.py
"""
import argparse
import copy
from types import SimpleNamespace

import torch
import torch.nn.functional as F

# (name, channels, height, width, dilation) of CGNet's f_sur convolutions
# at a 180x240 crop: level 1 at 1/4 of the input, level 2 at 1/8.
SHAPES = [('level1.f_sur', 32, 45, 60, 2), ('level2.f_sur', 64, 23, 30, 4)]
LAYOUTS = {'channels-last': torch.channels_last,
           'NCHW': torch.contiguous_format}


def relative_error(value, reference):
    return ((value - reference).abs().max() / reference.abs().max()).item()


def weight_grad(x, w, grad_out, dilation, bf16):
    x = x.clone().requires_grad_()
    w = w.clone().requires_grad_()
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
        y = F.conv2d(x, w, None, 1, dilation, dilation, w.shape[0])
    y.backward(grad_out.to(y.dtype))
    return w.grad.float()


def check_kernels(reps, batch):
    torch.manual_seed(0)
    for (name, c, h, w, dilation), (layout, memory_format) in (
            (s, lay) for s in SHAPES for lay in LAYOUTS.items()):
        x = torch.randn(batch, c, h, w).contiguous(
            memory_format=memory_format)
        grad_out = torch.randn_like(x)
        weight = torch.randn(c, 1, 3, 3) * 0.3
        reference = weight_grad(x, weight, grad_out, dilation, bf16=False)
        non_finite, worst = 0, 0.0
        for _ in range(reps):
            grad = weight_grad(x, weight, grad_out, dilation, bf16=True)
            if not torch.isfinite(grad).all():
                non_finite += 1
                continue
            worst = max(worst, relative_error(grad, reference))
        print(f'{name} {layout}: {non_finite}/{reps} non-finite, largest '
              f'relative error {worst:.3g}', flush=True)


def conv_weight_grad_errors(model, inputs, samples):
    """One bf16 training step of ``model``; for every convolution, the
    relative error of the weight gradient the kernel computed against the
    one recomputed in fp64 from the same input and output gradient."""
    from torch.nn.grad import conv2d_weight
    convs = {n: m for n, m in model.named_modules()
             if isinstance(m, torch.nn.Conv2d)}
    seen, handles = {}, []
    for name, conv in convs.items():
        handles.append(conv.register_forward_hook(
            lambda m, args, out, name=name: seen.__setitem__(
                name, [args[0].detach()])))
        handles.append(conv.register_full_backward_hook(
            lambda m, grad_in, grad_out, name=name: seen[name].append(
                grad_out[0].detach())))
    model.zero_grad()
    with torch.autocast('cpu', dtype=torch.bfloat16):
        losses = model(inputs, samples, mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    for handle in handles:
        handle.remove()
    errors = {}
    for name, (x, grad_out) in seen.items():
        conv = convs[name]
        reference = conv2d_weight(
            x.to(torch.bfloat16).double(), conv.weight.shape,
            grad_out.double(), conv.stride, conv.padding, conv.dilation,
            conv.groups)
        errors[name] = relative_error(conv.weight.grad.double(), reference)
    return errors


def check_model(config, tolerance):
    """Every convolution's bf16 weight gradient in one training step of the
    config's model, in both layouts."""
    from mmengine.config import Config
    from mmengine.structures import PixelData

    from mmseg.registry import HOOKS, MODELS
    from mmseg.structures import SegDataSample
    from mmseg.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).train()
    h, w = cfg.crop_size
    batch = cfg.train_dataloader.batch_size
    num_classes = cfg.model.decode_head.num_classes
    inputs = torch.randn(batch, 3, h, w)
    samples = [
        SegDataSample(gt_sem_seg=PixelData(
            data=torch.randint(0, num_classes, (1, h, w))),
                      metainfo=dict(img_shape=(h, w), pad_shape=(h, w)))
        for _ in range(batch)
    ]
    all_channels_last = copy.deepcopy(model).to(
        memory_format=torch.channels_last)
    hooked = copy.deepcopy(model)
    HOOKS.build(dict(type='ChannelsLastHook')).before_run(
        SimpleNamespace(model=hooked))
    for layout, variant in [('every weight channels-last', all_channels_last),
                            ('ChannelsLastHook', hooked)]:
        errors = conv_weight_grad_errors(variant, inputs, samples)
        bad = sorted((e, n) for n, e in errors.items() if not e < tolerance)
        print(f'{layout}: {len(bad)} of {len(errors)} convolutions\' weight '
              f'gradients off by more than {tolerance} (largest '
              f'{max(errors.values()):.3g})')
        for error, name in bad[::-1][:10]:
            print(f'  {name}: {error:.3g}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--reps', type=int, default=20)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--config', help="check this config's whole model")
    parser.add_argument('--tolerance', type=float, default=0.05,
                        help='--config: relative error reported')
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f'torch {torch.__version__}, mkldnn bf16 supported: '
          f'{torch.ops.mkldnn._is_mkldnn_bf16_supported()}, '
          f'threads {torch.get_num_threads()}')
    if args.config:
        check_model(args.config, args.tolerance)
    else:
        check_kernels(args.reps, args.batch)


if __name__ == '__main__':
    main()
