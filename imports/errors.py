from __future__ import annotations


class RegisterError(ValueError):
    """A file that cannot be imported: `message` says what is wrong, `problems` where."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.message = message
        self.problems = problems or []
        super().__init__(self.text)

    @property
    def text(self) -> str:
        return "\n".join([self.message, *(f"  - {p}" for p in self.problems)])
