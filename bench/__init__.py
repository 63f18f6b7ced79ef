"""Benchmarks: `make bench` runs them all, `make bench BENCH_ARGS=name` one.

Each module `bench/bench_<name>.py` defines `run(args) -> str` returning a
Markdown section; the runner writes it between markers in docs/BENCHMARKS.md.
Benchmarks use their own database (`sora_bench`) so demo data is untouched.
"""
