"""Reads of more than one filter, one module per subject, each a fixed number of queries."""

from . import figures, review

__all__ = ["figures", "review"]
