"""The portal's pages show meetings: the meetings tests' fixtures, shared."""

from ..meetings.conftest import meeting  # noqa: F401
