"""The drills' figures, collected while they run and printed as one table at the end."""

import os
from dataclasses import dataclass

FULL = os.environ.get("RESILIENCE_SIZE", "") == "full"  # the bars' sizes; otherwise the reduced size of `make test`


@dataclass(frozen=True)
class Row:
    scenario: str
    queued: int | str = "-"
    delivered: int | str = "-"
    lost: int | str = "-"
    duplicated: int | str = "-"
    server_errors: int | str = "-"


ROWS: list[Row] = []
TIMINGS: list[tuple[str, int, float, float]] = []  # operation, samples per side, median existing, unknown (ms)


def record(row: Row) -> None:
    ROWS.append(row)


def record_timing(operation: str, samples: int, existing_ms: float, unknown_ms: float) -> None:
    TIMINGS.append((operation, samples, existing_ms, unknown_ms))


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    return [line.format(*header), line.format(*["-" * w for w in widths])] + [
        line.format(*[str(cell) for cell in row]) for row in rows
    ]


def summary_lines(*, full: bool) -> list[str]:
    lines: list[str] = []
    size = "full size" if full else "reduced size (RESILIENCE_SIZE=full for the bars' sizes)"
    if ROWS:
        lines.append(f"REL-3 / REL-9 faults, {size}")
        header = ("scenario", "queued", "delivered", "lost", "duplicated", "5xx")
        rows = [(r.scenario, r.queued, r.delivered, r.lost, r.duplicated, r.server_errors) for r in ROWS]
        lines += _table(header, rows)
    if TIMINGS:
        lines.append("")
        lines.append(f"REL-5 timing over gunicorn on loopback, medians of interleaved samples, {size}")
        header = ("operation", "samples per side", "existing", "unknown", "difference")
        rows = [
            (name, count, f"{known:.2f} ms", f"{unknown:.2f} ms", f"{abs(known - unknown):.2f} ms")
            for name, count, known, unknown in TIMINGS
        ]
        lines += _table(header, rows)
    return lines
