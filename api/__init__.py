"""The JSON and CSV API, /api/v1: the same query path as the dashboard."""
from .v1 import make_blueprint

__all__ = ["make_blueprint"]
