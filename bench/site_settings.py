"""The embedded site's settings with one more URL, /bench/minimal/: the PERF-3 baseline view, served
by the same gunicorn, middleware and settings as the dashboard it is compared with."""

from memberarea.settings.embedded import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
