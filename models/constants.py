"""Constants of the domain, in one place: what the circulars assume when they do not say.

Imported by every layer (models import nothing of the project, so anything may import this).
The projections' SQL names the same zone as a literal (`timezone('Asia/Almaty', ...)` in
`circulars/sql/` and `circulars/changes.py`): change both together.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

ASTANA = "Asia/Almaty"
"""Astana time, the Secretariat's: the zone of every date, deadline and valid time a circular does not
place elsewhere (IANA has no Asia/Astana; Almaty's zone is Kazakhstan's, UTC+5 since 1 March 2024, UTC+6
before)."""

ASTANA_ZONE = ZoneInfo(ASTANA)
