"""Use cases: each function loads what it needs, calls the domain, and leaves the commit to its caller."""


class ServiceError(ValueError):
    """A use case refused its input; ``errors`` maps field names to GOV.UK messages."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}
