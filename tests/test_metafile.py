"""model-index.yml and configs/metafile.yaml: parse, point at real configs,
cover every config once, and agree with what the configs say."""
import pytest
import yaml
from mmengine.config import Config

from tests.conftest import REPO_ROOT

CONFIGS = sorted(
    p.relative_to(REPO_ROOT).as_posix()
    for p in (REPO_ROOT / 'configs').rglob('*.py') if '_base_' not in p.parts)


def load_yaml(path):
    with open(REPO_ROOT / path) as f:
        return yaml.safe_load(f)


def metafiles():
    imports = load_yaml('model-index.yml')['Import']
    assert imports == ['configs/metafile.yaml']
    return [load_yaml(path) for path in imports]


def models():
    entries = [m for meta in metafiles() for m in meta['Models']]
    assert entries
    return entries


def test_collections():
    collections = {c['Name']: c for meta in metafiles()
                   for c in meta['Collections']}
    assert collections['SegNet']['Paper']['URL'] == \
        'https://arxiv.org/abs/1511.00561'
    for collection in collections.values():
        assert (REPO_ROOT / collection['README']).is_file()
    for model in models():
        assert model['In Collection'] in collections, model['Name']


def test_every_config_listed_once():
    assert CONFIGS
    listed = [m['Config'] for m in models()]
    assert sorted(listed) == CONFIGS


@pytest.mark.parametrize('model', models(), ids=lambda m: m['Name'])
def test_entry_matches_its_config(model):
    path = REPO_ROOT / model['Config']
    assert path.is_file(), model['Config']
    assert model['Name'] == path.stem
    cfg = Config.fromfile(path)
    meta = model['Metadata']
    h, w = cfg.model.data_preprocessor.get('size') or cfg.crop_size
    assert meta['crop size'] == f'({h},{w})'
    assert meta['lr schd'] == cfg.train_cfg.max_iters
    assert meta['Batch Size'] == cfg.train_dataloader.batch_size
    results = model['Results']
    # One result, or a list of them (runs on different machines).
    for result in results if isinstance(results, list) else [results]:
        assert result['Task'] == 'Semantic Segmentation'
        assert result['Dataset'] in (meta['Training Data'],
                                     f"{meta['Training Data']} test")
        for name, value in result.get('Metrics', {}).items():
            assert name in ('aAcc', 'mAcc', 'mIoU', 'mBFScore')
            assert 0 < value < 100


def test_model_index_loads_with_modelindex():
    """The library openmim reads model-index.yml with, where installed."""
    modelindex = pytest.importorskip('modelindex')
    index = modelindex.load(str(REPO_ROOT / 'model-index.yml'))
    index.build_models_with_collections()
    assert sorted(m.name for m in index.models) == sorted(
        m['Name'] for m in models())
