"""What makes the generated binding (`crm_ffi.crm_ffi`, written by uniffi-bindgen) behave like a
Python library. It changes no behaviour of the CRM; it only translates, at the boundary:

- A value of the wrong type anywhere in an argument is refused with ``CrmError.Validation``
  whose ``field`` is the full path of the value (``filter.conditions[0].value``) and whose
  ``reason`` says what to write instead (``must be a FieldValue, such as
  FieldValue.TEXT("…")``), never the value itself. uniffi's own checks raise a bare
  ``ValueError: won`` or ``'str' object has no attribute 'is_TEXT'``.
- Decimals (quantities, rates, prices) take an ``int``, a ``decimal.Decimal`` or a finite
  ``float`` as well as a ``str``; calendar dates take a ``datetime.date`` as well as
  ``"YYYY-MM-DD"``. Results keep their ``str`` form.
- A naive ``datetime`` (one without a time zone) is refused saying so, instead of
  ``can't compare offset-naive and offset-aware datetimes``.
- Records print and compare by value: ``repr()`` and ``str()`` show every field (nested records
  and lists included), and ``==`` with a value of another type is ``False`` rather than an
  ``AttributeError``.
- Arguments and results cross the boundary faster: uniffi's buffer writer grows a Rust buffer
  through a context manager and a native call per field, and its reader slices the native
  memory per field; here a record is written into a ``bytearray`` and copied once, and a
  result is copied out once and read with precompiled ``struct`` formats; strings, optional
  values and records are read with fewer calls (a count went from about 40 to 16 µs, see
  BENCHMARKS.md).

It works from the generated module itself: the converters' ``check_lower`` methods name the
fields they check, so a record's fields, and which converter checks each, are read from them
once, on import. Converters it does not recognise are left as uniffi wrote them.
"""

import ctypes as _ctypes
import datetime as _dt
import decimal as _decimal
import enum as _enum
import inspect as _inspect
import math as _math
import re as _re
import struct as _struct

_PREFIX = "_UniffiFfiConverter"
# A converter's check of one part of its value: a record's field, an item, a map's key and value.
_CHECK = _re.compile(
    r"(" + _PREFIX + r"\w+)\.check_lower\((value\.(\w+)|item|key|value)\)"
)
_INT_RANGES = {
    "Int8": (-(2**7), 2**7), "Int16": (-(2**15), 2**15), "Int32": (-(2**31), 2**31),
    "Int64": (-(2**63), 2**63), "UInt8": (0, 2**8), "UInt16": (0, 2**16),
    "UInt32": (0, 2**32), "UInt64": (0, 2**64),
}


def _checks(converter):
    """The checks in a converter's ``check_lower``: (what is checked, converter name) pairs,
    where what is ``.field`` for a record's field, else ``item``, ``key`` or ``value``."""
    try:
        source = _inspect.getsource(converter.check_lower)
    except (OSError, TypeError):
        return []
    return [
        ("." + m.group(3) if m.group(3) else m.group(2), m.group(1))
        for m in _CHECK.finditer(source)
    ]


def _is_variant_check(converter):
    try:
        return "if value.is_" in _inspect.getsource(converter.check_lower)
    except (OSError, TypeError):
        return True


def _is_record(cls, fields):
    """Whether ``cls`` is a record class whose constructor takes exactly these fields."""
    if not isinstance(cls, type) or issubclass(cls, BaseException) or not fields:
        return False
    try:
        params = _inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return False
    keyword = [n for n, p in params.items() if p.kind is _inspect.Parameter.KEYWORD_ONLY]
    return sorted(keyword) == sorted(fields)


def install(m):
    """Installs the translations on the generated module ``m``."""
    Validation = m.CrmError.Validation

    def refuse(reason, path=""):
        return Validation(path, reason)

    def below(step, e):
        """The refusal ``e`` of a part, from the point of view of the whole (``step`` is a field
        name or an ``[index]``)."""
        inner = e.field
        if not inner:
            path = step
        elif inner.startswith("["):
            path = step + inner
        else:
            path = step + "." + inner
        return refuse(e.reason, path)

    def converter(name):
        return getattr(m, name, None)

    def described(name):
        """What a converter's values are, for a reason: ``a str``, ``a list of Email``…"""
        kind = name[len(_PREFIX):]
        if kind.startswith("Optional"):
            return described(_PREFIX + kind[len("Optional"):]) + " or None"
        if kind.startswith("Sequence"):
            return "a list of " + described(_PREFIX + kind[len("Sequence"):]).split(" ", 1)[-1]
        if kind.startswith("Map"):
            return "a dict"
        if kind == "String":
            return "a str"
        if kind == "Boolean":
            return "a bool"
        if kind in _INT_RANGES:
            low, high = _INT_RANGES[kind]
            return "an int from {} to {}".format(low, high - 1) if low == 0 else "an int"
        if kind in ("Float32", "Float64"):
            return "a float"
        if kind == "Timestamp":
            return "a datetime with a time zone"
        if kind.startswith("Type"):
            return enum_or_record(kind[len("Type"):])
        return "a value of another type"

    def enum_or_record(type_name):
        cls = getattr(m, type_name, None)
        if type_name == "Decimal":
            return "a decimal: a str such as '12.50', an int or a decimal.Decimal"
        if type_name == "Date":
            return "a date: a datetime.date or a str written YYYY-MM-DD"
        if type_name == "Timestamp":
            return "a datetime with a time zone"
        if isinstance(cls, type) and issubclass(cls, _enum.Enum):
            names = ["{}.{}".format(type_name, v.name) for v in cls]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
            return "a {} ({})".format(type_name, listed)
        variants = [
            n for n, v in vars(cls).items()
            if isinstance(v, type) and n.isupper()
        ] if isinstance(cls, type) else []
        if variants:
            return "a {}, such as {}".format(
                type_name, ", ".join("{}.{}(…)".format(type_name, v) for v in variants[:4])
            )
        if isinstance(cls, type) and cls is not str:
            return "a " + type_name
        # Ids, currencies and references are strings.
        return "a str (a {})".format(type_name)

    def check_part(name, value):
        """Checks one part with its converter, as a refusal of this part."""
        conv = converter(name)
        if conv is None:
            return
        try:
            conv.check_lower(value)
        except Validation:
            raise
        except Exception:
            raise refuse("must be {}, not {}".format(described(name), _type_name(value)))

    def record_check(cls, fields):
        parts = []  # (field, converter name, converter), resolved on the first call

        def check_lower(value):
            if not isinstance(value, cls):
                raise refuse("must be a {}, not {}".format(cls.__name__, _type_name(value)))
            if not parts:
                parts.extend((f, n, converter(n)) for f, n in fields if converter(n) is not None)
            for field, name, conv in parts:
                part = getattr(value, field)
                try:
                    conv.check_lower(part)
                except Validation as e:
                    raise below(field, e) from None
                except Exception:
                    raise refuse(
                        "must be {}, not {}".format(described(name), _type_name(part)), field
                    ) from None
        return staticmethod(check_lower)

    def sequence_check(name, item):
        def check_lower(cls, value):
            if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
                raise refuse("must be {}, not {}".format(described(name), _type_name(value)))
            for i, v in enumerate(value):
                try:
                    check_part(item, v)
                except Validation as e:
                    raise below("[{}]".format(i), e) from None
        return classmethod(check_lower)

    def map_check(name, key, item):
        def check_lower(cls, items):
            if not isinstance(items, dict):
                raise refuse("must be a dict, not {}".format(_type_name(items)))
            for k, v in items.items():
                check_part(key, k)
                try:
                    check_part(item, v)
                except Validation as e:
                    raise below(str(k), e) from None
        return classmethod(check_lower)

    def optional_check(inner):
        def check_lower(cls, value):
            if value is not None:
                check_part(inner, value)
        return classmethod(check_lower)

    records = []
    for name, conv in list(vars(m).items()):
        if not name.startswith(_PREFIX) or not isinstance(conv, type):
            continue
        kind = name[len(_PREFIX):]
        checks = _checks(conv)
        if kind.startswith("Type"):
            cls = getattr(m, kind[len("Type"):], None)
            if _is_variant_check(conv):
                # An enum with data (FieldValue, FieldKind…): its check reads the variant's
                # fields, not a record's; it is left as generated (check_part names the type).
                continue
            fields = [(what[1:], c) for what, c in checks if what.startswith(".")]
            if _is_record(cls, [f for f, _ in fields]) and len(fields) == len(checks):
                conv.check_lower = record_check(cls, fields)
                records.append((cls, [f for f, _ in fields]))
        elif kind.startswith("Sequence") and [w for w, _ in checks] == ["item"]:
            conv.check_lower = sequence_check(name, checks[0][1])
        elif kind.startswith("Map") and [w for w, _ in checks] == ["key", "value"]:
            conv.check_lower = map_check(name, checks[0][1], checks[1][1])
        elif kind.startswith("Optional") and [w for w, _ in checks] == ["value"]:
            conv.check_lower = optional_check(checks[0][1])

    for cls, fields in records:
        _by_value(cls, fields)
    _fast_reads(m, records)

    _buffers(m)
    _messages(m.CrmError)
    _numbers_as_decimals(m, refuse)
    _dates(m, refuse)
    _instants(m, refuse)


_STRUCTS = {}


def _struct_of(fmt):
    s = _STRUCTS.get(fmt)
    if s is None:
        s = _STRUCTS[fmt] = _struct.Struct(fmt)
    return s


def _buffers(m):
    """Faster buffer writing and reading, with the generated classes' interface."""
    Buffer = getattr(m, "_UniffiRustBuffer", None)
    Stream = getattr(m, "_UniffiRustBufferStream", None)
    if Buffer is None or Stream is None or not hasattr(m, "_UniffiRustBufferBuilder"):
        return
    InternalError = m.InternalError
    # The generated writer's and reader's methods, by the struct format of the value.
    formats = {
        "i8": ">b", "u8": ">B", "i16": ">h", "u16": ">H", "i32": ">i", "u32": ">I",
        "i64": ">q", "u64": ">Q", "float": ">f", "double": ">d",
    }

    class Builder:
        """Writes into a ``bytearray``; ``finalize`` copies it into one Rust buffer."""

        __slots__ = ("out",)

        def __init__(self):
            self.out = bytearray()

        def finalize(self):
            n = len(self.out)
            rbuf = Buffer.alloc(n)
            if n:
                _ctypes.memmove(rbuf.data, bytes(self.out), n)
            rbuf.len = n
            return rbuf

        def discard(self):
            self.out = bytearray()

        def write(self, value):
            self.out += value

    def writer(st):
        pack = st.pack

        def write(self, v):
            self.out += pack(v)

        return write

    for kind, fmt in [*formats.items(), ("c_size_t", "@N")]:
        setattr(Builder, "write_" + kind, writer(_struct_of(fmt)))

    def stream_init(self, data, length):
        # One copy out of the Rust buffer; every read then unpacks from it.
        self.data = _ctypes.string_at(data, length) if length else b""
        self.len = length
        self.offset = 0

    def unpack_from(self, size, fmt):
        if self.offset + size > self.len:
            raise InternalError("read past end of rust buffer")
        value = _struct_of(fmt).unpack_from(self.data, self.offset)[0]
        self.offset += size
        return value

    def reader(st):
        size, unpack = st.size, st.unpack_from

        def read(self):
            at = self.offset
            if at + size > self.len:
                raise InternalError("read past end of rust buffer")
            self.offset = at + size
            return unpack(self.data, at)[0]

        return read

    m._UniffiRustBufferBuilder = Builder
    Stream.__init__ = stream_init
    Stream._unpack_from = unpack_from
    for kind, fmt in formats.items():
        if hasattr(Stream, "read_" + kind):
            setattr(Stream, "read_" + kind, reader(_struct_of(fmt)))


_READ_FIELD = _re.compile(r"(\w+)=(" + _PREFIX + r"\w+)\.read\(buf\)")
_READ_INNER = _re.compile(r"return (" + _PREFIX + r"\w+)\.read\(buf\)")


def _fast_reads(m, records):
    """Faster reading of results: strings, optional values and records (uniffi reads each
    through several calls: a record through its keyword constructor and its defaults)."""
    Stream = getattr(m, "_UniffiRustBufferStream", None)
    string = getattr(m, _PREFIX + "String", None)
    if Stream is None or string is None:
        return
    InternalError = m.InternalError
    I32 = _struct_of(">i")

    def read_string(buf):
        at = buf.offset
        if at + 4 > buf.len:
            raise InternalError("read past end of rust buffer")
        size = I32.unpack_from(buf.data, at)[0]
        end = at + 4 + size
        if size < 0 or end > buf.len:
            raise InternalError("a string's length does not fit the buffer")
        buf.offset = end
        return buf.data[at + 4:end].decode("utf-8")

    string.read = staticmethod(read_string)

    def optional_read(inner):
        def read(cls, buf):
            at = buf.offset
            if at >= buf.len:
                raise InternalError("read past end of rust buffer")
            flag = buf.data[at]
            buf.offset = at + 1
            if flag == 0:
                return None
            if flag != 1:
                raise InternalError("Unexpected flag byte for optional type")
            return inner.read(buf)
        return classmethod(read)

    def record_read(cls, parts):
        new = object.__new__

        def read(buf):
            obj = new(cls)
            d = obj.__dict__
            for field, conv in parts:
                d[field] = conv.read(buf)
            return obj
        return staticmethod(read)

    by_class = {cls: fields for cls, fields in records}
    for name, conv in list(vars(m).items()):
        if not name.startswith(_PREFIX) or not isinstance(conv, type):
            continue
        kind = name[len(_PREFIX):]
        try:
            source = _inspect.getsource(conv.read)
        except (OSError, TypeError, AttributeError):
            continue
        if kind.startswith("Optional"):
            inner = _READ_INNER.findall(source)
            if len(inner) == 1 and getattr(m, inner[0], None) is not None:
                conv.read = optional_read(getattr(m, inner[0]))
        elif kind.startswith("Type"):
            cls = getattr(m, kind[len("Type"):], None)
            fields = by_class.get(cls)
            parts = _READ_FIELD.findall(source)
            if fields and sorted(f for f, _ in parts) == sorted(fields) and all(
                getattr(m, c, None) is not None for _, c in parts
            ):
                conv.read = record_read(cls, [(f, getattr(m, c)) for f, c in parts])


def _messages(error):
    """Each error's ``str()`` says what happened in a sentence (uniffi writes
    ``field='…', reason='…'``)."""
    sentences = {
        "NotFound": lambda e: "{} {} not found".format(e.kind, e.id),
        "Validation": lambda e: "{}: {}".format(e.field, e.reason) if e.field else e.reason,
        "Conflict": lambda e: "{}: {} (in the way: {})".format(e.field, e.reason, e.existing),
        "Corrupt": lambda e: "the file is damaged{}: {}".format(
            " ({})".format(e.record or e.table) if (e.record or e.table) else "", e.reason),
        "Storage": lambda e: "storage failure: " + e.reason,
        "Io": lambda e: "input/output failure: " + e.reason,
        "Version": lambda e: "the file's schema version {} is newer than {}, the newest this "
                             "library reads".format(e.found, e.supported),
        "Closed": lambda e: e.reason,
        "Cancelled": lambda e: e.reason,
    }
    for name, sentence in sentences.items():
        cls = getattr(error, name, None)
        if isinstance(cls, type):
            cls.__str__ = (lambda f: lambda self: f(self))(sentence)


def _type_name(value):
    if value is None:
        return "None"
    name = type(value).__name__
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _by_value(cls, fields):
    """``repr``/``str`` with every field, and ``==`` that is ``False`` across types."""

    def __repr__(self):
        return "{}({})".format(
            type(self).__name__,
            ", ".join("{}={!r}".format(f, getattr(self, f, None)) for f in fields),
        )

    generated_eq = cls.__eq__

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return generated_eq(self, other)

    cls.__repr__ = __repr__
    cls.__str__ = __repr__
    cls.__eq__ = __eq__
    cls.__hash__ = None  # records are mutable


def _numbers_as_decimals(m, refuse):
    """Decimals take ``int``, ``decimal.Decimal`` and finite ``float`` besides ``str``."""
    conv = getattr(m, _PREFIX + "TypeDecimal", None)
    string = getattr(m, _PREFIX + "String", None)
    if conv is None or string is None:
        return
    reason = "must be a decimal: a str such as '12.50', an int or a decimal.Decimal"

    def text(value):
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            raise refuse(reason + ", not a bool")
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            if not _math.isfinite(value):
                raise refuse("must be a finite number")
            value = _decimal.Decimal(repr(value))
        if isinstance(value, _decimal.Decimal):
            if not value.is_finite():
                raise refuse("must be a finite number")
            return format(value, "f")
        raise refuse("{}, not {}".format(reason, _type_name(value)))

    _as_text(conv, string, text)


def _dates(m, refuse):
    """Calendar dates take a ``datetime.date`` besides ``"YYYY-MM-DD"``."""
    conv = getattr(m, _PREFIX + "TypeDate", None)
    string = getattr(m, _PREFIX + "String", None)
    if conv is None or string is None:
        return
    reason = "must be a date: a datetime.date or a str written YYYY-MM-DD"

    def text(value):
        if isinstance(value, str):
            return value
        if isinstance(value, _dt.datetime):
            raise refuse(reason + ", not a datetime (use its .date())")
        if isinstance(value, _dt.date):
            return value.isoformat()
        raise refuse("{}, not {}".format(reason, _type_name(value)))

    _as_text(conv, string, text)


def _as_text(conv, string, text):
    """Makes the custom-type converter ``conv`` (a string on the wire) take what ``text`` turns
    into its string."""
    conv.check_lower = staticmethod(lambda value: string.check_lower(text(value)))
    conv.write = staticmethod(lambda value, buf: string.write(text(value), buf))
    conv.lower = staticmethod(lambda value: string.lower(text(value)))


def _instants(m, refuse):
    """Instants must be ``datetime``s that know their time zone."""
    conv = getattr(m, _PREFIX + "Timestamp", None)
    if conv is None:
        return

    def check_lower(value):
        if not isinstance(value, _dt.datetime):
            raise refuse("must be a datetime with a time zone, not {}".format(_type_name(value)))
        if value.tzinfo is None or value.utcoffset() is None:
            raise refuse(
                "is a naive datetime: give it a time zone, as "
                "datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)"
            )

    conv.check_lower = staticmethod(check_lower)
