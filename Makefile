# fleet's build, test and benchmark entry points. `make test` is what CI runs.
GO        ?= go
# The version stamped into bin/fleet: git describe after a release tag, else
# devel+COMMIT (-dirty with uncommitted changes), the form a plain go build
# records; empty outside a git checkout, where the binary reads its build
# information. Stamped because GOFLAGS=-buildvcs=false (or a worktree) leaves
# no VCS information in the build.
VERSION   ?= $(shell git describe --tags --dirty 2>/dev/null || \
	{ rev=$$(git rev-parse --short=12 HEAD 2>/dev/null) && printf 'devel+%s' "$$rev" && \
	  { git diff --quiet HEAD 2>/dev/null || printf -- '-dirty'; }; })
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
