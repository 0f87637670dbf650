"""The development scripts import their helpers as top-level modules, as
``python .dev_scripts/SCRIPT.py`` finds them beside itself."""
import sys

from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / '.dev_scripts'))
