from .curves import plot_curves, run_label

__all__ = ['plot_curves', 'run_label']
