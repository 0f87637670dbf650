"""tools/analysis_tools/benchmark_int8.py through the real CLI, on the small
SegNet."""
import json

from segnet_mm.utils import read_cpuinfo
from tests.utils import run_tool, save_small_checkpoint, write_small_config


def test_names_the_cpu_threads_weights_and_calibration(
        tmp_path, camvid_root):
    config = write_small_config(tmp_path / 'small.py')
    checkpoint = save_small_checkpoint(tmp_path / 'small.pth')
    calib_dir = camvid_root / 'train'
    out = tmp_path / 'rows.json'
    printed = run_tool('tools/analysis_tools/benchmark_int8.py', config,
                       '--checkpoint', checkpoint, '--calib-dir', calib_dir,
                       '--num-calib', 2, '--shape', 32, 48, '--iters', 1,
                       '--threads', 1, '--paths', 'onnxruntime int8',
                       '--out', out)
    cpu = read_cpuinfo()
    assert cpu.known, 'this test reads /proc/cpuinfo'
    line = f'CPU: {cpu.model} (avx2 {"yes" if "avx2" in cpu.flags else "no"}'
    assert line in printed
    assert 'avx512_vnni ' in printed and 'amx_int8 ' in printed
    assert 'threads: 1 per path' in printed
    assert (f'median of 1 runs; {checkpoint}, int8 calibrated on 2 '
            f'image(s) of {calib_dir}') in printed
    saved = json.loads(out.read_text())
    assert saved['cpu'] == cpu.describe() and saved['threads'] == 1
    assert saved['checkpoint'] == str(checkpoint)
    assert saved['calib_images'] == [
        str(calib_dir / 'train_000.png'), str(calib_dir / 'train_003.png')]
    assert [r['threads'] for r in saved['rows']] == [1]


def test_profiles_both_index_formulations(tmp_path):
    """--profile: ms per op kind of each ONNX path; the comparison codes
    and upsampling unpool export without the flat-index formulation's
    MaxPool indices, Div/Mod and Where."""
    config = write_small_config(tmp_path / 'small.py')
    out = tmp_path / 'rows.json'
    paths = ['onnxruntime fp32', 'onnxruntime fp32 (flat index ops)']
    printed = run_tool('tools/analysis_tools/benchmark_int8.py', config,
                       '--shape', 32, 48, '--iters', 1, '--threads', 1,
                       '--profile',
                       '--paths', *paths, '--out', out)
    assert 'ms per run by op kind (ONNX Runtime: its profiler' in printed
    assert '| op kind | onnxruntime fp32 ms | onnxruntime fp32 (flat' \
        in printed
    rows = json.loads(out.read_text())['rows']
    assert [r['name'] for r in rows] == paths
    new, flat = (set(r['op_ms']) for r in rows)
    assert {'Conv', 'MaxPool', 'Resize', 'Equal'} <= new
    assert not new & {'Mod', 'Div', 'Where'}
    assert {'Conv', 'MaxPool', 'Mod', 'Where'} <= flat


def test_refuses_weights_it_can_not_time(tmp_path):
    """A deployed model as --checkpoint, trained weights without real images
    to calibrate their int8 paths on, and weights that do not fit the config
    are refused, each named."""
    from mmengine.runner import save_checkpoint
    config = write_small_config(tmp_path / 'small.py')
    onnx_file = tmp_path / 'm.onnx'
    onnx_file.write_text('')
    common = ('--shape', 32, 48, '--iters', 1, '--threads', 1)
    printed = run_tool('tools/analysis_tools/benchmark_int8.py', config,
                       '--checkpoint', onnx_file, *common, fails=True)
    assert f'--checkpoint {onnx_file} is a deployed model' in printed
    checkpoint = save_small_checkpoint(tmp_path / 'small.pth')
    printed = run_tool('tools/analysis_tools/benchmark_int8.py', config,
                       '--checkpoint', checkpoint, *common, '--paths',
                       'onnxruntime int8', fails=True)
    assert '--checkpoint needs --calib-dir for the int8 paths' in printed
    empty = tmp_path / 'empty.pth'
    save_checkpoint(dict(state_dict={}), str(empty))
    printed = run_tool('tools/analysis_tools/benchmark_int8.py', config,
                       '--checkpoint', empty, *common, '--paths', 'fp32',
                       fails=True)
    assert f'checkpoint {empty} does not fit the model' in printed
