# paybatch — see README.md. `make run` and `make test` work on a fresh machine.
GO        ?= go
BIN       := bin/paybatch
PKGS      := ./...
FUZZTIME  ?= 20s

.PHONY: all build run test test-deps race bench fuzz lint clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/paybatch

# The main job on its embedded defaults: SQLite file, local folders under
# ./paybatch-data, in-process sandbox providers, the samples dropped in.
run: build
	./$(BIN) run --demo

test-deps:
	@./scripts/test-deps.sh

# The test command CI runs (.ci/run). Installs what it needs first.
test: test-deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)
	$(GO) test -shuffle=on -timeout 9m $(PKGS)

# The suite under the race detector (a few minutes on two cores).
race: test-deps
	$(GO) test -race -timeout 20m $(PKGS)

# All benchmarks, or those matching BENCH (e.g. make bench BENCH=Dispatch).
# The load runs (BenchmarkLoad1M: a 1M-payment pain.001 through the whole
# pipeline) take up to an hour on two cores.
BENCH ?= .
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -timeout 3h $(PKGS)

# Each fuzz target for FUZZTIME. Seeds alone run in `make test`.
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)

clean:
	rm -rf bin paybatch-data
