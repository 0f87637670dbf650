"""Check the bf16 weight gradient of CGNet's dilated depthwise convolutions.

A CPU with AVX512-BF16 once stopped the CGNet benchmark config at iteration 2
with one non-finite weight, ``backbone.level2.20.f_sur.weight`` (a 3x3
depthwise convolution with dilation 4), in 1 of 4 runs of the two-iteration
test. Only that one tensor went non-finite, so the input gradient through
it stayed finite: the suspect is the kernel computing that convolution's
weight gradient in bf16. This script repeats that computation on CGNet's
shapes at the CamVid recipe's crop (180x240) in the layout our recipe trains
in (channels-last, bf16 autocast) and compares it with fp32, so the kernel
can be tested alone on a machine with bf16 hardware:

    python .dev_scripts/bf16_depthwise_grad_check.py --reps 200

It prints, per shape, how many of the repeats gave a non-finite weight
gradient and the largest relative error against fp32. Where bf16 is emulated
(AVX2 only) each repeat takes seconds, not microseconds. Run it with
``ONEDNN_VERBOSE=1`` to see which oneDNN implementation computed each
weight gradient, and with ``--threads 1`` to rule threading in or out.

``--config`` checks the whole model instead, as the recipe trains it
(channels-last, bf16 autocast, SGD at the config's learning rate, random
crops of the config's size and batch): after every backward pass it names
the parameters whose gradient is not finite, for ``--steps`` steps:

    python .dev_scripts/bf16_depthwise_grad_check.py --steps 50 \
        --config configs/benchmark/cgnet_fcn_1xb8-3k_camvid-180x240.py
"""
import argparse

import torch
import torch.nn.functional as F

# (name, channels, height, width, dilation) of CGNet's f_sur convolutions
# at a 180x240 crop: level 1 at 1/4 of the input, level 2 at 1/8.
SHAPES = [('level1.f_sur', 32, 45, 60, 2), ('level2.f_sur', 64, 23, 30, 4)]


def weight_grad(x, w, grad_out, dilation, bf16):
    x = x.clone().requires_grad_()
    w = w.clone().requires_grad_()
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
        y = F.conv2d(x, w, None, 1, dilation, dilation, w.shape[0])
    y.backward(grad_out.to(y.dtype))
    return w.grad.float()


def check_model(config, steps):
    """Train the config's model on random crops in bf16 as the recipe does,
    printing the parameters with non-finite gradients after each step."""
    from mmengine.config import Config
    from mmengine.structures import PixelData

    from mmseg.registry import MODELS
    from mmseg.structures import SegDataSample
    from mmseg.utils import register_all_modules
    from segnet_mm.engine.hooks.non_finite_loss_hook import \
        non_finite_indices
    register_all_modules()
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model).train().to(
        memory_format=torch.channels_last)
    named = [(name, p) for name, p in model.named_parameters()
             if p.requires_grad]
    optimizer = torch.optim.SGD(
        model.parameters(), lr=cfg.optim_wrapper.optimizer.lr, momentum=0.9)
    h, w = cfg.crop_size
    batch = cfg.train_dataloader.batch_size
    num_classes = cfg.model.decode_head.num_classes
    for step in range(steps):
        inputs = torch.randn(batch, 3, h, w).to(
            memory_format=torch.channels_last)
        samples = [
            SegDataSample(gt_sem_seg=PixelData(
                data=torch.randint(0, num_classes, (1, h, w))),
                          metainfo=dict(img_shape=(h, w), pad_shape=(h, w)))
            for _ in range(batch)
        ]
        with torch.autocast('cpu', dtype=torch.bfloat16):
            losses = model(inputs, samples, mode='loss')
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optimizer.zero_grad()
        loss.backward()
        bad = [named[i][0] for i in non_finite_indices(
            [p.grad for _, p in named])]
        print(f'step {step}: loss {loss.item():.4f}, non-finite gradients: '
              f'{bad or "none"}', flush=True)
        if not bad:
            optimizer.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--reps', type=int, default=50)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--config', help='check this config\'s whole model')
    parser.add_argument('--steps', type=int, default=20)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f'torch {torch.__version__}, mkldnn bf16 supported: '
          f'{torch.ops.mkldnn._is_mkldnn_bf16_supported()}, '
          f'threads {torch.get_num_threads()}')
    if args.config:
        check_model(args.config, args.steps)
        return
    torch.manual_seed(0)
    for name, c, h, w, dilation in SHAPES:
        x = torch.randn(args.batch, c, h, w).to(
            memory_format=torch.channels_last)
        grad_out = torch.randn_like(x)
        weight = torch.randn(c, 1, 3, 3) * 0.3
        reference = weight_grad(x, weight, grad_out, dilation, bf16=False)
        non_finite, worst = 0, 0.0
        for _ in range(args.reps):
            grad = weight_grad(x, weight, grad_out, dilation, bf16=True)
            if not torch.isfinite(grad).all():
                non_finite += 1
                continue
            error = (grad - reference).abs().max() / reference.abs().max()
            worst = max(worst, error.item())
        print(f'{name}: {non_finite}/{args.reps} non-finite, largest '
              f'relative error {worst:.4f}')


if __name__ == '__main__':
    main()
