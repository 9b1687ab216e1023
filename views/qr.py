"""A shared link as a QR code ("Dela")."""
from __future__ import annotations

import segno


def qr_data_uri(url: str) -> str:
    """The link as a QR code: an SVG data URI made here (segno), dark on white with a quiet zone."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=4, dark="#000000", light="#ffffff")
