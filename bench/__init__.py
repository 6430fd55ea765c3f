"""Benchmarks (see bench/README.md). A package so uvicorn can import `bench.baseline:...`."""
