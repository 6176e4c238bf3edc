"""Use cases that change petitions, one module per subject; views call them with cleaned values."""

from . import catalogue, workflow

__all__ = ["catalogue", "workflow"]
