"""Benchmarks (not tests): each module measures one figure of the quality bars as a ratio in one run.

`src/` goes on the path here, once, as manage.py does, so the benchmarks import the project's
modules at their top."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
