"""Runs every scenario of `tests/scenarios/*.json` through the Python binding.

The format and its semantics are documented at the top of `tests/src/scenario.rs`; this
runner mirrors the Rust one there. Every scenario runs on both storage backends: in memory
(`Crm.open_in_memory`, `Crm.open_bytes` to reopen a backup) and on a file in pytest's
`tmp_path` (`Crm.open` on a new file; a backup is written to another new file there and opened
the same way). Nothing here knows an operation: op `x` calls the method
`x` of `crm_ffi.Crm` with keyword arguments converted from JSON to the parameter's declared
type (read from the generated code's type hints), and the result is converted back to the
core's JSON form by looking at what it is (record, enum, tagged enum, instant, ...).

An argument that does not convert (an unknown enum value, say) fails the step with a validation
error on the argument's name, as an argument that does not deserialize does in the Rust runner.
`$advance_clock` calls `Crm.advance_clock`; a CRM reopened from a backup starts its clock where
the previous CRM's stood (`advance_clock(0)` reads it), so time runs on as on the Rust runner's
one clock.

The few places where the binding's types cannot say what the core's JSON looks like are
tables below, each checked for completeness by a test:
- `COMPANY_SIZE`: the core writes size bands as `"2-10"`, the enum's members are `UP_TO10`.
- `JSON_VARIANT_NAMES`: `FieldValue.DATE_TIME` is `"datetime"` in JSON (`date_time` in
  `FieldKind`).
- `TUPLE_PAYLOADS`: uniffi's Python tuple variants (`FieldValue.TEXT("x")`) carry no type
  hints, so the payload type of each is listed.
Enums with data are internally tagged (`{"type": "single_select", "options": [...]}`), except
those whose variants all wrap one value (`FieldValue`), which are externally tagged
(`{"text": "x"}`), as serde writes them in the core.
"""

from __future__ import annotations

import datetime
import enum
import inspect
import json
import keyword
import pathlib
import re
import typing

import pytest

import crm_ffi

MODULE = crm_ffi.crm_ffi.crm_ffi  # the generated module (the package re-exports it)
REPO = pathlib.Path(__file__).resolve().parents[3]
SCENARIO_DIR = REPO / "tests" / "scenarios"
SCENARIOS = sorted(SCENARIO_DIR.glob("*.json"))

COMPANY_SIZE = {
    "ONE": "1",
    "UP_TO10": "2-10",
    "UP_TO50": "11-50",
    "UP_TO200": "51-200",
    "UP_TO500": "201-500",
    "UP_TO1000": "501-1000",
    "UP_TO5000": "1001-5000",
    "UP_TO10000": "5001-10000",
    "OVER10000": "10001+",
}
ENUM_TABLES = {crm_ffi.CompanySize: COMPANY_SIZE}
JSON_VARIANT_NAMES = {(crm_ffi.FieldValue, "DATE_TIME"): "datetime"}
TUPLE_PAYLOADS = {
    (crm_ffi.FieldValue, "TEXT"): str,
    (crm_ffi.FieldValue, "INTEGER"): int,
    (crm_ffi.FieldValue, "DECIMAL"): str,
    (crm_ffi.FieldValue, "BOOLEAN"): bool,
    (crm_ffi.FieldValue, "DATE"): str,
    (crm_ffi.FieldValue, "DATE_TIME"): datetime.datetime,
    (crm_ffi.FieldValue, "LIST"): typing.List[str],
    (crm_ffi.FieldValue, "MONEY"): crm_ffi.Money,
}

DEFAULT_OPEN = {"now": "2026-11-22T09:00:00Z", "step_millis": 1000, "phone_region": "PL"}


class ScenarioError(AssertionError):
    """A scenario that does not hold, or that the runner cannot read."""


class Unparsed(Exception):
    """An argument whose JSON does not convert to its parameter's type (an unknown enum value,
    a missing or unknown field, ...). As in the Rust runner, where such an argument does not
    deserialize, the step fails with a validation error on the argument's name."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field


# ---- names ----


def py_name(name: str) -> str:
    """The Python name uniffi gives a Rust name (keywords get a leading underscore)."""
    return "_" + name if keyword.iskeyword(name) else name


def json_name(name: str) -> str:
    """The Rust name of a Python field or parameter name."""
    if name.startswith("_") and keyword.iskeyword(name[1:]):
        return name[1:]
    return name


def snake(camel: str) -> str:
    """`NotFound` -> `not_found`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", camel).lower()


# ---- what a generated type is ----


def variants(cls) -> dict[str, type]:
    """The variant classes of a tagged enum (`FieldKind.TEXT`, ...), empty for other classes."""
    if not inspect.isclass(cls) or issubclass(cls, (enum.Enum, BaseException)):
        return {}
    return {
        n: v
        for n, v in vars(cls).items()
        if inspect.isclass(v) and v.__qualname__ == f"{cls.__qualname__}.{n}"
    }


def is_tuple_variant(variant) -> bool:
    params = inspect.signature(variant.__init__).parameters.values()
    return any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)


def externally_tagged(cls) -> bool:
    return all(is_tuple_variant(v) for v in variants(cls).values())


def variant_json_name(cls, name: str) -> str:
    return JSON_VARIANT_NAMES.get((cls, name), name.lower())


def enum_json_name(member: enum.Enum) -> str:
    table = ENUM_TABLES.get(type(member))
    return table[member.name] if table is not None else member.name.lower()


def hints(fn) -> dict[str, typing.Any]:
    return typing.get_type_hints(fn, globalns=vars(MODULE))


def fields(fn) -> list[inspect.Parameter]:
    """The keyword parameters of a constructor or method, without `self`/`cls`."""
    return [
        p
        for p in inspect.signature(fn).parameters.values()
        if p.name not in ("self", "cls")
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]


def optional(hint) -> bool:
    return typing.get_origin(hint) is typing.Union and type(None) in typing.get_args(hint)


# ---- JSON -> binding ----

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def instant(v) -> datetime.datetime | None:
    """An RFC 3339 string as an aware datetime in UTC; None for anything else."""
    if not isinstance(v, str) or not RFC3339.match(v):
        return None
    s = v.replace(" ", "T").replace("t", "T").replace("z", "Z")
    # Python keeps microseconds: cut longer fractions (the core keeps microseconds too).
    s = re.sub(r"(\.\d{6})\d+", r"\1", s)
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(
        datetime.timezone.utc
    )


def to_binding(hint, value, where: str):
    """Converts the JSON `value` to the binding's type `hint`."""
    origin = typing.get_origin(hint)
    if origin is typing.Union:
        # A parameter with a default is `Union[object, T]`: `object` is uniffi's "not given".
        args = [a for a in typing.get_args(hint) if a is not type(None) and a is not object]
        if value is None and optional(hint):
            return None
        if len(args) != 1:
            raise ScenarioError(f"{where}: cannot convert to {hint}")
        return to_binding(args[0], value, where)
    if origin is list:
        (item,) = typing.get_args(hint)
        expect(isinstance(value, list), value, "an array", where)
        return [to_binding(item, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if origin is dict:
        key, item = typing.get_args(hint)
        expect(key is str and isinstance(value, dict), value, "an object", where)
        return {k: to_binding(item, v, f"{where}.{k}") for k, v in value.items()}
    if hint is bool:
        expect(isinstance(value, bool), value, "a boolean", where)
        return value
    if hint is int:
        expect(isinstance(value, int) and not isinstance(value, bool), value, "an integer", where)
        return value
    if hint is float:
        expect(isinstance(value, (int, float)) and not isinstance(value, bool), value, "a number", where)
        return float(value)
    if hint is str:
        expect(isinstance(value, str), value, "a string", where)
        return value
    if hint is datetime.datetime:
        t = instant(value)
        expect(t is not None, value, "an RFC 3339 instant", where)
        return t
    if inspect.isclass(hint) and issubclass(hint, enum.Enum):
        for member in hint:
            if enum_json_name(member) == value:
                return member
        raise ScenarioError(f"{where}: {value!r} is not a {hint.__name__}")
    if variants(hint):
        return tagged_to_binding(hint, value, where)
    if inspect.isclass(hint) and hint.__module__ == MODULE.__name__:
        expect(isinstance(value, dict), value, f"an object ({hint.__name__})", where)
        return record_to_binding(hint, hint.__init__, value, where)
    raise ScenarioError(f"{where}: no conversion to {hint!r}")


def expect(ok: bool, value, what: str, where: str) -> None:
    if not ok:
        raise ScenarioError(f"{where}: expected {what}, got {json.dumps(value)}")


def record_to_binding(cls, init, value: dict, where: str):
    """Calls `cls` with the JSON object's keys as keyword arguments of their declared types.

    A key the constructor lacks is an error; an absent key takes the constructor's default,
    or None when it has none and the type is optional (serde reads a missing Option as None).
    """
    types = hints(init)
    params = fields(init)
    known = {json_name(p.name) for p in params}
    unknown = set(value) - known
    if unknown:
        raise ScenarioError(f"{where}: {cls.__qualname__} has no field {sorted(unknown)}")
    kwargs = {}
    for p in params:
        key = json_name(p.name)
        if key in value:
            kwargs[p.name] = to_binding(types[p.name], value[key], f"{where}.{key}")
        elif p.default is inspect.Parameter.empty:
            if not optional(types[p.name]):
                raise ScenarioError(f"{where}: {cls.__qualname__} needs {key}")
            kwargs[p.name] = None
    return cls(**kwargs)


def tagged_to_binding(cls, value, where: str):
    vs = variants(cls)
    if externally_tagged(cls):
        expect(isinstance(value, dict) and len(value) == 1, value, f"a {cls.__name__}", where)
        ((tag, payload),) = value.items()
        for name, variant in vs.items():
            if variant_json_name(cls, name) == tag:
                payload_type = TUPLE_PAYLOADS[(cls, name)]
                return variant(to_binding(payload_type, payload, f"{where}.{tag}"))
        raise ScenarioError(f"{where}: {tag!r} is not a {cls.__name__}")
    expect(isinstance(value, dict) and "type" in value, value, f"a {cls.__name__}", where)
    rest = {k: v for k, v in value.items() if k != "type"}
    for name, variant in vs.items():
        if variant_json_name(cls, name) == value["type"]:
            return record_to_binding(variant, variant.__init__, rest, where)
    raise ScenarioError(f"{where}: {value['type']!r} is not a {cls.__name__}")


# ---- binding -> JSON ----


def to_json(v):
    """The core's JSON form of a value the binding returned."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            raise ScenarioError(f"the binding returned a naive datetime: {v!r}")
        return v.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(v, bytes):
        return {"bytes": len(v)}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, enum.Enum):
        return enum_json_name(v)
    cls = type(v)
    outer, _, inner = cls.__qualname__.partition(".")
    if inner:  # a variant of a tagged enum
        parent = getattr(MODULE, outer)
        name = variant_json_name(parent, inner)
        if is_tuple_variant(cls):
            (payload,) = v._values
            return {name: to_json(payload)}
        out = {"type": name}
        out.update({json_name(p.name): to_json(getattr(v, p.name)) for p in fields(cls.__init__)})
        return out
    if cls.__module__ == MODULE.__name__:  # a record
        return {json_name(p.name): to_json(getattr(v, p.name)) for p in fields(cls.__init__)}
    raise ScenarioError(f"no JSON form for {v!r}")


# ---- the scenario semantics (mirrors tests/src/scenario.rs) ----


def resolve(v, saved: dict):
    if isinstance(v, str) and v.startswith("$"):
        name, *path = v[1:].split(".")
        if name not in saved:
            raise ScenarioError(f"nothing saved as {name!r}")
        cur = saved[name]
        for p in path:
            if isinstance(cur, dict) and p in cur:
                cur = cur[p]
            elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
                cur = cur[int(p)]
            else:
                raise ScenarioError(f"{v} does not resolve")
        return cur
    if isinstance(v, list):
        return [resolve(x, saved) for x in v]
    if isinstance(v, dict):
        return {k: resolve(x, saved) for k, x in v.items()}
    return v


def json_equal(a, b) -> bool:
    """Equality of JSON values as serde_json sees it (true is not 1, 1 is not 1.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, float) and isinstance(b, float) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def matches(expected, actual, path: str) -> None:
    def fail():
        raise ScenarioError(f"{path}: expected {json.dumps(expected, ensure_ascii=False)}, "
                            f"got {json.dumps(actual, ensure_ascii=False)}")

    if isinstance(expected, dict) and len(expected) == 1 and "$len" in expected:
        n = expected["$len"]
        if not (isinstance(actual, list) and isinstance(n, int) and not isinstance(n, bool)
                and n >= 0 and len(actual) == n):
            fail()
    elif isinstance(expected, dict) and isinstance(actual, dict):
        for k, ev in expected.items():
            matches(ev, actual.get(k), f"{path}.{k}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            raise ScenarioError(f"{path}: expected {len(expected)} items, got {len(actual)}: "
                                f"{json.dumps(actual, ensure_ascii=False)}")
        for i, (ev, av) in enumerate(zip(expected, actual)):
            matches(ev, av, f"{path}[{i}]")
    elif instant(expected) is not None and instant(actual) is not None:
        if instant(expected) != instant(actual):
            fail()
    elif not json_equal(expected, actual):
        fail()


class Progress(crm_ffi.ProgressListener):
    """`null`: never cancels; `{"cancel_at": n}`: cancels once `done >= n`."""

    def __init__(self, spec):
        self.cancel_at = spec.get("cancel_at") if isinstance(spec, dict) else None

    def on_progress(self, progress):
        return self.cancel_at is None or progress.done < self.cancel_at


BACKENDS = ("memory", "file")


def new_file(directory: pathlib.Path, stem: str) -> pathlib.Path:
    """A path in `directory` where no file is yet (`stem.crm`, `stem-2.crm`, ...)."""
    n = 1
    while True:
        path = directory / (f"{stem}.crm" if n == 1 else f"{stem}-{n}.crm")
        if not path.exists():
            return path
        n += 1


def open_crm(
    spec: dict,
    directory: pathlib.Path | None = None,
    backup: bytes | None = None,
    now: datetime.datetime | None = None,
) -> crm_ffi.Crm:
    """Opens the scenario's CRM in memory, or on a new file in `directory` when one is given;
    from a backup's bytes when given (on a file: written to a new file, which is opened). A CRM
    reopened from a backup gets the instant the clock stood at (`now`) as its clock's start, so
    that time runs on as on the Rust runner's one clock."""
    options = open_options(spec, now)
    if directory is None:
        if backup is None:
            return crm_ffi.Crm.open_in_memory(options)
        return crm_ffi.Crm.open_bytes(backup, options)
    if backup is None:
        return crm_ffi.Crm.open(str(new_file(directory, "scenario")), options)
    path = new_file(directory, "reopened")
    path.write_bytes(backup)
    return crm_ffi.Crm.open(str(path), options)


def open_options(spec: dict, now: datetime.datetime | None = None) -> crm_ffi.OpenOptions:
    """The scenario's options: its clock (from `now` when given), sequential ids, its phone
    region."""
    o = {**DEFAULT_OPEN, **spec}
    return crm_ffi.OpenOptions(
        clock_start=now or instant(o["now"]),
        clock_step_millis=o["step_millis"],
        sequential_ids=True,
        default_phone_region=o["phone_region"],
    )


def damage(backup: bytes, texts: list) -> bytes:
    """`$rescue`'s damage: the first byte of each text's first occurrence XORed with 0x01."""
    damaged = bytearray(backup)
    for text in texts:
        at = damaged.find(text.encode("utf-8"))
        if at < 0:
            raise ScenarioError(f"{text!r} is not in the backup")
        damaged[at] ^= 0x01
    return bytes(damaged)


def advance_clock(crm: crm_ffi.Crm, step: dict) -> None:
    """`{"op": "$advance_clock", "args": {"millis": n}}`: time passes; no result."""
    if any(k in step for k in ("expect", "error", "save")):
        raise ScenarioError("takes no expect, error or save")
    millis = step.get("args", {}).get("millis")
    if not isinstance(millis, int) or isinstance(millis, bool) or millis < 0:
        raise ScenarioError("args.millis must be a whole, non-negative number")
    crm.advance_clock(millis)


def call(crm: crm_ffi.Crm, op: str, args: dict):
    """Calls `op` with `args`; returns the raw result (exceptions propagate)."""
    if op not in crm_ffi.operations():
        raise ScenarioError(f"{op!r} is not an operation")
    method = getattr(crm, py_name(op))
    types = hints(method)
    params = fields(method)
    unknown = set(args) - {json_name(p.name) for p in params}
    if unknown:
        raise ScenarioError(f"{op} has no parameter {sorted(unknown)}")
    kwargs = {}
    for p in params:
        key = json_name(p.name)
        if key == "progress":
            kwargs[p.name] = Progress(args.get(key))
        elif key in args:
            try:
                kwargs[p.name] = to_binding(types[p.name], args[key], key)
            except ScenarioError as e:
                raise Unparsed(key, str(e)) from None
        elif p.default is inspect.Parameter.empty:
            if not optional(types[p.name]):
                raise Unparsed(key, f"{op} needs the argument {key}")
            kwargs[p.name] = None
    return method(**kwargs)


def error_code(e: crm_ffi.CrmError | Unparsed) -> str:
    return "validation" if isinstance(e, Unparsed) else snake(type(e).__name__)


def run(scenario: dict, directory: pathlib.Path | None = None) -> int:
    """Runs a scenario in memory, or on files in `directory` when one is given; raises
    ScenarioError naming the backend and the step that failed. Returns the steps run."""
    backend = "memory" if directory is None else f"file in {directory}"
    try:
        return run_steps(scenario, directory)
    except ScenarioError as e:
        raise ScenarioError(f"on {backend}: {e}") from None
    except crm_ffi.CrmError as e:
        raise ScenarioError(f"on {backend}: {e!r}") from e


def run_steps(scenario: dict, directory: pathlib.Path | None) -> int:
    spec = scenario.get("open", {})
    try:
        crm = open_crm(spec, directory)
    except crm_ffi.CrmError as e:
        raise ScenarioError(f"the scenario's CRM does not open: {e!r}") from e
    saved: dict = {}
    backups: dict = {}
    tx = None  # the handle of `$begin`, while its transaction is open
    for i, step in enumerate(scenario["steps"]):
        op = step["op"]
        try:
            if op == "$advance_clock":
                advance_clock(crm, step)
                continue
            if op == "$begin":
                if tx is not None:
                    raise ScenarioError("a transaction is already open")
                tx = crm.begin()
                continue
            if op == "$reopen_from_backup":
                name = step.get("args", {}).get("backup")
                if name not in backups:
                    raise ScenarioError(f"no backup saved as {name!r}")
                if tx is not None:
                    raise ScenarioError("a transaction is open")
                try:
                    crm = open_crm(spec, directory, backups[name], now=crm.advance_clock(0))
                except crm_ffi.CrmError as e:
                    raise ScenarioError(f"the backup does not reopen: {e!r}") from e
                continue
            args = resolve(step.get("args", {}), saved)
            expected_error = step.get("error")
            rescued = None
            try:
                if op == "$rescue":
                    # The rescue's clock starts where the CRM's stands and leaves it there.
                    name = args.get("backup")
                    if name not in backups:
                        raise ScenarioError(f"no backup saved as {name!r}")
                    if tx is not None:
                        raise ScenarioError("a transaction is open")
                    now = crm.advance_clock(0)
                    damaged = damage(backups[name], args.get("damage", []))
                    rescued = crm_ffi.rescue_bytes(damaged, open_options(spec, now))
                    result = rescued.report
                elif op in ("$commit", "$rollback"):
                    if tx is None:
                        raise ScenarioError("no transaction is open")
                    ending, tx = tx, None
                    result = ending.commit() if op == "$commit" else ending.rollback()
                else:
                    # In a transaction every call goes to its handle (whose `verify`, `compact`
                    # and `close` run on the CRM).
                    result = call(tx if tx is not None else crm, op, args)
            except (crm_ffi.CrmError, Unparsed) as e:
                if expected_error is None:
                    raise ScenarioError(f"failed: {e!r}") from e
                code, field = error_code(e), getattr(e, "field", None)
                want_field = expected_error.get("field")
                if code != expected_error["code"] or (want_field is not None and field != want_field):
                    raise ScenarioError(
                        f"expected error {expected_error['code']}/{want_field}, got {code}/{field}: {e!r}"
                    ) from e
                continue
            value = to_json(result)
            if expected_error is not None:
                raise ScenarioError(
                    f"expected error {expected_error['code']} but got {json.dumps(value, ensure_ascii=False)}"
                )
            if isinstance(result, bytes) and step.get("save"):
                backups[step["save"]] = result
            if "expect" in step:
                matches(resolve(step["expect"], saved), value, "result")
            if step.get("save"):
                saved[step["save"]] = value
            if rescued is not None:
                try:
                    crm = open_crm(spec, directory, rescued.bytes, now=crm.advance_clock(0))
                except crm_ffi.CrmError as e:
                    raise ScenarioError(f"the rescued bytes do not open: {e!r}") from e
        except ScenarioError as e:
            raise ScenarioError(f"step {i} ({op}): {e}") from None
    if tx is not None:
        raise ScenarioError("the steps ended with a transaction open")
    try:
        crm.close()  # harmless when a step closed it
    except crm_ffi.CrmError as e:
        raise ScenarioError(f"closing at the end: {e!r}") from e
    return len(scenario["steps"])


# ---- the tests ----


def load(path: pathlib.Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_scenarios():
    assert len(SCENARIOS) > 0, f"no scenario files in {SCENARIO_DIR}"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, backend, tmp_path):
    assert run(load(path), tmp_path if backend == "file" else None) > 0


def test_every_operation_is_a_method_of_crm():
    ops = crm_ffi.operations()
    assert ops, "operations() is empty"
    missing = [op for op in ops if not callable(getattr(crm_ffi.Crm, py_name(op), None))]
    assert missing == [], f"operations without a method on Crm: {missing}"
    renamed = [op for op in ops if py_name(op) != op]
    assert renamed == [], f"operations renamed in Python (keywords): {renamed}"


def test_every_operation_appears_in_a_scenario():
    used = {step["op"] for p in SCENARIOS for step in load(p)["steps"]}
    unused = sorted(set(crm_ffi.operations()) - used)
    assert unused == [], f"operations no scenario runs: {unused}"


CORE_ERROR_CODES = {"not_found", "validation", "conflict", "closed", "storage", "corrupt", "io", "version",
                    "cancelled"}


def test_each_error_class_maps_to_a_core_error_code():
    classes = [c for c in vars(crm_ffi.CrmError).values()
               if inspect.isclass(c) and issubclass(c, crm_ffi.CrmError)]
    assert {snake(c.__name__) for c in classes} == CORE_ERROR_CODES


def test_the_tables_cover_the_generated_types():
    """The runner's tables must name every member they stand for, or conversion would miss."""
    assert set(COMPANY_SIZE) == {m.name for m in crm_ffi.CompanySize}
    assert len(set(COMPANY_SIZE.values())) == len(COMPANY_SIZE)
    tuple_variants = {
        (cls, name)
        for cls in vars(MODULE).values()
        for name, v in variants(cls).items()
        if is_tuple_variant(v)
    }
    assert tuple_variants == set(TUPLE_PAYLOADS)
    for cls, name in JSON_VARIANT_NAMES:
        assert name in variants(cls)


def test_round_trip_of_the_json_forms():
    """Converting JSON to the binding's types and back gives the same JSON (no call to Rust)."""
    cases = [
        (crm_ffi.CompanySize, "10001+"),
        (crm_ffi.RelationshipKind, "former_customer"),
        (crm_ffi.FieldKind, {"type": "single_select", "options": ["a", "b"]}),
        (crm_ffi.FieldKind, {"type": "date_time"}),
        (crm_ffi.FieldKind, {"type": "money", "currency": None}),
        (crm_ffi.FieldValue, {"datetime": "2026-11-20T15:30:00Z"}),
        (crm_ffi.FieldValue, {"money": {"amount_minor": 1, "currency": "PLN"}}),
        (crm_ffi.FieldValue, {"list": ["a"]}),
        (crm_ffi.RelationInput, {"relation_type": "x", "record": "a", "other": "b"}),
        (crm_ffi.TimeRange, {"since": "2026-11-20T15:30:00Z", "until": None}),
        (crm_ffi.LeadSource, "web_form"),
        (crm_ffi.StageKind, "won"),
        (crm_ffi.Discount, {"type": "percent", "basis_points": 1000}),
        (crm_ffi.Discount, {"type": "amount", "amount": {"amount_minor": 500, "currency": "EUR"}}),
        (crm_ffi.ContactChoice, {"type": "match_by_email"}),
        (crm_ffi.ContactChoice, {"type": "existing", "contact": "contact_01"}),
        (crm_ffi.CompanyChoice, {"type": "skip"}),
        (crm_ffi.LineItemInput, {"product": None, "description": "Hours", "quantity": "1.5",
                                 "unit_price": None, "discount": None, "tax_rate": 2300}),
        (crm_ffi.ExchangeRate, {"date": "2026-11-02", "base": "EUR", "quote": "PLN", "rate": "4.2650"}),
    ]
    for hint, value in cases:
        assert to_json(to_binding(hint, value, "case")) == value
    with pytest.raises(ScenarioError):
        to_binding(crm_ffi.FieldKind, {"type": "nope"}, "case")
    with pytest.raises(ScenarioError):
        to_binding(crm_ffi.Email, {"address": "a@b.pl", "typo": 1}, "case")
    with pytest.raises(ScenarioError):
        to_binding(crm_ffi.SearchQuery, {"text": "x", "limit": True}, "case")
    with pytest.raises(ScenarioError):
        to_binding(crm_ffi.Discount, {"type": "percent"}, "case")
    with pytest.raises(ScenarioError):
        to_binding(crm_ffi.StageKind, "maybe", "case")


def test_the_matcher_can_fail():
    matches({"a": [1, {"$len": 2}]}, {"a": [1, [0, 0]], "b": 3}, "r")
    matches("2026-11-22T10:00:00+01:00", "2026-11-22T09:00:00Z", "r")
    for expected, actual in [
        ({"a": 1}, {"a": 2}),
        ({"a": None}, {"a": 0}),
        ([1], [1, 2]),
        ({"$len": 1}, []),
        (True, 1),
        ("2026-11-22T09:00:01Z", "2026-11-22T09:00:00Z"),
        ("1988-02-29", "1988-02-28"),
    ]:
        with pytest.raises(ScenarioError):
            matches(expected, actual, "r")
