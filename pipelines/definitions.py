"""Everything Dagster serves, assembled in one place (loaded by workspace.yaml)."""


import os

os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from dagster import Definitions, in_process_executor, load_asset_checks_from_modules, load_assets_from_modules  # noqa: E402

from assets import checks, intake, log, reading, state, truth  # noqa: E402
from assets.resources import CircularsHome  # noqa: E402

from .jobs import ingest_job  # noqa: E402
from .schedules import daily_ingest  # noqa: E402
from .sensors import inbox_sensor  # noqa: E402

defs = Definitions(
    assets=[*load_assets_from_modules([intake, reading, log, state]), log.circular_files],
    asset_checks=load_asset_checks_from_modules([checks, truth]),
    jobs=[ingest_job],
    sensors=[inbox_sensor],
    schedules=[daily_ingest],
    resources={"circulars_home": CircularsHome()},
    executor=in_process_executor,  # "Materialize all" in the UI runs as the sensor's run does: one process
)
