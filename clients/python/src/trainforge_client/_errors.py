"""Errors of trainforge_client."""


class TrainforgeClientError(Exception):
    """A dataset version cannot be read: the message says what and why."""


class VersionNotFoundError(TrainforgeClientError, LookupError):
    """The version asked for is not published (the message lists the versions that are)."""


class VersionMismatchError(TrainforgeClientError):
    """A tag resolves to a snapshot that does not record the dataset and version asked for."""
