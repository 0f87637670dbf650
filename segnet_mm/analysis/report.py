"""The markdown tables and lines the benchmark tools print, from measured
numbers: nothing here measures. A value that was not measured prints
blank (or ``–`` where the table says so)."""
import math
from collections import defaultdict
from typing import Dict, Iterable, Optional, Sequence

from .inference_paths import PathSpeed


def markdown_row(cells: Iterable[object]) -> str:
    """``| a | b |``."""
    return '| ' + ' | '.join(map(str, cells)) + ' |'


def markdown_header(columns: Sequence[str]) -> str:
    """The header row and the separator row under it."""
    return markdown_row(columns) + '\n|' + '---|' * len(columns)


def markdown_table(columns: Sequence[str],
                   rows: Iterable[Sequence[object]]) -> str:
    """A header and one line per row of cells."""
    return '\n'.join([markdown_header(columns), *map(markdown_row, rows)])


def _fmt(value: Optional[float], digits: int = 2) -> str:
    """``value`` to ``digits`` decimals; blank if None or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ''
    return f'{value:.{digits}f}'


def path_speed_table(rows: Sequence[PathSpeed], macs: int,
                     reference: Optional[str] = None) -> str:
    """Inference paths: ms/image, GOP/s reached (2 x MACs per image), % of
    the path's peak, x faster than ``reference`` (default: the fastest
    float path, one not named int8), peak memory."""
    floats = [r for r in rows if 'int8' not in r.name]
    if reference is None and floats:
        reference = min(floats, key=lambda r: r.ms).name
    ref = {r.name: r.ms for r in rows}.get(reference)
    lines = []
    for r in rows:
        gops = 2 * macs / (r.ms / 1e3) / 1e9
        lines.append([
            r.name, f'{r.ms:.1f}', f'{gops:.1f}',
            f'{100 * gops / r.peak_gops:.0f}% ({r.peak_gops:.0f})',
            f'{ref / r.ms:.2f}' if ref else '-', f'{r.peak_rss_mib:.0f}'
        ])
    return markdown_table(
        ['path', 'ms/img', 'GOP/s', '% of its peak (peak GOP/s)',
         f'x {reference or "fastest float"}', 'peak RSS MiB'], lines)


def op_time_table(profiles: Dict[str, Dict[str, float]]) -> str:
    """A markdown table of op kinds (rows, the most costly overall first)
    against paths (columns): ms per run, and each path's total
    (:mod:`.op_profile`'s profiles by path name)."""
    names = list(profiles)
    totals = defaultdict(float)
    for times in profiles.values():
        for op, ms in times.items():
            totals[op] += ms
    rows = [[op] + [f'{profiles[n][op]:.1f}' if op in profiles[n] else '-'
                    for n in names]
            for op in sorted(totals, key=lambda o: -totals[o])]
    rows.append(['total'] +
                [f'{sum(profiles[n].values()):.1f}' for n in names])
    return markdown_table(['op kind'] + [f'{n} ms' for n in names], rows)


def mc_dropout_table(ms: Dict[int, float]) -> str:
    """ms/img per number of dropout samples T and its ratio to T = 1
    (weight averaging; blank without T = 1)."""
    base = ms.get(1)
    return markdown_table(
        ['T', 'ms/img', 'x weight averaging'],
        ([t, f'{value:.0f}', f'{value / base:.2f}' if base else '']
         for t, value in ms.items()))


def comparison_tables(rows: Sequence[Dict],
                      class_names: Sequence[str]) -> str:
    """Two tables in mmseg's results style, from
    :func:`~.comparison.collect_row` rows: the comparison (cost, speed, val
    and test) and the per-class test IoU."""
    columns = [
        'config', 'backbone', 'head', 'crop', 'lr schd', 'device',
        'params (M)', 'GMACs', 'input', 'CPU bf16 ms/img', 'CPU s/iter',
        'val aAcc', 'val mAcc', 'val mIoU', 'test aAcc', 'test mAcc',
        'test mIoU'
    ]
    lines = []
    for r in rows:
        params, macs = r.get('params'), r.get('macs')
        lines.append([
            f"`{r['name']}`", r['backbone'], r['head'],
            'x'.join(map(str, r['crop'])) if r.get('crop') else '',
            r.get('iters') or '', r.get('device') or '',
            _fmt(params / 1e6 if params else None),
            _fmt(macs / 1e9 if macs else None, 1),
            'x'.join(map(str, r['input'])) if r.get('input') else '',
            _fmt(r['speed'].get('inference_ms'), 0),
            _fmt(r['speed'].get('train_s_per_iter')),
            *(_fmt(r['val'].get(k)) for k in ('aAcc', 'mAcc', 'mIoU')),
            *(_fmt(r['test'].get(k)) for k in ('aAcc', 'mAcc', 'mIoU'))
        ])
    per_class = markdown_table(
        ['config', *class_names],
        ([f"`{r['name']}`",
          *(_fmt(r['test'].get(f'IoU.{c}')) for c in class_names)]
         for r in rows))
    return markdown_table(columns, lines) + '\n\n' + per_class


SWEEP_COLUMNS = ('aAcc', 'mAcc', 'mIoU', 'ECE', 'NLL', 'Brier',
                 'AUROC.entropy', 'AUPR.entropy', 'AUROC.MI', 'AUPR.MI')


def mc_dropout_sweep_table(metrics: Dict[int, dict]) -> str:
    """One row per number of samples T (1: weight averaging) of the
    metrics in ``SWEEP_COLUMNS`` that some T has; ``NLL`` and ``Brier``
    to 3 decimals, the rest (percent) to 2."""
    columns = [c for c in SWEEP_COLUMNS
               if any(c in m for m in metrics.values())]
    return markdown_table(
        ['T', *columns],
        ([t, *(_fmt(m.get(c), 3 if c in ('NLL', 'Brier') else 2)
               for c in columns)] for t, m in metrics.items()))
