class DomainError(Exception):
    """A business rule was broken. The message is written for the user who caused it."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
