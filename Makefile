# Talat's commands. `make run` serves the site on SQLite with demo data; `make test` runs
# every test. Both install what they need into .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=wsgi $(BIN)/flask
PORT ?= 8000
export PORT
# Test processes: each gets its own SQLite file and PostgreSQL schema; a test file stays on one.
# Three on two cores: the browser and PostgreSQL tests leave a core idle while they wait, and
# the whole suite took 10:46 with three against 13:29 with two (2026-11-24, same machine).
TEST_WORKERS ?= 3

.PHONY: run test install install-dev translations migrate demo extract-messages bench bench-fanout clean

run: install translations migrate demo
	@echo ""
	@echo "Talat is running at http://127.0.0.1:$(PORT)  (Ctrl+C to stop)"
	@echo ""
	@# The scheduled jobs (settle auctions, deliver mail, expire orders, ...) run every minute
	@# beside the web server and stop with it.
	trap 'kill 0' EXIT; $(FLASK) jobs loop --every 60 & $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install-dev translations
	bash scripts/install-test-deps.sh
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed-run $@

install: $(VENV)/.installed-run

install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel -q compile --use-fuzzy -d app/translations

migrate: install
	$(FLASK) db upgrade

demo: install
	$(FLASK) demo load

extract-messages: install
	@# (--ignore-dirs: by default Babel skips directories whose names start with "_", such as
	@# templates/_macros, and their messages would stay in English on Thai pages; --width 100:
	@# the width the catalogues are kept at, so an update adds only its own lines)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --ignore-dirs ".*" --width 100 -o app/translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete --width 100

bench: install-dev translations
	$(BIN)/python bench/browse_search.py

# 1,000 SSE watchers on one auction (needs Redis at BENCH_REDIS_URL, default db 14).
bench-fanout: install-dev translations
	$(BIN)/python bench/fanout.py

.PHONY: bench-auction-page
bench-auction-page: install-dev translations
	$(BIN)/python bench/auction_page.py

# 64 bidders on one auction and on 100 auctions, PostgreSQL at BENCH_POSTGRES_URL (a database
# it creates and drops): closed loop (as fast as the server answers), then open loop at 25,
# 50, 75, 100 and 300 bid attempts/s; bids/s, p50/p95/p99, CPU per bid post, and a check
# that no bid was lost.
.PHONY: bench-bids
bench-bids: install-dev translations
	$(BIN)/python bench/bids.py --rates 25,50,75,100

# 10,000 pending review items on SQLite behind gunicorn: p50/p95 of the moderators' queue page
# and of deciding one item in place (target p95 < 100 ms).
.PHONY: bench-queue
bench-queue: install-dev translations
	$(BIN)/python bench/moderation_queue.py

clean:
	rm -rf $(VENV) instance .pytest_cache
