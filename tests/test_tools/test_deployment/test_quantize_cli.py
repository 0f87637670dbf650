"""tools/deployment/quantize.py, and the int8 .onnx in tools/test.py and
demo/image_demo.py in place of a checkpoint."""
import importlib.util
import json
import sys

import pytest

from segnet_mm.apis import init_segmentor
from segnet_mm.deployment.quantization import Int8Support
from tests.conftest import REPO_ROOT
from tests.test_deployment.test_quantization import SHAPE
from tests.test_deployment.test_quantization import trained  # noqa: F401,F811
from tests.utils import data_options, run_tool


def quantize_args(model_files, out, calib_dir=None):
    cfg, ckpt, root = model_files
    config = out.parent / 'basic_small.py'
    cfg = cfg.copy()
    cfg.test_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
    cfg.dump(str(config))
    return [
        'tools/deployment/quantize.py', config, ckpt, '--calib-dir',
        calib_dir or root / 'train', '--num-calib', '3', '--out', out,
        '--shape', *SHAPE
    ]


@pytest.fixture(scope='module')
def int8_file(trained, tmp_path_factory):  # noqa: F811
    out = tmp_path_factory.mktemp('cli') / 'basic_int8.onnx'
    printed = run_tool(*quantize_args(trained, out))
    assert 'calibrated on 3 image(s)' in printed
    # Calibrated on train_000, 002 and 003; checked on the one left out.
    held_out = trained[2] / 'train' / 'train_001.png'
    assert f'int8 vs float on {held_out} (not calibrated on): argmax ' \
        'agreement' in printed
    return out


def aacc_of_test_py(config, model, root, work) -> float:
    """aAcc of tools/test.py with ``model`` in place of the checkpoint."""
    run_tool('tools/test.py', config, model, '--work-dir', work,
             '--cfg-options', *data_options(root))
    return json.loads(next(work.glob('*/*.json')).read_text())['aAcc']


def assert_scores_like_float(config, ckpt, int8_model, root, tmp_path):
    """tools/test.py scores the float checkpoint >= 90 aAcc on the synthetic
    test frames and the int8 model within a point of it."""
    scores = {
        name: aacc_of_test_py(config, model, root, tmp_path / name)
        for name, model in (('float', ckpt), ('int8', int8_model))
    }
    assert scores['float'] >= 90
    assert abs(scores['int8'] - scores['float']) <= 1.0


def test_int8_model_scores_like_the_float_one(trained, int8_file,  # noqa
                                              tmp_path):
    """tools/test.py with the .onnx gives the float checkpoint's aAcc
    within a point on the synthetic test frames."""
    _, ckpt, root = trained
    assert_scores_like_float(int8_file.parent / 'basic_small.py', ckpt,
                             int8_file, root, tmp_path)


def test_openvino_backend_model_scores_like_the_float_one(
        trained, tmp_path):  # noqa: F811
    """--backend openvino writes an int8 IR (.xml + .bin), checked against
    float on the held-out image, that tools/test.py scores within a point
    of the float checkpoint's aAcc."""
    pytest.importorskip('openvino', reason='pip install -e .[openvino]')
    pytest.importorskip('nncf', reason='pip install -e .[openvino]')
    _, ckpt, root = trained
    out = tmp_path / 'basic_int8.xml'
    printed = run_tool(*quantize_args(trained, out), '--backend', 'openvino')
    assert f'wrote {out}: int8 (OpenVINO), input 1x3x48x64' in printed
    assert 'int8 vs float on ' in printed and 'argmax agreement' in printed
    assert out.with_suffix('.bin').is_file()
    assert_scores_like_float(out.parent / 'basic_small.py', ckpt, out, root,
                             tmp_path)


def test_out_must_fit_the_backend(trained, tmp_path):  # noqa: F811
    out = tmp_path / 'x.onnx'
    printed = run_tool(*quantize_args(trained, out), '--backend',
                       'openvino', fails=True)
    assert f'--out {out}: the openvino back end writes a .xml file' in \
        printed
    assert not out.exists()


def test_int8_model_in_demo(trained, int8_file, tmp_path):  # noqa: F811
    _, _, root = trained
    config = int8_file.parent / 'basic_small.py'
    run_tool('demo/image_demo.py', root / 'val', config, int8_file,
             '--out-dir', tmp_path)
    assert len(list(tmp_path.glob('*_mask.png'))) == 4


def test_int8_model_in_video_demo(trained, int8_file, tmp_path):  # noqa
    import cv2
    _, _, root = trained
    video = tmp_path / 'in.avi'
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*'MJPG'), 5,
                             SHAPE[::-1])
    for image in sorted((root / 'val').iterdir()):
        writer.write(cv2.imread(str(image)))
    writer.release()
    config = int8_file.parent / 'basic_small.py'
    run_tool('demo/video_demo.py', video, config, int8_file, '--out',
             tmp_path / 'out.avi')
    cap = cv2.VideoCapture(str(tmp_path / 'out.avi'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 4


def test_wrong_input_size_is_named(trained, int8_file):  # noqa: F811
    _, _, root = trained
    model = init_segmentor(int8_file.parent / 'basic_small.py', int8_file)
    import torch
    with pytest.raises(ValueError, match='takes 48x64 inputs.*gives 32x32'):
        model(torch.zeros(1, 3, 32, 32), mode='tensor')


def test_errors_name_the_problem(trained, tmp_path):  # noqa: F811
    out = tmp_path / 'x.onnx'
    missing = tmp_path / 'nowhere'
    assert f'no such image or directory: {missing}' in run_tool(
        *quantize_args(trained, out, missing), fails=True)
    (tmp_path / 'empty').mkdir()
    assert 'no images' in run_tool(
        *quantize_args(trained, out, tmp_path / 'empty'), fails=True)
    args = quantize_args(trained, out)
    args[1] = REPO_ROOT / 'configs' / 'segnet_camvid.py'  # another model
    printed = run_tool(*args, fails=True)
    assert f'checkpoint {args[2]} does not fit the model of' in printed
    assert not out.exists()


def test_agreement_gate(trained, tmp_path):  # noqa: F811
    """The int8 model is checked on an image the calibration did not see and
    the tool fails below --min-agreement."""
    _, _, root = trained
    out = tmp_path / 'x.onnx'
    calibrated = root / 'train' / 'train_000.png'
    printed = run_tool(*quantize_args(trained, out), '--check-image',
                       calibrated, fails=True)
    assert f'--check-image {calibrated} is a calibration image' in printed
    assert not out.exists()
    printed = run_tool(*quantize_args(trained, out), '--num-calib', '4',
                       fails=True)
    assert (f"all 4 images of --calib-dir {root / 'train'} calibrate, none "
            'is left to check the int8 model on: lower --num-calib or pass '
            '--check-image') in printed
    assert not out.exists()
    unseen = root / 'val' / 'val_000.png'
    out.write_text('an earlier model')
    printed = run_tool(*quantize_args(trained, out), '--check-image',
                       unseen, '--min-agreement', '1.5', fails=True)
    assert f'int8 vs float on {unseen} (not calibrated on)' in printed
    assert ('is below min_agreement 1.5: the model is not written (a lower '
            '--min-agreement accepts it)') in printed
    assert out.read_text() == 'an earlier model'
    assert not any(p.name.startswith('.unchecked')
                   for p in tmp_path.iterdir())


def test_quantizes_on_a_cpu_without_vnni(trained, tmp_path,  # noqa: F811
                                         monkeypatch, capsys):
    """AVX2 kernels are faster than float too: no refusal, the CPU's int8
    instructions are named."""
    spec = importlib.util.spec_from_file_location(
        'quantize_tool', REPO_ROOT / 'tools' / 'deployment' / 'quantize.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(tool, 'int8_cpu_support',
                        lambda: Int8Support((), True))
    args = quantize_args(trained, tmp_path / 'x.onnx')[1:]
    monkeypatch.setattr(sys, 'argv', ['quantize.py', *map(str, args)])
    tool.main()
    assert (tmp_path / 'x.onnx').is_file()
    assert ('int8 dot-product instructions: none (ONNX Runtime runs int8 '
            'with AVX2 kernels)') in capsys.readouterr().out
