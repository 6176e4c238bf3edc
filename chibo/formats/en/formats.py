# English pages use the same dd/mm/yyyy formats as Vietnamese ones.
from ..vi.formats import *  # noqa: F403
