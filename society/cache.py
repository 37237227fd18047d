"""A Redis cache that degrades to "nothing cached" while Redis is down, so a
lost cache never turns a page (or a log in, with its rate limits) into a 500."""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What each method answers when Redis cannot be reached.
_FALLBACKS = {
    "get": lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda args, kwargs: {},
    "has_key": lambda args, kwargs: False,
    "set": lambda args, kwargs: None,
    # As if stored: a lock taken with add() (allauth's rate limits) must not
    # lock everyone out while Redis is down. Rate limits fail open meanwhile.
    "add": lambda args, kwargs: True,
    "touch": lambda args, kwargs: False,
    "delete": lambda args, kwargs: False,
    "set_many": lambda args, kwargs: list(args[0]) if args else [],
    "delete_many": lambda args, kwargs: None,
    "incr": lambda args, kwargs: None,
    "clear": lambda args, kwargs: None,
}


def _tolerant(name: str):
    method = getattr(RedisCache, name)

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as error:
            logger.warning("Cache unavailable (%s): %s", name, error)
            return _FALLBACKS[name](args, kwargs)

    return wrapper


class ResilientRedisCache(RedisCache):
    pass


for _name in _FALLBACKS:
    setattr(ResilientRedisCache, _name, _tolerant(_name))
