# The two commands: `make example` (ingest the bundled example) and `make test`.
# Each does its own set-up (uv, then .venv/ from uv.lock) on a fresh machine.
.PHONY: setup example test test-fast ui bench fixtures

export DAGSTER_TELEMETRY_DISABLED := 1
export GX_ANALYTICS_ENABLED := false

setup:
	@scripts/bootstrap

example: setup
	.venv/bin/circulars ingest examples/
	@echo
	.venv/bin/circulars sql "SELECT symbol, issued_on, place, languages, page_count, status FROM circulars"
	.venv/bin/circulars sql "SELECT event_type, count(*) AS events FROM events GROUP BY 1 ORDER BY min(seq)"
	.venv/bin/circulars sql "SELECT coalesce(symbol, 'item ' || item_no) AS decision, action, status, silence_deadline, left(subject, 50) AS subject FROM decisions"
	.venv/bin/circulars sql "SELECT item_no AS no, left(title, 44) AS title, lead_organizer, timing_text, starts_on, ends_on, timing_precision AS precision FROM plan_items WHERE plan_year = 2024 ORDER BY item_no"
	.venv/bin/circulars sql "SELECT line_no, section, title, amount_usd, line_kind FROM budget_lines WHERE budget_year = 2024 ORDER BY position"

test: setup
	.venv/bin/ruff check .
	.venv/bin/pytest -q

# The fast part while working: no Dagster run, no Great Expectations, no PDF corpus (under a minute).
test-fast: setup
	.venv/bin/ruff check .
	.venv/bin/pytest -q -m "not slow and not corpus and not browser"

# The UI on http://127.0.0.1:3000, over the same Dagster instance the CLI records its runs in.
ui: setup
	DAGSTER_HOME="$$(.venv/bin/python -c 'from circulars.home import resolve_home; from pipelines.instance import prepare; print(prepare(resolve_home()).dagster_home)')" \
	  .venv/bin/dg dev -w workspace.yaml -h 127.0.0.1 -p 3000

# Re-render the PDF fixtures from tests/fixtures/text/: reportlab layouts and bad files, then the
# other producers (needs Debian's chromium and libreoffice; nothing reaches the network).
fixtures: setup
	.venv/bin/python tests/fixtures/render.py
	.venv/bin/python tests/fixtures/producers.py
