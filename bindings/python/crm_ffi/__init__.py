"""crm_ffi: an embeddable CRM engine (contacts, companies, leads, deals, quotes, activities,
calendars, iCalendar) in one file, with no server.

The API is the module uniffi-bindgen generates from the Rust crate (maturin places it at
``crm_ffi.crm_ffi.crm_ffi``),
re-exported here; ``_pythonic`` adds, at the boundary only, what makes it behave like a Python
library (errors that name the path of a mistyped value, decimals from numbers, dates from
``datetime.date``, records that print their fields). See README.md.
"""

from ._pythonic import install as _install
from .crm_ffi import crm_ffi as _generated
from .crm_ffi.crm_ffi import *  # noqa: F401,F403

_install(_generated)
del _install

__all__ = _generated.__all__
