"""Each source's watchlist settings (`sources.<name>` in the YAML), one module per source.

The table that ties a source to its settings, adapter, credentials, queue, influence formula and
local fake is `domain.source_registry`.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, field_validator

from repmon.domain.sources.handles import RULES


class Strict(BaseModel):
    """A watchlist block: unknown keys are refused (a misspelt key must not pass)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceOptions(Strict):
    """A source's watchlist settings: unknown keys are refused (a misspelt key must not pass).

    Every source has `own_accounts`, the brand's own handles there (README, "The brand's own
    accounts"), checked and normalised by its platform's rule (`handle_rule`, domain.sources.handles).
    """

    #: Which rule of `handles.RULES` checks own_accounts; a new source without one gets the loose `any`.
    handle_rule: ClassVar[str] = "any"

    own_accounts: tuple[str, ...] = ()

    @field_validator("own_accounts")
    @classmethod
    def _own_handles(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        rule = RULES.get(cls.handle_rule, RULES["any"])
        return tuple(dict.fromkeys(rule(handle) for handle in value))

    @property
    def active(self) -> bool:
        """Whether plan_polls schedules this source for the brand."""
        return bool(getattr(self, "enabled", True))

    def manages(self, location_id: str | None) -> bool:
        """Whether the brand can answer there: a place it watches but does not run (a competitor's)
        has no reply of the brand's to see, so its reviews are "reply unknown", never "unanswered"."""
        return True
