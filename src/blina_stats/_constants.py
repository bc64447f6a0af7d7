"""Numbers the whole package shares, each written once: time in days, horizons, the default seed."""

from __future__ import annotations

#: the Julian year, so that 2 years is 730.5 days and 6 months 182.625 days
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12  # 30.4375
#: the protocol's horizons, days
TWO_YEARS = 2 * DAYS_PER_YEAR
ONE_YEAR = DAYS_PER_YEAR
SIX_MONTHS = DAYS_PER_YEAR / 2
DAY_100 = 100.0
#: the seed of every simulation unless the caller gives one (the bundled files keep their own)
DEFAULT_SEED = 20240601
