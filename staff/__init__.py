"""Staff mode behind a login (/personal/): free-text answers, redacted, and the upload page's place."""
from .app import make_staff_app
from .auth import init_auth, is_staff, load_settings

__all__ = ["init_auth", "is_staff", "load_settings", "make_staff_app"]
