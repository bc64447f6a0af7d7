"""Regression models: Cox, Fine-Gray, landmark and time-varying Cox."""

from .fine_gray import FineGrayResult, fine_gray

__all__ = ["FineGrayResult", "fine_gray"]
