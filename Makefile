# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := run

HOST ?= 127.0.0.1
PORT ?= 8080
DATA_DIR ?= data
DEMO_EMAIL ?= demo@shopdesk.local
DEMO_PASSWORD ?= demo-seller-2026

.PHONY: deps build build-debug web run test test-unit test-api test-e2e bench clean

deps:
	@scripts/install-deps

# The release binary at build/release/shopdesk, with the built web app beside it. Only that
# target: the unit tests run from the sanitizer build, and bench/run-* build their own programs.
build: deps
	@cmake --preset release >/dev/null
	@ninja -C build/release shopdesk
	@$(MAKE) --no-print-directory web

web:
	@cd web && npm run --silent build
	@rm -rf build/release/web && cp -r web/dist build/release/web

# ASan + UBSan build for the unit tests.
build-debug: deps
	@cmake --preset debug >/dev/null
	@ninja -C build/debug

run: build
	@build/release/shopdesk migrate --data-dir $(DATA_DIR) >/dev/null
	@build/release/shopdesk seed-demo --data-dir $(DATA_DIR) --email $(DEMO_EMAIL) --password $(DEMO_PASSWORD)
	@echo "Open http://$(HOST):$(PORT)/ and sign in as $(DEMO_EMAIL) / $(DEMO_PASSWORD)"
	@exec build/release/shopdesk serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

# Unit (ASan), API on SQLite and PostgreSQL, web unit, browser tests; a summary line each.
test: build build-debug
	@scripts/test

bench: build
	@bench/run-healthz

clean:
	rm -rf build web/dist
