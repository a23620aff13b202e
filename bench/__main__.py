"""`make bench`: run every benchmark and print its table (BENCH_SCALE=full for the 1,000,000-row figures)."""

import subprocess
import sys

from . import dashboard, delivery, export, identify, import_scale, sign_in, sign_in_complete
from .common import ROOT


def morning() -> str:
    """The morning load test in a process of its own: importing locust patches a process with gevent."""
    run = subprocess.run([sys.executable, "-m", "bench.morning"], check=False, cwd=ROOT, capture_output=True, text=True)
    if run.returncode:
        raise RuntimeError(f"the morning load test failed:\n{run.stdout}{run.stderr[-4000:]}")
    return run.stdout.strip()


BENCHMARKS = {
    "import": import_scale.main,
    "identify": identify.main,
    "sign-in": sign_in.main,
    "sign-in-complete": sign_in_complete.main,
    "dashboard": dashboard.main,
    "delivery": delivery.main,
    "export": export.main,
    "morning": morning,
}


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        print(BENCHMARKS[name](), end="\n\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
