# Ablation of segnet_camvid_cpu.py: class-weighted cross-entropy alone (no
# Lovasz-softmax term).
_base_ = ['../segnet_camvid_cpu.py']
model = dict(
    decode_head=dict(
        loss_decode=dict(
            _delete_=True,
            type='WeightedCrossEntropyLoss',
            class_weight={{_base_.class_weight}})))
