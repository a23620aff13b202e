"""Server-rendered charts for staff pages: the geometry of an SVG bar chart, computed here, drawn by a template.

No script and nothing from another site (PRIV-6): the page carries the SVG itself, and the numbers
again as a table for screen readers and for reading exact values.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

WIDTH, HEIGHT = 720, 240  # the drawing's own units (viewBox); the page scales it to the column
LEFT, BOTTOM, TOP = 40, 24, 12  # room for the scale on the left and the days below
# The phone's drawing (decision 0050): the page scales the drawing with its text, so a 720-unit one
# at the 343 px column of a 375 px screen drew its 12-unit text at under 6 px. This one is about the
# column's width, so its text stays at about its size (12 units: 13.7 px there, 11.5 px at 320 px);
# the page shows it instead of the wide one when the column is narrower than the wide one needs.
NARROW_WIDTH = 300
FONT = 12  # the text's size in drawing units (site.css: .bar-chart text)
CHARACTER = 0.62 * FONT  # the width of one character, a little more than its average in the site's fonts
GAP = 6  # between two labels
ROW, ROW_BAR = 44, 16  # the phone's drawing of categories: one row per bar, its label above the bar


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # text-anchor: start, middle or end


@dataclass(frozen=True)
class Bar:
    day: dt.date | None  # the day of a chart over time
    count: int
    x: float
    y: float
    width: float
    height: float
    label: str  # a category, or the day of the month under every seventh day (and the last); "" for none
    suppressed: bool = False  # a count not published (PRIV-11): the drawing says so instead of showing 0
    label_at: Text | None = None  # where the label is drawn
    mark_at: Text | None = None  # where "suppressed" is drawn

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    baseline: float  # y of the horizontal axis (of the last row's bottom in the phone's drawing of categories)
    left: int
    top: int
    scale_max: int  # the value the top of the drawing stands for
    bars: list[Bar]
    axes: list[tuple[float, float, float, float]]  # lines: x1, y1, x2, y2
    scale: list[Text]  # the scale's numbers (0 and scale_max)
    narrow: "BarChart | None" = None  # the same numbers drawn for a phone's column


def _scale_max(largest: int) -> int:
    """A round top for the scale: 1, 2 or 5 times a power of ten, at least the largest value."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= largest:
                return factor * step
        step *= 10


def _text_width(text: str) -> float:
    return len(text) * CHARACTER


def _placed(x: float, y: float, text: str, width: int) -> Text:
    """A label starting at x, or ending at the drawing's edge when it would run past it."""
    if x + _text_width(text) > width - 2:
        return Text(width - 2, y, text, "end")
    return Text(x, y, text)


def _thinned(labels: list[str], xs: list[float]) -> list[str]:
    """The labels that fit side by side: the last always, then from right to left each that ends before the
    next kept one starts (a label is drawn from its bar's left edge)."""
    kept = [""] * len(labels)
    next_start = float("inf")
    for index in reversed(range(len(labels))):
        if labels[index] and xs[index] + _text_width(labels[index]) + GAP <= next_start:
            kept[index] = labels[index]
            next_start = xs[index]
    return kept


def _columns(counts: list[int | None], labels: list[str], days: list[dt.date | None], width: int) -> BarChart:
    """Upright bars side by side, the scale on the left, the labels under the bars."""
    scale_max = _scale_max(max((count for count in counts if count is not None), default=0) or 1)
    baseline = HEIGHT - BOTTOM
    slot = (width - LEFT) / max(len(counts), 1)
    xs = [round(LEFT + index * slot + slot * 0.15, 2) for index in range(len(counts))]
    if width < WIDTH:
        labels = _thinned(labels, xs)
    bars = []
    for x, count, label, day in zip(xs, counts, labels, days, strict=True):
        height = (baseline - TOP) * (count or 0) / scale_max
        bar_width = round(slot * 0.7, 2)
        bars.append(
            Bar(
                day=day,
                count=count or 0,
                x=x,
                y=round(baseline - height, 2),
                width=bar_width,
                height=round(height, 2),
                label=label,
                suppressed=count is None,
                label_at=_placed(x, HEIGHT - 6, label, width) if label else None,
                mark_at=Text(round(x + bar_width / 2, 2), baseline - 8, "", "middle") if count is None else None,
            )
        )
    return BarChart(
        width=width,
        height=HEIGHT,
        baseline=baseline,
        left=LEFT,
        top=TOP,
        scale_max=scale_max,
        bars=bars,
        axes=[(LEFT, baseline, width, baseline), (LEFT, TOP, LEFT, baseline)],
        scale=[Text(LEFT - 6, TOP, str(scale_max), "end"), Text(LEFT - 6, baseline, "0", "end")],
    )


def _rows(counts: list[int | None], labels: list[str]) -> BarChart:
    """The phone's drawing of categories: one row each, its whole label above a bar growing to the right,
    the scale under the last row. Category names are too long to share a phone's width side by side."""
    scale_max = _scale_max(max((count for count in counts if count is not None), default=0) or 1)
    left, right = 4, NARROW_WIDTH - 4
    baseline = TOP + ROW * len(counts)
    bars = []
    for index, (count, label) in enumerate(zip(counts, labels, strict=True)):
        row = TOP + index * ROW
        length = (right - left) * (count or 0) / scale_max
        bar_y = row + ROW - ROW_BAR - 6
        bars.append(
            Bar(
                day=None,
                count=count or 0,
                x=left,
                y=bar_y,
                width=round(length, 2),
                height=ROW_BAR,
                label=label,
                suppressed=count is None,
                label_at=Text(left, row + FONT + 2, label),
                mark_at=Text(left + 4, bar_y + ROW_BAR - 4, "") if count is None else None,
            )
        )
    axes: list[tuple[float, float, float, float]] = [(left, TOP, left, baseline), (left, baseline, right, baseline)]
    scale = [Text(left, baseline + FONT + 4, "0"), Text(right, baseline + FONT + 4, str(scale_max), "end")]
    return BarChart(NARROW_WIDTH, baseline + FONT + 10, baseline, left, TOP, scale_max, bars, axes, scale)


def _day_of_month(day: dt.date) -> str:
    return str(day.day)


def bar_chart(
    points: list[tuple[dt.date, int]], *, every: int = 7, label: Callable[[dt.date], str] = _day_of_month
) -> BarChart:
    """One bar per (day, count), oldest on the left; `label` names every `every`-th bar and the last
    (in the phone's drawing, those of them that fit side by side)."""
    labels = [
        label(day) if index % every == 0 or index == len(points) - 1 else "" for index, (day, _) in enumerate(points)
    ]
    counts: list[int | None] = [count for _, count in points]
    days: list[dt.date | None] = [day for day, _ in points]
    chart = _columns(counts, labels, days, WIDTH)
    return replace(chart, narrow=_columns(counts, labels, days, NARROW_WIDTH))


def category_chart(points: list[tuple[str, int | None]]) -> BarChart:
    """One bar per (label, count), in the order given; a count not published (None) is marked as such."""
    counts, labels = [count for _, count in points], [label for label, _ in points]
    return replace(_columns(counts, labels, [None] * len(points), WIDTH), narrow=_rows(counts, labels))
