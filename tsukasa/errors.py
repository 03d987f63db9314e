"""The one exception family users see.

Anything derived from ``TsukasaError`` is an expected problem with the user's input or
environment: the CLI prints its message on one line and exits non-zero, never a traceback.
"""


class TsukasaError(Exception):
    """An expected, user-facing error with a one-line message."""


class ConfigError(TsukasaError):
    """A configuration, recipe or argument is invalid."""


class DatasetError(TsukasaError):
    """A dataset is missing, malformed, or an immutable part would be written."""
