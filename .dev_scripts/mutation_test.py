"""Mutation testing of segnet_mm's core modules with mutmut 3.

Slow (minutes to hours per module) and not part of CI; run it by hand from
the repository root, in the project's environment:

    pip install 'mutmut>=3,<4'
    python .dev_scripts/mutation_test.py                      # every module
    python .dev_scripts/mutation_test.py --modules loss pooling
    python .dev_scripts/mutation_test.py --modules loss --keep
    python .dev_scripts/mutation_test.py --show ID            # after --keep

For each entry of ``MODULES`` it writes a temporary ``setup.cfg`` with a
``[mutmut]`` section (mutate only that entry's files, run only its tests),
runs ``mutmut run`` (which copies the project into ``mutants/`` and runs
pytest there), reads the verdicts from ``mutants/**/*.py.meta``, then
removes ``setup.cfg`` and ``mutants/`` (``--keep`` keeps ``mutants/`` of
the last entry run). It prints a markdown table, score = killed / mutants
(timeouts and mutants no selected test reaches count as not killed), and
``mutmut show`` of every surviving mutant. ``mutmut show ID`` needs the
config, so with ``--keep`` look at a mutant with ``--show ID``.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

# name -> (files under segnet_mm/ to mutate, tests that cover them)
MODULES = {
    'pooling': (['models/utils/pooling.py'],
                ['tests/test_models/test_utils/test_pooling.py',
                 'tests/test_models/test_heads/test_segnet_head.py']),
    'backbone': (['models/backbones/segnet.py'],
                 ['tests/test_models/test_backbones']),
    'head': (['models/decode_heads/segnet_head.py'],
             ['tests/test_models/test_heads']),
    'loss': (['models/losses/weighted_cross_entropy_loss.py'],
             ['tests/test_models/test_losses']),
    'datasets': (['datasets/camvid.py', 'datasets/checks.py'],
                 ['tests/test_datasets']),
    'metrics': (['evaluation/metrics/class_iou_metric.py',
                 'evaluation/metrics/bf_score.py'],
                ['tests/test_evaluation/test_metrics']),
    'calibration': (['evaluation/metrics/calibration_stats.py'],
                    ['tests/test_evaluation']),
    'class_weights': (['datasets/class_weights.py'],
                      ['tests/test_datasets/test_class_weights.py']),
    'checkpoint': (['engine/checkpoint.py'],
                   ['tests/test_engine/test_checkpoint.py',
                    'tests/test_engine/test_safe_checkpoints.py',
                    'tests/test_tools/test_publish_model_cli.py']),
    'bf16_optim': (['engine/optimizers/bf16_amp_optim_wrapper.py'],
                   ['tests/test_engine/test_optimizers']),
    'non_finite_hook': (
        ['engine/hooks/non_finite_loss_hook.py'],
        ['tests/test_engine/test_hooks/test_non_finite_loss_hook.py']),
}
# Not mutated, but the tests read them from the copy in mutants/.
ALSO_COPY = ['configs', 'tools', 'model-index.yml', 'setup.py']

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / 'setup.cfg'
MUTANTS = ROOT / 'mutants'
KILLED = {'killed', 'caught by type check'}


def write_config(files, tests, timeout_constant=1.0):
    lines = lambda items: ''.join(f'\n    {i}' for i in items)  # noqa: E731
    CONFIG.write_text(
        '[mutmut]\n'
        'source_paths = segnet_mm\n'
        f'only_mutate ={lines(files)}\n'
        f'also_copy ={lines(ALSO_COPY)}\n'
        f'pytest_add_cli_args_test_selection ={lines(tests)}\n'
        'pytest_add_cli_args = -p no:cacheprovider\n'
        # A mutant's wall-clock limit is (its tests' time + this) * 15 s.
        f'timeout_constant = {timeout_constant}\n'
        'use_git_change_detection = false\n')


def mutmut(*args, **kwargs):
    return subprocess.run([sys.executable, '-m', 'mutmut', *args], cwd=ROOT,
                          **kwargs)


def verdicts(file):
    """{mutant id: status} from mutmut's meta file of ``file``."""
    from mutmut.stats import status_by_exit_code
    meta = MUTANTS / f'{file}.meta'
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text())['exit_code_by_key']
    return {k: status_by_exit_code[v] for k, v in codes.items()}


def run_module(name, max_children, timeout_constant):
    """Rows of the table and report lines for one ``MODULES`` entry."""
    files, tests = MODULES[name]
    files = [f'segnet_mm/{f}' for f in files]
    shutil.rmtree(MUTANTS, ignore_errors=True)
    write_config(files, tests, timeout_constant)
    print(f'\n## {name}: mutmut run on {", ".join(files)}', flush=True)
    rc = mutmut('run', '--max-children', str(max_children)).returncode
    rows, notes = [], []
    if rc:
        notes.append(f'`mutmut run` exited {rc} for {name}; see its output.')
    for file in files:
        status = verdicts(file)
        counts = [len(status), sum(s in KILLED for s in status.values()),
                  sum(s == 'survived' for s in status.values())]
        counts.append(counts[0] - counts[1] - counts[2])
        score = f'{100 * counts[1] / counts[0]:.1f}' if counts[0] else '-'
        rows.append(f'| {file} | ' + ' | '.join(map(str, counts))
                    + f' | {score} |')
        for mutant, s in sorted(status.items()):
            if s in KILLED:
                continue
            notes.append(f'- `{mutant}`: {s}')
            if s == 'survived':
                diff = mutmut('show', mutant, capture_output=True, text=True)
                notes.append('  ```diff\n' + ''.join(
                    f'  {line}\n' for line in
                    (diff.stdout or diff.stderr).strip().splitlines())
                    + '  ```')
    return rows, notes


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--modules', nargs='+', choices=sorted(MODULES),
                        default=list(MODULES), metavar='NAME',
                        help=f'entries of MODULES: {", ".join(MODULES)}')
    parser.add_argument('--keep', action='store_true',
                        help='keep mutants/ (of the last entry run)')
    parser.add_argument('--max-children', type=int, default=1,
                        help='parallel mutant workers (default: 1)')
    parser.add_argument('--timeout-constant', type=float, default=10,
                        help='seconds added to each mutant\'s test time '
                        'before mutmut\'s 15x timeout; mutmut\'s default 1 '
                        'times out healthy mutants on a loaded machine '
                        '(default: 10)')
    parser.add_argument('--show', metavar='ID', nargs='+',
                        help='mutmut show ID, in the mutants/ kept by --keep')
    args = parser.parse_args()

    if CONFIG.exists():
        sys.exit(f'{CONFIG} exists; this script writes its own and '
                 'removes it afterwards')
    # SIGTERM runs the finally below as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rows, notes = [], []
    try:
        if args.show:
            write_config([f'segnet_mm/{f}' for fs, _ in MODULES.values()
                          for f in fs], [])
            for mutant in args.show:
                mutmut('show', mutant)
            return
        for name in args.modules:
            module_rows, module_notes = run_module(
                name, args.max_children, args.timeout_constant)
            rows += module_rows
            notes += module_notes
    finally:
        CONFIG.unlink(missing_ok=True)
        if not args.keep and not args.show:
            shutil.rmtree(MUTANTS, ignore_errors=True)
    print('\n| module | mutants | killed | survived | timeout/other '
          '| score % |\n|---|---|---|---|---|---|')
    print('\n'.join(rows))
    if notes:
        print('\nNot killed (inspect with `mutmut show ID`, '
              'or `--keep` then `--show ID`):\n')
        print('\n'.join(notes))


if __name__ == '__main__':
    os.chdir(ROOT)
    main()
