""".dev_scripts/benchmark_train.py: the config, a second seed, then
the lever ladder, each a real tools/train.py run."""
import json

from mmengine.config import Config

from tests.utils import SMALL_MODEL, data_options, run_tool

TOOL = '.dev_scripts/benchmark_train.py'


def test_ladder_runs_compares_losses_and_reports_a_failed_rung(
        tmp_path, camvid_root):
    out = tmp_path / 'speed.json'
    # -1 workers: the '+bf16+loader' rung's DataLoader refuses them.
    text = run_tool(
        TOOL, 'configs/segnet_camvid.py', '--work-root',
        tmp_path / 'runs', '--levers', 'bf16', 'loader', '--workers', -1,
        '--iters', 6, '--warmup', 2, '--log-interval', 2, '--out', out,
        '--cfg-options', *data_options(camvid_root), *SMALL_MODEL,
        'train_dataloader.batch_size=2')
    for row in ('| config |', '| config_seed1 |', '| +bf16 |',
                '| +bf16+loader | failed (exit 1)'):
        assert row in text
    assert 'runs/+bf16+loader/train.out' in text
    result = json.loads(out.read_text())
    runs = {run['name']: run for run in result['runs']}
    assert runs['config']['loss_gap'] == 0
    # Another seed trains on other crops from other weights.
    assert runs['config_seed1']['loss_gap'] > 0
    assert runs['+bf16']['loss_gap'] > 0
    assert runs['config']['images_per_s'] == \
        2 / runs['config']['seconds_per_iter']
    rung = Config.fromfile(tmp_path / 'runs/+bf16/config.py')
    assert rung.optim_wrapper.type == 'BF16AmpOptimWrapper'
    assert rung.train_cfg.max_iters == 6
    # The small model's FLOPs (SegNet's are 633 GFLOP per image).
    assert 0 < result['train_gflop_per_image'] < 10


def test_all_levers_only_runs_one_rung(tmp_path, camvid_root):
    text = run_tool(
        TOOL, 'configs/segnet_camvid.py', '--work-root',
        tmp_path, '--levers', 'bf16', 'channels_last', '--all-levers-only',
        '--skip-noise', '--iters', 4, '--warmup', 1, '--log-interval', 1,
        '--cfg-options', *data_options(camvid_root), *SMALL_MODEL,
        'train_dataloader.batch_size=2')
    assert '| +bf16+channels_last |' in text
    assert '| +bf16 |' not in text and 'seed1' not in text
    assert 'noise:' not in text
