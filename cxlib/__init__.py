"""cxlib: the helper package of the CX diagnosis kit.

Notebooks tell the story; cxlib computes. Loading lives in :mod:`cxlib.client`,
the method in one module per chapter, the methodology itself as data in
:mod:`cxlib.catalog`.
"""

from cxlib.client import Client, DataError, Problem, SourceInfo, load_client, period_labels
from cxlib.notebook import setup_notebook

__all__ = ["Client", "DataError", "Problem", "SourceInfo", "load_client", "period_labels", "setup_notebook"]
__version__ = "0.1.0"
