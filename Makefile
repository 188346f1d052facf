# StreetWatch — the two commands ops and developers need are `make demo` and `make test`.
SWIFT ?= swift

.PHONY: deps build test demo bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

demo: deps
	$(SWIFT) build -c release --product streetwatch
	@scripts/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/streetwatch"

bench: deps
	$(SWIFT) build -c release --product streetwatch
	@scripts/bench-ingest.sh "$$($(SWIFT) build -c release --show-bin-path)/streetwatch"

clean:
	rm -rf .build .build-bench
