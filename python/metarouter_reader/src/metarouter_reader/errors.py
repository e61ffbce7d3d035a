"""Errors of the reader. Every message is one line and names the file (and field) at fault."""


class ArtifactError(Exception):
    """Base class: the artifact or registry cannot be used."""


class ArtifactFormatError(ArtifactError):
    """Bytes or JSON that are not what data-schemas/artifact-format.md specifies (corrupt, truncated, inconsistent)."""


class UnsupportedFormatError(ArtifactFormatError):
    """A format version this reader does not implement (a newer writer): upgrade the reader."""


class ChecksumMismatchError(ArtifactFormatError):
    """A file's size or SHA-256 differs from its manifest entry (damaged or replaced after publishing)."""

    def __init__(self, path, message):
        super().__init__(message)
        self.path = path


class NoSuchVersionError(ArtifactError):
    """The registry has no committed version of that number."""


class LatestMissingError(ArtifactError):
    """The registry has no LATEST pointer: nothing was promoted yet."""
