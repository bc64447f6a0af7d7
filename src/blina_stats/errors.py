"""Exceptions raised for bad input; the command line prints them as one line, no traceback."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input data: the message names the file, the patient and the column."""
