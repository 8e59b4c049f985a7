"""Intake: files leave the inbox for the content-addressed store (no database touched)."""


from pathlib import Path

from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset
from pydantic import Field

from assets.resources import CircularsHome
from circulars import ingest, intake, runs


class InboxConfig(Config):
    files: list[str] = Field(
        default_factory=list,
        description="Names of inbox files to take (the sensor lists exactly the new ones); empty: everything in the inbox",
    )
    limit: int | None = Field(default=None, description="Take at most this many files in one run")


@asset(
    group_name="intake",
    kinds={"python", "file"},
    owners=["team:records"],
    description=(
        "Files dropped in `inbox/`, moved byte for byte into the content-addressed `store/` "
        "(named by SHA-256, read-only, never modified) and journaled for the log writer."
    ),
)
def inbox_arrivals(context: AssetExecutionContext, config: InboxConfig, circulars_home: CircularsHome) -> MaterializeResult:
    home = circulars_home.home()
    if runs.PID_TAG not in context.run.tags:
        # Launched by the daemon: name this run's process, so a run whose process dies is told apart.
        context.instance.add_run_tags(context.run.run_id, runs.process_tags())
    paths = [home.inbox / Path(name).name for name in config.files] if config.files else None
    arrivals = ingest.take_inbox(home, paths, limit=config.limit)
    context.log.info(f"took {len(arrivals)} file(s) from {home.inbox}")
    left_alone = intake.inbox_left_alone(home)
    for name, reason in left_alone:
        context.log.warning(f"left in the inbox: {name!r}: {reason}")
    return MaterializeResult(
        metadata={
            "files_taken": len(arrivals),
            "bytes_taken": sum(a.size for a in arrivals),
            "files": MetadataValue.md("\n".join(f"- `{a.file_name}` → `{a.sha256[:12]}…`" for a in arrivals[:50]) or "none"),
            "store": MetadataValue.path(str(home.store)),
            "left_alone_count": len(left_alone),
            "left_alone": MetadataValue.json([{"file_name": n, "reason": r} for n, r in left_alone]),
        }
    )
