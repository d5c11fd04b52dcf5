"""The analysis engine: language, tone, threat and actors for one article, offline and explained."""

from .engine import analyze, analyzer_version, compose_text
from .types import Analysis

__all__ = ["Analysis", "analyze", "analyzer_version", "compose_text"]
