"""The imports between the package's rooms point one way:

    analysis (benchmarking) -> apis -> deployment -> the core
    visualization -> analysis (run logs, reliability numbers)

The core (models, datasets, evaluation, engine) and utils import none of
the rooms above them; deployment, an optional room, never imports the
API, the measuring or the plotting; the API never imports measuring or
plotting; measuring never imports plotting; plotting runs no model;
models never import datasets; and the package never reaches into tools/
or the development scripts."""
import ast
from pathlib import Path
from typing import Dict, Set

import pytest

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / 'segnet_mm'
CORE = ('models', 'datasets', 'evaluation', 'engine', 'utils')
ABOVE_CORE = ('apis', 'deployment', 'analysis', 'visualization')
# room -> the rooms it must not import
FORBIDDEN = {
    **{room: ABOVE_CORE for room in CORE},
    'models': ABOVE_CORE + ('datasets',),
    'utils': ABOVE_CORE + ('models', 'datasets', 'evaluation', 'engine'),
    'deployment': ('apis', 'analysis', 'visualization'),
    'apis': ('analysis', 'visualization'),
    'analysis': ('visualization', ),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def imported_modules(path: Path) -> Set[str]:
    """Every module ``path`` imports, at the top or inside a function,
    relative imports resolved; ``from a import b`` counts ``a`` and
    ``a.b`` (``b`` may be a submodule)."""
    package = module_name(path).split('.')
    if path.name != '__init__.py':
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] \
                if node.level else []
            module = '.'.join(base + ([node.module] if node.module else []))
            found.add(module)
            found.update(f'{module}.{alias.name}' for alias in node.names)
    return found


def package_imports() -> Dict[str, Set[str]]:
    return {
        module_name(path): imported_modules(path)
        for path in sorted(PACKAGE.rglob('*.py'))
    }


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + '.')


def test_relative_imports_are_resolved():
    imports = package_imports()
    assert 'segnet_mm.analysis.run_logs' in imports[
        'segnet_mm.visualization.curves']
    assert 'segnet_mm.analysis.benchmark' in imports[
        'segnet_mm.analysis.inference_paths']
    assert 'segnet_mm.deployment.runtime_segmentor' in imports[
        'segnet_mm.apis.inference']
    assert 'segnet_mm.apis.split_inference.predict_split' in imports[
        'segnet_mm.analysis.reliability']


def test_every_room_is_in_the_order():
    rooms = {p.name for p in PACKAGE.iterdir()
             if (p / '__init__.py').is_file()}
    assert rooms == set(CORE + ABOVE_CORE)


@pytest.mark.parametrize('room', sorted(FORBIDDEN))
def test_room_imports_only_below_it(room):
    wrong = {
        module: sorted(n for n in names for other in FORBIDDEN[room]
                       if within(n, f'segnet_mm.{other}'))
        for module, names in package_imports().items()
        if within(module, f'segnet_mm.{room}')
    }
    assert not {m: n for m, n in wrong.items() if n}


def test_visualization_runs_no_model():
    runs_models = ('segnet_mm.apis.split_inference',
                   'segnet_mm.apis.mc_dropout',
                   'segnet_mm.apis.inference.init_segmentor',
                   'segnet_mm.deployment', 'mmengine.runner')
    wrong = {
        module: sorted(n for n in names for r in runs_models
                       if within(n, r))
        for module, names in package_imports().items()
        if within(module, 'segnet_mm.visualization')
    }
    assert not {m: n for m, n in wrong.items() if n}


def test_package_does_not_import_tools_or_dev_scripts():
    dev_scripts = {p.stem for p in (REPO_ROOT / '.dev_scripts').glob('*.py')}
    assert {'speed_suite', 'train_speed'} <= dev_scripts
    wrong = {
        module: sorted(n for n in names if within(n, 'tools')
                       or n.split('.')[0] in dev_scripts)
        for module, names in package_imports().items()
    }
    assert not {m: n for m, n in wrong.items() if n}
