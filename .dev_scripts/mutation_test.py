"""Mutation testing of segnet_mm's core modules with mutmut 3.

Slow (minutes per module on an idle machine) and not part of CI; run it by
hand from the repository root, in the project's environment:

    pip install 'mutmut>=3,<4'
    python .dev_scripts/mutation_test.py                      # every module
    python .dev_scripts/mutation_test.py --modules loss pooling
    python .dev_scripts/mutation_test.py --modules loss --keep
    cd mutants && mutmut show ID                              # after --keep

For each entry of ``MODULES`` it copies the package, tests, configs and
tools into ``mutants/`` (git-ignored), writes a ``setup.cfg`` there whose
``[mutmut]`` section mutates only that entry's files and runs only its
tests, runs ``mutmut run`` there (which makes its own copy in
``mutants/mutants/``) and reads the verdicts from mutmut's ``*.py.meta``
files. The checkout itself is never written to: no ``setup.cfg`` appears
at its root. ``mutants/`` is removed at the end unless ``--keep`` is given
(it then holds the last entry run, config included, so ``mutmut show`` and
``mutmut browse`` work in it).

It prints a markdown table, score = killed / mutants (timeouts and mutants
no selected test reaches count as not killed), then every mutant not
killed, with ``mutmut show`` of each survivor.
"""
import argparse
import json
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
# Not mutated, but the tests read them (REPO_ROOT is mutmut's copy).
ALSO_COPY = ['configs', 'tools', 'model-index.yml', 'setup.py']

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / 'mutants'
KILLED = {'killed', 'caught by type check'}


def prepare(files, tests, timeout_constant):
    """A fresh copy of the project in ``WORK`` with its mutmut config."""
    shutil.rmtree(WORK, ignore_errors=True)
    ignore = shutil.ignore_patterns('__pycache__', '.mim')
    for name in ['segnet_mm', 'tests'] + ALSO_COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, WORK / name, ignore=ignore)
        else:
            shutil.copy2(src, WORK / name)

    def lines(items):
        return ''.join(f'\n    {i}' for i in items)

    (WORK / 'setup.cfg').write_text(
        '[mutmut]\n'
        'source_paths = segnet_mm\n'
        f'only_mutate ={lines(files)}\n'
        f'also_copy ={lines(ALSO_COPY)}\n'
        f'pytest_add_cli_args_test_selection ={lines(tests)}\n'
        'pytest_add_cli_args = -p no:cacheprovider\n'
        # Plain fork deadlocks some workers after torch ran in the parent.
        'process_isolation = forkserver\n'
        # A mutant's wall-clock limit is (its tests' time + this) * 15 s.
        f'timeout_constant = {timeout_constant}\n'
        'use_git_change_detection = false\n')


def mutmut(*args, **kwargs):
    return subprocess.run([sys.executable, '-m', 'mutmut', *args], cwd=WORK,
                          **kwargs)


def verdicts(file):
    """{mutant id: status} from mutmut's meta file of ``file``."""
    from mutmut.stats import status_by_exit_code
    meta = WORK / 'mutants' / f'{file}.meta'
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text())['exit_code_by_key']
    return {k: status_by_exit_code[v] for k, v in codes.items()}


def run_module(name, max_children, timeout_constant):
    """Rows of the table and report lines for one ``MODULES`` entry."""
    files, tests = MODULES[name]
    files = [f'segnet_mm/{f}' for f in files]
    prepare(files, tests, timeout_constant)
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
                        help='seconds added to a mutant\'s test time before '
                        'mutmut\'s 15x wall-clock limit; mutmut\'s default '
                        '1 times out healthy mutants on a loaded machine '
                        '(default: 10)')
    args = parser.parse_args()

    # SIGTERM runs the finally below as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rows, notes = [], []
    try:
        for name in args.modules:
            module_rows, module_notes = run_module(
                name, args.max_children, args.timeout_constant)
            print('\n'.join(module_rows + module_notes), flush=True)
            rows += module_rows
            notes += module_notes
    finally:
        if not args.keep:
            shutil.rmtree(WORK, ignore_errors=True)
    print('\n| module | mutants | killed | survived | timeout/other '
          '| score % |\n|---|---|---|---|---|---|')
    print('\n'.join(rows))
    if notes:
        print('\nNot killed:\n')
        print('\n'.join(notes))
    if args.keep:
        print(f'\nKept {WORK}: cd there and run `mutmut show ID`.')


if __name__ == '__main__':
    main()
