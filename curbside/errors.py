"""Errors a user can cause. Each carries one sentence naming the input and the fix.

The CLI and the web app print `str(error)` and nothing else: no traceback reaches a user.
"""


class CurbsideError(Exception):
    """Base class: the message is already the one clear sentence to show."""

    http_status = 400  # what the web app answers with


class InputError(CurbsideError):
    """A path, file, question or request that curbside cannot use."""


class LibraryError(CurbsideError):
    """A library on disk that cannot be opened or is from a newer curbside."""


class NotFoundError(InputError):
    """An id (source, passage, article, thread) that this library does not hold."""

    http_status = 404


class SignInRequired(InputError):
    """An action that needs an account, asked for without one (or with a wrong token)."""

    http_status = 401


class PermissionDenied(InputError):
    """An action the signed-in user's role, or their relation to the article, does not allow."""

    http_status = 403


class ConflictError(InputError):
    """An action the article's current state does not allow (an illegal workflow transition)."""

    http_status = 409


class TooManyAttempts(InputError):
    """Sign-in refused for a while after repeated failures."""

    http_status = 429
