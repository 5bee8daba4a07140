"""Text messages: a small gateway interface (`gateway.py`), Twilio through its official
SDK (`twilio_gateway.py`), a fake that writes `.txt` files beside the outbox's `.eml`
files (`fake_gateway.py`), STOP and START (`optouts.py`), texts queued with the change that
causes them and sent by `flask outbox send` (`outbox.py`), and the provider's inbound
webhook (`webhook.py`, the one module here that is a view). Numbers are E.164, read by
clinicsite/phones.py.
"""

from clinicsite.sms.gateway import SmsConfigError, SmsError, SmsGateway, SmsResult, get_sms_gateway

__all__ = [
    "SmsConfigError",
    "SmsError",
    "SmsGateway",
    "SmsResult",
    "get_sms_gateway",
]
