"""The SMS gateway interface, and the one place that picks an implementation from the
settings (SMS_BACKEND: off, fake or twilio)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

BACKENDS = ("off", "fake", "twilio")


class SmsError(Exception):
    """The provider refused or could not take the message; the text says why."""


class SmsConfigError(RuntimeError):
    """The SMS settings cannot work."""


@dataclass(frozen=True)
class SmsResult:
    provider_id: str  # the provider's id of the message (Twilio's SID), or a file name


class SmsGateway(Protocol):
    sender: str

    def send(self, to: str, body: str, reference: str) -> SmsResult:
        """Send `body` to `to` (E.164); `reference` names it (for the fake's file). Raises
        SmsError when the message did not go."""
        ...


def get_sms_gateway(config: Mapping[str, Any]) -> SmsGateway | None:
    """The gateway SMS_BACKEND names; None when texts are off."""
    backend = str(config.get("SMS_BACKEND") or "off").strip().lower()
    if backend == "off":
        return None
    if backend == "fake":
        from clinicsite.sms.fake_gateway import FakeSmsGateway

        return FakeSmsGateway(
            str(config.get("MAIL_FILE_DIR") or ""), str(config.get("TWILIO_FROM") or "")
        )
    if backend == "twilio":
        from clinicsite.sms.twilio_gateway import TwilioGateway

        return TwilioGateway(
            account_sid=str(config.get("TWILIO_ACCOUNT_SID") or ""),
            auth_token=str(config.get("TWILIO_AUTH_TOKEN") or ""),
            sender=str(config.get("TWILIO_FROM") or ""),
            api_base=str(config.get("TWILIO_API_BASE") or ""),
        )
    raise SmsConfigError(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
