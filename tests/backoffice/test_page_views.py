"""The staff chart of page views (PRIV-6): the last 30 days as a server-drawn SVG and a table, for the
privacy officer and the administrator only (BO-1)."""

import datetime as dt
import itertools
import re
from zoneinfo import ZoneInfo

import pytest

from memberarea.backoffice.charts import CHARACTER, NARROW_WIDTH, bar_chart, category_chart
from memberarea.core import clock
from memberarea.identity.models import Role
from memberarea.privacy.analytics import page_view_count
from tests.backoffice.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.req("PRIV-6")]
TODAY = dt.datetime(2026, 6, 30, 12, 0, tzinfo=ZoneInfo("Europe/Madrid"))


def test_the_chart_and_the_table_show_each_of_the_last_30_days(staff):
    for _ in range(3):
        page_view_count(path_template="help/", language="es", day=TODAY.date())
    page_view_count(path_template="", language="en", day=TODAY.date() - dt.timedelta(days=29))
    page_view_count(path_template="", language="en", day=TODAY.date() - dt.timedelta(days=30))  # too old
    with clock.frozen(TODAY):
        page = client_for(staff[Role.PRIVACY_OFFICER]).get("/staff/analytics/").content.decode()

    assert page.count('class="bar"') == 30 * 2  # drawn for a wide column and for a phone's
    assert "<script" not in page.split("<main")[1]
    rows = re.findall(r'<time datetime="([\d-]+)">[^<]*</time></th><td>(\d+)</td>', page)
    assert len(rows) == 30
    assert rows[0] == ("2026-06-30", "3") and rows[-1] == ("2026-06-01", "1")
    assert "4 páginas vistas en los últimos 30 días" in page  # the staff member's language: Spanish


@pytest.mark.req("BO-1")
def test_only_the_privacy_officer_and_the_administrator_see_it(staff):
    answers = {role: client_for(account).get("/staff/analytics/").status_code for role, account in staff.items()}
    allowed = {Role.PRIVACY_OFFICER, Role.ADMINISTRATOR}
    assert answers == {role: 200 if role in allowed else 403 for role in staff}
    home = {
        role: "/staff/analytics/" in client_for(account).get("/staff/").content.decode()
        for role, account in staff.items()
    }
    assert home == {role: role in allowed for role in staff}


def test_the_bars_scale_to_a_round_top_and_stay_in_the_drawing():
    days = [(dt.date(2026, 6, 1) + dt.timedelta(days=n), n * 7) for n in range(30)]
    chart = bar_chart(days)
    assert chart.scale_max == 500  # the largest is 203
    tallest = chart.bars[-1]
    assert chart.top <= tallest.y < chart.baseline
    assert tallest.y + tallest.height == pytest.approx(chart.baseline)
    assert chart.bars[0].height == 0
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.width for bar in chart.bars)
    assert [bar.label for bar in chart.bars if bar.label] == ["1", "8", "15", "22", "29", "30"]
    assert bar_chart([(dt.date(2026, 6, 1), 0)]).scale_max == 1


def test_the_phone_s_drawing_keeps_the_labels_that_fit_side_by_side_inside_it():
    """Decision 0050: about a phone column wide, so its text is drawn at about its size; "29" and "30"
    would touch there, so the last day is kept and the one before it goes."""
    days = [(dt.date(2026, 6, 1) + dt.timedelta(days=n), n) for n in range(30)]
    narrow = bar_chart(days).narrow
    assert narrow is not None and narrow.width == NARROW_WIDTH and narrow.scale_max == 50
    assert [bar.label for bar in narrow.bars if bar.label] == ["1", "8", "15", "22", "30"]
    assert all(narrow.left <= bar.x and bar.x + bar.width <= narrow.width for bar in narrow.bars)
    weeks = bar_chart(days[:8], every=1, label=lambda day: day.strftime("%d/%m/%Y")).narrow
    placed = [bar.label_at for bar in weeks.bars if bar.label_at]
    assert placed[-1].anchor == "end" and placed[-1].x <= weeks.width  # the last date ends inside the drawing
    assert all(first.x + 10 * CHARACTER < second.x for first, second in itertools.pairwise(placed[:-1]))


@pytest.mark.req("PRIV-11")
def test_the_phone_s_drawing_of_categories_gives_each_its_row_and_its_whole_name():
    chart = category_chart([("0 to 17", None), ("18 to 29", 40), ("65 and over", 7)])
    rows = chart.narrow
    assert [bar.label_at.text for bar in rows.bars] == ["0 to 17", "18 to 29", "65 and over"]
    assert [bar.suppressed for bar in rows.bars] == [True, False, False] and rows.bars[0].mark_at is not None
    assert [bar.width for bar in rows.bars] == [0, 292 * 40 / 50, round(292 * 7 / 50, 2)]
    assert [bar.y for bar in rows.bars] == sorted(bar.y for bar in rows.bars)  # one under the other
