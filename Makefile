# mycourier — the commands a developer and CI use. `make help` lists them.
GO        ?= go
# The binary is pure Go (no cgo) and ships static: tests compile it the same
# way, so the image test's static build reuses their compiled packages.
export CGO_ENABLED ?= 0
BIN       := bin/mycourier
PKGS      := ./...
# Fuzz targets get a short run in `make test` (a count, not a duration: a
# duration can end mid-input and report "context deadline exceeded");
# `make fuzz FUZZTIME=5m` digs deeper.
FUZZTIME  ?= 20000x

SQUAWK    := .tools/node_modules/.bin/squawk

.PHONY: help run build ui ui-if-node ui-test image-package test-image-full test-rollout test bench-check vet staticcheck rowscheck unit tools generate check-generated migration schema bench seed-bench fuzz clean schema-check release-schema vulncheck gosec mutation

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

build: ## build the binary into bin/
	$(GO) build -o $(BIN) ./cmd/mycourier

# The static binary the image's `package` target copies (the pipeline and the
# image test build it once instead of compiling again inside Docker).
image-package: ## build the image around a binary built here (deploy/image/package.Dockerfile)
	$(GO) build -trimpath -ldflags="-s -w -X github.com/mycourier/mycourier/internal/platform/buildinfo.Version=$(VERSION)" -o bin/mycourier-linux-amd64 ./cmd/mycourier
	docker build --target runtime --build-arg VERSION=$(VERSION) -t mycourier-runtime:$(VERSION) .
	docker build -f deploy/image/package.Dockerfile --build-arg RUNTIME=mycourier-runtime:$(VERSION) -t mycourier:$(VERSION) .

# The whole Dockerfile (UI with Node, Go, runtime) built by a private Docker
# engine on builder images made from this machine's Go and Node, then run.
# Compiles everything inside the build: 37 minutes on this shared 2-core machine (vfs).
test-image-full: ## build the full multi-stage image and serve the admin UI from it (needs root for dockerd)
	MYCOURIER_TEST_IMAGE_FULL=1 $(GO) test -run '^TestFullImageBuild$$' -count=1 -v -timeout 60m ./deploy/

VERSION ?= dev

test-rollout: ## two instances behind nginx replaced one by one under load (needs PostgreSQL and nginx)
	$(GO) test -tags rollout -run '^TestRollingReplacementUnderLoadLosesNothing$$' -count=1 -v -timeout 15m ./deploy/

run: ui-if-node build ## build the admin UI (when Node is installed) and start mycourier on the embedded SQLite database with demo data
	$(BIN) migrate up
	$(BIN) seed --demo
	$(BIN) serve

test: vet staticcheck rowscheck vulncheck gosec unit bench-check fuzz schema-check ui-test ## run every check and test (needs PostgreSQL on 127.0.0.1:5432, Node 20, Debian chromium)

# The admin UI is built into internal/webui/dist/app and embedded by the Go
# build; the Go build itself never needs Node.
UI_DEPS = admin-ui/node_modules/.package-lock.json

$(UI_DEPS): admin-ui/package-lock.json
	cd admin-ui && npm ci --no-audit --no-fund

ui: $(UI_DEPS) ## build the admin UI (Node 20, npm) for the binary to embed
	cd admin-ui && npm run build

ui-if-node:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) ui; else echo "npm not found: the binary serves / without the admin UI"; fi

ui-test: $(UI_DEPS) ## admin UI: types current with the schema, type check, Vitest, build within its size budget, browser tests in Debian's chromium
	cd admin-ui && npm run codegen >/dev/null
	@git diff --exit-code --stat -- admin-ui/src/generated || (echo "admin-ui/src/generated is stale: run 'npm run codegen' in admin-ui and commit"; exit 1)
	cd admin-ui && npm run typecheck && npm test && npm run build && npm run e2e

vet: ## go vet
	$(GO) vet $(PKGS)

# Generated packages (ent, gqlgen's executor) are left out: their findings
# are the generators' to fix; ent/schema is ours and stays in.
LINT_PKGS = $(shell $(GO) list ./... | grep -v -e '/ent$$' -e '/ent/' -e '/graph/generated') ./ent/schema

staticcheck: ## staticcheck (pinned in go.mod as a tool) on hand-written code
	$(GO) tool staticcheck $(LINT_PKGS)

# Known vulnerabilities: govulncheck over a database indexed from the
# golang.org/x/vulndb module (the vulnerability service itself is not
# reachable from the build machines; the module proxy is). VULNDB=latest takes
# the newest reports on every run; vulngate fails on any called finding not
# accepted with a reason in .govulncheck-allow.
VULNDB        ?= latest
GOVULNCHECK   := golang.org/x/vuln/cmd/govulncheck@v1.9.0
vulncheck: ## govulncheck against the newest Go vulnerability reports (see .govulncheck-allow)
	@set -e; \
	info=$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB)); \
	ver=$$(printf '%s' "$$info" | sed -n 's/.*"Version": "\(.*\)".*/\1/p'); \
	dir=$$(printf '%s' "$$info" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'); \
	db=$(CURDIR)/.tools/vulndb/$$ver; \
	if [ ! -f $$db/index/db.json ]; then \
		echo "vulncheck: indexing golang.org/x/vulndb@$$ver"; rm -rf $$db; \
		$(GO) run golang.org/x/vulndb/cmd/indexdb@$$ver -vulns $$dir/data/osv -out $$db; \
	fi; \
	echo "vulncheck: reports of golang.org/x/vulndb@$$ver"; \
	$(GO) run $(GOVULNCHECK) -db file://$$db -format json ./... | $(GO) run ./internal/tools/vulngate .govulncheck-allow

# Security lint of hand-written code (tests and generated code left out).
# Every accepted finding carries `#nosec <rule> -- why` at its line.
GOSEC := github.com/securego/gosec/v2/cmd/gosec@v2.30.0
gosec: ## gosec security lint; zero findings or a #nosec with a reason
	$(GO) run $(GOSEC) -quiet -exclude-generated -exclude-dir=ent -exclude-dir=graph/generated ./...

# Raw *sql.Rows must have rows.Err() checked: a read cut short (a dropped
# connection, a value the driver cannot convert) otherwise passes for a
# shorter answer (issue 8, defect 10: partnerOutstanding dropped partners).
rowscheck: ## rowserrcheck (pinned in go.mod as a tool) on hand-written code
	$(GO) tool rowserrcheck $(LINT_PKGS)

tools: $(SQUAWK) ## install the test tools that are not Go modules (squawk, the PostgreSQL migration linter)

$(SQUAWK):
	npm install --prefix .tools --no-audit --no-fund --silent squawk-cli@2.66.0

unit: tools ## the test suite on SQLite and PostgreSQL
	$(GO) test -count=1 -timeout 20m $(PKGS)

# The concurrency benchmarks fail on an anomaly (a balance off its ledger, a
# negative balance), but a benchmark runs only when asked: run them briefly
# here, on SQLite and PostgreSQL, so the check runs in CI. 64 operations from
# 32 clients are enough to race; the throughput figures mean nothing at this
# size (`make bench` measures).
BENCH_CHECK      ?= ^BenchmarkIssueParallel32$$
BENCH_CHECK_PKGS ?= ./internal/stocksvc/
bench-check: ## the concurrency benchmarks' anomaly checks, briefly, on both databases (part of make test)
	$(GO) test -count=1 -run '^$$' -bench '$(BENCH_CHECK)' -benchtime 64x $(BENCH_CHECK_PKGS)

fuzz: ## short fuzz runs of the validators and parsers
	@# internal/securitytest fuzzes the whole server through its handler; its
	@# instrumented build is slow only the first time (the build cache keeps it).
	@for target in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
		for f in $$(grep -h '^func Fuzz' $$target/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "fuzz $$target $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$target || exit 1; \
		done; \
	done

# Mutation testing (issue 13): gremlins breaks the rules in the packages that
# hold them (a < becomes <=, a + a -, a condition negated), one mutant at a
# time, and reruns that package's tests; a mutant the tests do not notice
# "lives". A package whose tests kill under MUTATION_EFFICACY percent of the
# mutants they cover fails. It is NOT part of `make test`: every mutant
# recompiles and reruns a whole package, so the service packages take hours
# on two cores. It runs on demand and nightly (.github/workflows/mutation.yml);
# one package: `make mutation MUTATION_PKGS=internal/pinfl`; more gremlins
# flags through MUTATION_FLAGS, e.g. to leave files out (paths relative to
# the package): MUTATION_FLAGS="--exclude-files '^(import|export)\.go'".
#
# How it is made affordable, stated here because it differs from `make test`:
# - MYCOURIER_TEST_DIALECTS=sqlite3 skips the PostgreSQL half of the database
#   tests (loudly, see internal/dbtest) UNDER THIS TARGET ONLY: the mutated
#   rules are Go code that behaves the same on both databases, and `make test`
#   still runs both.
# - gremlins copies the module once per worker; the copy is made from the
#   files git knows (no node_modules, bin, data), and -trimpath lets the copy
#   reuse the build cache of the original instead of compiling ent again.
# Reports (JSON, every mutant with its status) go to $(MUTATION_OUT). The gate
# reads the report: gremlins v0.6.0 ignores --threshold-efficacy given as a
# flag (viper hands the float flag back as a string, which it drops).
GREMLINS          := github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
MUTATION_PKGS     ?= internal/pinfl internal/phone internal/authz internal/couriersvc internal/stocksvc internal/authsvc
MUTATION_EFFICACY ?= 85
MUTATION_WORKERS  ?= 1
MUTATION_FLAGS    ?=
# A mutant's run recompiles the package and its dependents, while the
# coverage run that sets gremlins' clock (timeout = its time × this) may have
# found everything compiled: 3, gremlins' default, timed good mutants out,
# and so did 10 and 60 for internal/stocksvc, whose tests run in about half
# a second but whose mutants take 10-45 s to compile and link on two shared
# cores (the tests import the whole app): its mutants "TIMED OUT" at 9 s and
# 30 s although their tests failed in 0.4 s. gremlins counts a timed-out
# mutant as killed, so the gate prints how many (from the run's log). 200 leaves room for the build
# and still stops a mutant that loops. -vet=off: vet of a mutant is noise.
MUTATION_TIMEOUT_COEFFICIENT ?= 200
MUTATION_OUT      ?= $(CURDIR)/bin/mutation
mutation: ## mutation testing of the rule packages (slow: on demand and nightly, not in `make test`)
	@set -e; mkdir -p $(MUTATION_OUT); \
	src=$$(mktemp -d); trap 'rm -rf "$$src"' EXIT; \
	git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - | tar -C "$$src" -xf -; \
	failed=""; \
	for p in $(MUTATION_PKGS); do \
		name=$$(echo $$p | tr / _); report=$(MUTATION_OUT)/$$name.json; rm -f "$$report"; \
		echo "== mutation $$p"; \
		start=$$(date +%s); \
		log=$(MUTATION_OUT)/$$name.log; rm -f "$$log.failed"; \
		{ (cd "$$src" && GOFLAGS="$$GOFLAGS -trimpath -vet=off" MYCOURIER_TEST_DIALECTS=sqlite3 $(GO) run $(GREMLINS) unleash \
			--workers $(MUTATION_WORKERS) --timeout-coefficient $(MUTATION_TIMEOUT_COEFFICIENT) \
			--output "$$report" $(MUTATION_FLAGS) "$$src/$$p") 2>&1 || touch "$$log.failed"; } | tee "$$log"; \
		[ ! -e "$$log.failed" ] || failed="$$failed $$p(gremlins failed)"; \
		eff=$$(sed -n 's/.*"test_efficacy":\([0-9.]*\).*/\1/p' "$$report" 2>/dev/null); \
		timedout=$$(grep -c 'TIMED OUT' "$$log" || true); \
		echo "== mutation $$p: efficacy $${eff:-?}% (gate $(MUTATION_EFFICACY)%), $$(( $$(date +%s) - start ))s; $$timedout timed out, which gremlins counts as killed: apply them by hand, or raise MUTATION_TIMEOUT_COEFFICIENT"; \
		awk -v e="$$eff" -v t=$(MUTATION_EFFICACY) 'BEGIN { exit !(e != "" && e + 0 >= t + 0) }' || failed="$$failed $$p($${eff:-?}%)"; \
	done; \
	if [ -n "$$failed" ]; then echo "mutation: under $(MUTATION_EFFICACY)% efficacy:$$failed"; exit 1; fi

generate: ## regenerate ent, entgql and gqlgen code
	$(GO) generate ./...

check-generated: generate ## fail if generated code is stale
	@git add -N . && git diff --exit-code --stat -- . ':!go.sum' || \
		(echo "generated code is stale: run 'make generate' and commit"; exit 1)

migration: ## write a migration for both dialects from ent/schema changes: make migration NAME=add_x
	@test -n "$(NAME)" || (echo "usage: make migration NAME=what_changed"; exit 2)
	$(GO) run ./cmd/mycourier migrate diff $(NAME)

bench: ## benchmarks (courier list over 100k couriers on both databases)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 200x -timeout 30m $(PKGS)

seed-bench: build ## fill the configured database with 1M couriers for benchmarks
	$(BIN) seed --bench --couriers 1000000

clean:
	rm -rf bin

schema: ## after editing ent/schema: regenerate and write the migration, under a lock: make schema NAME=what_changed
	@test -n "$(NAME)" || (echo "usage: make schema NAME=what_changed"; exit 2)
	flock /tmp/mycourier-schema.lock sh -c '$(GO) generate ./... && $(GO) run ./cmd/mycourier migrate diff $(NAME)'

schema-check: ## fail on a breaking change of schema.graphql against release/schema.graphql not named in CHANGELOG.md
	cd tools/schema-check && npm ci --no-audit --no-fund --loglevel=error && node --test && node check.mjs

release-schema: ## record schema.graphql as the released schema (see CHANGELOG.md)
	cp schema.graphql release/schema.graphql
