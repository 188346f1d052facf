# StreetWatch — the two commands ops and developers need are `make demo` and `make test`.
SWIFT ?= swift

.PHONY: deps build test demo eval bench reliability cluster-demo bench-pg clean

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

# Accuracy on the real footage in ../shared/eval (not in this repository: licences), one rule setting for all,
# plus labelled variants of it (light, noise, compression, 5 fps, shake, rain, long dwell) made under .build/, and
# the synthetic vending scenes when their generator exists. Variants are remade only when out of date.
EVAL_DIR ?= ../shared/eval
EVAL_VARIANTS = .build/eval-variants
EVAL_VENDING = .build/eval-vending
eval: deps
	@[ -f "$(EVAL_DIR)/labels.json" ] || { echo "make eval: $(EVAL_DIR)/labels.json not found; the evaluation clips are not part of this repository (see README.md, Evaluation clips)" >&2; exit 1; }
	$(SWIFT) build -c release --product streetwatch
	scripts/make-variants.py "$(EVAL_DIR)/labels.json" --out $(EVAL_VARIANTS)
	scripts/make-vending-scenes.py "$(EVAL_DIR)" --out $(EVAL_VENDING)
	"$$($(SWIFT) build -c release --show-bin-path)/streetwatch" evaluate samples/groups/eval.yaml \
		--labels "$(EVAL_DIR)/labels.json" --clips "$(EVAL_DIR)" --labels $(EVAL_VARIANTS)/labels.json \
		--labels $(EVAL_VENDING)/labels.json

# A script, not a test: CPU per video second against ffmpeg, then N live RTSP cameras; writes docs/benchmarks.md.
bench:
	@scripts/install-deps.sh bench
	$(SWIFT) build -c release --product streetwatch
	@scripts/bench.py "$$($(SWIFT) build -c release --show-bin-path)/streetwatch"

# A script, not a test: faults on loopback (mutated configs, malformed HTTP, kill -9, RTSP restarts, damaged
# streams), each bounded in count and time; writes docs/reliability.md. RELIABILITY_FLAGS=--quick for small counts.
reliability:
	@scripts/install-deps.sh
	$(SWIFT) build -c release --product streetwatch
	@scripts/reliability.py "$$($(SWIFT) build -c release --show-bin-path)/streetwatch" $(RELIABILITY_FLAGS)

# A script, not a test: one PostgreSQL, two `run` groups writing for 60 s (one refused for a camera the other runs),
# one `serve` whose queue holds both; writes docs/cluster.md.
cluster-demo:
	@scripts/install-deps.sh
	$(SWIFT) build --product streetwatch
	@scripts/cluster-demo.py "$$($(SWIFT) build --show-bin-path)/streetwatch" --markdown docs/cluster.md

# A script, not a test: the PostgreSQL store's benchmark rows (8 writer processes, queue pages at 1,000,000 cases,
# the yearly report for 2,000 cameras × 1 year); prints the table for docs/benchmarks.md.
bench-pg:
	@scripts/install-deps.sh
	$(SWIFT) build --product streetwatch
	@scripts/bench-pg.py "$$($(SWIFT) build --show-bin-path)/streetwatch"

clean:
	rm -rf .build .build-bench
