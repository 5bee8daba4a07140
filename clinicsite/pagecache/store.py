"""Where rendered pages are kept: in each worker's memory, or in Redis shared by every
worker and host.

Each entry carries its *marks*: the content versions it was rendered under. A page is
served only while its marks are the current ones, so neither store ever needs purging: an
edit changes the current marks, and the next render replaces the entry (old ones also age
out: least recently used in memory, a TTL in Redis).

Where the current marks come from is the store's business: the memory store asks the
database's counters (`read_counters`, one query), as a worker cannot hear another's edits;
Redis keeps a random token per scope beside the pages, replaced by every edit once its
transaction committed (`bump`), so a hit is one round trip to Redis and no query.

A bump can be lost (Redis out of reach just then, or restored from an older snapshot):
every `RECONCILE_SECONDS` each worker compares the database's counters with the ones
Redis last heard of, and bumps what it missed, so such a page is served a few seconds at
most after its edit, not until its TTL."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

import redis

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
# What a page is made from besides the data: a deploy changing any of it renders anew
# (static too: pages link the fingerprinted URLs of its files).
CODE = ("clinicsite", "templates", "migrations", "static")


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
    # The content versions the page was rendered under (read before rendering).
    marks: str = ""


Counters = Callable[[], dict[str, int]]  # the database's content counters


class Store(Protocol):
    def lookup(self, key: str, scopes: Iterable[str]) -> tuple[Entry | None, str | None]:
        """The entry kept under `key` (None if there is none) and the current marks of
        `scopes`; marks None: the store cannot be used now (render, keep nothing)."""
        ...

    def set(self, key: str, entry: Entry) -> None: ...

    def bump(self, scopes: Iterable[str]) -> None:
        """An edit of `scopes` committed: new marks from now on. `scopes` may map each
        scope to the database counter the edit set."""
        ...


class MemoryStore:
    """Least recently used entries go first once `max_entries` are kept. The marks are read
    from the database (`read_counters`), the one place every worker's edits reach."""

    def __init__(self, read_counters: Counters, max_entries: int = 1000) -> None:
        self.read_counters = read_counters
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, key: str, scopes: Iterable[str]) -> tuple[Entry | None, str | None]:
        counters = self.read_counters()
        marks = ",".join(f"{scope}{counters[scope]}" for scope in scopes)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
        return entry, marks

    def set(self, key: str, entry: Entry) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def bump(self, scopes: Iterable[str]) -> None:
        pass  # the database's counters were bumped in the edit's own transaction


class RedisStore:
    """Pages under `clinicsite:page:<code stamp>:<key>`, each one string (the metadata as a
    JSON line, then the two bodies: no pickle, what Redis returns is only parsed as data),
    and the hash `clinicsite:versions`: scope -> a random token. A token missing (Redis
    flushed or restarted) is set afresh, so versions lost mean a miss, never an old page."""

    VERSIONS = "clinicsite:versions"
    PREFIX = "clinicsite:page:"
    # After a failed call, Redis is left alone this long (each request would wait for it).
    RETRY_AFTER = 2.0
    RECONCILE_SECONDS = 5.0

    def __init__(self, url: str, read_counters: Counters, ttl_seconds: int = 3600) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.read_counters = read_counters
        self.ttl = ttl_seconds
        self.prefix = f"{self.PREFIX}{code_stamp()}:"
        self._down_until = 0.0
        self._reconciled_at = float("-inf")

    def lookup(self, key: str, scopes: Iterable[str]) -> tuple[Entry | None, str | None]:
        scopes = tuple(scopes)
        if time.monotonic() < self._down_until:
            return None, None
        try:
            if time.monotonic() - self._reconciled_at >= self.RECONCILE_SECONDS:
                self.reconcile()
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hmget(self.VERSIONS, scopes)
                pipe.get(self.prefix + key)
                tokens, packed = pipe.execute()
            if None in tokens:
                return None, self._new_tokens(scopes, tokens)
        except redis.RedisError as error:
            self._down(error)
            return None, None  # a cache that is down serves nothing; the page is rendered
        return unpack(packed), _marks(scopes, tokens)

    def _new_tokens(self, scopes: tuple[str, ...], tokens: list) -> str:
        """Tokens for the scopes Redis has lost; whoever sets one first wins."""
        with self.client.pipeline(transaction=False) as pipe:
            for scope, token in zip(scopes, tokens, strict=True):
                if token is None:
                    pipe.hsetnx(self.VERSIONS, scope, _token())
            pipe.hmget(self.VERSIONS, scopes)
            tokens = pipe.execute()[-1]
        return _marks(scopes, tokens)

    def set(self, key: str, entry: Entry) -> None:
        try:
            self.client.set(self.prefix + key, pack(entry), ex=self.ttl)
        except redis.RedisError as error:
            self._down(error)

    def reconcile(self) -> None:
        """Bump the scopes whose database counter Redis has not heard of (a bump lost)."""
        self._reconciled_at = time.monotonic()
        try:
            counters = self.read_counters()
        except Exception as error:  # noqa: BLE001 (the database's own errors: a hit needs none)
            log.warning("page cache: content counters unread, reconciled later: %s", error)
            return
        heard = self.client.hmget(self.VERSIONS, [f"db:{scope}" for scope in counters])
        missed = {
            scope: counter
            for (scope, counter), known in zip(counters.items(), heard, strict=True)
            if known is None or int(known) != counter
        }
        if missed:
            self.bump(missed)

    def bump(self, scopes: Iterable[str]) -> None:
        # Always tried, even while Redis seemed down: a lost bump would leave old pages.
        counters = scopes if isinstance(scopes, Mapping) else {}
        mapping = {scope: _token() for scope in sorted(scopes)}
        if not mapping:
            return
        mapping |= {f"db:{scope}": counter for scope, counter in counters.items()}
        for attempt in (1, 2):
            try:
                self.client.hset(self.VERSIONS, mapping=mapping)
                return
            except redis.RedisError as error:
                if attempt == 2:
                    # Pages of these scopes may be served from before the edit until the
                    # next reconcile: say so loudly.
                    log.error("page cache: versions of %s not bumped: %s", sorted(mapping), error)

    def _down(self, error: Exception) -> None:
        log.warning("page cache: Redis unavailable, rendering uncached: %s", error)
        self._down_until = time.monotonic() + self.RETRY_AFTER


def _token() -> str:
    return secrets.token_hex(8)


def _marks(scopes: tuple[str, ...], tokens: list) -> str:
    return ",".join(
        f"{scope}:{token.decode() if isinstance(token, bytes) else token}"
        for scope, token in zip(scopes, tokens, strict=True)
    )


def pack(entry: Entry) -> bytes:
    fields = asdict(entry)
    body, gzipped = fields.pop("body"), fields.pop("gzipped")
    fields["lengths"] = [len(body), len(gzipped)]
    return json.dumps(fields).encode() + b"\n" + body + gzipped


def unpack(packed: bytes | None) -> Entry | None:
    """The entry `pack` made, or None for anything else (a half-written or foreign value)."""
    if not packed:
        return None
    meta, _, rest = packed.partition(b"\n")
    try:
        fields = json.loads(meta)
        body_length, gzipped_length = fields.pop("lengths")
        if body_length + gzipped_length != len(rest):
            return None
        fields["headers"] = tuple(tuple(pair) for pair in fields["headers"])
        return Entry(body=rest[:body_length], gzipped=rest[body_length:], **fields)
    except (ValueError, TypeError, KeyError):
        return None


@cache
def code_stamp() -> str:
    """A short digest of the code, templates, migrations and static files (once per
    process): pages rendered by one deploy are never served by another."""
    digest = hashlib.sha256()
    for top in CODE:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def store_for(url: str, read_counters: Counters) -> Store:
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(url, read_counters)
    return MemoryStore(read_counters)
