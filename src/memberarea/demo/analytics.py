"""Demo page views (PRIV-6): 30 days of made-up daily totals, so the staff chart of `make run` has a shape."""

import datetime as dt

from django.conf import settings

from memberarea.core import clock
from memberarea.privacy.analytics import page_view_count
from memberarea.privacy.models import PageViewCount

# (route pattern, language, a weekday's usual views); weekends see about half.
PAGES = [
    ("", "es", 48),
    ("", "en", 9),
    ("members/<uuid:member_id>/", "es", 31),
    ("members/<uuid:member_id>/card/", "es", 12),
    ("help/<slug:topic>/", "es", 7),
    ("help/<slug:topic>/", "en", 2),
]
DAYS = 30


def demo_page_views_load() -> int:
    """Add the totals of the last 30 days, once: a day that already has counts is left as it is."""
    today = clock.today_in(settings.INSURER_TIME_ZONE)
    days = [today - dt.timedelta(days=back) for back in range(1, DAYS + 1)]
    counted = set(PageViewCount.objects.filter(day__in=days).values_list("day", flat=True))
    loaded = 0
    for day in days:
        if day in counted:
            continue
        for index, (route, language, usual) in enumerate(PAGES):
            views = usual // 2 if day.weekday() >= 5 else usual
            views += (day.toordinal() * (index + 3)) % 7  # a little variation from day to day
            page_view_count(path_template=route, language=language, day=day, views=views)
        loaded += 1
    return loaded
