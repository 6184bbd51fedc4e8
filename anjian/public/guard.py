"""What stands between the public form and the database: a captcha that needs no third-party
service, and rate limits per address and per device.

- **Captcha**: a sum of two small numbers drawn as a PNG with Pillow (already a dependency, see
  ``core.uploads``) with noise lines; the answer is kept in the shared cache (Redis in
  production) under a random token for ``CAPTCHA_TTL`` seconds and used once: checking it
  deletes it, right or wrong. It keeps scripts that do not read images out, not a determined
  person — the rate limits are the second line.
- **Rate limits**: counters in the shared cache per client address (the proxy-aware address
  django-axes resolves, as the security log does) and per device (a random, HttpOnly cookie set
  by the form page), over windows whose sizes are ``TipParameter`` rows. django-axes itself
  guards the log-in only; it counts failed credentials, not submissions, so it is not reused here.

A refused request is refused before any service runs: nothing of it is stored."""

from __future__ import annotations

import io
import secrets

from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

from . import selectors
from .choices import Parameter

CAPTCHA_TTL = 600
DEVICE_COOKIE = "anjian_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
HOUR, DAY = 3600, 24 * 3600


# --- captcha --------------------------------------------------------------------------------------

def new_captcha() -> str:
    """A new challenge; answers its token (the image is drawn from it by ``captcha_png``)."""
    token = secrets.token_urlsafe(16)
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    cache.set(f"public:captcha:{token}", (a, b), CAPTCHA_TTL)
    return token


def captcha_png(token: str) -> bytes | None:
    """The challenge of ``token`` as a PNG (None when it is unknown or used)."""
    if not token or len(token) > 40:
        return None
    pair = cache.get(f"public:captcha:{token}")
    if pair is None:
        return None
    a, b = pair
    rng = secrets.SystemRandom()
    im = Image.new("RGB", (160, 56), (246, 247, 249))
    draw = ImageDraw.Draw(im)
    for _ in range(6):
        draw.line([(rng.randint(0, 160), rng.randint(0, 56)), (rng.randint(0, 160), rng.randint(0, 56))],
                  fill=(rng.randint(120, 200),) * 3, width=1)
    font = ImageFont.load_default(size=30)
    draw.text((14 + rng.randint(0, 8), 8 + rng.randint(0, 6)), f"{a} + {b} = ?", fill=(30, 41, 59), font=font)
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def check_captcha(token: str, answer) -> bool:
    """Whether ``answer`` solves the challenge of ``token``; the challenge is spent either way."""
    if not token or len(token) > 40:
        return False
    key = f"public:captcha:{token}"
    pair = cache.get(key)
    cache.delete(key)
    if pair is None:
        return False
    try:
        return int(str(answer).strip()) == pair[0] + pair[1]
    except (TypeError, ValueError):
        return False


# --- rate limits ----------------------------------------------------------------------------------

def client_address(request) -> str:
    return (getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or "unknown")[:64]


def device_of(request) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if value.isalnum() and 16 <= len(value) <= 64 else ""


def new_device() -> str:
    return secrets.token_hex(16)


def _count(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def allow(request, action: str) -> bool:
    """Count one ``action`` ("tip" or "lookup") of this client; False once a limit is passed.
    A refused request still counts: hammering does not reopen the window."""
    address = client_address(request)
    if action == "tip":
        ok = _count(f"public:rl:tip:ip:{address}", HOUR) <= selectors.parameter(Parameter.TIPS_PER_HOUR_ADDRESS)
        device = device_of(request)
        if device:
            ok = _count(f"public:rl:tip:dev:{device}", DAY) <= selectors.parameter(
                Parameter.TIPS_PER_DAY_DEVICE) and ok
        return ok
    return _count(f"public:rl:{action}:ip:{address}", HOUR) <= selectors.parameter(Parameter.LOOKUPS_PER_HOUR)
