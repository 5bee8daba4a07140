"""How an email leaves: SMTP, or .eml files in a folder (development), as the settings say.
Every function takes the settings (the app's config, or any mapping) it reads."""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Protocol

from clinicsite.models.mail import OutboxEmail


class MailConfigError(RuntimeError):
    """The mail settings cannot work (unknown backend, bad MAIL_FROM, unusable folder...)."""


class Transport(Protocol):
    def send(self, message: EmailMessage, email: OutboxEmail, now: datetime) -> None: ...

    def close(self) -> None: ...


class FileTransport:
    """Development: each email becomes `<id>-<UTC timestamp>.eml` in a folder."""

    def __init__(self, directory: str) -> None:
        if not directory:
            raise MailConfigError("MAIL_FILE_DIR is empty")
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailConfigError(f"cannot create MAIL_FILE_DIR {directory}: {exc}") from exc

    def send(self, message: EmailMessage, email: OutboxEmail, now: datetime) -> None:
        path = self.directory / f"{email.id}-{now:%Y%m%dT%H%M%SZ}.eml"
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, path)  # readers never see half a file

    def close(self) -> None:
        pass


class SmtpTransport:
    """SMTP with one connection for the whole run, opened on the first email."""

    def __init__(self, config: Mapping[str, Any], envelope_from: str) -> None:
        self.host = str(config.get("SMTP_HOST") or "").strip()
        self.port = int(config.get("SMTP_PORT") or 0)
        self.username = config.get("SMTP_USERNAME") or ""
        self.password = config.get("SMTP_PASSWORD") or ""
        self.use_ssl = bool(config.get("SMTP_SSL"))
        self.starttls = bool(config.get("SMTP_STARTTLS"))
        self.timeout = float(config.get("SMTP_TIMEOUT") or 20)
        self.envelope_from = envelope_from
        if not self.host:
            raise MailConfigError("SMTP_HOST is empty")
        if not 0 < self.port < 65536:
            raise MailConfigError(f"SMTP_PORT {self.port} is not a port")
        if self.use_ssl and self.starttls:
            raise MailConfigError("set SMTP_SSL or SMTP_STARTTLS, not both")
        if self.timeout <= 0:
            raise MailConfigError("SMTP_TIMEOUT must be positive")
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.starttls:
                connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password)
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage, email: OutboxEmail, now: datetime) -> None:
        if self._connection is None:
            self._connection = self._connect()
        recipient = parseaddr(email.to_address)[1]
        try:
            self._connection.send_message(
                message, from_addr=self.envelope_from, to_addrs=[recipient]
            )
        except BaseException:
            self.close()  # start afresh for the next email
            raise

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def mail_sender(config: Mapping[str, Any]) -> str:
    """MAIL_FROM, checked."""
    sender = str(config.get("MAIL_FROM") or "").strip()
    if "\r" in sender or "\n" in sender or "@" not in parseaddr(sender)[1]:
        raise MailConfigError(f"MAIL_FROM is not an email address: {sender!r}")
    return sender


def get_transport(config: Mapping[str, Any]) -> Transport:
    """The transport MAIL_BACKEND names, built from the settings."""
    backend = str(config.get("MAIL_BACKEND") or "").strip().lower()
    if backend == "files":
        return FileTransport(str(config.get("MAIL_FILE_DIR") or ""))
    if backend == "smtp":
        return SmtpTransport(config, parseaddr(mail_sender(config))[1])
    raise MailConfigError(f"MAIL_BACKEND must be smtp or files, not {backend!r}")
