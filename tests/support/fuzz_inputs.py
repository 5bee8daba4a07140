"""A small generator of hostile requests for tests/test_fuzz.py.

It knows nothing of this site's routes: it builds URLs from a Werkzeug rule, fills path
arguments with real values when the database has some (a column of the same name) and
hostile ones otherwise, and sends what a form found on the site's own pages would send,
with fields replaced, removed, repeated, sent as files or as raw multipart oddities.
"""

from __future__ import annotations

import html
import io
import random
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

# Values that have broken forms somewhere: empty and blank, control characters and NUL,
# overlong text, numbers past every integer type, dates and times at and past the ends of
# the calendar, text that looks like markup, SQL or a path, and odd Unicode.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "line\nbreak",
    "/%0aX",
    "\t",
    "\x1b[31m",
    "\x7f",
    "\u202eevil",
    "\ufeff",
    "Zoë 😀 日本",
    "A" * 300,
    "B" * 5000,
    "x" * 70_000,
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "1e309",
    "NaN",
    "inf",
    "1.5",
    "0x10",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-03-08",
    "10000-01-01",
    "24:00",
    "23:59:60",
    "02:30",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "a@b",
    "@",
    "x" * 250 + "@example.com",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%s%n",
    "../../etc/passwd",
    "{{7*7}}",
    "[]",
    "{}",
    "true",
    "on",
    "y",
    "//evil.example/",
    "javascript:alert(1)",
]

PATH_HOSTILE = [
    "%00",
    "99999999999999999999",
    "-1",
    "0",
    "x" * 3000,
    "%0a",
    "..%2f..%2fetc",
    "Zo%C3%AB",
    "%FF%FE",
    "a.b",
    "9999-12-31",
]

# Query parameters the site reads somewhere; each endpoint also gets its own form's fields.
COMMON_PARAMS = [
    "page",
    "next",
    "date",
    "day",
    "week",
    "days",
    "from",
    "to",
    "service",
    "therapist",
    "option",
    "location",
    "start",
    "q",
    "show",
    "status",
    "token",
]

_ARG = re.compile(r"<(?:([a-zA-Z_]+)(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


@dataclass
class Form:
    """A form as found on a page: where it goes and the fields a browser would send."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # defaults, in page order
    choices: dict[str, list[str]] = field(default_factory=dict)  # select and radio values
    files: set[str] = field(default_factory=set)  # <input type="file"> names

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys([n for n, _ in self.fields] + sorted(self.files)))


class _FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page_url
            self._form = Form(action=html.unescape(action), method=a.get("method", "get").upper())
            self.forms.append(self._form)
            return
        form = self._form
        if form is not None and tag == "option" and self._select:
            form.choices[self._select].append(a.get("value", ""))
            if "selected" in a:
                form.fields.append((self._select, a.get("value", "")))
        if form is None or "name" not in a:
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                form.files.add(name)
            elif kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
            elif kind == "submit" and a.get("value"):
                form.choices.setdefault(name, []).append(a["value"])
        elif tag == "button" and a.get("value"):
            form.choices.setdefault(name, []).append(a["value"])
        elif tag == "select":
            self._select = name
            form.choices.setdefault(name, [])
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text).strip("\r\n")))
            self._textarea = None


def forms_on(page_url: str, page: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(page)
    return parser.forms


def known_values(engine: sa.Engine, metadata: sa.MetaData, limit: int = 5) -> dict[str, list]:
    """Real values for path arguments, by argument name: `<x_id>` takes ids of table `x`;
    `<token>` or `<session_id>` the values of columns of that name or ending with it
    (`feed_token`, `checkout_session_id`); `<area_slug>` the slugs of a table named
    `*area`. New routes that follow these names are fuzzed with real rows too."""
    values: dict[str, list] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for column in table.columns:
                keys = {column.name, f"{table.name}_{column.name}"}
                if column.primary_key and column.name == "id":
                    keys.add(f"{table.name}_id")
                    keys.add(f"{table.name.rsplit('_', 1)[-1]}_id")
                if column.name == "slug":
                    keys.add(f"{table.name.rsplit('_', 1)[-1]}_slug")
                if not column.name.endswith(("id", "token", "slug", "name")):
                    continue
                try:
                    rows = conn.execute(
                        sa.select(column).where(column.is_not(None)).limit(limit)
                    ).scalars()
                except sa.exc.SQLAlchemyError:
                    continue
                found = [str(v) for v in rows]
                for key in keys:
                    values.setdefault(key, []).extend(found)
                for suffix in ("token", "session_id"):
                    if column.name.endswith(suffix):
                        values.setdefault(suffix, []).extend(found)
    return values


def fill_rule(rule: str, rng: random.Random, known: dict[str, list], hostile: bool) -> str:
    """The rule's path with each argument filled: a real value, or a hostile one."""

    def one(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        real = known.get(name) or known.get(name.rsplit("_", 1)[-1]) or []
        if name == "kind":
            real = ["hours", "time-off", "extra-hours"]
        if real and not (hostile and rng.random() < 0.7):
            return quote(str(rng.choice(real)), safe="")
        if converter == "int" and rng.random() < 0.5:
            return str(rng.choice([0, 1, 2, 10**6, 2**63, 10**25]))
        return rng.choice(PATH_HOSTILE)

    return _ARG.sub(one, rule)


def rule_path_matches(path: str, rule_pattern: re.Pattern) -> bool:
    return bool(rule_pattern.fullmatch(urlsplit(path).path))


def rule_regex(rule: str) -> re.Pattern:
    parts = []
    last = 0
    for m in _ARG.finditer(rule):
        parts.append(re.escape(rule[last : m.start()]))
        parts.append(r"[^/]+" if m.group(1) != "path" else r".+")
        last = m.end()
    parts.append(re.escape(rule[last:]))
    return re.compile("".join(parts))


@dataclass
class Request:
    """One request to send: what the test client's `open` takes, and a label for reports."""

    kind: str
    path: str
    method: str
    query_string: str | bytes = ""
    data: object = None
    content_type: str | None = None
    headers: dict = field(default_factory=dict)

    def describe(self) -> str:
        data = self.data
        if isinstance(data, MultiDict):
            data = [(k, v if isinstance(v, str) else "<file>") for k, v in data.items(multi=True)]
        text = repr(data)
        if len(text) > 300:
            text = text[:300] + "..."
        query = self.query_string if len(self.query_string) < 200 else self.query_string[:200]
        return f"{self.method} {self.path}?{query!r} [{self.kind}] {self.content_type} {text}"


def _value(rng: random.Random, name: str, form: Form | None) -> str:
    choices = form.choices.get(name) if form else None
    roll = rng.random()
    if choices and roll < 0.25:
        return rng.choice(choices)
    if form and roll < 0.35:
        defaults = [v for n, v in form.fields if n == name]
        if defaults:
            return defaults[0]
    return rng.choice(HOSTILE)


def _file(rng: random.Random) -> tuple[io.BytesIO, str, str]:
    body = rng.choice(
        [b"", b"plain text", b"%PDF-1.4 tiny", b"\x89PNG\r\n\x1a\n" + b"0" * 32, b"\x00" * 64]
    )
    name = rng.choice(["a.txt", "", "../../x.pdf", "z\x00.png", "Zoë.pdf", "x" * 300])
    kind = rng.choice(["text/plain", "application/pdf", "image/png", "", "a/b; charset=x"])
    return io.BytesIO(body), name, kind


def _raw_multipart(rng: random.Random, pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    """Multipart bodies browsers never send: nameless parts, parts without headers,
    unknown charsets, a missing final boundary, a boundary that never appears."""
    boundary = "FuzzBoundary"
    chunks = []
    for name, value in pairs:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    quirk = rng.choice(["nameless", "no-headers", "charset", "unterminated", "wrong-boundary"])
    if quirk == "nameless":
        chunks.append(f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n")
    elif quirk == "no-headers":
        chunks.append(f"--{boundary}\r\n\r\nvalue\r\n")
    elif quirk == "charset":
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="x"\r\n'
            "Content-Type: text/plain; charset=klingon\r\n\r\n\xff\r\n"
        )
    body = "".join(chunks).encode("utf-8", "surrogateescape")
    if quirk != "unterminated":
        body += f"--{boundary}--\r\n".encode()
    content_type = f"multipart/form-data; boundary={boundary}"
    if quirk == "wrong-boundary":
        content_type = "multipart/form-data; boundary=Elsewhere"
    return body, content_type


def hostile_request(
    rng: random.Random,
    method: str,
    rule: str,
    known: dict[str, list],
    forms: list[Form],
    csrf: str | None,
) -> Request:
    """One request to `rule` by `method`: mostly the fields of one of `forms` with some
    replaced, dropped, repeated or sent as files; sometimes a raw oddity."""
    form = rng.choice(forms) if forms else None
    if form is not None and rng.random() < 0.6:
        path = urlsplit(form.action).path
        query = urlsplit(form.action).query
    else:
        path, query = fill_rule(rule, rng, known, hostile=True), ""
    names = (form.names if form else []) + rng.sample(COMMON_PARAMS, 3)
    pairs = list(form.fields) if form else []
    if csrf and rng.random() < 0.9:
        pairs = [(n, v) for n, v in pairs if n != "csrf_token"] + [("csrf_token", csrf)]
    # Replace, drop or repeat some fields.
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(names)
        action = rng.random()
        if action < 0.6:
            pairs = [(n, v) for n, v in pairs if n != name] + [(name, _value(rng, name, form))]
        elif action < 0.8:
            pairs = [(n, v) for n, v in pairs if n != name]
        else:
            pairs.append((name, _value(rng, name, form)))

    if method == "GET":
        extra = [(rng.choice(names), _value(rng, "", form)) for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.1:
            return Request("raw-query", path, method, query_string="page=%ff%fe&next=%c0%af")
        q = urlencode(pairs + extra) if rng.random() < 0.7 else urlencode(extra)
        return Request("query", path, method, query_string="&".join(filter(None, [query, q])))

    kind = rng.choices(
        ["urlencoded", "multipart", "file-for-text", "raw-multipart", "raw-body", "many-parts"],
        weights=[40, 20, 15, 12, 8, 5],
    )[0]
    if kind == "urlencoded":
        return Request(kind, path, method, query_string=query, data=MultiDict(pairs))
    if kind in ("multipart", "file-for-text"):
        data = MultiDict(pairs)
        targets = list(form.files) if form and kind == "multipart" else names
        for _ in range(rng.randint(1, 2)):
            data.add(rng.choice(targets or names or ["file"]), _file(rng))
        return Request(
            kind,
            path,
            method,
            query_string=query,
            data=data,
            content_type="multipart/form-data",
        )
    if kind == "raw-multipart":
        body, content_type = _raw_multipart(rng, pairs)
        return Request(kind, path, method, query_string=query, data=body, content_type=content_type)
    if kind == "many-parts":
        data = MultiDict(pairs + [(f"f{i}", "x") for i in range(rng.choice([1200, 5000]))])
        return Request(kind, path, method, query_string=query, data=data)
    body, content_type = rng.choice(
        [
            (b"\xff\xfe\x00garbage=%%%", "application/x-www-form-urlencoded"),
            (b'{"email": "a@b.c", "deep": ' + b"[" * 5000 + b"]" * 5000 + b"}", "application/json"),
            (b"not json", "application/json"),
            (b"a=1&a=2&" * 500, "application/x-www-form-urlencoded; charset=klingon"),
            (b"<xml/>", "text/xml"),
            (b"", "multipart/form-data"),
        ]
    )
    return Request(
        "raw-body", path, method, query_string=query, data=body, content_type=content_type
    )
