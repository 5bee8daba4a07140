"""The app's signed-cookie sessions, saved only where an answer depends on them."""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin


class SessionInterface(SecureCookieSessionInterface):
    """Flask adds `Vary: Cookie` to every answer whose code looked at the session, and
    Flask-Login looks at it on every answer. Two kinds of answer depend on no cookie:
    - a static file's (200, 206 or 304) is saved without the session: no Set-Cookie, no
      `Vary: Cookie` (an error page under /static/ may carry a CSRF token: saved as any
      other page);
    - a public page from the page cache (clinicsite/pagecache/) is the same for every
      visitor without a session, and visitors with one get a private page, so it varies on
      the encoding alone; `Vary: Cookie` would make shared caches keep a copy per cookie.
    """

    def open_session(self, app: Flask, request):
        """Without a session cookie there is nothing to read: a new session, without
        building the signer (most of what a page served from the cache cost Flask)."""
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.endpoint == "static" and response.status_code < 400:
            return
        if g.get("page_cache_public") and not session and not session.modified:
            return  # no cookie came, none goes: nothing to save, nothing to vary on
        super().save_session(app, session, response)
