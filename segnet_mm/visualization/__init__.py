from .curves import (Scalars, load_run, load_scalars, load_work_dir,
                     plot_curves, run_label)

__all__ = [
    'Scalars', 'load_run', 'load_scalars', 'load_work_dir', 'plot_curves',
    'run_label'
]
