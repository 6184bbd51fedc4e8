"""The enforcement app's indicators (core.indicators), imported at start-up by core: each part of
the app declares its own in a module of its own."""

from . import indicators_inspections  # noqa: F401
