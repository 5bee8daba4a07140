"""Texts through Twilio's official SDK (the `twilio` package).

`api_base` (TWILIO_API_BASE) replaces https://api.twilio.com, only so tests can point the
SDK at a local stub of the one endpoint used (Messages create)."""

from __future__ import annotations

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from clinicsite.sms.gateway import SmsConfigError, SmsError, SmsResult

TIMEOUT_SECONDS = 15


class TwilioGateway:
    def __init__(self, *, account_sid: str, auth_token: str, sender: str, api_base: str = ""):
        if not (account_sid and auth_token and sender):
            raise SmsConfigError("TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are needed")
        self.sender = sender
        self.auth_token = auth_token
        self.client = Client(
            account_sid, auth_token, http_client=TwilioHttpClient(timeout=TIMEOUT_SECONDS)
        )
        if api_base:
            self.client.api.base_url = api_base.rstrip("/")

    def send(self, to: str, body: str, reference: str) -> SmsResult:
        try:
            message = self.client.messages.create(to=to, from_=self.sender, body=body)
        except TwilioRestException as exc:
            raise SmsError(f"Twilio {exc.status} (code {exc.code}): {exc.msg}") from exc
        except (TwilioException, OSError) as exc:
            raise SmsError(f"{type(exc).__name__}: {exc}") from exc
        return SmsResult(provider_id=message.sid or "")
