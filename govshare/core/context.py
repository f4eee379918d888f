"""The acting user and request id of the current request, for change history written outside views."""

import contextvars
import uuid
from contextlib import contextmanager

__all__ = ["current_request_id", "current_user", "acting_as"]

_user = contextvars.ContextVar("govshare_user", default=None)
_request_id = contextvars.ContextVar("govshare_request_id", default=None)


def current_user():
    return _user.get()


def current_request_id():
    return _request_id.get()


@contextmanager
def acting_as(user, request_id=None):
    """Attribute changes made inside the block to this user (CLI, jobs, tests and the request middleware)."""
    user_token = _user.set(user)
    request_token = _request_id.set(request_id or uuid.uuid4())
    try:
        yield
    finally:
        _user.reset(user_token)
        _request_id.reset(request_token)
