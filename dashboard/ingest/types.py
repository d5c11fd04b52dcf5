"""What readers produce and what an ingest reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Rejections listed one by one in a summary; the rest are counted ("... and 12 more").
MAX_LISTED_REJECTIONS = 50

# Canonical article fields a CSV/JSONL column can be mapped to.
FIELDS = ("title", "text", "url", "published", "source", "language")


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article as read from its source, before analysis."""

    where: str  # file:line or URL, for messages
    text: str
    title: str | None = None
    url: str | None = None
    published: datetime | None = None
    source: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    where: str  # file, file:line or URL
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class IngestReport:
    read: int = 0  # items seen: stored + duplicates + rejected
    stored: int = 0  # articles written (new or replacing an older version)
    replaced: int = 0  # of ``stored``, those that replaced an older version
    duplicates: int = 0  # unchanged articles skipped
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"read {self.read}, stored {self.stored} ({self.replaced} replaced), "
            f"duplicates {self.duplicates}, rejected {len(self.rejected)}"
        ]
        lines += [f"  rejected {r}" for r in self.rejected[:MAX_LISTED_REJECTIONS]]
        if len(self.rejected) > MAX_LISTED_REJECTIONS:
            lines.append(f"  ... and {len(self.rejected) - MAX_LISTED_REJECTIONS} more")
        return "\n".join(lines)
