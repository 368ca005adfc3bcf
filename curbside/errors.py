"""Errors a user can cause. Each carries one sentence naming the input and the fix.

The CLI and the web app print `str(error)` and nothing else: no traceback reaches a user.
"""


class CurbsideError(Exception):
    """Base class: the message is already the one clear sentence to show."""


class InputError(CurbsideError):
    """A path, file, question or request that curbside cannot use."""


class LibraryError(CurbsideError):
    """A library on disk that cannot be opened or is from a newer curbside."""


class NotFoundError(InputError):
    """An id (source, passage, article, thread) that this library does not hold."""
