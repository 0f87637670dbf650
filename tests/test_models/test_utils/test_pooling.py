import itertools

import pytest
import torch
import torch.nn.functional as F

from segnet_mm.models.utils import (first_max_codes, max_pool2x2,
                                    max_unpool2x2, window_codes)

# Inputs with many tied windows: small integers, and constant planes.
TIED = {
    'randn': lambda *s: torch.randn(*s),
    'integers': lambda *s: torch.randint(-2, 2, s).float(),
    'all_equal': lambda *s: torch.full(s, 1.5),
}


@pytest.mark.parametrize('channels_last', [False, True])
def test_max_pool2d_takes_the_first_max_in_row_major_order(channels_last):
    """PyTorch's own tie rule, which the window codes copy: of the tied
    positions of a window, scanned (0, 0), (0, 1), (1, 0), (1, 1), the
    first; every one of the 15 tie patterns, and an all -inf window."""
    patterns = [
        p for p in itertools.product((0, 1), repeat=4) if any(p)
    ]
    assert len(patterns) == 15
    x = torch.tensor(patterns, dtype=torch.float32).view(1, 15, 2, 2)
    x = torch.cat([x, torch.full((1, 1, 2, 2), -float('inf'))], 1)
    if channels_last:
        x = x.to(memory_format=torch.channels_last)
    _, indices = F.max_pool2d(x, 2, 2, return_indices=True)
    expected = [p.index(1) for p in patterns] + [0]
    assert indices.flatten().tolist() == expected
    assert first_max_codes(x, F.max_pool2d(x, 2, 2)).flatten().tolist() \
        == expected


@pytest.mark.parametrize('size', [(8, 8), (45, 60), (23, 31), (7, 10)])
@pytest.mark.parametrize('channels_last', [False, True])
@pytest.mark.parametrize('values', list(TIED))
@pytest.mark.parametrize('method', ['where', 'upsample'])
def test_compact_unpool_equals_max_unpool2d(size, channels_last, values,
                                            method):
    x = TIED[values](2, 5, *size)
    if channels_last:
        x = x.to(memory_format=torch.channels_last)
    plain = max_pool2x2(x, compact=False)
    compact = max_pool2x2(x, compact=True)
    assert compact.indices.dtype == torch.uint8
    assert compact.size == plain.size == size
    assert int(compact.indices.max()) <= 3
    torch.testing.assert_close(compact.feat, plain.feat)
    expected = F.max_unpool2d(plain.feat, plain.indices, 2, 2,
                              output_size=size)
    assert torch.equal(compact.indices,
                       window_codes(plain.indices, size[1]))
    got = max_unpool2x2(compact.feat, compact.indices, compact.size, method)
    assert got.shape == expected.shape == (2, 5, *size)
    assert torch.equal(got, expected)
    assert torch.equal(
        max_unpool2x2(plain.feat, plain.indices, plain.size), expected)


def unpool_and_grad(unpool, feat, grad):
    """Values of ``unpool(feat)`` and the gradient it sends back to feat."""
    feat = feat.detach().requires_grad_()
    out = unpool(feat)
    out.backward(grad)
    return out.detach(), feat.grad


@pytest.mark.parametrize('channels_last', [False, True])
@pytest.mark.parametrize('method', ['where', 'upsample'])
def test_compact_unpool_backward_matches(channels_last, method):
    x = torch.randn(2, 4, 9, 13)
    grad = torch.randn(2, 4, 9, 13)
    if channels_last:
        x = x.to(memory_format=torch.channels_last)
        grad = grad.to(memory_format=torch.channels_last)
    pooled = max_pool2x2(x, compact=False)
    # The unpool takes its NHWC branch exactly for channels-last values.
    assert pooled.feat.is_contiguous(
        memory_format=torch.channels_last) == channels_last
    codes = window_codes(pooled.indices, 13)
    expected = unpool_and_grad(
        lambda f: F.max_unpool2d(f, pooled.indices, 2, 2,
                                 output_size=(9, 13)), pooled.feat, grad)
    got = unpool_and_grad(
        lambda f: max_unpool2x2(f, codes, (9, 13), method), pooled.feat,
        grad)
    assert torch.equal(got[0], expected[0])
    assert torch.equal(got[1], expected[1])


@pytest.mark.parametrize('channels_last', [False, True])
def test_compact_pool_backward_matches_on_ties(channels_last):
    """The pooled values' gradient reaches the same (first) argmax as
    max_pool2d's with indices, ties included."""
    x = TIED['integers'](2, 4, 9, 13)
    grad = torch.randn(2, 4, 4, 6)
    if channels_last:
        x = x.to(memory_format=torch.channels_last)
    grads = []
    for compact in (False, True):
        leaf = x.clone().requires_grad_()
        max_pool2x2(leaf, compact).feat.backward(grad)
        grads.append(leaf.grad)
    assert torch.equal(grads[0], grads[1])
    assert int((grads[1] != 0).sum()) == grad.numel()


def test_unpool_rejects_unknown_method():
    pooled = max_pool2x2(torch.randn(1, 1, 4, 4))
    with pytest.raises(ValueError, match="'nearest'"):
        max_unpool2x2(pooled.feat, pooled.indices, pooled.size, 'nearest')


def test_pool_rejects_unknown_codes():
    with pytest.raises(ValueError) as err:
        max_pool2x2(torch.randn(1, 1, 4, 4), codes='argmax')
    assert str(err.value) == ("codes must be one of ('compare', 'flat'), "
                              "got 'argmax'")


def test_window_codes_by_hand():
    # 4x4 plane: maxima at (0,1), (1,2), (3,0), (2,3) -> codes 1, 2, 2, 1.
    x = torch.zeros(1, 1, 4, 4)
    for r, c in [(0, 1), (1, 2), (3, 0), (2, 3)]:
        x[0, 0, r, c] = 1
    pooled = max_pool2x2(x)
    assert pooled.indices.flatten().tolist() == [1, 2, 2, 1]
    assert torch.equal(pooled.feat, torch.ones(1, 1, 2, 2))


def test_compact_unpool_runs_deterministic():
    """Under torch.use_deterministic_algorithms (where max_unpool2d
    raises), values and gradients equal max_unpool2d's outside it."""
    x = torch.randn(2, 3, 11, 14)
    grad = torch.randn(2, 3, 11, 14)
    plain = max_pool2x2(x, compact=False)
    expected = unpool_and_grad(
        lambda f: F.max_unpool2d(f, plain.indices, 2, 2,
                                 output_size=(11, 14)), plain.feat, grad)
    compact = max_pool2x2(x)
    torch.use_deterministic_algorithms(True)
    try:
        with pytest.raises(RuntimeError, match='deterministic'):
            F.max_unpool2d(plain.feat, plain.indices, 2, 2,
                           output_size=(11, 14))
        got = unpool_and_grad(
            lambda f: max_unpool2x2(f, compact.indices, compact.size),
            compact.feat, grad)
    finally:
        torch.use_deterministic_algorithms(False)
    assert torch.equal(got[0], expected[0])
    assert torch.equal(got[1], expected[1])


@pytest.mark.parametrize('size', [(6, 8), (7, 9)])
def test_flat_and_compare_codes_agree(size):
    """Both ways of finding the window codes give the same uint8 codes,
    and max_pool2d's indices without compact."""
    torch.manual_seed(0)
    x = torch.randn(2, 3, *size)
    flat = max_pool2x2(x, compact=True, codes='flat')
    compare = max_pool2x2(x, compact=True, codes='compare')
    assert flat.indices.dtype == torch.uint8
    assert torch.equal(flat.indices, compare.indices)
    assert torch.equal(flat.feat, compare.feat)
    _, indices = F.max_pool2d(x, 2, 2, return_indices=True)
    assert torch.equal(max_pool2x2(x, compact=False).indices, indices)
