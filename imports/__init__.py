"""File parsers: bytes in, typed rows and precise errors out. No database, no web."""

from imports.errors import Problem, RegisterError
from imports.register import Register, RegisterPupil, parse_register

__all__ = ["Problem", "Register", "RegisterError", "RegisterPupil", "parse_register"]
