# Lineage: one entry point per job. Every target installs what it needs (idempotently).
.PHONY: bootstrap demo test bench fmt

bootstrap: ## Install and check the pinned Solidity toolchain (forge, anvil, cast, solcjs)
	bash script/bootstrap.sh

demo: bootstrap ## The main job: the most complete pipeline that exists, on the sample
	bash script/demo.sh

test: bootstrap ## Everything CI runs: format check, cargo tests, forge tests
	bash script/test.sh

bench: ## Criterion benchmarks of the commitments (figures go to BENCHMARKS.md)
	cargo bench -p lineage-core --bench commitments

fmt: bootstrap ## Format Rust and Solidity
	cargo fmt --all
	node_modules/.foundry-native/forge fmt
