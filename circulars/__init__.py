"""circulars: the domain core (store, event log, reading, projections, command line), free of Dagster."""
