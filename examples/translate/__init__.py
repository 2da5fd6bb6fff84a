"""translate: the text in another language, as a plug-in (OPERATION_PLUGINS=examples.translate)."""

# Relative imports, so the package works under whatever name a fork copies it to.
from .operation import OPERATION

__all__ = ["OPERATION"]
