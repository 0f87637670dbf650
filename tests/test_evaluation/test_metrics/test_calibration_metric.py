"""CalibrationMetric against a direct numpy computation, and on synthetic
predictors whose answers are known."""
import math
import re
from unittest import mock

import numpy as np
import pytest
import torch
from mmengine.dataset import DefaultSampler
from mmengine.evaluator import Evaluator
from mmengine.logging import MMLogger
from mmengine.structures import PixelData

from mmseg.models.segmentors import SegTTAModel
from mmseg.registry import METRICS
from mmseg.structures import SegDataSample
from segnet_mm.evaluation import CalibrationMetric
from segnet_mm.evaluation.metrics.calibration_stats import (
    pixel_statistics, summarize, total_statistics)

CLASSES = ('a', 'b', 'c', 'd')
K = len(CLASSES)


def sample(logits, gt, mutual_information=None, **metainfo):
    """A SegDataSample as the evaluator passes it: a dict."""
    data_sample = SegDataSample(metainfo=metainfo)
    data_sample.seg_logits = PixelData(data=logits)
    data_sample.gt_sem_seg = PixelData(data=gt[None])
    if mutual_information is not None:
        data_sample.mutual_information = PixelData(
            data=mutual_information[None])
    return data_sample.to_dict()


def fixture(seed=0, shape=(20, 30), images=2, void=0.1):
    """Images of K-class logits with labels that agree with the argmax
    about 60% of the time; ``void`` of the labels are 255."""
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(images):
        logits = rng.normal(0, 2, (K, *shape)).astype(np.float32)
        gt = np.where(
            rng.random(shape) < 0.6, logits.argmax(0),
            rng.integers(0, K, shape))
        gt[rng.random(shape) < void] = 255
        pairs.append((torch.from_numpy(logits), torch.from_numpy(gt)))
    return pairs


def evaluate(samples, batch_size=None, **kwargs):
    """Run the metric through mmengine's Evaluator, ``batch_size`` samples
    per ``process`` call (all at once by default)."""
    evaluator = Evaluator(dict(type='CalibrationMetric', **kwargs))
    evaluator.dataset_meta = dict(classes=CLASSES)
    batch_size = batch_size or len(samples)
    for i in range(0, len(samples), batch_size):
        evaluator.process(samples[i:i + batch_size])
    return evaluator.evaluate(len(samples))


def valid_pixels(pairs, ignore_index=255, extra=None):
    """Logits (N, K) float64, labels (N, ) and ``extra`` maps (N, ) of the
    non-void pixels."""
    logits = np.concatenate(
        [z.numpy().reshape(K, -1).T for z, _ in pairs]).astype(np.float64)
    labels = np.concatenate([y.numpy().ravel() for _, y in pairs])
    valid = labels != ignore_index
    extra = None if extra is None else np.concatenate(
        [m.numpy().ravel() for m in extra])[valid]
    return logits[valid], labels[valid], extra


def exact_auroc(score, positive):
    """P(score of a positive > score of a negative), ties 1/2, pairwise."""
    pos, neg = score[positive], score[~positive]
    greater = (pos[:, None] > neg[None]).mean()
    return greater + 0.5 * (pos[:, None] == neg[None]).mean()


def exact_average_precision(score, positive):
    """sum over thresholds (descending) of recall step * precision."""
    ap, recall = 0., 0.
    for threshold in np.unique(score)[::-1]:
        flagged = score >= threshold
        true_pos = positive[flagged].sum()
        ap += (true_pos / positive.sum() - recall) * true_pos / flagged.sum()
        recall = true_pos / positive.sum()
    return ap


def reference(logits, labels, temperature=1.0, num_bins=15):
    """ECE, NLL, Brier, AUROC and AUPR of the entropy, by definition."""
    z = logits / temperature
    probs = np.exp(z - z.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    confidence, correct = probs.max(1), probs.argmax(1) == labels
    ece = 0.
    for m in range(num_bins):
        in_bin = (confidence > m / num_bins) & (confidence <=
                                                (m + 1) / num_bins)
        ece += abs(correct[in_bin].sum() - confidence[in_bin].sum())
    onehot = np.eye(logits.shape[1])[labels]
    entropy = -(probs * np.log(probs)).sum(1)
    return dict(
        ECE=ece / len(labels),
        NLL=-np.log(probs[np.arange(len(labels)), labels]).mean(),
        Brier=((probs - onehot)**2).sum(1).mean(),
        entropy=entropy,
        wrong=~correct)


def test_bad_arguments():
    for bad in (0, -1., math.inf, 'a'):
        with pytest.raises(ValueError, match='temperature must be a number'):
            CalibrationMetric(temperature=bad)
    with pytest.raises(ValueError, match='num_bins must be an int >= 1'):
        CalibrationMetric(num_bins=0)
    with pytest.raises(ValueError,
                       match='num_uncertainty_bins must be an int >= 1'):
        CalibrationMetric(num_uncertainty_bins=2.5)
    with pytest.raises(ValueError, match='mc_samples must be an int >= 1'):
        CalibrationMetric(mc_samples=0)
    assert isinstance(METRICS.build(dict(type='CalibrationMetric')),
                      CalibrationMetric)


@pytest.mark.parametrize('temperature', [1.0, 2.5])
def test_against_numpy(temperature):
    pairs = fixture()
    logits, labels, _ = valid_pixels(pairs)
    expected = reference(logits, labels, temperature)
    wrong, entropy = expected['wrong'], expected['entropy']
    assert 0.2 < wrong.mean() < 0.8

    # Unrounded statistics.
    summary = summarize(
        total_statistics([
            pixel_statistics(
                torch.from_numpy(logits).float(), torch.from_numpy(labels),
                temperature)
        ]))
    for key in ('ECE', 'NLL', 'Brier'):
        assert summary[key] == pytest.approx(expected[key], abs=1e-6), key
    auroc = exact_auroc(entropy, wrong)
    bound = summary['AUROC.entropy.bound']
    assert bound < 1e-3
    assert abs(summary['AUROC.entropy'] - auroc) <= bound + 1e-9
    assert summary['AUPR.entropy'] == pytest.approx(
        exact_average_precision(entropy, wrong), abs=1e-3)

    # Through the evaluator: rounded, rates in percent.
    metrics = evaluate([sample(z, y) for z, y in pairs],
                       temperature=temperature)
    assert set(metrics) == {
        'ECE', 'NLL', 'Brier', 'AUROC.entropy', 'AUPR.entropy'
    }
    assert metrics['ECE'] == pytest.approx(100 * expected['ECE'], abs=5e-3)
    assert metrics['NLL'] == pytest.approx(expected['NLL'], abs=5e-5)
    assert metrics['Brier'] == pytest.approx(expected['Brier'], abs=5e-5)
    assert metrics['AUROC.entropy'] == pytest.approx(
        100 * auroc, abs=100 * bound + 5e-3)
    assert metrics['AUPR.entropy'] == pytest.approx(
        100 * exact_average_precision(entropy, wrong), abs=0.1)


def test_calibrated_predictor_has_ece_near_zero():
    """Labels drawn from the predicted distribution: calibrated by
    construction; the same logits times 3 are over-confident."""
    torch.manual_seed(0)
    logits = torch.randn(K, 500, 800) * 1.5
    labels = torch.multinomial(
        logits.flatten(1).T.softmax(1), 1).view(500, 800)
    calibrated = evaluate([sample(logits, labels)])
    overconfident = evaluate([sample(logits * 3, labels)])
    assert calibrated['ECE'] < 0.5
    assert overconfident['ECE'] > 5
    assert overconfident['NLL'] > calibrated['NLL']
    # T = 3 undoes the factor 3.
    rescaled = evaluate([sample(logits * 3, labels)], temperature=3.0)
    assert rescaled == pytest.approx(calibrated, abs=0.02)


def test_uncertainty_that_is_the_error_ranks_perfectly():
    pairs = fixture(void=0.)
    samples, samples_random, samples_reversed = [], [], []
    rng = np.random.default_rng(1)
    for logits, gt in pairs:
        wrong = (logits.argmax(0) != gt).float()
        samples.append(sample(logits, gt, wrong))
        samples_reversed.append(sample(logits, gt, 1 - wrong))
        noise = torch.from_numpy(rng.random(gt.shape) * math.log(K))
        samples_random.append(sample(logits, gt, noise.float()))
    perfect = evaluate(samples)
    assert perfect['AUROC.MI'] == 100 and perfect['AUPR.MI'] == 100
    worst = evaluate(samples_reversed)
    assert worst['AUROC.MI'] == 0
    random = evaluate(samples_random)
    assert abs(random['AUROC.MI'] - 50) < 5
    wrong_rate = np.mean([(z.argmax(0) != y).float().mean() for z, y in pairs])
    assert random['AUPR.MI'] == pytest.approx(100 * wrong_rate, abs=5)
    # The entropy columns do not depend on the MI map.
    for key in ('ECE', 'NLL', 'Brier', 'AUROC.entropy', 'AUPR.entropy'):
        assert perfect[key] == worst[key] == random[key]


def test_accumulation_over_batches_equals_one_pass():
    pairs = fixture(images=5)
    samples = [sample(z, y) for z, y in pairs]
    one_pass = evaluate(samples)
    assert evaluate(samples, batch_size=1) == one_pass
    assert evaluate(samples, batch_size=2) == one_pass


def evaluate_as_ranks(samples, world_size, tmp_path, round_up=True):
    """Rank 0's metrics of a distributed test with ``world_size`` ranks,
    played one after another, and the ranks' shards: each rank processes
    the shard mmengine's ``DefaultSampler`` gives it, then
    ``BaseMetric.evaluate`` gathers the ranks' results with mmengine's
    ``collect_results`` (through a shared dir), which drops the padding
    past the dataset's size."""
    shards = {}
    for rank in reversed(range(world_size)):  # rank 0 gathers, so last
        info = (rank, world_size)
        with mock.patch('mmengine.dataset.sampler.get_dist_info',
                        return_value=info), \
                mock.patch('mmengine.dist.dist.get_dist_info',
                           return_value=info), \
                mock.patch('mmengine.evaluator.metric.is_main_process',
                           return_value=rank == 0):
            shard = shards[rank] = list(
                DefaultSampler(
                    samples, shuffle=False, round_up=round_up, seed=0))
            metric = CalibrationMetric()
            metric.dataset_meta = dict(classes=CLASSES)
            metric.collect_dir = str(tmp_path)
            metric.process({}, [samples[i] for i in shard])
            metrics = metric.evaluate(len(samples))
    return metrics, [shards[rank] for rank in range(world_size)]


@pytest.mark.parametrize('world_size, shards', [
    (2, [[0, 2, 4], [1, 3, 0]]),
    (3, [[0, 3], [1, 4], [2, 0]]),
])
def test_distributed_padding_counts_once(world_size, shards, tmp_path):
    """DefaultSampler(round_up=True) pads the last ranks with the first
    images; the gathered metrics are the one-process ones, bit for bit."""
    pairs = fixture(images=5)
    samples = [sample(z, y, torch.rand(y.shape)) for z, y in pairs]
    metrics, sharded = evaluate_as_ranks(samples, world_size, tmp_path)
    assert sharded == shards
    assert metrics == evaluate(samples)


def test_rank_without_samples(tmp_path):
    """2 images on 3 ranks without padding: rank 2 has none."""
    samples = [sample(z, y) for z, y in fixture(images=2)]
    metrics, shards = evaluate_as_ranks(samples, 3, tmp_path, round_up=False)
    assert shards == [[0], [1], []]
    assert metrics == evaluate(samples)


def test_no_valid_pixel_gives_nan_with_a_warning(capsys):
    MMLogger.get_instance('test_calibration_metric_nan')
    logits, gt = fixture(images=1)[0]
    all_void = sample(logits, torch.full_like(gt, 255))
    metrics = evaluate([all_void, all_void])
    assert set(metrics) == {
        'ECE', 'NLL', 'Brier', 'AUROC.entropy', 'AUPR.entropy'
    }
    assert all(math.isnan(v) for v in metrics.values())
    assert 'no valid pixel in 2 images (every gt_sem_seg label is ' \
        'ignore_index 255): every result is NaN' in capsys.readouterr().out
    # Nothing processed (e.g. every rank without samples).
    metric = CalibrationMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    assert all(math.isnan(v) for v in metric.compute_metrics([]).values())
    assert 'no valid pixel in 0 images' in capsys.readouterr().out
    # An all-void image among others adds nothing.
    samples = [sample(z, y) for z, y in fixture(images=2)]
    assert evaluate(samples + [all_void]) == evaluate(samples)


def test_void_pixels_are_ignored():
    pairs = fixture(void=0.3)
    # Confidently wrong on void: no effect if void is ignored.
    spoiled = []
    for logits, gt in pairs:
        logits = logits.clone()
        logits[:, gt == 255] = torch.tensor([50., 0., 0., 0.])[:, None]
        spoiled.append(sample(logits, torch.where(gt == 255, 1, gt)))
    clean = evaluate([sample(z, y) for z, y in pairs])
    relabelled = [dict(s) for s in spoiled]
    for s, (_, gt) in zip(relabelled, pairs):
        s['gt_sem_seg'] = dict(data=gt[None])
    assert evaluate(relabelled) == clean
    assert evaluate(spoiled)['NLL'] > clean['NLL'] + 1
    # Another ignore_index: class 1 is void.
    logits, labels, _ = valid_pixels(pairs, ignore_index=255)
    keep = labels != 1
    expected = reference(logits[keep], labels[keep])
    as_void = evaluate([sample(z, torch.where(y == 255, 1, y))
                        for z, y in pairs], ignore_index=1)
    assert as_void['NLL'] == pytest.approx(expected['NLL'], abs=5e-5)
    assert as_void['ECE'] == pytest.approx(100 * expected['ECE'], abs=5e-3)


def test_clear_errors():
    logits, gt = fixture(images=1)[0]
    metric = CalibrationMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    no_logits = sample(logits, gt)
    del no_logits['seg_logits']
    no_logits['pred_sem_seg'] = dict(data=logits.argmax(0)[None])
    with pytest.raises(ValueError, match=r"CalibrationMetric needs "
                       r"seg_logits .* only data fields are \['gt_sem_seg', "
                       r"'pred_sem_seg'\]: .* EncoderDecoder"):
        metric.process({}, [no_logits])
    with pytest.raises(ValueError, match=r'seg_logits \(4, 20, 30\) and '
                       r'gt_sem_seg \(1, 20, 29\) differ in size'):
        metric.process({}, [sample(logits, gt[:, :29])])
    with pytest.raises(ValueError, match=r'not \(K=4, H, W\)'):
        metric.process({}, [sample(logits[:3], gt)])
    with pytest.raises(ValueError, match=r'labels \[7\] outside 0..3'):
        metric.process({}, [sample(logits, torch.full_like(gt, 7))])
    metric.process({}, [sample(logits, gt, torch.zeros(20, 30))])
    metric.process({}, [sample(logits, gt)])
    with pytest.raises(ValueError, match='some data samples carry '
                       'mutual_information and some do not'):
        metric.compute_metrics(metric.results)


class Views(torch.nn.Module):
    """A segmentor whose test_step predicts the given samples, one view a
    call."""
    out_channels = K

    def __init__(self, samples):
        super().__init__()
        self.samples = iter(samples)

    def test_step(self, data):
        return [next(self.samples)]


def merged_by_seg_tta_model(views, flips=None):
    """mmseg's SegTTAModel's prediction from one image's views (logits
    (K, H, W)), each a sample with the metainfo its pipeline gives it."""
    gt = torch.zeros(views[0].shape[1:], dtype=torch.long)
    samples = []
    for i, logits in enumerate(views):
        metainfo = dict(img_path='a.png')
        if flips is not None:
            metainfo['flip'] = flips[i]
        data_sample = SegDataSample(metainfo=metainfo)
        data_sample.seg_logits = PixelData(data=logits)
        data_sample.pred_sem_seg = PixelData(data=logits.argmax(0)[None])
        data_sample.gt_sem_seg = PixelData(data=gt[None])
        samples.append(data_sample)
    tta = SegTTAModel(module=Views(samples))
    return tta.test_step(dict(inputs=list(range(len(views)))))[0]


def test_test_time_augmentation_is_refused():
    """SegTTAModel predicts from the views' mean softmax but keeps the last
    view's seg_logits: scoring them would score one view."""
    torch.manual_seed(0)
    first, last = torch.randn(K, 20, 30), torch.randn(K, 20, 30)
    # Flip TTA: the last view is the flipped one.
    merged = merged_by_seg_tta_model([first, last], flips=[False, True])
    assert torch.equal(merged.seg_logits.data, last)
    metric = CalibrationMetric()
    metric.dataset_meta = dict(classes=CLASSES)
    with pytest.raises(ValueError, match=r"cannot score test-time "
                       r"augmentation: mmseg's SegTTAModel predicts from the "
                       r"mean softmax of the views but keeps only the last "
                       r"view's seg_logits.* went through RandomFlip, "
                       r"flip=True"):
        metric.process({}, [merged.to_dict()])
    # Without flips (e.g. multi-scale): the prediction is not theirs.
    merged = merged_by_seg_tta_model([first, last])
    wrong = (merged.pred_sem_seg.data[0] != last.argmax(0)).sum()
    assert wrong > 0
    with pytest.raises(ValueError, match=r'pred_sem_seg is not the argmax '
                       rf'of seg_logits at {wrong} pixels'):
        metric.process({}, [merged.to_dict()])
    # One view, as EncoderDecoder: scored; tied logits are no mismatch.
    tied = torch.zeros(K, 20, 30)
    for logits in (last, tied):
        single = sample(logits, torch.zeros(20, 30, dtype=torch.long))
        single['pred_sem_seg'] = dict(data=logits.argmax(0)[None])
        metric.process({}, [single])
    assert len(metric.results) == 2


def test_temperature_needs_the_fitted_mc_samples():
    """T divides the log of the mean of mc_samples softmaxes: a T fitted at
    16 samples is refused on 4 samples, or on a deterministic model."""
    logits, gt = fixture(images=1)[0]
    mc_4 = sample(logits, gt, torch.zeros(20, 30), mc_samples=4)
    deterministic = sample(logits, gt)

    def process(data_sample, **kwargs):
        metric = CalibrationMetric(**kwargs)
        metric.dataset_meta = dict(classes=CLASSES)
        metric.process({}, [data_sample])

    with pytest.raises(ValueError, match=r'temperature 1.5 was fitted at '
                       r'mc_samples=16, but this sample\'s seg_logits come '
                       r'from mc_samples=4'):
        process(mc_4, temperature=1.5, mc_samples=16)
    with pytest.raises(ValueError, match=r'fitted at mc_samples=16, .* from '
                       r'mc_samples=1'):
        process(deterministic, temperature=1.5, mc_samples=16)
    with pytest.raises(ValueError, match=r'fitted at mc_samples=1, .* from '
                       r'mc_samples=4'):
        process(mc_4, temperature=1.5)
    process(mc_4, temperature=1.5, mc_samples=4)
    process(deterministic, temperature=1.5)
    process(mc_4, mc_samples=16)  # T = 1 changes nothing


def test_logs_tables(capsys):
    # A logger made now writes to the captured stdout; 'current' is it.
    MMLogger.get_instance('test_calibration_metric_tables')
    pairs = fixture()
    evaluate([sample(z, y, torch.zeros(y.shape)) for z, y in pairs])
    out = capsys.readouterr().out
    assert 'ECE (%)' in out and 'AUROC binning error <=' in out
    assert re.search(r'\|\s+entropy\s+\|', out)
    assert re.search(r'\|\s+MI\s+\|', out)
