"""`make bench`: run every benchmark and print its table (BENCH_SCALE=full for the 1,000,000-row figures)."""

import sys

from . import dashboard, delivery, identify, import_scale, sign_in, sign_in_complete

BENCHMARKS = {
    "import": import_scale.main,
    "identify": identify.main,
    "sign-in": sign_in.main,
    "sign-in-complete": sign_in_complete.main,
    "dashboard": dashboard.main,
    "delivery": delivery.main,
}


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        print(BENCHMARKS[name](), end="\n\n", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
