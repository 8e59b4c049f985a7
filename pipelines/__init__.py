"""Dagster wiring: definitions, jobs, sensors, schedules and resources, assembled in one place."""
