"""The staff chart of page views (PRIV-6): the last 30 days as a server-drawn SVG and a table, for the
privacy officer and the administrator only (BO-1)."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from memberarea.backoffice.charts import bar_chart
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

    assert page.count('class="bar"') == 30
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
