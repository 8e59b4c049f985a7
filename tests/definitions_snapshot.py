"""What Dagster serves, as data: every asset, check, job, sensor and schedule of `pipelines.definitions`.

`tests/test_definitions_snapshot.py` compares it with `tests/snapshots/definitions.json`, so that an asset
or check dropped, renamed, regrouped or re-described by a restructuring shows as a diff to review, never
silently (the UI and the sensor see exactly this). Regenerate when a change is intended, and say so in
the commit: `.venv/bin/python -m tests.definitions_snapshot --update`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "definitions.json"


def describe() -> dict[str, list[dict]]:
    """The loaded Definitions, sorted by name, as JSON-ready rows."""
    from pipelines.definitions import defs

    repo = defs.get_repository_def()
    graph = repo.asset_graph
    assets = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets.append({
            "key": key.to_user_string(),
            "group": node.group_name,
            "materializable": node.is_materializable,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "partitions": str(node.partitions_def) if node.partitions_def else None,
            "kinds": sorted(node.kinds),
            "owners": sorted(node.owners),
            "description": node.description,
        })
    checks = []
    for check_key in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        check = graph.get(check_key)
        checks.append({
            "asset": check_key.asset_key.to_user_string(),
            "name": check_key.name,
            "blocking": check.blocking,
            "description": check.description,
        })
    jobs = [{"name": job.name, "description": job.description,
             "ops": sorted(node.name for node in job.graph.nodes)}
            for job in sorted(repo.get_all_jobs(), key=lambda j: j.name) if not job.name.startswith("__")]
    sensors = [{"name": s.name, "description": s.description, "minimum_interval_seconds": s.minimum_interval_seconds,
                "jobs": sorted(j.name for j in s.jobs), "default_status": s.default_status.value}
               for s in sorted(repo.sensor_defs, key=lambda s: s.name)]
    schedules = [{"name": s.name, "description": s.description, "cron": s.cron_schedule,
                  "timezone": s.execution_timezone, "job": s.job_name, "default_status": s.default_status.value}
                 for s in sorted(repo.schedule_defs, key=lambda s: s.name)]
    return {"assets": assets, "asset_checks": checks, "jobs": jobs, "sensors": sensors, "schedules": schedules}


def render(described: dict) -> str:
    return json.dumps(described, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the snapshot (else: compare)")
    args = parser.parse_args(argv)
    text = render(describe())
    if args.update:
        SNAPSHOT.write_text(text, encoding="utf-8")
        print(f"written {SNAPSHOT}")
        return 0
    same = SNAPSHOT.read_text(encoding="utf-8") == text
    print("same" if same else "DIFFERS")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
