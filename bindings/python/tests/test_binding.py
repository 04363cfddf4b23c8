"""Tests of the Python binding itself: errors, optional values, dates, lifecycle, threads and
callbacks. Business rules are the scenarios' job (test_scenarios.py)."""

from __future__ import annotations

import datetime
import threading

import pytest

import crm_ffi
from crm_ffi import (
    CompanyInput,
    ContactFilter,
    ContactInput,
    Crm,
    CrmError,
    Email,
    FieldDef,
    FieldKind,
    FieldValue,
    ImportData,
    OpenOptions,
    ProgressListener,
    RecordKind,
)

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def crm():
    c = Crm.open_in_memory(OpenOptions(clock_start=START, clock_step_millis=1000, sequential_ids=True))
    yield c
    c.close()


def count(crm) -> int:
    return crm.count_contacts(ContactFilter(archived=crm_ffi.Archived.INCLUDE))


# ---- typed errors ----


def test_validation_error_names_the_field_and_the_reason(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.create_contact(ContactInput(given_name="A", emails=[Email(address="not an email")]))
    assert isinstance(e.value, CrmError)
    assert e.value.field == "emails[0].address"
    assert isinstance(e.value.reason, str) and e.value.reason


def test_conflict_error_names_the_existing_record(crm):
    first = crm.create_contact(ContactInput(given_name="A", emails=[Email(address="a@firma.pl")]))
    with pytest.raises(CrmError.Conflict) as e:
        crm.create_contact(ContactInput(given_name="B", emails=[Email(address="A@FIRMA.PL")]))
    assert isinstance(e.value, CrmError)
    assert e.value.field == "emails[0].address"
    assert e.value.existing == first.id
    assert e.value.reason


def test_not_found_error_names_kind_and_id(crm):
    missing = "contact_00000000000000000000000000"
    with pytest.raises(CrmError.NotFound) as e:
        crm.get_contact(missing)
    assert isinstance(e.value, CrmError)
    assert (e.value.kind, e.value.id) == ("contact", missing)


@pytest.mark.parametrize("bad", ["nope", "company_00000000000000000000000000", ""])
def test_an_invalid_id_string_is_a_validation_error_naming_the_kind(crm, bad):
    with pytest.raises(CrmError.Validation) as e:
        crm.get_contact(bad)
    assert e.value.field == "contact"
    # An id of another kind is told apart from a string that is no id at all.
    if bad.startswith("company_"):
        assert "is the id of a company, where the id of a contact is expected" in str(e.value)
    else:
        assert "is not a well-formed contact id" in str(e.value)


def test_error_classes_are_distinct_subclasses_of_crm_error():
    kinds = [CrmError.NotFound, CrmError.Validation, CrmError.Conflict, CrmError.Closed,
             CrmError.Storage, CrmError.Corrupt, CrmError.Io, CrmError.Version,
             CrmError.Cancelled]
    assert all(issubclass(k, CrmError) and issubclass(k, Exception) for k in kinds)
    assert len(set(kinds)) == len(kinds)
    assert not issubclass(crm_ffi.InternalError, CrmError)


# ---- optional values and defaults ----


def test_omitted_keywords_take_their_defaults(crm):
    c = crm.create_contact(ContactInput(given_name="Ana"))
    assert c.family_name is None and c.birthday is None and c.archived_at is None
    assert c.emails == [] and c.tags == [] and c.custom_fields == {}
    e = Email(address="a@b.pl")
    assert e.label is None and e.primary is False
    q = crm_ffi.ContactQuery()
    assert q.limit == 50 and q.cursor is None and q.sort.by is None and q.filter.archived is None


def test_none_round_trips_and_clears(crm):
    c = crm.create_contact(ContactInput(given_name="Ana", family_name="Popa", job_title="CFO"))
    assert (c.family_name, c.job_title) == ("Popa", "CFO")
    u = crm.update_contact(c.id, ContactInput(given_name="Ana", family_name=None))
    assert u.family_name is None and u.job_title is None
    assert crm.get_contact(c.id).family_name is None
    assert crm.find_contact_by_email("nobody@x.pl") is None
    company = crm.create_company(CompanyInput(name="Firma", size=None, parent=None))
    assert company.size is None and company.parent is None


def test_optional_arguments_accept_none(crm):
    crm.create_contact(ContactInput(given_name="Ana"))
    assert Crm.open_bytes(crm.backup(None)).count_contacts(ContactFilter()) == 1
    assert Crm.open_bytes(crm.backup()).count_contacts(ContactFilter()) == 1  # progress defaults to none
    report = crm.import_records(ImportData(contacts=[ContactInput(given_name="B")]), None)
    assert len(report.contacts) == 1
    assert Crm.open_in_memory(None).count_contacts(ContactFilter()) == 0


# ---- dates ----


def test_birthday_is_a_yyyy_mm_dd_string(crm):
    c = crm.create_contact(ContactInput(given_name="Ana", birthday="1988-02-29"))
    assert c.birthday == "1988-02-29"
    assert crm.get_contact(c.id).birthday == "1988-02-29"
    with pytest.raises(CrmError.Validation):
        crm.create_contact(ContactInput(given_name="Ana", birthday="1989-02-29"))
    with pytest.raises(CrmError.Validation):
        crm.create_contact(ContactInput(given_name="Ana", birthday="29.02.1988"))
    assert count(crm) == 1


def test_instants_are_aware_datetimes_in_utc(crm):
    c = crm.create_contact(ContactInput(given_name="Ana"))
    assert isinstance(c.created_at, datetime.datetime)
    assert c.created_at.tzinfo is not None and c.created_at.utcoffset() == datetime.timedelta(0)
    # A new CRM's default pipeline took the clock's first reading.
    assert crm.default_pipeline().created_at == START
    assert c.created_at == START + datetime.timedelta(seconds=1)
    later = crm.archive_contact(c.id).archived_at
    assert later.utcoffset() == datetime.timedelta(0) and later > c.created_at


def test_an_instant_in_another_zone_keeps_its_moment():
    warsaw = datetime.timezone(datetime.timedelta(hours=1))
    crm = Crm.open_in_memory(OpenOptions(clock_start=datetime.datetime(2026, 11, 22, 10, 0, tzinfo=warsaw)))
    c = crm.create_contact(ContactInput(given_name="Ana"))
    assert c.created_at == START and c.created_at.utcoffset() == datetime.timedelta(0)
    crm.define_field(FieldDef(record_kind=RecordKind.CONTACT, key="call", label="Call",
                              kind=FieldKind.DATE_TIME()))
    bucharest = datetime.timezone(datetime.timedelta(hours=2))
    when = datetime.datetime(2026, 11, 20, 17, 30, 0, 250000, tzinfo=bucharest)
    u = crm.update_contact(c.id, ContactInput(given_name="Ana", custom_fields={"call": FieldValue.DATE_TIME(when)}))
    got = u.custom_fields["call"][0]
    assert got == when and got.utcoffset() == datetime.timedelta(0)
    assert got.hour == 15 and got.microsecond == 250000


def test_a_naive_datetime_is_refused_not_guessed(crm):
    crm.define_field(FieldDef(record_kind=RecordKind.CONTACT, key="call", label="Call",
                              kind=FieldKind.DATE_TIME()))
    naive = datetime.datetime(2026, 11, 20, 15, 30)
    with pytest.raises(CrmError.Validation) as e:
        crm.create_contact(ContactInput(given_name="Ana", custom_fields={"call": FieldValue.DATE_TIME(naive)}))
    assert e.value.field == "custom_fields.call"
    assert "naive datetime" in e.value.reason
    with pytest.raises(CrmError.Validation) as e:
        Crm.open_in_memory(OpenOptions(clock_start=naive))
    assert e.value.field == "clock_start"
    assert count(crm) == 0


# ---- the new ids, currencies and decimals ----


@pytest.mark.parametrize(
    "call",
    [
        ("lead", lambda c, bad: c.get_lead(bad)),
        ("deal", lambda c, bad: c.get_deal(bad)),
        ("pipeline", lambda c, bad: c.get_pipeline(bad)),
        ("product", lambda c, bad: c.get_product(bad)),
        ("price_list", lambda c, bad: c.get_price_list(bad)),
        ("quote", lambda c, bad: c.get_quote(bad)),
        ("pipeline", lambda c, bad: c.deals_at_risk(bad)),
    ],
)
@pytest.mark.parametrize("bad", ["nope", "contact_00000000000000000000000000", ""])
def test_a_bad_sales_id_is_a_validation_error_naming_the_kind(crm, call, bad):
    kind, call = call
    with pytest.raises(CrmError.Validation) as e:
        call(crm, bad)
    assert e.value.field == kind


def test_a_bad_stage_id_inside_a_record_is_a_validation_error(crm):
    pipeline = crm.default_pipeline()
    with pytest.raises(CrmError.Validation) as e:
        crm.move_deal(crm.create_deal(crm_ffi.DealInput(title="Deal")).id,
                      crm_ffi.DealMove(stage=pipeline.id))
    assert e.value.field == "stage"
    assert "is the id of a pipeline, where the id of a stage is expected" in str(e.value)
    with pytest.raises(CrmError.Validation) as e:
        crm.create_deal(crm_ffi.DealInput(title="Deal", stage="Won"))
    assert e.value.field == "stage"
    assert "is not a well-formed stage id" in str(e.value)


def test_an_unknown_currency_is_a_validation_error_not_a_panic(crm):
    for bad in ["ABC", "euro", ""]:
        with pytest.raises(CrmError.Validation) as e:
            crm.set_reporting_currency(bad)
        assert e.value.field == "currency"
        with pytest.raises(CrmError.Validation):
            crm.convert_money(crm_ffi.Money(amount_minor=100, currency=bad), "EUR", "2026-11-22")
    assert crm.reporting_currency() == "EUR"
    assert crm.set_reporting_currency("pln") == "PLN"


def test_a_bad_decimal_or_date_is_a_validation_error(crm):
    line = crm_ffi.LineItemInput(description="Hours", quantity="1,5",
                                 unit_price=crm_ffi.Money(amount_minor=100, currency="EUR"))
    with pytest.raises(CrmError.Validation):
        crm.create_deal(crm_ffi.DealInput(title="Deal", line_items=[line]))
    with pytest.raises(CrmError.Validation) as e:
        crm.deals_closing(crm_ffi.ClosingQuery(since="2026-11-31", until="2026-12-01"))
    assert e.value.field == "date"
    assert crm.count_deals(crm_ffi.DealFilter()) == 0


def test_omitted_enum_fields_take_the_core_defaults(crm):
    assert crm_ffi.LeadQuery().filter.archived is None
    assert crm_ffi.DealQuery().sort.by is None
    assert crm_ffi.LeadConversion().contact is None
    assert crm_ffi.ForecastQuery().period is None
    lead = crm.create_lead(crm_ffi.LeadInput(given_name="Ana", email="ana@firma.pl", company_name="Firma"))
    converted = crm.convert_lead(lead.id, crm_ffi.LeadConversion())
    assert converted.contact_created and converted.company_created  # match by email / domain
    assert crm.forecast(crm_ffi.ForecastQuery()).periods == []


# ---- the manual clock ----


def test_advance_clock_moves_the_manual_clock_and_says_where_it_stands(crm):
    first = crm.create_contact(ContactInput(given_name="Ana")).created_at
    now = crm.advance_clock(3_600_000)
    assert now == first + datetime.timedelta(hours=1, seconds=1)  # plus the reading's step
    assert crm.advance_clock(0) == now  # only reads
    assert now.utcoffset() == datetime.timedelta(0)
    assert crm.create_contact(ContactInput(given_name="Ben")).created_at == now


def test_advance_clock_without_a_manual_clock_is_a_validation_error():
    crm = Crm.open_in_memory()
    with pytest.raises(CrmError.Validation) as e:
        crm.advance_clock(1000)
    assert e.value.field == "clock_start"


def test_a_huge_advance_or_step_is_a_validation_error(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.advance_clock(2**64 - 1)
    assert e.value.field == "millis"
    with pytest.raises(CrmError.Validation) as e:
        Crm.open_in_memory(OpenOptions(clock_start=START, clock_step_millis=2**63))
    assert e.value.field == "clock_step_millis"


def test_a_backup_reopened_where_the_clock_stands_keeps_time_running(crm):
    ana = crm.create_contact(ContactInput(given_name="Ana"))
    data = crm.backup()
    crm.advance_clock(60_000)
    again = Crm.open_bytes(data, OpenOptions(clock_start=crm.advance_clock(0), clock_step_millis=1000))
    ben = again.create_contact(ContactInput(given_name="Ben"))
    assert ben.created_at == ana.created_at + datetime.timedelta(seconds=1 + 60)


# ---- lifecycle ----


def test_calls_after_close_raise_closed_and_close_twice_is_fine():
    crm = Crm.open_in_memory()
    crm.create_contact(ContactInput(given_name="Ana"))
    crm.close()
    crm.close()
    with pytest.raises(CrmError.Closed) as e:
        crm.count_contacts(ContactFilter())
    assert "the CRM is closed" in str(e.value)
    with pytest.raises(CrmError.Closed):
        crm.create_contact(ContactInput(given_name="Ana"))


def test_a_file_persists_across_reopen_and_is_opened_once(tmp_path):
    path = str(tmp_path / "firma.crm")
    crm = Crm.open(path)
    ana = crm.create_contact(ContactInput(given_name="Ana", birthday="1990-01-02"))
    with pytest.raises(CrmError) as e:
        Crm.open(path)
    assert isinstance(e.value, CrmError.Storage), repr(e.value)
    assert crm.get_contact(ana.id).given_name == "Ana"  # the failed open did not disturb it
    crm.close()
    again = Crm.open(path)
    try:
        got = again.get_contact(ana.id)
        assert got == ana
        assert again.count_contacts(ContactFilter()) == 1
    finally:
        again.close()


def test_a_backup_reopens_from_bytes(crm):
    ana = crm.create_contact(ContactInput(given_name="Ana"))
    data = crm.backup()
    assert isinstance(data, bytes) and len(data) > 0
    copy = Crm.open_bytes(data)
    assert copy.get_contact(ana.id) == ana
    with pytest.raises(CrmError.Corrupt) as e:
        Crm.open_bytes(b"not a database")
    assert e.value.record is None and isinstance(e.value.reason, str)


def test_a_damaged_file_is_rescued_into_a_new_one_and_never_written(tmp_path, crm):
    stefan = crm.create_contact(ContactInput(given_name="Ștefan", family_name="Popescu"))
    zofia = crm.create_contact(ContactInput(given_name="Zofia"))
    data = bytearray(crm.backup())
    at = data.find("Ștefan".encode())
    data[at] ^= 1
    damaged, rescued = tmp_path / "damaged.crm", tmp_path / "rescued.crm"
    damaged.write_bytes(data)
    report = crm_ffi.rescue_file(str(damaged), str(rescued))
    assert (report.damaged, report.left_out, report.unreadable_parts) == (1, 0, 0)
    assert report.problems[0].startswith(f"{stefan.id} is damaged")
    assert damaged.read_bytes() == data
    again = Crm.open(str(rescued))
    assert again.get_contact(zofia.id) == zofia
    with pytest.raises(CrmError.NotFound):
        again.get_contact(stefan.id)
    assert again.verify().problems == []
    again.close()
    # Never over a file that is there.
    with pytest.raises(CrmError.Validation) as e:
        crm_ffi.rescue_file(str(damaged), str(rescued))
    assert e.value.field == "to"
    # The same from bytes.
    out = crm_ffi.rescue_bytes(bytes(data))
    assert out.report == report
    assert Crm.open_bytes(out.bytes).get_contact(zofia.id) == zofia


# ---- transactions ----


def test_a_transaction_commits_all_its_calls_or_none(crm):
    tx = crm.begin()
    assert tx.in_transaction() and not crm.in_transaction()
    ana = tx.create_contact(ContactInput(given_name="Ana", emails=[Email(address="ana@firma.pl")]))
    firma = tx.create_company(CompanyInput(name="Firma"))
    # The transaction reads what it wrote; the CRM does not, until the commit.
    assert count(tx) == 1 and tx.find_contact_by_email("ana@firma.pl") == ana
    assert count(crm) == 0
    # A write through the CRM on the thread that holds the transaction would wait for itself.
    with pytest.raises(CrmError.Validation) as e:
        crm.create_contact(ContactInput(given_name="Jan"))
    assert e.value.field == "batch"
    tx.commit()
    assert not tx.in_transaction()
    assert count(crm) == 1 and crm.get_company(firma.id).name == "Firma"
    # An ended transaction says so.
    with pytest.raises(CrmError.Validation) as e:
        tx.create_contact(ContactInput(given_name="Ola"))
    assert e.value.field == "transaction"
    with pytest.raises(CrmError.Validation):
        tx.commit()

    rolled = crm.begin()
    rolled.create_contact(ContactInput(given_name="Ola"))
    rolled.rollback()
    dropped = crm.begin()
    dropped.create_contact(ContactInput(given_name="Ewa"))
    del dropped  # freed without a commit: rolled back
    assert count(crm) == 1
    crm.create_contact(ContactInput(given_name="Jan"))  # no transaction holds the thread now
    assert count(crm) == 2 and crm.verify().problems == []


def test_only_a_transaction_handle_commits(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.commit()
    assert e.value.field == "transaction"


def test_a_transaction_runs_one_call_at_a_time(crm):
    tx = crm.begin()
    seen = []

    class Nested(ProgressListener):
        def on_progress(self, progress):
            try:
                tx.count_contacts(ContactFilter())
            except CrmError.Validation as e:
                seen.append(e.field)
            return True

    tx.import_records(ImportData(companies=[], contacts=[ContactInput(given_name="Ana")],
                                 employments=[]), Nested())
    assert seen and set(seen) == {"transaction"}
    tx.commit()
    assert count(crm) == 1


# ---- threads ----


def test_one_crm_shared_by_threads(crm):
    threads, per_thread = 6, 25
    errors: list[BaseException] = []
    ids: list[str] = []
    lock = threading.Lock()
    go = threading.Barrier(threads)

    def work(n: int):
        try:
            go.wait()
            for i in range(per_thread):
                c = crm.create_contact(ContactInput(given_name=f"T{n}", family_name=f"N{i}",
                                                    emails=[Email(address=f"t{n}.{i}@x.pl")]))
                assert crm.get_contact(c.id).family_name == f"N{i}"
                crm.count_contacts(ContactFilter())
                with lock:
                    ids.append(c.id)
        except BaseException as e:  # reported below, with the thread's failure
            errors.append(e)

    ts = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in ts), "a thread hung"
    assert errors == []
    assert len(set(ids)) == threads * per_thread
    assert crm.count_contacts(ContactFilter()) == threads * per_thread
    assert crm.verify().problems == []


# ---- progress callbacks ----


class Recording(ProgressListener):
    def __init__(self, answer=True):
        self.seen = []
        self.answer = answer

    def on_progress(self, progress):
        self.seen.append((progress.done, progress.total))
        return self.answer


class Raising(ProgressListener):
    def on_progress(self, progress):
        raise RuntimeError("the listener failed")


def test_a_listener_sees_progress(crm):
    listener = Recording()
    crm.import_records(ImportData(contacts=[ContactInput(given_name=f"C{i}") for i in range(5)]), listener)
    assert listener.seen, "the listener was never called"
    assert all(0 <= done <= total for done, total in listener.seen)
    assert listener.seen[-1][0] == listener.seen[-1][1]


def test_a_listener_returning_false_cancels(crm):
    crm.create_contact(ContactInput(given_name="Ana"))
    with pytest.raises(CrmError.Cancelled):
        crm.import_records(ImportData(contacts=[ContactInput(given_name="B")]), Recording(False))
    with pytest.raises(CrmError.Cancelled):
        crm.backup(Recording(False))
    assert count(crm) == 1


def test_a_raising_listener_is_an_internal_error_and_the_crm_survives(crm):
    ana = crm.create_contact(ContactInput(given_name="Ana"))
    before = crm.backup()
    with pytest.raises(crm_ffi.InternalError) as e:
        crm.import_records(ImportData(contacts=[ContactInput(given_name=f"C{i}") for i in range(3)]), Raising())
    assert not isinstance(e.value, CrmError)
    assert "the listener failed" in str(e.value)
    with pytest.raises(crm_ffi.InternalError):
        crm.backup(Raising())
    assert count(crm) == 1  # nothing was written
    assert crm.get_contact(ana.id) == ana
    assert crm.verify().problems == []
    crm.create_contact(ContactInput(given_name="Still works"))  # the handle is usable
    assert count(crm) == 2
    assert Crm.open_bytes(before).count_contacts(ContactFilter()) == 1


# ---- activities: the binding's own input records and converted outputs ----


def test_activity_inputs_take_the_core_defaults_and_instants_cross_as_utc(crm):
    ana = crm.create_contact(ContactInput(given_name="Ana", emails=[Email(address="ana@firma.ro")]))
    warsaw = datetime.timezone(datetime.timedelta(hours=1))
    start = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=warsaw)
    # No kind: a note; a participant without a status: needs action (the ffi's own records).
    a = crm.create_activity(crm_ffi.ActivityInput(
        subject="Spotkanie",
        starts_at=start,
        participants=[crm_ffi.ParticipantInput(contact=ana.id)],
        links=[ana.id],
    ))
    assert a.kind == crm_ffi.ActivityKind.NOTE
    assert a.participants[0].status == crm_ffi.ParticipantStatus.NEEDS_ACTION
    assert a.starts_at == start and a.starts_at.utcoffset() == datetime.timedelta(0)
    assert a.priority == crm_ffi.Priority.NORMAL and a.status == crm_ffi.ActivityStatus.PLANNED
    # The timeline's entries are the binding's own records holding the converted ones.
    page = crm.timeline(crm_ffi.TimelineQuery(record=ana.id))
    kinds = [e.kind for e in page.items]
    assert kinds == [crm_ffi.TimelineEntryKind.ACTIVITY, crm_ffi.TimelineEntryKind.CREATED]
    assert page.items[0].activity.id == a.id and page.items[0].change is None
    crm.update_contact(ana.id, ContactInput(given_name="Ana", emails=[Email(address="ana@firma.ro")],
                                            lifecycle_stage="customer"))
    # The activity is planned for December: newest first it comes before the change.
    change = crm.timeline(crm_ffi.TimelineQuery(record=ana.id)).items[1].change
    assert change.fields == ["lifecycle_stage"] and change.stage_to == "customer"
    assert change.at.utcoffset() == datetime.timedelta(0)


def test_activity_errors_name_the_field(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.create_activity(crm_ffi.ActivityInput(
            subject="x",
            starts_at=START,
            ends_at=START - datetime.timedelta(minutes=1),
        ))
    assert e.value.field == "ends_at"
    with pytest.raises(CrmError.Validation) as e:
        crm.activity_occurrences("activity_nope", START, None)
    assert e.value.field == "activity"
