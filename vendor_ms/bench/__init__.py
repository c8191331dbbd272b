"""Benchmarks: the project's throughput measured against the floor of the underlying tool."""
