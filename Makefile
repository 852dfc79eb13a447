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
# versitygw: the real S3 server of the tests (storage/s3test starts it from
# .tools/versitygw, a link to the pinned binary).
VERSITYGW_VERSION   := v1.8.0
VERSITYGW           := $(TOOLS_DIR)/versitygw-$(VERSITYGW_VERSION)
# mailpit: the SMTP server the send tests deliver to (found as .tools/mailpit).
MAILPIT_VERSION     := v1.33.1
MAILPIT             := $(TOOLS_DIR)/mailpit-$(MAILPIT_VERSION)
# AWS's Lambda Runtime Interface Emulator: the Lambdas' tests run their
# bootstrap under it (cmd/internal/rietest finds .tools/aws-lambda-rie).
RIE_VERSION         := v0.0.0-20261030222936-bef5c4ba774d
RIE                 := $(TOOLS_DIR)/aws-lambda-rie-$(RIE_VERSION)

# Debian packages: the C toolchain that cgo needs for the embedded DuckDB,
# GNU time for `make bench`, zip for `make lambda`, and chromium (headless)
# with a font for the tests that render the HTML report; util-linux for
# setpriv, with which the tests run as root read a source as nobody;
# libcurl4, libssl3 and libstdc++6, which the DuckDB with httpfs linked in
# of `make test-httpfs` needs at run time (ldd libduckdb.so).
DEBIAN_PACKAGES := gcc g++ libc6-dev time zip chromium fonts-dejavu-core util-linux libcurl4 libssl3 libstdc++6

# The ingest Lambda: provided.al2023, static, no cgo, no RPC shim. The
# jobs Lambda: the same runtime, cgo with DuckDB linked in.
LAMBDA_ZIP   := dist/instudio-ingest.zip
JOBS_ZIP     := dist/instudio-jobs.zip
LAMBDA_ARCH  ?= amd64
LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags "-s -w"
# The jobs Lambda is linked fully static (glibc, libstdc++ and libgcc
# inside): built on Debian 12, a dynamic binary would ask Amazon Linux 2023
# for glibc 2.35/2.36 and GLIBCXX_3.4.30 symbols it does not have. netgo and
# osusergo keep Go's resolver and user lookup out of glibc's NSS.
JOBS_FLAGS   := -tags lambda.norpc,netgo,osusergo -trimpath -ldflags '-s -w -linkmode external -extldflags "-static"'

# `make bench` (bench/main.go) generates its data sets once into BENCH_DIR
# and writes BENCHMARKS.md. BENCH_ONLY picks steps by a regexp of their names;
# BENCH_BEFORE names an older build for the before-after step. The S3,
# layout, ingest and send steps run after it and append their figures.
BENCH_DIR    ?= $(CURDIR)/.bench
BENCH_RUNS   ?= 5
BENCH_ONLY   ?=
BENCH_BEFORE ?=
# The 1M data set of the layout and S3 steps, fixed in time.
BENCH_NOW    := 2026-11-27T12:00:00Z
BENCH_DEMO   := --salons 40 --days 540 --seed 1 --now $(BENCH_NOW)
BENCH_1M     := $(BENCH_DIR)/layout-1m
# The send bench: 500 salons, two weeks of demo data, kept between runs.
BENCH_SEND_DIR ?= $(CURDIR)/.bench-send
# Raw output of the steps that BENCHMARKS.md appends.
BENCH_LOGS   := $(BENCH_DIR)/logs

# A DuckDB of your own instead of duckdb-go's prebuilt one, for example
# one built with httpfs linked in for hosts that may not download
# extensions: `make build DUCKDB_LIB_DIR=/opt/duckdb` links the shared
# libduckdb.so found there (build tag duckdb_use_lib; the binary finds it
# again through its rpath), and adding DUCKDB_STATIC=1 links the static
# libduckdb_bundle.a instead (duckdb_use_static_lib).
DUCKDB_LIB_DIR ?=
DUCKDB_STATIC  ?=
GO_TAGS        :=
ifneq ($(DUCKDB_LIB_DIR),)
ifeq ($(DUCKDB_STATIC),)
GO_TAGS := -tags duckdb_use_lib
export CGO_LDFLAGS := -L$(DUCKDB_LIB_DIR) -lduckdb -Wl,-rpath,$(DUCKDB_LIB_DIR)
else
GO_TAGS := -tags duckdb_use_static_lib
export CGO_LDFLAGS := -L$(DUCKDB_LIB_DIR) -lduckdb_bundle -lstdc++ -lm -ldl
endif
endif

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  := $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

export CGO_ENABLED := 1

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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
tools: deps $(STATICCHECK) $(VERSITYGW) $(MAILPIT) $(RIE) ## install everything: Debian packages, pinned Go tools, Go modules
	$(GO) mod download

$(STATICCHECK):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLS_DIR)/staticcheck $@

$(VERSITYGW):
	@mkdir -p $(TOOLS_DIR)
	GOBIN=$(TOOLS_DIR) $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
	mv $(TOOLS_DIR)/versitygw $@
	ln -sfn $(notdir $@) $(TOOLS_DIR)/versitygw
$(RIE):
	@mkdir -p $(TOOLS_DIR)
	rm -f $(TOOLS_DIR)/aws-lambda-rie
	GOBIN=$(TOOLS_DIR) $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)
	mv $(TOOLS_DIR)/aws-lambda-rie $@
	ln -sf $(notdir $@) $(TOOLS_DIR)/aws-lambda-rie
$(MAILPIT):
	@mkdir -p $(TOOLS_DIR)
	rm -f $(TOOLS_DIR)/mailpit
	GOBIN=$(TOOLS_DIR) $(GO) install github.com/axllent/mailpit@$(MAILPIT_VERSION)
	mv $(TOOLS_DIR)/mailpit $@
	ln -sf $(notdir $@) $(TOOLS_DIR)/mailpit

.PHONY: build
build: deps ## build the CLI into bin/
	$(GO) build $(GO_TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/instudio-report

.PHONY: run
run: build ## write demo data to ./data if it has none, then print salon 1's last 30 days
	@if ! compgen -G "$(DATA)/bookings/dt=*/*.parquet" >/dev/null; then \
		./$(BIN) demo --dest $(DATA); \
	fi
	./$(BIN) --source $(DATA) salon --id 1 --period last-30d -o $(FORMAT)

.PHONY: repl
repl: build ## write demo data to ./data if it has none, then open the SQL shell on it
	@if ! compgen -G "$(DATA)/bookings/dt=*/*.parquet" >/dev/null; then \
		./$(BIN) demo --dest $(DATA); \
	fi
	./$(BIN) --source $(DATA) repl

.PHONY: test
test: tools test-deploy athena-parser test-httpfs ## check formatting, vet, staticcheck, and run every test
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@# The event, storage and report packages must build without cgo: the
	@# ingest Lambda (provided.al2023, no cgo) links them.
	CGO_ENABLED=0 $(GO) build ./booking/... ./storage/... ./demo/... ./report/... ./ingest/... ./layout/...
	CGO_ENABLED=0 $(GO) build $(LAMBDA_FLAGS) -o /dev/null ./cmd/instudio-ingest
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -race ./booking/... ./demo/... ./report/... ./storage/... ./sqlshell/... ./ingest/... ./mail/...
	@# The layout's Parquet decoding on mutated files, seeded with the other
	@# writers' corpus (layout/testdata/writers): bounded, not a soak.
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeEvents$$' -fuzztime 20s ./layout/decodefuzz/

# The httpfs tests: the S3 tests built against a DuckDB with httpfs linked
# in (build tag duckdb_use_lib, found again through the rpath), so that
# --s3-mode httpfs and auto's choice of it run against versitygw. The
# library is a test tool of this machine (docs/design.md), not a dependency:
# without it the target says so and passes, except under CI=true, where a
# missing library fails make test.
HTTPFS_LIB_DIR ?= $(abspath ../shared/duckdb-httpfs)

.PHONY: test-httpfs
test-httpfs: deps $(VERSITYGW) ## run the S3 tests with httpfs linked in (HTTPFS_LIB_DIR, default ../shared/duckdb-httpfs)
	@if [ ! -f "$(HTTPFS_LIB_DIR)/libduckdb.so" ]; then \
		if [ "$$CI" = true ]; then echo "httpfs tests cannot run under CI=true: no $(HTTPFS_LIB_DIR)/libduckdb.so (set HTTPFS_LIB_DIR)"; exit 1; fi; \
		echo "NOTE: the httpfs tests did not run: no $(HTTPFS_LIB_DIR)/libduckdb.so (set HTTPFS_LIB_DIR)"; exit 0; \
	fi; \
	CGO_LDFLAGS="-L$(HTTPFS_LIB_DIR) -lduckdb -Wl,-rpath,$(HTTPFS_LIB_DIR)" \
		$(GO) test -tags duckdb_use_lib -count=1 -run 'S3|HTTPFS|Moves' ./cmd/instudio-report/cli/ ./source/

# deploy/terraform is planned offline by deploy/plan_test.go (part of `go
# test ./...`) with Terraform and the AWS provider from a filesystem mirror
# of the machine image. This target says up front whether that check can
# run: under CI=true a missing Terraform or mirror fails make test.
TF_PLUGIN_DIR ?= $(firstword $(foreach d,/opt/tf-plugins /usr/local/share/terraform/plugins /usr/share/terraform/plugins $(HOME)/.terraform.d/plugins,$(if $(wildcard $(d)/registry.terraform.io/hashicorp/aws),$(d))))
export TF_PLUGIN_DIR

.PHONY: test-deploy
test-deploy: ## check that Terraform and its AWS provider mirror are here, and terraform fmt of deploy/terraform
	@missing=""; \
	command -v terraform >/dev/null || missing="terraform is not on PATH"; \
	[ -n "$(TF_PLUGIN_DIR)" ] || missing="$${missing:+$$missing; }no registry.terraform.io/hashicorp/aws mirror (set TF_PLUGIN_DIR)"; \
	if [ -n "$$missing" ]; then \
		if [ "$$CI" = true ]; then echo "deploy check cannot run under CI=true: $$missing"; exit 1; fi; \
		echo "NOTE: the deploy check (terraform plan of deploy/terraform) did not run: $$missing"; exit 0; \
	fi; \
	terraform -chdir=deploy/terraform fmt -check -recursive -diff && \
	echo "deploy check: terraform $$(terraform version -json | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'), provider mirror $(TF_PLUGIN_DIR); go test ./deploy/ plans deploy/terraform offline"

# dt-sql-parser (Trino's grammar), pinned in athena/trino/package-lock.json:
# athena's test parses the Athena views and the salon query with it.
.PHONY: athena-parser
athena-parser: athena/trino/node_modules/.package-lock.json ## install the pinned Trino SQL parser the athena tests use (npm ci)
athena/trino/node_modules/.package-lock.json: athena/trino/package-lock.json
	@command -v npm >/dev/null || { sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq nodejs npm >/dev/null; }
	cd athena/trino && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: bench
bench: ## every benchmark; writes BENCHMARKS.md (about 25 min the first time, on 2 cores)
	$(MAKE) bench-report
	@mkdir -p $(BENCH_LOGS)
	set -o pipefail; $(MAKE) bench-s3 2>&1 | tee $(BENCH_LOGS)/s3.log
	set -o pipefail; $(MAKE) bench-layout 2>&1 | tee $(BENCH_LOGS)/layout.log
	set -o pipefail; $(MAKE) bench-ingest 2>&1 | tee $(BENCH_LOGS)/ingest.log
	set -o pipefail; $(MAKE) bench-send 2>&1 | tee $(BENCH_LOGS)/send.log
	@{ echo; echo "## S3, layout, ingest and send steps"; echo; \
	   echo "Raw output of \`make bench-s3\`, \`bench-s3-cost\`, \`bench-layout\`, \`bench-ingest\` and \`bench-send\`, run right after the steps above."; \
	   for step in s3 layout ingest send; do echo; echo "### make bench-$$step"; echo; echo '```'; \
	     grep -v '^make\[' $(BENCH_LOGS)/$$step.log; echo '```'; done; } >> BENCHMARKS.md
	@echo "wrote BENCHMARKS.md"

.PHONY: bench-report
bench-report: build ## salon against DuckDB run directly (1M-10M events, periods, salons, one file per event); writes BENCHMARKS.md
	$(GO) run ./bench -bin $(BIN) -cache $(BENCH_DIR) -runs $(BENCH_RUNS) -only '$(BENCH_ONLY)' -before '$(BENCH_BEFORE)' -out BENCHMARKS.md

.PHONY: bench-1m
bench-1m: build
	@if ! compgen -G "$(BENCH_1M)/bookings/dt=*/*.parquet" >/dev/null; then \
		echo "writing the 1M bench data set to $(BENCH_1M) (once)"; \
		./$(BIN) demo --dest $(BENCH_1M) $(BENCH_DEMO); \
	fi

.PHONY: bench-s3
bench-s3: build bench-1m $(VERSITYGW) ## the S3 cache against versitygw: cold and warm sync, salon from the warm cache and from local disk
	INSTUDIO_BENCH_DIR=$(BENCH_1M) $(GO) test ./cmd/instudio-report/cli -run '^$$' -bench '^BenchmarkS3$$' -benchtime 3x
	$(MAKE) bench-s3-cost

# The S3 cost bench: requests and bytes of one salon's report through a
# counting proxy in front of versitygw, for httpfs, cold and warm cache and
# auto, on batch files and compacted, with httpfs linked in. It runs on the
# 1M set (40 salons) and on a set ten times as big with the same salons'
# size (400 salons, about 11M events), so that the two show whether a
# report's cost follows the salon or the whole lake. It fails above 50
# requests or 15 MB for compacted httpfs at 1M, and prints MISSED above
# twice the 1M bytes on the bigger set.
BENCH_400      := $(BENCH_DIR)/layout-400
BENCH_DEMO_400 := --salons 400 --days 540 --seed 1 --now $(BENCH_NOW)

.PHONY: bench-s3-cost
bench-s3-cost: build bench-1m $(VERSITYGW) ## requests and bytes per report over S3 (counting proxy): httpfs, cache, auto; batch and compacted; 1M and 11M events
	@if [ ! -f "$(HTTPFS_LIB_DIR)/libduckdb.so" ]; then echo "bench-s3-cost needs $(HTTPFS_LIB_DIR)/libduckdb.so (set HTTPFS_LIB_DIR)"; exit 1; fi
	@if ! compgen -G "$(BENCH_400)/bookings/dt=*/*.parquet" >/dev/null; then \
		echo "writing the 400-salon bench data set to $(BENCH_400) (once, about 3 min of CPU)"; \
		./$(BIN) demo --dest $(BENCH_400) $(BENCH_DEMO_400); \
	fi
	CGO_LDFLAGS="-L$(HTTPFS_LIB_DIR) -lduckdb -Wl,-rpath,$(HTTPFS_LIB_DIR)" \
		INSTUDIO_BENCH_DIR=$(BENCH_1M) INSTUDIO_BENCH_COST_OUT=$(BENCH_DIR)/cost-1m.mb \
		$(GO) test -tags duckdb_use_lib ./cmd/instudio-report/cli -run '^$$' -bench '^BenchmarkS3Cost$$' -benchtime 1x -timeout 60m
	CGO_LDFLAGS="-L$(HTTPFS_LIB_DIR) -lduckdb -Wl,-rpath,$(HTTPFS_LIB_DIR)" \
		INSTUDIO_BENCH_DIR=$(BENCH_400) INSTUDIO_BENCH_BASELINE_MB="$$(cat $(BENCH_DIR)/cost-1m.mb)" \
		$(GO) test -tags duckdb_use_lib ./cmd/instudio-report/cli -run '^$$' -bench '^BenchmarkS3Cost$$' -benchtime 1x -timeout 60m

# The layout bench: compact over 100k one-event files and over the 1M data
# set (against one sorted file), and import-legacy over 100k seed files. Its
# data sets are cached in BENCH_LAYOUT_DIR.
BENCH_LAYOUT_DIR ?= $(CURDIR)/.bench-layout
# The 10M data set of bench-report, compacted too when it exists.
BENCH_10M_DIR    ?= $(BENCH_DIR)/10m

.PHONY: bench-layout
bench-layout: build bench-1m ## time compact and import-legacy, and salon before and after them (1M, 10M when bench-report made it; BENCH_5M=1 adds 5M)
	$(GO) build -o bin/benchdata ./layout/internal/benchdata
	BENCH_10M_DIR=$(BENCH_10M_DIR) bash layout/bench.sh ./$(BIN) bin/benchdata $(BENCH_1M) $(BENCH_LAYOUT_DIR) 3 "$(BENCH_DEMO)"

.PHONY: lambda
lambda: deps ## build both Lambdas: dist/instudio-ingest.zip and dist/instudio-jobs.zip (bootstrap for provided.al2023)
	@mkdir -p dist/lambda dist/jobs
	CGO_ENABLED=0 GOOS=linux GOARCH=$(LAMBDA_ARCH) $(GO) build $(LAMBDA_FLAGS) -o dist/lambda/bootstrap ./cmd/instudio-ingest
	@rm -f $(LAMBDA_ZIP)
	cd dist/lambda && zip -q -X -9 ../$(notdir $(LAMBDA_ZIP)) bootstrap
	@echo "$(LAMBDA_ZIP): $$(stat -c %s $(LAMBDA_ZIP) | numfmt --to=iec-i --suffix=B) zipped, bootstrap $$(stat -c %s dist/lambda/bootstrap | numfmt --to=iec-i --suffix=B) ($(LAMBDA_ARCH), static)"
	@# cgo: GOARCH other than the host's needs a cross C compiler (CC=...).
	CGO_ENABLED=1 GOOS=linux GOARCH=$(LAMBDA_ARCH) $(GO) build $(JOBS_FLAGS) -o dist/jobs/bootstrap ./cmd/instudio-jobs
	@rm -f $(JOBS_ZIP)
	cd dist/jobs && zip -q -X -9 ../$(notdir $(JOBS_ZIP)) bootstrap
	@echo "$(JOBS_ZIP): $$(stat -c %s $(JOBS_ZIP) | numfmt --to=iec-i --suffix=B) zipped, bootstrap $$(stat -c %s dist/jobs/bootstrap | numfmt --to=iec-i --suffix=B) ($(LAMBDA_ARCH), static, DuckDB linked in; Lambda's limit: 50 MiB zipped, 250 MiB unzipped)"

.PHONY: bench-ingest
bench-ingest: ## ingest throughput: events/s through decode, encode and write, batches of 10, 1,000, 10,000 vs one file per event
	$(GO) test -run '^$$' -bench 'Ingest|SeedOneFilePerEvent' -benchtime 10x ./ingest/

.PHONY: bench-send
bench-send: tools ## email 500 salons their week through mailpit: report pass vs SMTP time
	BENCH_SEND_DIR=$(BENCH_SEND_DIR) $(GO) test -count=1 -run '^$$' -bench BenchmarkSend500Salons -benchtime 1x ./cmd/instudio-report/cli/

.PHONY: clean
clean: ## remove build output, installed tools and the bench data sets
	rm -rf bin dist $(TOOLS_DIR) $(BENCH_DIR) $(BENCH_SEND_DIR) $(BENCH_LAYOUT_DIR)
