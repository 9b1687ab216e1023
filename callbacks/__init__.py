"""Dash callbacks, only the wiring: what a view shows is computed by views/."""
from .view import register_callbacks

__all__ = ["register_callbacks"]
