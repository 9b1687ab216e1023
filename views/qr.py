"""A shared link ("Dela"): the address the audience reaches, a warning when it is only this computer's, and the
link as a QR code."""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import segno

LOOPBACK = {"localhost", "::1", "0.0.0.0"}  # and 127.x.x.x, *.localhost


def qr_data_uri(url: str) -> str:
    """The link as a QR code: an SVG data URI made here (segno), dark on white with a quiet zone."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=4, dark="#000000", light="#ffffff")


def public_url(manifest: dict) -> str:
    """The address the audience reaches the app at: `TRYGG_PUBLIC_URL` in the environment, else `[app] public_url`
    of the configuration (in the build's manifest); "" when neither is set (the link is the address in use)."""
    return (os.environ.get("TRYGG_PUBLIC_URL") or manifest.get("public_url") or "").strip().rstrip("/")


def shared_url(url: str, public: str) -> str:
    """The link to share: `url` (the page's own address) on the public address when one is set."""
    if not public or not url:
        return url
    base, own = urlsplit(public), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, own.path, own.query, own.fragment))


def only_this_computer(url: str) -> bool:
    """Whether the link names this computer itself (127.0.0.1, localhost, ::1): no phone in the room reaches it."""
    host = (urlsplit(url).hostname or "").lower()
    return host in LOOPBACK or host.startswith("127.") or host.endswith(".localhost")
