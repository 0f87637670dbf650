"""The imports between packages point one way: visualization reads through
analysis and analysis measures through apis, never the reverse, and the
package never reaches into tools/."""
import ast
from pathlib import Path
from typing import Dict, Set

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / 'segnet_mm'


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


def test_analysis_does_not_import_visualization():
    wrong = {
        module: sorted(n for n in names
                       if within(n, 'segnet_mm.visualization'))
        for module, names in package_imports().items()
        if within(module, 'segnet_mm.analysis')
    }
    assert not {m: n for m, n in wrong.items() if n}


def test_apis_does_not_import_analysis():
    wrong = {
        module: sorted(n for n in names if within(n, 'segnet_mm.analysis'))
        for module, names in package_imports().items()
        if within(module, 'segnet_mm.apis')
    }
    assert not {m: n for m, n in wrong.items() if n}


def test_package_does_not_import_tools():
    wrong = {
        module: sorted(n for n in names if within(n, 'tools'))
        for module, names in package_imports().items()
    }
    assert not {m: n for m, n in wrong.items() if n}
