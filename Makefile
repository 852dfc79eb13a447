# instudio-report — the front door. `make help` lists the targets.
#
# Every version the build and the tests depend on is pinned here or in
# go.mod; `make test` installs what is missing, so it passes on a fresh
# Debian machine by itself.

SHELL := /bin/bash
.DEFAULT_GOAL := help

GO      ?= go
BIN     := bin/instudio-report
DATA    ?= ./data
FORMAT  ?= table

# Go tools, pinned; installed into .tools/ by `make tools`.
STATICCHECK_VERSION := v0.8.2
TOOLS_DIR           := $(CURDIR)/.tools
STATICCHECK         := $(TOOLS_DIR)/staticcheck-$(STATICCHECK_VERSION)
# mailpit: the SMTP server the send tests deliver to (found as .tools/mailpit).
MAILPIT_VERSION     := v1.33.1
MAILPIT             := $(TOOLS_DIR)/mailpit-$(MAILPIT_VERSION)

# Debian packages: the C toolchain that cgo needs for the embedded DuckDB,
# GNU time for `make bench`, and chromium (headless) with a font for the
# tests that render the HTML report.
DEBIAN_PACKAGES := gcc g++ libc6-dev time chromium fonts-dejavu-core

# The bench data set: about a million events, fixed in time so that every
# run measures the same thing.
BENCH_DIR   ?= $(CURDIR)/.bench
BENCH_NOW   := 2026-11-27T12:00:00Z
BENCH_DEMO  := --salons 40 --days 540 --seed 1 --now $(BENCH_NOW)
BENCH_SALON := salon --id 1 --from 2026-10-28 --to 2026-11-27 -o json
BENCH_SALONS := salons --from 2026-10-28 --to 2026-11-27 -o json
BENCH_RUNS  ?= 3
# The send bench: 500 salons, two weeks of demo data, kept between runs.
BENCH_SEND_DIR ?= $(CURDIR)/.bench-send

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  := $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

export CGO_ENABLED := 1

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: deps
deps: ## install the Debian packages the build and tests need, when missing
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

.PHONY: tools
tools: deps $(STATICCHECK) $(MAILPIT) ## install everything: Debian packages, pinned Go tools, Go modules
	$(GO) mod download

$(STATICCHECK):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLS_DIR)/staticcheck $@

$(MAILPIT):
	@mkdir -p $(TOOLS_DIR)
	rm -f $(TOOLS_DIR)/mailpit
	GOBIN=$(TOOLS_DIR) $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)
	mv $(TOOLS_DIR)/mailpit $@
	ln -sf $(notdir $@) $(TOOLS_DIR)/mailpit

.PHONY: build
build: deps ## build the CLI into bin/
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/instudio-report

.PHONY: run
run: build ## write demo data to ./data if it has none, then print salon 1's last 30 days
	@if ! compgen -G "$(DATA)/bookings/dt=*/*.parquet" >/dev/null; then \
		./$(BIN) demo --dest $(DATA); \
	fi
	./$(BIN) --source $(DATA) salon --id 1 --period last-30d -o $(FORMAT)

.PHONY: test
test: tools ## check formatting, vet, staticcheck, and run every test
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@# The event, storage and report packages must build without cgo: the
	@# ingest Lambda (provided.al2023, no cgo) links them.
	CGO_ENABLED=0 $(GO) build ./booking/... ./storage/... ./demo/... ./report/...
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race ./booking/... ./demo/... ./report/... ./storage/... ./mail/...

.PHONY: bench
bench: build bench-send ## time `salon` and `salons` (all 40) over about 1M demo events: wall, CPU, peak RSS
	@if ! compgen -G "$(BENCH_DIR)/bookings/dt=*/*.parquet" >/dev/null; then \
		echo "writing the bench data set to $(BENCH_DIR) (once)"; \
		/usr/bin/time -f "demo: %e s wall, %M KiB peak RSS" ./$(BIN) demo --dest $(BENCH_DIR) $(BENCH_DEMO) 2>&1 \
			| tee $(BENCH_DIR).log; \
	fi
	@files=$$(compgen -G "$(BENCH_DIR)/bookings/dt=*/*.parquet" | wc -l); \
	events=$$(grep -o 'events=[0-9]*' $(BENCH_DIR).log 2>/dev/null | cut -d= -f2); \
	echo "salon over $${events:-?} events in $$files files: $(BENCH_SALON)"; \
	for i in $$(seq $(BENCH_RUNS)); do \
		/usr/bin/time -f "  run $$i: %e s wall, %U+%S s CPU, %M KiB peak RSS" ./$(BIN) --source $(BENCH_DIR) $(BENCH_SALON) >/dev/null || exit 1; \
	done
	@echo "salons, every salon in one pass (target: at most 2x one salon): $(BENCH_SALONS)"; \
	for i in $$(seq $(BENCH_RUNS)); do \
		/usr/bin/time -f "  run $$i: %e s wall, %U+%S s CPU, %M KiB peak RSS" ./$(BIN) --source $(BENCH_DIR) $(BENCH_SALONS) >/dev/null || exit 1; \
	done

.PHONY: bench-send
bench-send: tools ## email 500 salons their week through mailpit: report pass vs SMTP time
	BENCH_SEND_DIR=$(BENCH_SEND_DIR) $(GO) test -count=1 -run '^$$' -bench BenchmarkSend500Salons -benchtime 1x ./cmd/instudio-report/cli/

.PHONY: clean
clean: ## remove build output, installed tools and the bench data set
	rm -rf bin $(TOOLS_DIR) $(BENCH_DIR) $(BENCH_DIR).log $(BENCH_SEND_DIR)
