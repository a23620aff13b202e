"""One Redis connection pool per process, for the state Django's cache API cannot express (INCR)."""

import functools

import redis
from django.conf import settings


@functools.cache
def redis_client():

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
