from .curves import Scalars, load_scalars, plot_curves, run_label

__all__ = ['Scalars', 'load_scalars', 'plot_curves', 'run_label']
