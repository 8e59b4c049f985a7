"""The old address of the resource, kept for `benchmarks/run.py` (another helper's folder) until it imports
`assets.resources`: the resource lives beside the assets that use it. Nothing in the project imports this."""

from assets.resources import CircularsHome

__all__ = ["CircularsHome"]
