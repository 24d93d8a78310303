"""Use cases, one package per feature: each loads what it needs, calls the domain and writes;
its caller runs it in a unit of work (`unit_of_work.py`), which commits all of it or none."""


class ServiceError(ValueError):
    """A use case refused its input; ``errors`` maps field names to GOV.UK messages."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}
