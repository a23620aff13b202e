"""Benchmarks (not tests): each module measures one figure of the quality bars as a ratio in one run."""
