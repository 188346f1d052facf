# StreetWatch — the two commands ops and developers need are `make demo` and `make test`.
SWIFT ?= swift

.PHONY: deps build test demo bench clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	# One suite at a time: the live-stream tests measure rates and timeouts that parallel decoding would skew.
	$(SWIFT) test --skip-build --no-parallel

demo: deps
	$(SWIFT) build -c release --product streetwatch
	@scripts/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/streetwatch"

bench: deps
	$(SWIFT) build -c release --product streetwatch
	@scripts/bench-ingest.sh "$$($(SWIFT) build -c release --show-bin-path)/streetwatch"

clean:
	rm -rf .build .build-bench
