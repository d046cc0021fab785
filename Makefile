# fleet's build, test and benchmark entry points. `make test` is what CI runs.
GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
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

bench:
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m $(PKGS)

fuzz:
	@for t in $$($(GO) test -list '^Fuzz' ./spec/ | grep ^Fuzz); do \
		$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) ./spec/ || exit 1; done

crashtest:
	FLEET_CRASHTEST=long $(GO) test -run 'Crash' -count=1 -timeout 60m ./executor/... ./command/...

demo: build
	./bin/fleet apply --auto-approve -f examples/quickstart

clean:
	rm -rf bin .fleet
