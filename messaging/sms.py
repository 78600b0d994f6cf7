"""Sending an SMS: a small interface with two backends, chosen by `CEIS_SMS_BACKEND`.

`backend().send(to, body)` returns the provider's id of the message, or raises `SmsError` with
the provider's reason (in French when it is ours) and whether trying again may help.

- `FileSmsBackend` (`make run`, tests): one JSON line per SMS in `CEIS_SMS_DIR/sms-<date>.jsonl`.
- `BrevoSmsBackend` (production): Brevo's transactional SMS API over HTTP, `POST` JSON with the
  `api-key` header to `CEIS_BREVO_SMS_URL`; `201` answers `{"messageId": …, "reference": …}`,
  an error answers `{"code": …, "message": …}` (developers.brevo.com).
"""

import datetime
import json
import uuid
from pathlib import Path

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The SMS did not leave. `reason` is kept on the message; `retry` says whether trying again
    later may work (a timeout, a 5xx, too many requests) or not (a refused number, no credit)."""

    def __init__(self, reason: str, *, retry: bool):
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class SmsBackend:
    def send(self, to: str, body: str) -> str:
        raise NotImplementedError


class FileSmsBackend(SmsBackend):
    """Writes each SMS as one JSON line, for `make run` and the demo: nothing leaves the machine."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder or settings.CEIS_SMS_DIR)

    def path_for(self, day: datetime.date) -> Path:
        return self.folder / f"sms-{day.isoformat()}.jsonl"

    def send(self, to: str, body: str) -> str:
        provider_id = f"file-{uuid.uuid4().hex[:12]}"
        now = timezone.localtime()
        line = {"id": provider_id, "at": now.isoformat(), "to": to, "body": body}
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.path_for(now.date()).open("a", encoding="utf-8") as file:
            file.write(json.dumps(line, ensure_ascii=False) + "\n")
        return provider_id


# Brevo's HTTP statuses that another try may cure: rate limits and the provider's own errors.
_RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class BrevoSmsBackend(SmsBackend):
    def __init__(self, *, url=None, api_key=None, sender=None, timeout=None, web_url=None):
        self.url = url or settings.CEIS_BREVO_SMS_URL
        self.api_key = settings.CEIS_BREVO_API_KEY if api_key is None else api_key
        self.sender = sender or settings.CEIS_SMS_SENDER
        self.timeout = timeout or settings.CEIS_SMS_TIMEOUT
        self.web_url = settings.CEIS_BREVO_WEBHOOK_URL if web_url is None else web_url

    def send(self, to: str, body: str) -> str:
        if not self.api_key:
            raise SmsError("Clé d'API Brevo absente (CEIS_BREVO_API_KEY)", retry=False)
        payload = {
            "sender": self.sender,
            # Brevo takes the number with its country code and without "+".
            "recipient": to.lstrip("+"),
            "content": body,
            "type": "transactional",
        }
        if self.web_url:
            payload["webUrl"] = self.web_url
        try:
            response = requests.post(
                self.url,
                json=payload,
                headers={"api-key": self.api_key, "accept": "application/json"},
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise SmsError("Brevo n'a pas répondu à temps", retry=True) from None
        except requests.ConnectionError:
            raise SmsError("Brevo injoignable (connexion impossible)", retry=True) from None
        if response.status_code in (200, 201, 202):
            try:
                message_id = response.json()["messageId"]
            except (ValueError, KeyError, TypeError):
                raise SmsError("Réponse de Brevo illisible", retry=False) from None
            return str(message_id)
        raise SmsError(
            f"Brevo {response.status_code} : {_error_message(response)}",
            retry=response.status_code in _RETRY_STATUSES,
        )


def _error_message(response) -> str:
    try:
        data = response.json()
    except ValueError:
        return (response.text or response.reason or "erreur").strip()[:200]
    if isinstance(data, dict):
        parts = [str(data[key]) for key in ("code", "message") if data.get(key)]
        if parts:
            return " – ".join(parts)[:200]
    return str(data)[:200]


def backend() -> SmsBackend:
    return import_string(settings.CEIS_SMS_BACKEND)()
