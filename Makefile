# fleet's build, test and benchmark entry points. `make test` is what CI runs.
GO        ?= go
# Empty outside a git checkout: the binary then names its version from its build information.
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS   := -X github.com/fleet-iac/fleet/command.Version=$(VERSION)
PKGS      := ./...
FUZZTIME  ?= 20s

.PHONY: build test lint bench fuzz crashtest demo clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/fleet .

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

test: lint
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

# Every benchmark BENCHMARKS.md quotes; the raw output lands in bench/latest.txt.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x -benchmem -timeout 60m $(PKGS) > bench/latest.txt; \
		status=$$?; cat bench/latest.txt; exit $$status

fuzz:
	@for t in $$($(GO) test -list '^Fuzz' ./spec/ | grep ^Fuzz); do \
		$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./spec/ || exit 1; done

# The long crash tests: 40 kills of a 50-server apply, 200 kills of state writes.
crashtest:
	FLEET_CRASHTEST=long $(GO) test -run 'Crash' -count=1 -timeout 60m ./e2e/ ./state/

demo: build
	./bin/fleet apply --auto-approve -f examples/quickstart

clean:
	rm -rf bin .fleet
