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

# Debian packages: the C toolchain that cgo needs for the embedded DuckDB,
# and GNU time for `make bench`.
DEBIAN_PACKAGES := gcc g++ libc6-dev time

# `make bench` (bench/main.go) generates its data sets once into BENCH_DIR
# and writes BENCHMARKS.md. BENCH_ONLY picks steps by a regexp of their names;
# BENCH_BEFORE names an older build for the before-after step.
BENCH_DIR  ?= $(CURDIR)/.bench
BENCH_RUNS ?= 5
BENCH_ONLY ?=
BENCH_BEFORE ?=

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  := $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

export CGO_ENABLED := 1

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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
tools: deps $(STATICCHECK) ## install everything: Debian packages, pinned Go tools, Go modules
	$(GO) mod download

$(STATICCHECK):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLS_DIR)/staticcheck $@

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
	$(GO) test -count=1 -race ./booking/... ./demo/... ./report/... ./storage/...

.PHONY: bench
bench: build ## measure salon against DuckDB run directly (1M-10M events, one file per event); writes BENCHMARKS.md
	$(GO) run ./bench -bin $(BIN) -cache $(BENCH_DIR) -runs $(BENCH_RUNS) -only '$(BENCH_ONLY)' -before '$(BENCH_BEFORE)' -out BENCHMARKS.md

.PHONY: clean
clean: ## remove build output, installed tools and the bench data set
	rm -rf bin $(TOOLS_DIR) $(BENCH_DIR)
