# Handoff — the two commands a newcomer needs are `make run` and `make test`.
# Requirements: Go (see go.mod), Java 17+, Node 20+, Python 3, Debian's chromium (`make deps` installs it). Everything else
# installs from the project's files.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
LOCAL_NODE  := infra/local/node_modules
GO_TEST_FLAGS ?= -race -count=1 -timeout 12m
FUZZTIME    ?= 60s
# Only the local stack's binaries are built with it: it enables the local-only switches (clock offset, endpoint
# overrides inside Lambda, env: secret references). `sam build` never sets it. See internal/platform.
LOCAL_TAG   := handofflocal
export SAM_CLI_TELEMETRY := 0
# The Go toolchain is go.mod's toolchain line, go1.26.10: the standard library's fixes govulncheck asks for
# (html/template, which renders every email; net/http, crypto/tls and crypto/x509, which every AWS call goes
# through), fetched from the module proxy when this machine's Go is older. GOTOOLCHAIN=local (as the machine's
# environment may say) would ignore that line and build with the older one.
export GOTOOLCHAIN := auto

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# --- dependencies, from the project's own pinned files -------------------------------------------------------
# `make test` installs only these (npm ci, pip in a venv, go mod download, the vulnerability database): nothing of
# the system. `make deps` installs them and the system packages (Debian's Chromium, through sudo unless root).

$(LOCAL_NODE)/.installed: infra/local/package.json infra/local/package-lock.json
	cd infra/local && npm ci --no-audit --no-fund
	@touch $@

$(VENV)/.installed: infra/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/requirements.txt
	@touch $@

# checkov in a venv of its own: its pinned boto3 and SAM CLI's cannot share one (infra/checkov/requirements.txt).
CHECKOV_VENV := .local/checkov-venv
$(CHECKOV_VENV)/.installed: infra/checkov/requirements.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r infra/checkov/requirements.txt
	@touch $@

# The Go vulnerability database govulncheck reads: golang.org/x/vulndb at a pinned version, a Go module like any
# other (from the module proxy, checked against the checksum database), whose data/osv holds every entry as OSV
# JSON; its own indexdb command (at the same version) writes them in the v1 layout that `govulncheck -db file://`
# reads (index/db.json, index/modules.json, ID/<id>.json). So the check is reproducible, needs no vuln.go.dev and
# changes only when VULNDB_VERSION does. (The entries carry no modification time: vulndb computes it from its git
# history, which a module does not have; govulncheck does not need it.)
VULNDB_VERSION := v0.0.0-20261105234957-e22db6528018
VULNDB         := .local/vulndb-$(VULNDB_VERSION)

$(VULNDB)/index/db.json:
	@rm -rf $(VULNDB) $(VULNDB).tmp
	osv=$$(go mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')/data/osv && \
	  go run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$osv" -out $(VULNDB).tmp
	mv $(VULNDB).tmp $(VULNDB)

.PHONY: vulndb
vulndb: $(VULNDB)/index/db.json ## build the vulnerability database govulncheck reads (pinned golang.org/x/vulndb) into .local/

# The installs are independent (npm, two venvs, the vulnerability database, Go modules): make test runs them side by
# side, which takes 1 m 9 s instead of 1 m 47 s on a fresh clone with 2 cores (measured).
.PHONY: project-deps-parallel
project-deps-parallel:
	@$(MAKE) --no-print-directory -j4 project-deps

.PHONY: project-deps
project-deps: $(LOCAL_NODE)/.installed $(VENV)/.installed $(CHECKOV_VENV)/.installed vulndb ## install from the project's pinned files only: npm ci, SAM CLI + cfn-lint + moto (venv), checkov (its own venv), Go modules, the vulnerability database
	go mod download

# The browser test drives Debian's Chromium, a system package: `make deps` installs it with apt-get (through sudo
# unless root, so the project's own files stay the user's); `make test` only checks it is there, first, so a
# missing one is said before minutes of tests rather than after.
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null || { \
	  command -v apt-get >/dev/null || { echo "the browser test needs Chromium: install it with your system's package manager" >&2; exit 1; }; \
	  sudo=; if [ "$$(id -u)" != 0 ]; then sudo=sudo; fi; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; }

.PHONY: has-chromium
has-chromium:
	@command -v chromium >/dev/null || { echo "make test needs Chromium for the browser test, a system package it does not install: run make deps first (apt-get, through sudo unless root)" >&2; exit 1; }

.PHONY: deps
deps: project-deps chromium ## install everything: the project's pinned dependencies (make project-deps) and Debian's Chromium (apt-get, through sudo unless root)

# --- the two commands --------------------------------------------------------------------------------------

.PHONY: run
run: $(LOCAL_NODE)/.installed $(VENV)/.installed ## run the whole pipeline locally (DynamoDB Local, SES local, moto's SSM and Secrets Manager, every function)
	@go build -o .local/bin/handoff-local ./cmd/handoff-local
	@exec .local/bin/handoff-local $(ARGS)

# A month on the local stack, driven as its users drive it (cmd/handoff-demo, internal/demo): it starts its own
# stack on free ports (or drives `make run`'s: ARGS="--stack http://127.0.0.1:3000"), and keeps it running for the
# mail viewer until Ctrl-C (ARGS=--exit stops when the report is in). ARGS="--seed 7" lives another month.
.PHONY: demo
demo: $(LOCAL_NODE)/.installed $(VENV)/.installed ## a simulated month on the local stack in about a minute: leads, SQLs, reminders, a reassignment, rejections, a won deal, the report on the 1st (ARGS="--seed N --exit")
	@go build -o .local/bin/handoff-demo ./cmd/handoff-demo
	@exec .local/bin/handoff-demo $(ARGS)

.PHONY: test
# The checks that are not go test (vet, grants, cfn-lint, checkov, sam build, sizes) run beside it, their output
# kept for the end: go test leaves about a fifth of two cores idle while its tests wait on DynamoDB Local, and
# the checks fill it (make test ran ~1 minute longer one after the other).
test: has-chromium project-deps-parallel ## vet, every test with -race against DynamoDB Local and SES local, cfn-lint, sam build (installs nothing of the system: see make deps)
	@mkdir -p .local
	@$(MAKE) --no-print-directory checks > .local/checks.log 2>&1 & checks=$$!; \
	go test $(GO_TEST_FLAGS) ./... && go test $(GO_TEST_FLAGS) -tags $(LOCAL_TAG) ./internal/platform ./internal/secrets; tests=$$?; \
	wait $$checks; status=$$?; \
	echo "--- make checks (vet, grants, lint-template, checkov, sam-build, sizes), run beside go test:"; cat .local/checks.log; \
	if [ $$status -ne 0 ]; then echo "make checks failed (exit $$status)"; fi; \
	[ $$tests -eq 0 ] && [ $$status -eq 0 ]

.PHONY: checks
checks: vet grants lint-template checkov sam-build sizes ## the checks of make test that are not go test

.PHONY: vet
vet: $(VULNDB)/index/db.json ## gofmt, go vet (also as the local stack's build and for macOS), staticcheck, govulncheck, go mod verify
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	go vet ./...
	go vet -tags $(LOCAL_TAG) ./...
	GOOS=darwin go vet ./...
	GOOS=darwin go build -o /dev/null ./cmd/...
	go tool staticcheck ./...
	go tool staticcheck -tags $(LOCAL_TAG) ./internal/platform ./internal/secrets
	go tool govulncheck -db file://$(CURDIR)/$(VULNDB) ./...
	go mod verify >/dev/null

.PHONY: cli
cli: ## build the handoff command (cmd/handoff) into bin/handoff
	go build -o bin/handoff ./cmd/handoff

# The least-privilege test (internal/grants): each function's grants in template.yaml against the AWS operations its
# code can call, from its call graph (SSA of every functions/<name> main, ~40 s on 2 cores). Without -race: a static
# analysis has no goroutines to watch, and the race detector makes it minutes long (its files say !race).
.PHONY: grants
grants: ## compare each function's IAM grants with the AWS operations its code can call
	go test -count=1 ./internal/grants

# checkov on template.yaml with all its CloudFormation checks: every finding must be justified in
# infra/checkov/justified.yaml, and every justification must still be needed (infra/checkov/check.py).
.PHONY: checkov
checkov: $(CHECKOV_VENV)/.installed ## checkov on template.yaml; each finding justified in infra/checkov/justified.yaml
	$(CHECKOV_VENV)/bin/python infra/checkov/check.py

.PHONY: lint-template
# sam validate translates the SAM resources (as CloudFormation would) and lints the result; it needs a region, not
# credentials.
lint-template: $(VENV)/.installed ## cfn-lint template.yaml (justified exceptions live in .cfnlintrc.yaml) and sam validate --lint
	$(VENV)/bin/cfn-lint
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-eu-west-3} $(VENV)/bin/sam validate --lint

.PHONY: sam-build
sam-build: $(VENV)/.installed ## sam build (arm64 binaries via the build-<LogicalId> targets below)
	$(VENV)/bin/sam build
	@layer=$$(ls -A .aws-sam/build/ContractLayer); test "$$layer" = contract.yaml || { echo "the contract layer must hold contract.yaml alone, holds: $$layer" >&2; exit 1; }

# Cold start grows with the binary: each function links only what it calls. Limits in MB of 10^6 bytes (stripped,
# linux/arm64, as sam build makes them). Ingest carries the phone-number metadata (~6 MB) only it needs. Notify
# renders its email with html/template, which the quality bar requires: executing a template makes the linker
# keep every exported method of every type reflection could reach, 2.1 MB measured in notify (12.5 MB with it,
# 10.4 MB without); we keep html/template and allow 13 MB to the functions that send email (notify, deadlines).
# Deadlines reached 12.98 MB with issue 17 (it composes the SQL email, every checker email and the alerts, reads
# the lead's profile and its consent). With the outbox of issue 18 it no longer links notify (the routing choice
# is routing's, the SQL email's gate handoff's), but that code was small and it now links the outbox: still
# 12.98 MB measured (12,976,290 bytes, the same 64 KiB-aligned size), 24 kB under 13 MB, so 14 MB stays.
# Report draws PNG charts (go-analyze/charts and its embedded font) and renders its HTML with html/template on
# top of the store and SES: 14.2 MB measured; 15 MB allowed. It runs once a month, so its cold start matters less.
# Issue 19's CRM slice adds the review meeting's .ics (github.com/arran4/golang-ical) and the CRM-care figures:
# 14.48 MB on main with the ideas slice -> 14.75 MB measured (14,745,762 bytes, +262,144), under 15 MB.
# Digest (issue 19) renders its weekly email with html/template on the shared layout (package email) and sends it
# through SES, like notify: 12.39 MB measured (12,386,466 bytes), so 13 MB, notify's limit.
# Notify (issue 19, routing by territory and the region derived from a postal code: package region's tables,
# the territory round-robin, its reasons' words) grew by 9.8 kB of code where its code segment had 3.3 kB left
# before the next 64 KiB page: 13.04 MB measured (13,041,826 bytes; 12,976,290 before); 14 MB, as deadlines.
# Bounces (issue 20) records SES's bounce events on the store (9,371,810 bytes without email) and tells marketing
# ops of a bounced monthly report itself, through the outbox with an html/template email and the SES client, as
# digest does: 12,779,682 bytes measured (+3.4 MB: html/template's reachable methods, the email package, SES v2);
# 13 MB, digest's limit. It runs once per bounce, rarely: its cold start matters little.
# Feedback (issue 20: links verified under the link key secret's one or two keys, signed.ParseKeys; its secret's
# reference checked against the stage's prefix, {stage} expanded, package secrets) grew by 11.9 kB (.text 4.5 kB,
# .rodata 4.3 kB, pclntab 3.2 kB) where it had 6.75 kB left under 12 MB: 11,993,250 -> 12,058,786 bytes measured
# (one 64 KiB page); 13 MB, digest's limit. Issue 20's bounces (the hand-off's bounce state, the bounced-SQL
# alert's words, the emails' SES tags) add one more page: 12,124,322 bytes measured; deadlines 13,172,898 ->
# 13,303,970 and notify 13,041,826 -> 13,107,362, under their 14 MB.
# A function's own limit is MAX_MB_<Name>.
MAX_MB           := 12
MAX_MB_Ingest    := 16
MAX_MB_Notify    := 14
MAX_MB_Deadlines := 14
MAX_MB_Report    := 15
MAX_MB_Digest    := 13
MAX_MB_Feedback  := 13
MAX_MB_Bounces   := 13
LIMITS := $(foreach v,$(filter MAX_MB_%,$(.VARIABLES)),$(patsubst MAX_MB_%,%,$(v))=$($(v)))

.PHONY: sizes
sizes: ## check every function's bootstrap size (after sam build)
	@set -e; fail=0; for f in .aws-sam/build/*Function/bootstrap; do \
	  fn=$$(basename $$(dirname $$f)); name=$${fn%Function}; \
	  limit=$(MAX_MB); for kv in $(LIMITS); do if [ "$${kv%%=*}" = "$$name" ]; then limit=$${kv#*=}; fi; done; \
	  bytes=$$(wc -c < $$f); mb=$$(awk "BEGIN{printf \"%.1f\", $$bytes/1000000}"); \
	  if awk "BEGIN{exit !($$bytes > $$limit*1000000)}"; then echo "$$fn: $$mb MB > $$limit MB"; fail=1; \
	  else echo "$$fn: $$mb MB (limit $$limit)"; fi; done; exit $$fail

.PHONY: screenshots
screenshots: has-chromium $(LOCAL_NODE)/.installed ## PNGs of the emails (SQL, reminder, escalation, feedback reminder, monthly report, content digest, ideas to marketing ops), the feedback page and the ideas page, fr and en (screenshots/)
	go test -count=1 ./internal/e2e -run 'TestSQLEmailAnsweredInABrowser|TestDeadlinesThroughTheStack|TestMonthlyReportThroughTheStack|TestContentDigestThroughTheStack|TestIdeaFromTheSQLEmail' -args -screenshots=$(CURDIR)/screenshots
	@ls screenshots

.PHONY: bench
bench: $(LOCAL_NODE)/.installed $(VENV)/.installed ## measure the pipeline against its goals and write BENCHMARKS.md (about 15 minutes; ARGS="-only speed -quick" to develop one suite)
	go run ./cmd/handoff-bench $(ARGS)

# make soak (cmd/handoff-soak, internal/soak): 5,000 leads over a month on the local stack with 10 % of the functions'
# DynamoDB and SES calls failing as AWS's can and a stream consumer's or scheduled job's process killed every few
# hundred invocations; then the on-failure records redriven (RUNBOOK.md) and the invariants checked: SOAK.md, and a
# non-zero exit when one fails. ARGS="-leads 300" to develop; -seed, -faults, -crash-every, -out.
.PHONY: soak
soak: $(LOCAL_NODE)/.installed $(VENV)/.installed ## 5,000 leads over a month with faults and crashes, failures redriven, invariants checked; writes SOAK.md (ARGS="-leads 300")
	@go build -o .local/bin/handoff-soak ./cmd/handoff-soak
	@.local/bin/handoff-soak $(ARGS)

.PHONY: microbench
microbench: ## each package's Go benchmarks (go test -bench), without goals: to compare two versions of a function
	go test -run '^$$' -bench . -benchmem ./...

# The contract's public holidays are compared with python-holidays in make test, through a committed reference
# file; this rewrites it from the pinned versions (hashes checked).
HOLIDAYS_REF := internal/contract/testdata/holidays
.PHONY: holidays-reference
holidays-reference: ## rewrite the holiday reference (python-holidays, pinned) the contract is compared with
	python3 -m venv .local/holidays-venv
	.local/holidays-venv/bin/pip install --quiet --disable-pip-version-check --require-hashes -r $(HOLIDAYS_REF)/requirements.txt
	.local/holidays-venv/bin/python $(HOLIDAYS_REF)/reference.py > $(HOLIDAYS_REF)/python-holidays.csv.tmp
	mv $(HOLIDAYS_REF)/python-holidays.csv.tmp $(HOLIDAYS_REF)/python-holidays.csv

.PHONY: fuzz
fuzz: ## run every fuzz target for FUZZTIME (default 60s) each
	@set -e; grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' internal | sed 's/:func /:/' | sort -u | \
	while IFS=: read -r file target; do \
	  pkg=./$$(dirname "$$file"); echo "== $$pkg $$target ($(FUZZTIME))"; \
	  go test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) "$$pkg"; \
	done

# --- SAM's makefile build method: `sam build` calls build-<LogicalId> with ARTIFACTS_DIR --------------------
# A function with logical ID <Name>Function lives in functions/<name> (lower case).

# The contract layer ships contract.yaml alone: sam build runs this in a copy of ContentUri (infra/contract/), and
# ARTIFACTS_DIR's files land in /opt, where the functions read /opt/contract.yaml.
build-ContractLayer:
	cp contract.yaml "$(ARTIFACTS_DIR)/contract.yaml"

build-%Function:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build -tags lambda.norpc -trimpath -ldflags "-s -w" \
	  -o "$(ARTIFACTS_DIR)/bootstrap" ./functions/$(shell echo '$*' | tr '[:upper:]' '[:lower:]')

.PHONY: clean
clean:
	rm -rf .aws-sam .local bin
