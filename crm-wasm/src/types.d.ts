// Generated from the Rust types of crm-core by tests/src/typescript.rs; do not edit.
// Regenerate with: UPDATE_TYPES=1 cargo test -p crm-tests --test typescript

/** A postal address. Every part is optional but an address must have at least one. */
export interface Address {
    /** What the address is for, such as `work`, `home`, `billing`. */
    label?: string | null;
    /** Street, number, flat: one or more lines. */
    street?: string | null;
    /** City or locality. */
    city?: string | null;
    /** Region, voivodeship, county, département. */
    region?: string | null;
    /** Postal code as written locally. */
    postal_code?: string | null;
    /** ISO 3166-1 alpha-2 country code, such as `PL`, `RO`, `FR`. */
    country?: string | null;
}

/** Whether a listing shows archived records. */
export type Archived = /** Active records only. */ "exclude" | /** Active and archived records. */ "include" | /** Archived records only. */ "only";

/** A stored company. */
export interface Company {
    /** The company's id. */
    id: CompanyId;
    /** The company's name. */
    name: string;
    /** Web domains, lower case, without `www.`. */
    domains: string[];
    /** Industry. */
    industry?: string | null;
    /** Number of employees, as a band. */
    size?: CompanySize | null;
    /** Postal addresses. */
    addresses: Address[];
    /** What the company is to the firm, in code order, without repeats. */
    kinds: RelationshipKind[];
    /** The parent company. */
    parent?: CompanyId | null;
    /** The id of the owning user. */
    owner?: string | null;
    /** Tags. */
    tags: string[];
    /** Values of custom fields, by key. */
    custom_fields: { [key: string]: FieldValue };
    /** When the company was created. */
    created_at: string;
    /** When the company was last changed. */
    updated_at: string;
    /**
     * When the company was archived; archived companies are hidden from search and listings
     * unless asked for.
     */
    archived_at?: string | null;
}

/** Which companies to list. All criteria must hold. */
export interface CompanyFilter {
    /** Whether archived companies are shown. */
    archived?: Archived;
    /** Companies with every one of these tags. */
    tags_all?: string[];
    /** Companies with at least one of these tags. */
    tags_any?: string[];
    /** Companies that are at least one of these kinds. */
    kinds_any?: RelationshipKind[];
    /** Direct subsidiaries of this company. */
    parent?: CompanyId | null;
    /** Companies owned by this user. */
    owner?: string | null;
    /** Companies created in this range. */
    created?: TimeRange;
    /** Companies last changed in this range. */
    updated?: TimeRange;
    /** Further tests on any field. */
    conditions?: Condition[];
}

/** The id of a company: `company_` then 26 base32 characters, sortable by creation time. */
export type CompanyId = string;

/** What a caller provides to create or replace a company. */
export interface CompanyInput {
    /** The company's name; required. */
    name?: string;
    /** Web domains, such as `example.pl`; pasted URLs are reduced to their domain. */
    domains?: string[];
    /** Industry, such as `logistics`. */
    industry?: string | null;
    /** Number of employees, as a band. */
    size?: CompanySize | null;
    /** Postal addresses. */
    addresses?: Address[];
    /** What the company is to the firm; several at once. */
    kinds?: RelationshipKind[];
    /** The parent company; cycles are refused. */
    parent?: CompanyId | null;
    /** The id of the user (of the host application) who owns the company. */
    owner?: string | null;
    /** Tags; compared without case or diacritics. */
    tags?: string[];
    /** Values of custom fields, by key. */
    custom_fields?: { [key: string]: FieldValue };
}

/** One page of a listing. */
export interface CompanyPage {
    /** The records of this page. */
    items: Company[];
    /** Pass this as the next query's cursor to get the following page; `None` on the last. */
    next_cursor?: string | null;
}

/**
 * A page request: which records, in which order, how many, and where the previous page
 * ended.
 */
export interface CompanyQuery {
    /** Which records. */
    filter?: CompanyFilter;
    /** In which order. */
    sort?: Sort;
    /** How many per page, from 1 to 1,000 (50 by default). */
    limit?: number;
    /** Where the previous page ended (its `next_cursor`). */
    cursor?: string | null;
}

/** How many people a company employs, in the usual bands. */
export type CompanySize = /** One person. */ "1" | /** 2 to 10 people. */ "2-10" | /** 11 to 50 people. */ "11-50" | /** 51 to 200 people. */ "51-200" | /** 201 to 500 people. */ "201-500" | /** 501 to 1,000 people. */ "501-1000" | /** 1,001 to 5,000 people. */ "1001-5000" | /** 5,001 to 10,000 people. */ "5001-10000" | /** More than 10,000 people. */ "10001+";

/**
 * One test on a field of a record: a standard field by name (`city`, `family_name`,
 * `created_at`, …) or a custom field as `custom.<key>`.
 *
 * Contact fields: `given_name`, `family_name`, `display_name` (or `name`), `email`, `phone`,
 * `job_title`, `language`, `owner`, `source`, `lifecycle_stage`, `birthday` (date), `street`,
 * `city`, `region`, `postal_code`, `country`, `tag`, `created_at`, `updated_at`,
 * `archived_at` (datetimes).
 *
 * Company fields: `name`, `domain`, `industry`, `size` (`2-10`, …), `kind` (`customer`, …),
 * `parent` (a company id), `owner`, `street`, `city`, `region`, `postal_code`, `country`,
 * `tag`, `created_at`, `updated_at`, `archived_at`.
 *
 * Text fields take a [`FieldValue::Text`], `birthday` a [`FieldValue::Date`], instants a
 * [`FieldValue::DateTime`]; a custom field takes the value shape of its kind.
 */
export interface Condition {
    /** The field's name. */
    field: string;
    /** The comparison. */
    op: Op;
    /** The value compared with; absent for [`Op::Exists`] and [`Op::Missing`]. */
    value?: FieldValue | null;
}

/** A stored contact. */
export interface Contact {
    /** The contact's id. */
    id: ContactId;
    /** Given (first) name. */
    given_name?: string | null;
    /** Family (last) name. */
    family_name?: string | null;
    /** The name shown for the contact. */
    display_name: string;
    /** Email addresses, the primary one marked. */
    emails: Email[];
    /** Phone numbers. */
    phones: Phone[];
    /** Postal addresses. */
    addresses: Address[];
    /** Date of birth. */
    birthday?: string | null;
    /** Preferred language (BCP 47). */
    language?: string | null;
    /** Job title. */
    job_title?: string | null;
    /** The id of the owning user. */
    owner?: string | null;
    /** Where the contact came from. */
    source?: string | null;
    /** Lifecycle stage. */
    lifecycle_stage?: string | null;
    /** Tags. */
    tags: string[];
    /** Values of custom fields, by key. */
    custom_fields: { [key: string]: FieldValue };
    /** When the contact was created. */
    created_at: string;
    /** When the contact was last changed. */
    updated_at: string;
    /**
     * When the contact was archived; archived contacts are hidden from search and listings
     * (unless asked for) and do not hold their email addresses.
     */
    archived_at?: string | null;
}

/** Which contacts to list. All criteria must hold. */
export interface ContactFilter {
    /** Whether archived contacts are shown. */
    archived?: Archived;
    /** Contacts with every one of these tags. */
    tags_all?: string[];
    /** Contacts with at least one of these tags. */
    tags_any?: string[];
    /** Contacts linked to this company. */
    company?: CompanyId | null;
    /** Contacts owned by this user. */
    owner?: string | null;
    /** Contacts created in this range. */
    created?: TimeRange;
    /** Contacts last changed in this range. */
    updated?: TimeRange;
    /** Further tests on any field. */
    conditions?: Condition[];
}

/** The id of a contact: `contact_` then 26 base32 characters, sortable by creation time. */
export type ContactId = string;

/**
 * What a caller provides to create or replace a contact. Every field is optional, but a
 * contact needs a name or an email address.
 */
export interface ContactInput {
    /** Given (first) name. */
    given_name?: string | null;
    /** Family (last) name. */
    family_name?: string | null;
    /**
     * The name to show; when absent it is made from the given and family names, or the
     * primary email address.
     */
    display_name?: string | null;
    /** Email addresses; unique among active contacts, ignoring case. */
    emails?: Email[];
    /** Phone numbers. */
    phones?: Phone[];
    /** Postal addresses. */
    addresses?: Address[];
    /** Date of birth; not in the future. */
    birthday?: string | null;
    /** Preferred language as a BCP 47 tag, such as `pl`, `ro-RO`, `fr-CA`. */
    language?: string | null;
    /** Job title. */
    job_title?: string | null;
    /** The id of the user (of the host application) who owns the contact. */
    owner?: string | null;
    /** Where the contact came from, such as `web form` or `trade fair`. */
    source?: string | null;
    /** Lifecycle stage, such as `lead`, `customer` (free text for now). */
    lifecycle_stage?: string | null;
    /** Tags; compared without case or diacritics. */
    tags?: string[];
    /** Values of custom fields, by key. */
    custom_fields?: { [key: string]: FieldValue };
}

/** One page of a listing. */
export interface ContactPage {
    /** The records of this page. */
    items: Contact[];
    /** Pass this as the next query's cursor to get the following page; `None` on the last. */
    next_cursor?: string | null;
}

/**
 * A page request: which records, in which order, how many, and where the previous page
 * ended.
 */
export interface ContactQuery {
    /** Which records. */
    filter?: ContactFilter;
    /** In which order. */
    sort?: Sort;
    /** How many per page, from 1 to 1,000 (50 by default). */
    limit?: number;
    /** Where the previous page ended (its `next_cursor`). */
    cursor?: string | null;
}

/** An ISO 4217 currency code, such as `PLN`, `EUR`, `RON`. */
export type Currency = string;

/** An exact decimal number written as text, such as `"12.5"` (never a float). */
export type Decimal = string;

/** Which end of a relation a record is. */
export type Direction = /** The record is the relation's `record`: the type's name applies. */ "outgoing" | /** The record is the relation's `other`: the type's reverse name applies. */ "incoming";

/** An email address of a contact. */
export interface Email {
    /** The address. Stored trimmed with its domain lower-cased; compared without case. */
    address?: string;
    /** What the address is for, such as `work` or `home`. */
    label?: string | null;
    /**
     * Whether this is the contact's main address. Exactly one address of a contact is
     * primary: when none is marked, the first one is.
     */
    primary?: boolean;
}

/** A contact's position at a company. */
export interface Employment {
    /** The employment's id. */
    id: EmploymentId;
    /** The person. */
    contact: ContactId;
    /** The company. */
    company: CompanyId;
    /** The contact's role towards the firm, such as `decision maker` or `billing`. */
    role?: string | null;
    /** The contact's job title at this company, such as `CFO`. */
    title?: string | null;
    /**
     * Whether this is the contact's primary employer. A contact with employments has
     * exactly one primary.
     */
    primary: boolean;
    /** When the link was made. */
    created_at: string;
    /** When the link was last changed. */
    updated_at: string;
}

/** The id of a employment: `employment_` then 26 base32 characters, sortable by creation time. */
export type EmploymentId = string;

/** What a caller provides to link a contact to a company. */
export interface EmploymentInput {
    /** The person. */
    contact: ContactId;
    /** The company. */
    company: CompanyId;
    /** The contact's role towards the firm. */
    role?: string | null;
    /** The contact's job title at this company. */
    title?: string | null;
    /** Make this the contact's primary employer (the first employment always is). */
    primary?: boolean;
}

/** The changeable part of an employment. */
export interface EmploymentUpdate {
    /** The contact's role towards the firm. */
    role?: string | null;
    /** The contact's job title at this company. */
    title?: string | null;
    /**
     * Whether this is the primary employer. Unsetting it passes the primary mark to the
     * contact's oldest other employment; the only employment stays primary.
     */
    primary?: boolean;
}

/** The definition of a custom field of one record kind. */
export interface FieldDef {
    /** The kind of record the field belongs to. */
    record_kind: RecordKind;
    /**
     * The key values are stored under: 1–64 lowercase ASCII letters, digits or underscores,
     * starting with a letter. Fixed once defined.
     */
    key: string;
    /** The name shown to users. */
    label: string;
    /** The type of the values. */
    kind: FieldKind;
    /** Whether every record must have a value. */
    required?: boolean;
    /** The value given to records that do not set one, when the field is required. */
    default?: FieldValue | null;
    /** A longer explanation shown to users. */
    description?: string | null;
}

/** The type of a custom field. */
export type FieldKind = /** One line of text (up to 1,000 characters). Value: [`FieldValue::Text`]. */ {
    type: "text";
} | /** Several lines of text (up to 64 KiB). Value: [`FieldValue::Text`]. */ {
    type: "long_text";
} | /** A whole number. Value: [`FieldValue::Integer`]. */ {
    type: "integer";
} | /** An exact decimal number. Value: [`FieldValue::Decimal`] (an integer is accepted). */ {
    type: "decimal";
} | /** Yes or no. Value: [`FieldValue::Boolean`]. */ {
    type: "boolean";
} | /** A calendar date. Value: [`FieldValue::Date`]. */ {
    type: "date";
} | /** An instant, kept to the microsecond. Value: [`FieldValue::DateTime`]. */ {
    type: "date_time";
} | /** One of a list of options. Value: [`FieldValue::Text`] equal to an option (compared without case or diacritics; the option's spelling is stored). */ {
    type: "single_select";
    /** The allowed options, in display order. */
    options: string[];
} | /** Any number of a list of options. Value: [`FieldValue::List`]. */ {
    type: "multi_select";
    /** The allowed options, in display order. */
    options: string[];
} | /** An amount of money, in one currency if given. Value: [`FieldValue::Money`]. */ {
    type: "money";
    /** The currency every value must have, if the field fixes one. */
    currency?: Currency | null;
} | /** An http or https address. Value: [`FieldValue::Text`]. */ {
    type: "url";
} | /** An email address. Value: [`FieldValue::Text`]. */ {
    type: "email";
} | /** A phone number. Value: [`FieldValue::Text`]. */ {
    type: "phone";
} | /** A rating from 1 to `max`. Value: [`FieldValue::Integer`]. */ {
    type: "rating";
    /** The highest rating, from 1 to 10. */
    max: number;
};

/** The value of a custom field. Its shape must fit the field's [`FieldKind`]. */
export type FieldValue = /** Text, select option, url, email or phone. */ {
    text: string;
} | /** Integer or rating. */ {
    integer: number;
} | /** Exact decimal. */ {
    decimal: Decimal;
} | /** Yes or no. */ {
    boolean: boolean;
} | /** A calendar date. */ {
    date: string;
} | /** An instant (kept to the microsecond). */ {
    datetime: string;
} | /** The options chosen in a multi select. */ {
    list: string[];
} | /** An amount of money. */ {
    money: Money;
};

/**
 * Records to import in one transaction: all of them, or (on the first refusal, or when the
 * progress callback cancels) none.
 */
export interface ImportData {
    /** Companies, created first. */
    companies?: CompanyInput[];
    /** Contacts. */
    contacts?: ContactInput[];
    /** Links between the contacts and companies above. */
    employments?: ImportEmployment[];
}

/**
 * A link to make between an imported contact and an imported company, by their positions in
 * [`ImportData`].
 */
export interface ImportEmployment {
    /** Position of the contact in `ImportData::contacts`. */
    contact?: number;
    /** Position of the company in `ImportData::companies`. */
    company?: number;
    /** The contact's role towards the firm. */
    role?: string | null;
    /** The contact's job title at the company. */
    title?: string | null;
    /** Make this the contact's primary employer. */
    primary?: boolean;
}

/** The ids given to imported records, in input order. */
export interface ImportReport {
    /** Ids of the imported companies. */
    companies: CompanyId[];
    /** Ids of the imported contacts. */
    contacts: ContactId[];
    /** Ids of the employments made. */
    employments: EmploymentId[];
}

/** What [`crate::Crm::verify`] found. */
export interface IntegrityReport {
    /** Records checked, of every kind. */
    records: number;
    /** Entries of the secondary indexes. */
    index_entries: number;
    /** Entries of the full-text index. */
    search_entries: number;
    /** Each problem found, in words without personal data. Empty when all is well. */
    problems: string[];
}

/**
 * An exact amount of money: a whole number of minor units of one [`Currency`].
 *
 * `Money::new(123450, Currency::PLN)` is 1234.50 PLN. Arithmetic is checked: combining
 * currencies or overflowing `i64` is an error, never a wrong number or a panic.
 *
 * Serialized with serde as `{"amount_minor": 123450, "currency": "PLN"}` and with minicbor
 * as the array `[amount_minor, currency]`.
 */
export interface Money {
    /** The amount in the currency's minor unit (grosze, bani, cents; yen for JPY). */
    amount_minor: number;
    /** The currency. */
    currency: Currency;
}

/** A comparison of a [`Condition`]. */
export type Op = /** Equal (text ignores case and diacritics; a list field matches if any item does). */ "eq" | /** Not equal (true when the field is empty; a list field matches if no item is equal). */ "ne" | /** Less than. */ "lt" | /** Less than or equal. */ "lte" | /** Greater than. */ "gt" | /** Greater than or equal. */ "gte" | /** Text contains the value (ignoring case and diacritics). */ "contains" | /** Text starts with the value (ignoring case and diacritics). */ "starts_with" | /** The field has a value (takes no value). */ "exists" | /** The field has no value (takes no value). */ "missing";

/** A phone number of a contact. */
export interface Phone {
    /** The number as typed. */
    number?: string;
    /** What the number is for, such as `mobile` or `office`. */
    label?: string | null;
    /**
     * The E.164 form (`+48601234567`) when the number could be read, computed by the library
     * on every write (a value given on input is ignored). National numbers are read in the
     * country of the contact's first address, or the CRM's default phone region.
     */
    e164?: string | null;
}

/** How far a long operation has got. The callback receiving it returns `false` to cancel. */
export interface Progress {
    /** Units done so far (records imported, entries copied). */
    done: number;
    /** Units in all. */
    total: number;
}

/** The kinds of records that carry custom fields and take part in relations and search. */
export type RecordKind = /** A person. */ "contact" | /** An organisation. */ "company";

/** The id of a contact or a company; its prefix says which. */
export type RecordRef = string;

/** A typed, directed relation between two records of the same kind. */
export interface Relation {
    /** The relation's id. */
    id: RelationId;
    /** The key of its [`RelationType`]. */
    relation_type: string;
    /** The record the type's `name` reads from ("Ana" in "Ana referred by Jan"). */
    record: RecordRef;
    /** The other record, which the type's `reverse_name` reads from. */
    other: RecordRef;
    /** When the relation was made. */
    created_at: string;
}

/** The id of a relation: `relation_` then 26 base32 characters, sortable by creation time. */
export type RelationId = string;

/** What a caller provides to relate two records. */
export interface RelationInput {
    /** The key of the relation type. */
    relation_type: string;
    /** The record the type's name reads from ("Ana" in "Ana referred by Jan"). */
    record: RecordRef;
    /** The other record ("Jan"). */
    other: RecordRef;
}

/**
 * A kind of relation between two records of the same kind, with a name for each direction:
 * `referred_by` reads "Ana referred by Jan" one way and "Jan referred Ana" the other.
 */
export interface RelationType {
    /**
     * The key relations are stored under: 1–64 lowercase ASCII letters, digits or
     * underscores, starting with a letter.
     */
    key: string;
    /** How the relation reads from its `from` record, such as `referred by`. */
    name: string;
    /** How it reads from its `to` record, such as `referred`. */
    reverse_name: string;
    /** The kind of both records. */
    record_kind: RecordKind;
    /** Whether the library defines it (built-in types cannot be deleted). */
    built_in?: boolean;
}

/** A relation as seen from one of its records. */
export interface RelationView {
    /** The relation's id. */
    relation: RelationId;
    /** The key of its type. */
    relation_type: string;
    /** How it reads from this side, such as `manages`. */
    label: string;
    /** The record at the other end. */
    other: RecordRef;
    /** Which end this record is. */
    direction: Direction;
}

/** What a company is to the firm. A company can be several at once. */
export type RelationshipKind = /** Buys from the firm. */ "customer" | /** Might buy from the firm. */ "prospect" | /** Works with the firm. */ "partner" | /** Supplies goods to the firm. */ "supplier" | /** Sells services or software to the firm. */ "vendor" | /** Resells the firm's products. */ "reseller" | /** Newspapers, magazines, broadcasters, bloggers. */ "press" | /** Competes with the firm. */ "competitor" | /** Used to buy from the firm. */ "former_customer";

/** One search result. */
export interface SearchHit {
    /** The record found. */
    record: RecordRef;
    /** Its display name (contact) or name (company). */
    label: string;
    /** How well it matched; higher is better. */
    score: number;
}

/** A full-text query. */
export interface SearchQuery {
    /** What the user typed. */
    text?: string;
    /** Which kinds of records to search; all when empty. */
    kinds?: RecordKind[];
    /** How many results at most, from 1 to 1,000 (20 by default). */
    limit?: number;
}

/** The order of a listing. Ties are broken by id, so the order is total. */
export interface Sort {
    /** The sort key. */
    by?: SortBy;
    /** Largest first. */
    descending?: boolean;
}

/** What to order a listing by. */
export type SortBy = /** The display name (contacts) or name (companies), ignoring case and diacritics. */ "name" | /** When the record was created. */ "created_at" | /** When the record was last changed. */ "updated_at";

/** A half-open range of instants: `since` included, `until` excluded; either may be open. */
export interface TimeRange {
    /** The first instant included. */
    since?: string | null;
    /** The first instant excluded. */
    until?: string | null;
}
