"""Province-scale benchmarks for the Anjian foundation (see bench/README.md)."""
