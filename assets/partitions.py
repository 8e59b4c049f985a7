"""One dynamic partition per distinct circular, keyed so a person can read it."""


import re

from dagster import DynamicPartitionsDefinition

circular_partitions = DynamicPartitionsDefinition(name="circulars")

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
ADD_CHUNK = 500


def circular_partition_key(sha256: str, symbol: str | None, issued_on: str | None, file_name: str | None) -> str:
    """E.g. `DOC-1497_2023-12-12_ac43fa664bdf`; falls back to the file name for unreadable files.

    Only letters, digits, `_` and `-`: never `...` nor control characters, which
    Dagster refuses in partition keys.
    """
    if symbol:
        label = f"{symbol}_{issued_on}" if issued_on else symbol
    else:
        label = (file_name or "circular").rsplit(".", 1)[0]
    label = _UNSAFE.sub("-", label).strip("-_")[:60] or "circular"
    return f"{label}_{sha256[:12]}"


def add_partitions(instance, keys: list[str]) -> None:
    """Add partitions in chunks: tens of thousands in one request fail on SQLite storage."""
    existing = set(instance.get_dynamic_partitions(circular_partitions.name))
    fresh = [key for key in dict.fromkeys(keys) if key not in existing]
    for start in range(0, len(fresh), ADD_CHUNK):
        instance.add_dynamic_partitions(circular_partitions.name, fresh[start : start + ADD_CHUNK])
