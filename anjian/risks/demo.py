"""Demo data of this app, built by `anjian demo` after the enterprises and hazards."""


def build_demo(seed: int = 0) -> dict:
    """Nothing yet; answers counts of what was made, for the demo command's summary."""
    return {}
