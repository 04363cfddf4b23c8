"""Tests of what the package adds to the generated binding (crm_ffi/_pythonic.py): errors that
name the path of a mistyped value, numbers and dates where the binding takes their text,
naive datetimes refused saying so, and records that print and compare by value."""

from __future__ import annotations

import datetime
import decimal

import pytest

import crm_ffi
from crm_ffi import (
    ActivityInput,
    Condition,
    ContactFilter,
    ContactInput,
    ContactQuery,
    Crm,
    CrmError,
    DealInput,
    Email,
    FieldValue,
    LineItemInput,
    Money,
    Op,
    OpenOptions,
    PipelineInput,
    StageInput,
    StageKind,
)

UTC = datetime.timezone.utc
START = datetime.datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def crm():
    c = Crm.open_in_memory(OpenOptions(clock_start=START, clock_step_millis=1000, sequential_ids=True))
    yield c
    c.close()


def test_a_string_where_a_variant_is_expected_names_its_path_and_the_variants(crm):
    query = ContactQuery(filter=ContactFilter(conditions=[
        Condition(field="given_name", op=Op.EQ, value=FieldValue.TEXT("Ana")),
        Condition(field="industry", op=Op.EQ, value="technolgy"),
    ]))
    with pytest.raises(CrmError.Validation) as e:
        crm.list_contacts(query)
    assert e.value.field == "filter.conditions[1].value"
    assert e.value.reason.startswith("must be a FieldValue, such as FieldValue.TEXT(")
    assert "technolgy" not in str(e.value)


def test_a_string_where_an_enum_is_expected_lists_the_members(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.create_pipeline(PipelineInput(name="Sales", stages=[
            StageInput(name="Talk", probability=10, kind=StageKind.OPEN),
            StageInput(name="Won", probability=100, kind="won"),
        ]))
    assert e.value.field == "stages[1].kind"
    assert "StageKind.WON" in e.value.reason
    assert crm.pipelines()[0].name != "Sales" or len(crm.pipelines()) == 1


def test_a_wrong_record_and_a_wrong_list_name_the_field(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.create_contact(ContactInput(given_name="Ana", emails="ana@dacia.ro"))
    assert e.value.field == "emails"
    assert e.value.reason == "must be a list of Email, not a str"
    with pytest.raises(CrmError.Validation) as e:
        crm.create_contact(ContactInput(given_name="Ana", emails=[Email(address="a@b.ro"), "c@d.ro"]))
    assert e.value.field == "emails[1]"
    with pytest.raises(CrmError.Validation) as e:
        crm.create_contact(ContactInput(given_name=7))
    assert (e.value.field, e.value.reason) == ("given_name", "must be a str, not an int")


def test_a_negative_number_where_it_is_meaningless_is_refused_naming_the_field(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.list_contacts(ContactQuery(limit=-1))
    assert e.value.field == "limit"
    assert "from 0 to" in e.value.reason


def test_decimals_take_numbers_and_dates_take_date_objects(crm):
    product = crm.create_product(crm_ffi.ProductInput(sku="lic", name="Licence"))
    deal = crm.create_deal(DealInput(
        title="Młyny",
        amount=Money(amount_minor=10_000, currency="PLN"),
        expected_close=datetime.date(2026, 12, 31),
        line_items=[
            LineItemInput(product=product.id, quantity=1, unit_price=Money(amount_minor=5000, currency="PLN")),
            LineItemInput(description="Setup", quantity=decimal.Decimal("2.5"),
                          unit_price=Money(amount_minor=1000, currency="PLN")),
            LineItemInput(description="Hours", quantity=0.5, unit_price=Money(amount_minor=2000, currency="PLN")),
        ],
    ))
    assert deal.expected_close == "2026-12-31"
    assert [line.quantity for line in deal.line_items] == ["1", "2.5", "0.5"]
    with pytest.raises(CrmError.Validation) as e:
        crm.create_deal(DealInput(title="X", line_items=[
            LineItemInput(description="x", quantity=float("nan"), unit_price=Money(amount_minor=1, currency="PLN")),
        ]))
    assert e.value.field == "line_items[0].quantity"
    with pytest.raises(CrmError.Validation) as e:
        crm.create_deal(DealInput(title="X", expected_close=datetime.datetime(2026, 12, 31, tzinfo=UTC)))
    assert e.value.field == "expected_close"
    assert "use its .date()" in e.value.reason


def test_a_naive_datetime_is_refused_saying_what_to_write(crm):
    with pytest.raises(CrmError.Validation) as e:
        crm.create_activity(ActivityInput(subject="Call", starts_at=datetime.datetime(2026, 11, 23, 10, 0)))
    assert e.value.field == "starts_at"
    assert "naive datetime" in e.value.reason and "tzinfo=timezone.utc" in e.value.reason
    # An aware one in any zone is fine.
    warsaw = datetime.timezone(datetime.timedelta(hours=1))
    call = crm.create_activity(ActivityInput(subject="Call", starts_at=datetime.datetime(2026, 11, 23, 10, 0, tzinfo=warsaw)))
    assert call.starts_at == datetime.datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_records_print_their_fields_nested_and_compare_by_value(crm):
    money = Money(amount_minor=4_000_000, currency="PLN")
    assert repr(money) == "Money(amount_minor=4000000, currency='PLN')"
    assert str(money) == repr(money)
    zofia = crm.create_contact(ContactInput(given_name="Zofia", emails=[Email(address="zofia@firma.pl")]))
    shown = repr(zofia)
    assert shown.startswith("Contact(id='contact_")
    assert "Email(address='zofia@firma.pl'" in shown
    assert "given_name='Zofia'" in shown
    assert [money] == [Money(amount_minor=4_000_000, currency="PLN")]
    assert money != Money(amount_minor=1, currency="PLN")
    assert money != None  # noqa: E711 (a comparison, not an AttributeError)
    assert money != "4000000 PLN"
    assert crm.get_contact(zofia.id) == zofia
