"""The analysis engine: language, tone, threat and actors for one article, offline and explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import analyze, analyzer_version, compose_text
    from .types import Analysis

__all__ = ["Analysis", "analyze", "analyzer_version", "compose_text"]


def __getattr__(name: str):
    # Lazy, so that importing one engine module (e.g. .text) does not load lexicons and gazetteer.
    if name == "Analysis":
        from .types import Analysis

        return Analysis
    if name in __all__:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(name)
