# SegNet on CamVid from scratch on a CPU budget: the CPU-budget recipe's two
# pieces (data: 0.5-1.0 scale jitter, 180x240 crops, flip, photometric
# distortion, batch 8, tested at 270x360; schedule: 3000 SGD iterations at
# lr 0.05 with poly decay, bf16 autocast + channels-last) with their loss
# (class-weighted cross-entropy + Lovasz-softmax). Any mmseg model config
# can inherit the same pieces (configs/benchmark/). `tools/test.py --tta`
# averages each prediction with its horizontal flip's. docs/cpu_recipe.md has
# the ablations behind each choice and the CPU run's results.
_base_ = [
    '_base_/models/segnet.py', '_base_/datasets/camvid_180x240.py',
    '_base_/schedules/schedule_3k_cpu-bf16.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    decode_head=dict(num_classes=11, loss_decode={{_base_.decode_loss}}))
