"""WeightedCrossEntropyLoss against PyTorch's weighted, ignoring CE."""
import pytest
import torch
import torch.nn.functional as F

from segnet_mm.models.losses import WeightedCrossEntropyLoss
from segnet_mm.models.losses.weighted_cross_entropy_loss import \
    weighted_cross_entropy

WEIGHT = [0.3, 1.0, 4.5, 0.2, 9.6]


def inputs(seed=0, void_fraction=0.3):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, 5, 6, 7, generator=g)
    label = torch.randint(0, 5, (2, 6, 7), generator=g)
    label[torch.rand(2, 6, 7, generator=g) < void_fraction] = 255
    return logits, label


def test_matches_pytorch_weighted_mean():
    logits, label = inputs()
    loss = WeightedCrossEntropyLoss(class_weight=WEIGHT)
    expected = F.cross_entropy(logits, label, weight=torch.tensor(WEIGHT),
                               ignore_index=255)
    torch.testing.assert_close(loss(logits, label, ignore_index=255),
                               expected)


def test_ignore_index_defaults_to_255():
    """Heads that pass no ignore_index (mmseg's DDRHead) still ignore
    void."""
    logits, label = inputs(1)
    loss = WeightedCrossEntropyLoss(class_weight=WEIGHT)
    torch.testing.assert_close(loss(logits, label),
                               loss(logits, label, ignore_index=255))


def test_all_void_batch_is_zero_not_nan():
    logits, label = inputs(2, void_fraction=1.0)
    logits.requires_grad_(True)
    value = WeightedCrossEntropyLoss(class_weight=WEIGHT)(logits, label)
    value.backward()
    assert value.item() == 0
    assert torch.isfinite(logits.grad).all()


@pytest.mark.parametrize('avg_non_ignore', [False, True])
def test_unweighted_matches_mmseg_convention(avg_non_ignore):
    """Without class weights the mean is mmseg's: over every pixel, or
    over the labelled ones with avg_non_ignore."""
    logits, label = inputs(3)
    loss = WeightedCrossEntropyLoss(avg_non_ignore=avg_non_ignore)
    per_pixel = F.cross_entropy(logits, label, ignore_index=255,
                                reduction='none')
    count = (label != 255).sum() if avg_non_ignore else label.numel()
    torch.testing.assert_close(loss(logits, label), per_pixel.sum() / count)


def test_weighted_mean_ignores_avg_non_ignore_flag():
    """With class weights the mean is PyTorch's weighted mean either
    way."""
    logits, label = inputs(4)
    a = WeightedCrossEntropyLoss(class_weight=WEIGHT, avg_non_ignore=True)
    b = WeightedCrossEntropyLoss(class_weight=WEIGHT, avg_non_ignore=False)
    torch.testing.assert_close(a(logits, label), b(logits, label))


@pytest.mark.parametrize('flag', ['use_sigmoid', 'use_mask'])
def test_refuses_sigmoid_and_mask(flag):
    message = ('WeightedCrossEntropyLoss is the softmax loss: use_sigmoid '
               'and use_mask must be False')
    with pytest.raises(ValueError) as error:
        WeightedCrossEntropyLoss(**{flag: True})
    assert str(error.value) == message


def test_function_defaults():
    """Called directly, the function ignores label -100 and takes mmseg's
    mean over every pixel, or PyTorch's weighted mean with class
    weights."""
    logits, label = inputs(7)
    label[label == 255] = -100
    per_pixel = F.cross_entropy(logits, label, reduction='none')
    torch.testing.assert_close(weighted_cross_entropy(logits, label),
                               per_pixel.sum() / label.numel())
    weight = torch.tensor(WEIGHT)
    torch.testing.assert_close(
        weighted_cross_entropy(logits, label, class_weight=weight),
        F.cross_entropy(logits, label, weight=weight))


def test_pixel_weights_and_avg_factor_pass_through():
    """Per-pixel weights multiply each pixel's loss, and a caller's
    avg_factor replaces the class-weighted normaliser."""
    logits, label = inputs(8)
    pixel_weight = torch.rand(label.shape, generator=torch.Generator()
                              .manual_seed(0))
    per_pixel = F.cross_entropy(logits, label, weight=torch.tensor(WEIGHT),
                                ignore_index=255, reduction='none')
    loss = WeightedCrossEntropyLoss(class_weight=WEIGHT)
    torch.testing.assert_close(
        loss(logits, label, weight=pixel_weight, avg_factor=7.0),
        (per_pixel * pixel_weight).sum() / 7.0)


@pytest.mark.parametrize('normalize', ['weight_sum', 'labelled_pixels'])
def test_reduction_override(normalize):
    """'sum' and 'none' are the class-weighted sum and per-pixel map,
    whatever the normaliser of the mean."""
    logits, label = inputs(9)
    per_pixel = F.cross_entropy(logits, label, weight=torch.tensor(WEIGHT),
                                ignore_index=255, reduction='none')
    loss = WeightedCrossEntropyLoss(class_weight=WEIGHT, normalize=normalize)
    torch.testing.assert_close(
        loss(logits, label, reduction_override='sum'), per_pixel.sum())
    torch.testing.assert_close(
        loss(logits, label, reduction_override='none'), per_pixel)


def test_normalize_by_labelled_pixels_as_caffe():
    """Caffe's SoftmaxWithLoss (normalize: true), worked by hand: uniform
    logits over 2 classes give -log p = log 2 per pixel; labels 0, 0, 1
    and one void with weights 2 and 0.5 sum to (2 + 2 + 0.5) log 2, over 3
    labelled pixels; PyTorch's mean divides by the summed weight 4.5."""
    logits = torch.zeros(1, 2, 1, 4)
    label = torch.tensor([[[0, 0, 1, 255]]])
    log2 = torch.tensor(2.0).log()
    caffe = WeightedCrossEntropyLoss(
        class_weight=[2.0, 0.5], normalize='labelled_pixels')
    pytorch = WeightedCrossEntropyLoss(class_weight=[2.0, 0.5])
    torch.testing.assert_close(caffe(logits, label), 4.5 * log2 / 3)
    torch.testing.assert_close(pytorch(logits, label), log2)


def test_labelled_pixels_matches_weighted_sum_over_count():
    logits, label = inputs(5)
    loss = WeightedCrossEntropyLoss(
        class_weight=WEIGHT, normalize='labelled_pixels')
    per_pixel = F.cross_entropy(logits, label, weight=torch.tensor(WEIGHT),
                                ignore_index=255, reduction='none')
    torch.testing.assert_close(
        loss(logits, label), per_pixel.sum() / (label != 255).sum())


def test_labelled_pixels_all_void_is_zero():
    logits, label = inputs(6, void_fraction=1.0)
    loss = WeightedCrossEntropyLoss(
        class_weight=WEIGHT, normalize='labelled_pixels')
    assert loss(logits, label).item() == 0


def test_refuses_unknown_normalize():
    with pytest.raises(ValueError) as error:
        WeightedCrossEntropyLoss(normalize='count')
    assert str(error.value) == ("normalize must be one of ('weight_sum', "
                                "'labelled_pixels'), got 'count'")


def test_unknown_keyword_is_not_ignored():
    """A misspelled argument raises instead of being dropped."""
    logits, label = inputs(10)
    with pytest.raises(TypeError, match='avg_non_ignor'):
        WeightedCrossEntropyLoss(class_weight=WEIGHT)(
            logits, label, avg_non_ignor=True)
