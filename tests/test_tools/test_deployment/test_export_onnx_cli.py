"""tools/deployment/export_onnx.py through the real CLI."""
import re
import subprocess
import sys

from tests.conftest import REPO_ROOT
from tests.utils import SMALL_MODEL, save_small_checkpoint


def export(tmp_path, *extra):
    ckpt = save_small_checkpoint(tmp_path / 'small.pth')
    return subprocess.run([
        sys.executable, 'tools/deployment/export_onnx.py',
        'configs/segnet_camvid.py',
        str(ckpt), '--shape', '72', '96', '--out',
        str(tmp_path / 'small.onnx'), *extra, '--cfg-options', *SMALL_MODEL
    ], cwd=REPO_ROOT, capture_output=True, text=True)


def test_export_onnx_reports_agreement(tmp_path, camvid_root):
    image = camvid_root / 'val' / 'val_000.png'
    proc = export(tmp_path, '--image', str(image))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / 'small.onnx').is_file()
    assert 'input 1x3x72x96' in proc.stdout
    found = re.search(r'on (\S+): argmax agreement ([\d.]+), max \|logit '
                      r'diff\| ([\d.e+-]+)', proc.stdout)
    assert found, proc.stdout
    assert found.group(1) == str(image)
    assert float(found.group(2)) >= 0.999
    assert float(found.group(3)) < 1e-3


def test_export_onnx_fails_below_min_agreement(tmp_path):
    proc = export(tmp_path, '--min-agreement', '1.5')
    assert proc.returncode != 0
    assert ('is below min_agreement 1.5: the model is not written (a lower '
            '--min-agreement accepts it)') in proc.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / 'small.pth']
