"""The parts of the report, in page order; each ``build(ctx) -> Part`` can be built alone.

Every part module has ``KEY`` (the HTML anchor), ``TITLE`` and ``build``.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    adverse_events,
    baseline,
    design,
    exposure,
    figures,
    flow,
    monitoring,
    outcomes,
    subgroups,
)

#: the report's parts, in the order of the page and of estimates.json
PARTS: tuple[ModuleType, ...] = (
    outcomes,
    figures,
    baseline,
    flow,
    subgroups,
    adverse_events,
    exposure,
    monitoring,
    design,
)

__all__ = ["PARTS"]
