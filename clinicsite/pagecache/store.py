"""Where rendered pages are kept: in each worker's memory, or in Redis shared by every
worker and host. Keys carry the content versions, so neither ever needs purging: an edit
makes new keys, and old entries age out (least recently used in memory, a TTL in Redis)."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Protocol

import redis


@dataclass(frozen=True)
class Entry:
    body: bytes
    gzipped: bytes
    etag: str
    content_type: str
    # Headers the view set itself (the type is content_type; a Link, a robots tag).
    headers: tuple[tuple[str, str], ...] = ()
    # Epoch seconds after which the page may show something else with no edit (a scheduled
    # post falls due); None: only an edit changes it.
    fresh_until: float | None = None


class Store(Protocol):
    def get(self, key: str) -> Entry | None: ...

    def set(self, key: str, entry: Entry) -> None: ...


class MemoryStore:
    """Least recently used entries go first once `max_entries` are kept."""

    def __init__(self, max_entries: int = 1000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def set(self, key: str, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


class RedisStore:
    """One Redis hash per entry: the metadata as JSON and the two bodies as bytes (no pickle:
    what Redis returns is only ever parsed as data)."""

    PREFIX = "clinicsite:page:"

    def __init__(self, url: str, ttl_seconds: int = 86400) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.ttl = ttl_seconds

    def get(self, key: str) -> Entry | None:
        try:
            found = self.client.hmget(self.PREFIX + key, "meta", "body", "gzipped")
        except redis.RedisError:
            return None  # a cache that is down serves nothing; the page is rendered
        meta, body, gzipped = found
        if meta is None or body is None or gzipped is None:
            return None
        fields = json.loads(meta)
        fields["headers"] = tuple(tuple(pair) for pair in fields["headers"])
        return Entry(body=body, gzipped=gzipped, **fields)

    def set(self, key: str, entry: Entry) -> None:
        fields = asdict(entry)
        body, gzipped = fields.pop("body"), fields.pop("gzipped")
        name = self.PREFIX + key
        try:
            with self.client.pipeline() as pipe:
                pipe.hset(
                    name, mapping={"meta": json.dumps(fields), "body": body, "gzipped": gzipped}
                )
                pipe.expire(name, self.ttl)
                pipe.execute()
        except redis.RedisError:
            pass


def store_for(url: str) -> Store:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url)
    return MemoryStore()
