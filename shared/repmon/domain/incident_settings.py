"""The watchlist's `incidents:` section: how a brand's alerts are grouped into incidents and when
their emails go out (README, "Incidents and quiet hours")."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, field_validator

Day = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAYS: tuple[Day, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
_ISO: TypeAdapter[timedelta] = TypeAdapter(timedelta)
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


def parse_duration(value: Any) -> timedelta:
    """ "90m", "1h30m", "24h", "2d" or a number of minutes; or ISO 8601 ("PT1H30M"), as
    model_dump_json writes a timedelta, so a stored watchlist reads back as it was written."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, str) and value.startswith("P"):
        return _ISO.validate_python(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return timedelta(minutes=value)
    found = _DURATION.match(str(value).strip()) if isinstance(value, str) else None
    if not found or not any(found.groups()):
        raise ValueError(f"{value!r} is not a duration: write it like 45m, 1h30m, 24h or 2d")
    days, hours, minutes = (int(part or 0) for part in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


class QuietHours(BaseModel):
    """A local-time window (in the brand's `timezone`) during which only critical emails go out.
    `days` are the days a window starts on: "22:00-07:00" on friday runs into Saturday morning."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: str
    days: tuple[Day, ...] = DAYS

    @field_validator("window")
    @classmethod
    def _window_shape(cls, value: str) -> str:
        found = _WINDOW.match(value.strip())
        if not found:
            raise ValueError(f"{value!r} is not a window: write it like '22:00-07:00' (24-hour local times)")
        if found[1] == found[3] and found[2] == found[4]:
            raise ValueError(f"{value!r} starts and ends at the same time: give a window of some length")
        return value.strip()

    @field_validator("days")
    @classmethod
    def _some_day(cls, value: tuple[Day, ...]) -> tuple[Day, ...]:
        if not value:  # quiet hours that never apply would pass unnoticed
            raise ValueError("give at least one day (or leave quiet_hours out)")
        return value

    @property
    def bounds(self) -> tuple[time, time]:
        start, end = self.window.split("-")
        return time.fromisoformat(start), time.fromisoformat(end)

    def started(self, at: datetime, zone: ZoneInfo) -> datetime:
        """When the window `at` falls in began (aware, local), for an `at` that `covers` holds for."""
        local = at.astimezone(zone)
        start, end = self.bounds
        day = local.date()
        if start > end and local.time().replace(tzinfo=None) < end:
            day -= timedelta(days=1)  # the morning part of a window that began yesterday evening
        return datetime.combine(day, start, tzinfo=zone)

    def covers(self, at: datetime, zone: ZoneInfo) -> bool:
        """Whether `at` (aware) falls inside a window that started on one of `days`, local time."""
        local = at.astimezone(zone)
        start, end = self.bounds
        clock = local.time().replace(tzinfo=None)
        if start < end:
            return start <= clock < end and DAYS[local.weekday()] in self.days
        if clock >= start:  # the evening part: the window started today
            return DAYS[local.weekday()] in self.days
        if clock < end:  # the morning part: it started yesterday
            return DAYS[(local.weekday() - 1) % 7] in self.days
        return False


class IncidentSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: New evidence (another rule, more influencer complaints) is emailed at most this often.
    group_interval: Annotated[timedelta, Field(ge=timedelta(minutes=5))] = timedelta(minutes=60)
    #: An incident still open this long after its last email gets one reminder.
    repeat_interval: Annotated[timedelta, Field(ge=timedelta(hours=1))] = timedelta(hours=24)
    #: Every rule must stay recovered this long before the incident is resolved.
    settle: Annotated[timedelta, Field(ge=timedelta(0))] = timedelta(minutes=60)
    quiet_hours: QuietHours | None = None

    @field_validator("group_interval", "repeat_interval", "settle", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> timedelta:
        return parse_duration(value)
