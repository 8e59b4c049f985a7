"""Dagster assets, grouped by domain; each is thin over a plain function of `circulars`."""
