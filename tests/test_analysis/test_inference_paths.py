"""segnet_mm.analysis.inference_paths: each path measured in-process on a
small SegNet on one input with one thread."""
from functools import partial

import numpy as np
import pytest
import torch

from segnet_mm.analysis import inference_paths
from segnet_mm.analysis.inference_paths import time_inference_paths
from segnet_mm.analysis.timing import benchmark_input
from tests.conftest import REPO_ROOT


def in_process(fn, *args):
    """A ``runner`` measuring in this process, which leaves torch's thread
    count as it found it."""
    threads = torch.get_num_threads()
    try:
        return fn(*args)
    finally:
        torch.set_num_threads(threads)


def test_time_inference_paths_measures_each_path(tmp_path, monkeypatch):
    """Every path runs on the same input (and on what it is given: other
    inputs give other logits) and on the threads asked for (PyTorch's and
    the ONNX Runtime session's)."""
    from tests.utils import small_config
    config = tmp_path / 'small.py'
    small_config(REPO_ROOT / 'configs' / 'segnet_camvid.py').dump(
        str(config))
    calls, runs, inputs = [], {}, {}
    path_runner = inference_paths._path_runner

    def recording_runner(name, *args):
        run, threads = path_runner(name, *args)
        runs[name] = run

        def recorded(x):
            inputs.setdefault(name, []).append(x)
            return run(x)

        return recorded, threads

    monkeypatch.setattr(inference_paths, '_path_runner', recording_runner)

    def recording_process(fn, *args):
        calls.append(fn.__name__)
        return in_process(fn, *args)

    paths = ('fp32', 'onnxruntime fp32', 'onnxruntime int8')
    rows = time_inference_paths(str(config), (32, 48), paths, iters=1,
                                threads=1, runner=recording_process)
    assert calls == ['_export'] + ['_measure_path'] * 3
    assert [r.name for r in rows] == list(paths)
    assert all(r.ms > 0 and r.peak_gops > 0 and r.peak_rss_mib > 0
               for r in rows)
    assert [r.threads for r in rows] == [1, 1, 1]
    assert list(inputs) == list(paths)
    x = benchmark_input((32, 48))
    for name, fed in inputs.items():
        assert len(fed) == 3  # 2 warm-up runs and 1 timed
        assert all(np.array_equal(f, x) for f in fed), name
        logits = [np.asarray(runs[name](i)) for i in (x, x, -x)]
        assert np.array_equal(logits[0], logits[1]), name
        assert not np.allclose(logits[0], logits[2]), name
    with pytest.raises(ValueError, match='unknown paths'):
        time_inference_paths(str(config), paths=('int4', ))


@pytest.mark.parametrize('name', ['fp32', 'bf16'])
def test_torch_paths_run_as_named(tmp_path, monkeypatch, name):
    """The bf16 path runs every convolution under bf16 autocast on
    channels-last weights and input; the fp32 path in fp32 on NCHW."""
    from tests.utils import (assert_convs_ran_as_named, record_convs,
                             small_config)
    config = tmp_path / 'small.py'
    small_config(REPO_ROOT / 'configs' / 'segnet_camvid.py').dump(
        str(config))
    run, _ = inference_paths._path_runner(name, str(config), None, 1)
    convs = record_convs(monkeypatch)
    run(benchmark_input((32, 48)))
    bf16 = name == 'bf16'
    assert_convs_ran_as_named(convs, bf16)
    assert convs[0].input_channels_last == bf16


def test_openvino_paths(tmp_path):
    """OpenVINO fp32 and int8 (the same exported graph as an IR, and
    NNCF's int8 of it) measured on the threads asked for, and profiled per
    layer type and kernel."""
    pytest.importorskip('openvino', reason='pip install -e .[openvino]')
    pytest.importorskip('nncf', reason='pip install -e .[openvino]')
    from tests.utils import small_config
    config = tmp_path / 'small.py'
    small_config(REPO_ROOT / 'configs' / 'segnet_camvid.py').dump(
        str(config))
    paths = ('openvino fp32', 'openvino int8')
    rows = time_inference_paths(str(config), (32, 48), paths, iters=1,
                                threads=1, runner=in_process, profile=True)
    assert [r.name for r in rows] == ['openvino fp32', 'openvino int8']
    assert [r.threads for r in rows] == [1, 1]
    assert all(r.ms > 0 and r.peak_gops > 0 for r in rows)
    # The profile names each convolution's kernel: integer in int8 only.
    convs = [[op for op in r.op_ms if op.startswith('Convolution ')]
             for r in rows]
    assert convs[0] and not any('I8' in op.upper() for op in convs[0])
    assert convs[1] and all('I8' in op.upper() for op in convs[1])


def test_pt2e_path(tmp_path, monkeypatch):
    """PT2E int8 runs its compiled program, on the threads asked for."""
    pytest.importorskip('torchao', reason='pip install -e .[pt2e]')
    from segnet_mm.deployment import pt2e_quantization
    from tests.utils import small_config
    config = tmp_path / 'small.py'
    small_config(REPO_ROOT / 'configs' / 'segnet_camvid.py').dump(
        str(config))
    compiled = []
    compile_program = pt2e_quantization.compile_pt2e_int8

    def spy(program):
        compiled.append(program)
        return compile_program(program)

    monkeypatch.setattr(pt2e_quantization, 'compile_pt2e_int8', spy)
    rows = time_inference_paths(str(config), (32, 48),
                                inference_paths.PT2E_PATHS, iters=1,
                                threads=1, runner=in_process)
    assert [(r.name, r.threads) for r in rows] == [('pt2e int8', 1)]
    assert len(compiled) == 1 and rows[0].ms > 0


def test_paths_run_the_checkpoint_calibrated_on_given_images(
        tmp_path, monkeypatch, camvid_root):
    """With a checkpoint, the PyTorch and the exported paths run its weights
    (their logits are the checkpoint's model's) and the int8 path is
    calibrated on the images given, its input convolution in float if asked;
    weights that do not fit the config are refused, naming the
    checkpoint."""
    from mmengine.runner import save_checkpoint

    import segnet_mm.deployment
    from segnet_mm.apis import init_segmentor
    from tests.utils import save_small_checkpoint, write_small_config
    config = str(write_small_config(tmp_path / 'small.py'))
    checkpoint = str(save_small_checkpoint(tmp_path / 'small.pth'))
    images = [str(p) for p in sorted((camvid_root / 'train').glob('*'))[:3]]
    calibrated = []
    quantize = segnet_mm.deployment.quantize_int8

    def spy(model, out_file, calib_images, *args, **kwargs):
        calibrated.append((list(calib_images), kwargs['float_input_conv']))
        return quantize(model, out_file, calib_images, *args, **kwargs)

    monkeypatch.setattr(segnet_mm.deployment, 'quantize_int8', spy)
    runs = {}
    path_runner = inference_paths._path_runner

    def recording_runner(name, *args):
        runs[name] = path_runner(name, *args)[0]
        return runs[name], 1

    monkeypatch.setattr(inference_paths, '_path_runner', recording_runner)
    paths = ('fp32', 'onnxruntime fp32', 'onnxruntime int8')
    time_inference_paths(config, (32, 48), paths, iters=1, threads=1,
                         runner=in_process, checkpoint=checkpoint,
                         calib_images=images, float_input_conv=True)
    assert calibrated == [(images, True)]
    x = benchmark_input((32, 48))
    with torch.no_grad():
        expected = init_segmentor(config, checkpoint)(
            torch.from_numpy(x), mode='tensor').numpy()
    np.testing.assert_allclose(
        np.asarray(runs['fp32'](x)), expected, atol=1e-6)
    np.testing.assert_allclose(
        runs['onnxruntime fp32'](x), expected, atol=1e-4)
    save_checkpoint(dict(state_dict={}), str(tmp_path / 'empty.pth'))
    with pytest.raises(RuntimeError, match='empty.pth does not fit'):
        time_inference_paths(config, (32, 48), ('fp32', ), iters=1,
                             threads=1, runner=in_process,
                             checkpoint=str(tmp_path / 'empty.pth'))


def test_openvino_float_paths_run_the_precision_they_name(tmp_path):
    """OpenVINO runs float layers in bf16 by default where the CPU has bf16
    hardware: 'openvino fp32' runs f32 everywhere, 'openvino bf16' runs
    bf16 where the CPU has it and is refused elsewhere."""
    pytest.importorskip('openvino', reason='pip install -e .[openvino]')
    from segnet_mm.engine.optimizers.bf16_amp_optim_wrapper import \
        cpu_has_bf16_hardware
    from tests.utils import small_config
    config = tmp_path / 'small.py'
    small_config(REPO_ROOT / 'configs' / 'segnet_camvid.py').dump(
        str(config))
    run = partial(time_inference_paths, str(config), (32, 48), iters=1,
                  threads=1, runner=in_process, profile=True)
    (row, ) = run(['openvino fp32'])
    assert all('f32' in op for op in row.op_ms
               if op.startswith('Convolution '))
    if cpu_has_bf16_hardware():
        (row, ) = run(['openvino bf16'])
        assert all('bf16' in op for op in row.op_ms
                   if op.startswith('Convolution '))
    else:
        with pytest.raises(RuntimeError, match="'openvino bf16'.*no bf16"):
            run(['openvino bf16'])
