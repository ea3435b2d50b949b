"""CSRF tokens for the UI's state-changing forms.

The token is an HMAC of the signed-in user's secret cookie token, so a page from another site
cannot know it; the SameSite=Strict cookie is the first line, this is the second.
"""

from __future__ import annotations

import hashlib
import hmac

_PURPOSE = b"veracity-ui-csrf-v1"


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode(), _PURPOSE, hashlib.sha256).hexdigest()


def csrf_ok(session_token: str | None, presented: str | None) -> bool:
    if not session_token or not presented:
        return False
    return hmac.compare_digest(csrf_token(session_token).encode(), presented.encode())
