"""Dash callbacks. Thin: parse inputs, call survey.results, shape figures."""
from .view import register_callbacks

__all__ = ["register_callbacks"]
