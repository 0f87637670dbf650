def percent(value: float) -> float:
    """A fraction as a percentage rounded to 2 decimals, as mmseg's
    metrics report theirs."""
    return float(round(float(value) * 100, 2))
