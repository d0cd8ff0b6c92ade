"""Each source's watchlist settings (`sources.<name>` in the YAML), one module per source.

The table that ties a source to its settings, adapter, credentials, queue, influence formula and
local fake is `domain.source_registry`.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SourceOptions(BaseModel):
    """A source's watchlist settings: unknown keys are refused (a misspelt key must not pass)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def active(self) -> bool:
        """Whether plan_polls schedules this source for the brand."""
        return bool(getattr(self, "enabled", True))
