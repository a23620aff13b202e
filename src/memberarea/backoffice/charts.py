"""Server-rendered charts for staff pages: the geometry of an SVG bar chart, computed here, drawn by a template.

No script and nothing from another site (PRIV-6): the page carries the SVG itself, and the numbers
again as a table for screen readers and for reading exact values.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240  # the drawing's own units (viewBox); the page scales it to the column
LEFT, BOTTOM, TOP = 40, 24, 12  # room for the scale on the left and the days below


@dataclass(frozen=True)
class Bar:
    day: dt.date | None  # the day of a chart over time
    count: int
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar: a category, or the day of the month under every seventh day (and the last)
    suppressed: bool = False  # a count not published (PRIV-11): the drawing says so instead of showing 0

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float  # y of the horizontal axis
    left: int
    top: int
    scale_max: int  # the value the top of the drawing stands for
    bars: list[Bar]


def _scale_max(largest: int) -> int:
    """A round top for the scale: 1, 2 or 5 times a power of ten, at least the largest value."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= largest:
                return factor * step
        step *= 10


def _chart(counts: list[int | None], labels: list[str], days: list[dt.date | None]) -> BarChart:
    scale_max = _scale_max(max((count for count in counts if count is not None), default=0) or 1)
    baseline = HEIGHT - BOTTOM
    slot = (WIDTH - LEFT) / max(len(counts), 1)
    bars = []
    for index, (count, label, day) in enumerate(zip(counts, labels, days, strict=True)):
        height = (baseline - TOP) * (count or 0) / scale_max
        bars.append(
            Bar(
                day=day,
                count=count or 0,
                x=round(LEFT + index * slot + slot * 0.15, 2),
                y=round(baseline - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                label=label,
                suppressed=count is None,
            )
        )
    return BarChart(width=WIDTH, height=HEIGHT, baseline=baseline, left=LEFT, top=TOP, scale_max=scale_max, bars=bars)


def _day_of_month(day: dt.date) -> str:
    return str(day.day)


def bar_chart(
    points: list[tuple[dt.date, int]], *, every: int = 7, label: Callable[[dt.date], str] = _day_of_month
) -> BarChart:
    """One bar per (day, count), oldest on the left; `label` names every `every`-th bar and the last."""
    labels = [
        label(day) if index % every == 0 or index == len(points) - 1 else "" for index, (day, _) in enumerate(points)
    ]
    return _chart([count for _, count in points], labels, [day for day, _ in points])


def category_chart(points: list[tuple[str, int | None]]) -> BarChart:
    """One bar per (label, count), in the order given; a count not published (None) is marked as such."""
    return _chart([count for _, count in points], [label for label, _ in points], [None] * len(points))
