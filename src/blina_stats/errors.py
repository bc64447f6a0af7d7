"""Exceptions raised for bad input; the command line prints them as one line, no traceback."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input data: the message names the file, the patient and the column."""


class HorizonWarning(UserWarning):
    """A horizon where the estimate says nothing: before any patient entered, or with no
    patient at risk (beyond all follow-up); usually years or months typed for days."""


class MissingFileError(InputError, FileNotFoundError):
    """A table file that does not exist: bad input (an InputError), and a FileNotFoundError."""
