// Generated from the Rust types of crm-core by tests/src/typescript.rs; do not edit.
// Regenerate with: UPDATE_TYPES=1 cargo test -p crm-tests --test typescript

/** A stored activity. */
export interface Activity {
    /** The activity's id, `activity_…`. */
    id: ActivityId;
    /** What kind of exchange it is. */
    kind: ActivityKind;
    /** The name of an `other` kind, such as `site visit`. */
    other_kind?: string | null;
    /** A one-line summary. */
    subject: string;
    /** Notes, the text of an email, minutes. */
    body?: string | null;
    /** The id of the user it belongs to. */
    owner?: string | null;
    /** Who takes part. */
    participants: Participant[];
    /** When it starts (or started). */
    starts_at?: string | null;
    /** When it ends; not before `starts_at`. */
    ends_at?: string | null;
    /**
     * Whether it takes whole days: then `starts_at` and `ends_at` are midnights in its time
     * zone and `ends_at` is the first midnight after it.
     */
    all_day: boolean;
    /** When a task is due. */
    due_at?: string | null;
    /**
     * The IANA time zone its local times are in (`Europe/Warsaw`); UTC when absent.
     * Recurrences repeat at the same local time in it.
     */
    time_zone?: string | null;
    /** Where it takes place. */
    location?: string | null;
    /** Planned, done or cancelled. */
    status: ActivityStatus;
    /** When it was marked done. */
    completed_at?: string | null;
    /** What came of it, such as `call back` or `interested`. */
    outcome?: string | null;
    /** The channel it went through. */
    channel?: Channel | null;
    /** Who started it. */
    direction?: InteractionDirection | null;
    /** How urgent it is. */
    priority: Priority;
    /** The records it concerns; it appears on each one's timeline. */
    links: RecordRef[];
    /** The calendar it sits in. */
    calendar?: CalendarId | null;
    /** Reminders, in minutes before the start (or before the due time of a task). */
    reminders: number[];
    /** How it repeats. */
    recurrence?: Recurrence | null;
    /** The activity whose completion created this one. */
    follows?: ActivityId | null;
    /**
     * Its iCalendar `UID`: kept from an imported file, so that importing the file again
     * updates it rather than adding a copy.
     */
    ical_uid?: string | null;
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
}

/** Which activities to list. All criteria given must hold. */
export interface ActivityFilter {
    /** Activities of at least one of these kinds. */
    kinds_any?: ActivityKind[];
    /** Activities in at least one of these statuses. */
    statuses_any?: ActivityStatus[];
    /** Activities owned by this user. */
    owner?: string | null;
    /**
     * Activities on this record's timeline: linking it, or with it (a contact) taking part
     * (`NotFound` when there is no such record).
     */
    record?: RecordRef | null;
    /** Activities in this calendar (`NotFound` when there is no such calendar). */
    calendar?: CalendarId | null;
    /** Activities through at least one of these channels. */
    channels_any?: Channel[];
    /** Activities in this direction (inbound or outbound). */
    direction?: InteractionDirection | null;
    /** Activities whose time (start, else due time, else creation) is in this range. */
    when?: TimeRange;
}

/** The id of an activity: `activity_` then 26 base32 characters, sortable by creation time. */
export type ActivityId = string;

/** What a caller provides to create or replace an activity. */
export interface ActivityInput {
    /** What kind of exchange; a note when absent. */
    kind?: ActivityKind;
    /** The name of an `other` kind (only with `other`). */
    other_kind?: string | null;
    /** A one-line summary; required. */
    subject: string;
    /** Notes, text, minutes. */
    body?: string | null;
    /** The id of the user it belongs to. */
    owner?: string | null;
    /** Who takes part. */
    participants?: Participant[];
    /**
     * When it starts. Every instant of an activity (`starts_at`, `ends_at`, `due_at`, the
     * recurrence's `until` and exceptions) is in the years 1000 through 9999 (UTC).
     */
    starts_at?: string | null;
    /** When it ends; needs `starts_at`, not before it, at most 366 days after it. */
    ends_at?: string | null;
    /** Whether it takes whole days (its times must then be midnights in its time zone). */
    all_day?: boolean;
    /** When a task is due. */
    due_at?: string | null;
    /** The IANA time zone of its local times. */
    time_zone?: string | null;
    /** Where it takes place. */
    location?: string | null;
    /** Planned unless given. */
    status?: ActivityStatus | null;
    /** What came of it. */
    outcome?: string | null;
    /** The channel; for calls `phone`, emails `email` and meetings `in_person` when absent. */
    channel?: Channel | null;
    /** Who started it. */
    direction?: InteractionDirection | null;
    /** How urgent it is (`normal` when absent). */
    priority?: Priority | null;
    /** The records it concerns; each must exist. */
    links?: RecordRef[];
    /** The calendar it sits in; it must exist, and the activity needs a start. */
    calendar?: CalendarId | null;
    /** Reminders, in minutes before the start or due time (at most 4 weeks). */
    reminders?: number[];
    /** How it repeats; needs `starts_at`. */
    recurrence?: Recurrence | null;
    /** Its iCalendar `UID`. */
    ical_uid?: string | null;
}

/** What kind of exchange an activity is. */
export type ActivityKind = /** A phone or video call. */ "call" | /** A meeting. */ "meeting" | /** A task: something to do by a due date. */ "task" | /** A note. */ "note" | /** An email. */ "email" | /** Anything else; `other_kind` names it. */ "other";

/** One page of a listing. */
export interface ActivityPage {
    /** The records of this page. */
    items: Activity[];
    /** Pass this as the next query's cursor to get the following page; `None` on the last. */
    next_cursor?: string | null;
}

/**
 * A page request for activities: which, in which order, how many, and where the previous
 * page ended.
 */
export interface ActivityQuery {
    /** Which activities. */
    filter?: ActivityFilter;
    /** Oldest first instead of newest first. */
    oldest_first?: boolean;
    /** How many per page, from 1 to 1,000 (50 by default). */
    limit?: number;
    /**
     * Where the previous page ended: its `next_cursor`, from an activity listing with the same filter and order
     * (any other cursor is refused).
     */
    cursor?: string | null;
}

/** Where an activity stands. */
export type ActivityStatus = /** To happen, or to do. */ "planned" | /** Happened, or done. */ "done" | /** Called off. */ "cancelled";

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

/** A range of time: from `from` (included) to `until` (excluded). */
export interface AgendaQuery {
    /** A calendar's events; give this or `user`. */
    calendar?: CalendarId | null;
    /**
     * A user's events (owned, or taking part without having declined); give this or
     * `calendar`.
     */
    user?: string | null;
    /**
     * The first instant of the range (the range's instants are in the years 1000 through
     * 9999).
     */
    from: string;
    /** The first instant after the range. */
    until: string;
    /** Whether cancelled events are listed too. */
    include_cancelled?: boolean;
}

/** Whether a listing shows archived records. */
export type Archived = /** Active records only. */ "exclude" | /** Active and archived records. */ "include" | /** Archived records only. */ "only";

/** A stored calendar. */
export interface Calendar {
    /** The calendar's id, `calendar_…`. */
    id: CalendarId;
    /** Its name. */
    name: string;
    /** The user whose calendar it is (or who manages a team calendar). */
    owner?: string | null;
    /** The users of a team calendar; empty for a personal one. */
    members: string[];
    /** The IANA time zone it shows and imports floating times in. */
    time_zone: string;
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
}

/** The id of a calendar: `calendar_` then 26 base32 characters, sortable by creation time. */
export type CalendarId = string;

/** What a caller provides to create or replace a calendar. */
export interface CalendarInput {
    /** Its name; required. */
    name: string;
    /** The user whose calendar it is; a personal calendar (without members) needs one. */
    owner?: string | null;
    /** The users of a team calendar. */
    members?: string[];
    /** An IANA time zone; UTC when absent. */
    time_zone?: string | null;
}

/** The channel an exchange went through. */
export type Channel = /** Email. */ "email" | /** Telephone. */ "phone" | /** Live chat. */ "chat" | /** Social networks. */ "social" | /** A form on a web site. */ "web_form" | /** Face to face. */ "in_person" | /** Messaging apps and text messages. */ "messaging" | /** The firm's mobile app. */ "mobile_app" | /** Post. */ "letter" | /** Any other channel. */ "other";

/** How many touchpoints went through one channel. */
export interface ChannelCount {
    /** The channel. */
    channel: Channel;
    /** The number of touchpoints. */
    count: number;
}

/** Open deals expected to close in a range of days. */
export interface ClosingQuery {
    /** The first day (days are in the years 1000 through 9999). */
    since: string;
    /** The last day (included). */
    until: string;
    /** Only this owner's deals. */
    owner?: string | null;
    /** Only this pipeline's deals. */
    pipeline?: PipelineId | null;
}

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

/** Which company a lead becomes. */
export type CompanyChoice = /** The active company with the lead's web domain, or a new one from its company name when there is none; no company when the lead has neither. */ {
    type: "match_by_domain";
} | /** A new company from the lead's company name and web domain. */ {
    type: "new";
} | /** An existing company. */ {
    type: "existing";
    /** The company. */
    company: CompanyId;
} | /** No company. */ {
    type: "skip";
};

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
    /** Direct subsidiaries of this company (`NotFound` when there is no such company). */
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
    name: string;
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
    /**
     * Where the previous page ended: its `next_cursor`, from the same listing with the same filter and order
     * (any other cursor is refused).
     */
    cursor?: string | null;
}

/** How many people a company employs, in the usual bands. */
export type CompanySize = /** One person. */ "1" | /** 2 to 10 people. */ "2-10" | /** 11 to 50 people. */ "11-50" | /** 51 to 200 people. */ "51-200" | /** 201 to 500 people. */ "201-500" | /** 501 to 1,000 people. */ "501-1000" | /** 1,001 to 5,000 people. */ "1001-5000" | /** 5,001 to 10,000 people. */ "5001-10000" | /** More than 10,000 people. */ "10001+";

/** A completed activity and the one planned after it. */
export interface CompletedActivity {
    /** The completed activity. */
    activity: Activity;
    /** The follow-up, when one was asked for. */
    next?: Activity | null;
}

/** What completing an activity records, and the activity it leads to. */
export interface Completion {
    /** What came of it, such as `call back`; the activity's own outcome is kept when absent. */
    outcome?: string | null;
    /** The next activity to plan, which will follow this one. */
    next?: NextActivity | null;
}

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
    /** Date of birth: not in the future, and in the years 1000 through 9999. */
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

/** Which contact a lead becomes. */
export type ContactChoice = /** The active contact with the lead's email address, or a new one when there is none. */ {
    type: "match_by_email";
} | /** A new contact from the lead's details. */ {
    type: "new";
} | /** An existing contact. */ {
    type: "existing";
    /** The contact. */
    contact: ContactId;
};

/** Which contacts to list. All criteria must hold. */
export interface ContactFilter {
    /** Whether archived contacts are shown. */
    archived?: Archived;
    /** Contacts with every one of these tags. */
    tags_all?: string[];
    /** Contacts with at least one of these tags. */
    tags_any?: string[];
    /** Contacts linked to this company (`NotFound` when there is no such company). */
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
    /**
     * Where the previous page ended: its `next_cursor`, from the same listing with the same filter and order
     * (any other cursor is refused).
     */
    cursor?: string | null;
}

/** What a converted lead became. */
export interface Conversion {
    /** The contact it became (absent once that contact is deleted). */
    contact?: ContactId | null;
    /** The company, if any. */
    company?: CompanyId | null;
    /** The deal opened, if any. */
    deal?: DealId | null;
    /** When it was converted. */
    converted_at: string;
    /** The id of the user who converted it. */
    by?: string | null;
}

/** The outcome of a conversion. */
export interface ConvertedLead {
    /** The lead, now converted. */
    lead: Lead;
    /** The contact it became. */
    contact: Contact;
    /** Whether that contact was created by the conversion. */
    contact_created: boolean;
    /** The company it became, if any. */
    company?: Company | null;
    /** Whether that company was created by the conversion. */
    company_created: boolean;
    /** The deal opened, if any. */
    deal?: Deal | null;
}

/** An ISO 4217 currency code, such as `PLN`, `EUR`, `RON`. */
export type Currency = string;

/** A stored deal. */
export interface Deal {
    /** The deal's id, `deal_…`. */
    id: DealId;
    /** What is being sold to whom. */
    title: string;
    /** Its pipeline. */
    pipeline: PipelineId;
    /** Its stage in that pipeline. */
    stage: StageId;
    /** Open, won or lost: the kind of its stage. */
    status: StageKind;
    /** The customer. */
    company?: CompanyId | null;
    /** The people involved, with their roles. */
    contacts: DealContact[];
    /** The id of the owning user. */
    owner?: string | null;
    /** The value of the deal; its currency is the deal's. */
    amount?: Money | null;
    /** When it is expected to close. */
    expected_close?: string | null;
    /** Its own probability in percent, kept across stage changes; the stage's when absent. */
    probability_override?: number | null;
    /** The probability in effect: the override, or the stage's. Computed when read. */
    probability: number;
    /** Where the deal came from. */
    source?: string | null;
    /** Why it was lost. */
    lost_reason?: string | null;
    /** When it was won or lost; absent while open. */
    closed_at?: string | null;
    /**
     * Its amount in the reporting currency at the rate of the day it closed, frozen then
     * (absent without an amount or a rate). A deal whose converted amount would be beyond
     * ±(2^53 − 1) minor units is not moved to a won stage (a validation error names its
     * `deal_….amount`); a lost one closes without it.
     */
    closed_value?: Money | null;
    /** Its lines, priced. */
    line_items: LineItem[];
    /** The sums of its lines; absent without lines. */
    totals?: Totals | null;
    /** The price list its products are priced from. */
    price_list?: PriceListId | null;
    /** The won deal this one follows up on. */
    origin?: DealId | null;
    /** Tags. */
    tags: string[];
    /** Values of custom fields, by key. */
    custom_fields: { [key: string]: FieldValue };
    /** When it entered its current stage. */
    stage_entered_at: string;
    /** Whether it has sat in its open stage longer than the stage allows. Computed when read. */
    rotten: boolean;
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
    /** When it was archived. */
    archived_at?: string | null;
}

/** A contact taking part in a deal. */
export interface DealContact {
    /** The contact. */
    contact: ContactId;
    /** Their part in the deal, such as `decision maker`, `champion`. */
    role?: string | null;
}

/** Which deals to list. All criteria must hold. */
export interface DealFilter {
    /** Whether archived deals are shown. */
    archived?: Archived;
    /** Deals with every one of these tags. */
    tags_all?: string[];
    /** Deals with at least one of these tags. */
    tags_any?: string[];
    /** Deals in this pipeline (`NotFound` when there is no such pipeline). */
    pipeline?: PipelineId | null;
    /** Deals in this stage (of `pipeline`, when given). */
    stage?: StageId | null;
    /** Deals open, won or lost. */
    statuses_any?: StageKind[];
    /** Deals with this customer (`NotFound` when there is no such company). */
    company?: CompanyId | null;
    /** Deals this contact takes part in (`NotFound` when there is no such contact). */
    contact?: ContactId | null;
    /** Deals owned by this user. */
    owner?: string | null;
    /** Deals created in this range. */
    created?: TimeRange;
    /** Deals last changed in this range. */
    updated?: TimeRange;
    /** Further tests on any field. */
    conditions?: Condition[];
}

/** The id of a deal: `deal_` then 26 base32 characters, sortable by creation time. */
export type DealId = string;

/** What a caller provides to create or replace a deal. */
export interface DealInput {
    /** What is being sold to whom; required. */
    title: string;
    /** The pipeline; the default pipeline when absent. */
    pipeline?: PipelineId | null;
    /** The stage, of that pipeline; its first open stage when absent. */
    stage?: StageId | null;
    /** The customer. */
    company?: CompanyId | null;
    /** The people involved. */
    contacts?: DealContact[];
    /** The id of the owning user. */
    owner?: string | null;
    /** The value; not negative. Its currency is the deal's (the lines' when absent). */
    amount?: Money | null;
    /** When it is expected to close: a day in the years 1000 through 9999. */
    expected_close?: string | null;
    /** The deal's own probability in percent (0 to 100); the stage's when absent. */
    probability?: number | null;
    /** Where it came from. */
    source?: string | null;
    /** Why it was lost. */
    lost_reason?: string | null;
    /** Its lines; all in the deal's currency. */
    line_items?: LineItemInput[];
    /** The price list its products are priced from. */
    price_list?: PriceListId | null;
    /** Tags. */
    tags?: string[];
    /** Values of custom fields, by key. */
    custom_fields?: { [key: string]: FieldValue };
}

/** A move of a deal to another stage of its pipeline. */
export interface DealMove {
    /** The stage to move to. */
    stage: StageId;
    /** Why it was lost, when the stage is a lost one. */
    lost_reason?: string | null;
    /** The id of the user making the move. */
    by?: string | null;
}

/** One page of a listing. */
export interface DealPage {
    /** The records of this page. */
    items: Deal[];
    /** Pass this as the next query's cursor to get the following page; `None` on the last. */
    next_cursor?: string | null;
}

/**
 * A page request: which records, in which order, how many, and where the previous page
 * ended.
 */
export interface DealQuery {
    /** Which records. */
    filter?: DealFilter;
    /** In which order. */
    sort?: Sort;
    /** How many per page, from 1 to 1,000 (50 by default). */
    limit?: number;
    /**
     * Where the previous page ended: its `next_cursor`, from the same listing with the same filter and order
     * (any other cursor is refused).
     */
    cursor?: string | null;
}

/** An exact decimal number written as text, such as `"12.5"` (never a float). */
export type Decimal = string;

/** Which end of a relation a record is. */
export type Direction = /** The record is the relation's `record`: the type's name applies. */ "outgoing" | /** The record is the relation's `other`: the type's reverse name applies. */ "incoming";

/** A discount on one line. */
export type Discount = /** A share of the line's subtotal, in basis points (1000 = 10 %, at most 10000). */ {
    type: "percent";
    /** The share in basis points. */
    basis_points: number;
} | /** A fixed amount off the line, in the line's currency, at most its subtotal. */ {
    type: "amount";
    /** The amount off. */
    amount: Money;
};

/** A reminder that falls due. */
export interface DueReminder {
    /** When to remind. */
    remind_at: string;
    /** The activity. */
    activity: ActivityId;
    /** Its subject. */
    subject: string;
    /** Its owner, who is reminded. */
    owner?: string | null;
    /** The start (or due time) of the occurrence it reminds of. */
    starts_at: string;
    /** How long before it, in minutes. */
    minutes_before: number;
}

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

/** The id of an employment: `employment_` then 26 base32 characters, sortable by creation time. */
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

/**
 * One occurrence of an event in a range: the activity, and this occurrence's times (a
 * repeating event has one per instance).
 */
export interface EventInstance {
    /** The activity. */
    activity: Activity;
    /** When this occurrence starts (a task's due time). */
    starts_at: string;
    /** When it ends. */
    ends_at: string;
}

/** The value of one currency in another on a date. */
export interface ExchangeRate {
    /**
     * The first day the rate applies (until the pair's next rate), in the years 1000 through
     * 9999.
     */
    date: string;
    /** The currency priced. */
    base: Currency;
    /** The currency it is priced in. */
    quote: Currency;
    /** How many units of `quote` one unit of `base` is worth; more than zero. */
    rate: Decimal;
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
} | /** A calendar date, in the years 1000 through 9999. Value: [`FieldValue::Date`]. */ {
    type: "date";
} | /** An instant, kept to the microsecond, in the years 1000 through 9999 (UTC). Value: [`FieldValue::DateTime`]. */ {
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

/** What a follow-up deal gets beyond what it copies from the won deal. */
export interface FollowUpInput {
    /** What is being sold this time; required. */
    title: string;
    /** The pipeline; the won deal's when absent. */
    pipeline?: PipelineId | null;
    /** The stage; the pipeline's first open stage when absent. */
    stage?: StageId | null;
    /** The value. */
    amount?: Money | null;
    /** When it is expected to close: a day in the years 1000 through 9999. */
    expected_close?: string | null;
    /** The owner; the won deal's when absent. */
    owner?: string | null;
}

/** The weighted forecast of open deals by expected close. */
export interface Forecast {
    /** The reporting currency of every amount. */
    currency: Currency;
    /** The periods holding deals, in order. */
    periods: ForecastPeriod[];
    /** Open deals (matching the query) without an expected close date. */
    undated: number;
    /** Deals whose amount could not be converted (left out of the sums). */
    unpriced: DealId[];
}

/** The open deals expected to close in one period. */
export interface ForecastPeriod {
    /** The period's name: `2026-11` or `2026-Q4`. */
    period: string;
    /** Its first day. */
    starts: string;
    /** How many deals. */
    deals: number;
    /** The sum of their amounts. */
    value: Money;
    /** The sum of amount × probability. */
    weighted: Money;
    /** The same per owner, by owner (deals without an owner last). */
    owners: OwnerForecast[];
}

/** What a forecast covers. */
export interface ForecastQuery {
    /** Months or quarters. */
    period?: Period;
    /** Only this pipeline's deals. */
    pipeline?: PipelineId | null;
    /** Only this owner's deals. */
    owner?: string | null;
    /**
     * Only deals expected to close on or after this day (days are in the years 1000 through
     * 9999).
     */
    since?: string | null;
    /** Only deals expected to close on or before this day. */
    until?: string | null;
}

/** A user's busy times over a range. */
export interface FreeBusyQuery {
    /** The user. */
    user: string;
    /**
     * The first instant of the range (the range's instants are in the years 1000 through
     * 9999).
     */
    from: string;
    /** The first instant after the range. */
    until: string;
}

/** How often a recurring event repeats. */
export type Frequency = /** Every `interval` days. */ "daily" | /** Every `interval` weeks (weeks start on Monday). */ "weekly" | /** Every `interval` months. */ "monthly" | /** Every `interval` years. */ "yearly";

/** How win rates are grouped. */
export type GroupBy = /** By the deal's owner. */ "owner" | /** By the deal's pipeline. */ "pipeline" | /** By the deal's source. */ "source";

/** What to export as iCalendar. */
export interface IcalExport {
    /** The calendar. */
    calendar: CalendarId;
    /**
     * Only events with an occurrence from this instant on (instants are in the years 1000
     * through 9999).
     */
    from?: string | null;
    /** Only events with an occurrence before this instant. */
    until?: string | null;
}

/** What importing an iCalendar file did. */
export interface IcalImportReport {
    /** The activities created, in file order. */
    created: ActivityId[];
    /**
     * The activities whose UID was already known, in file order (rewritten only where the
     * file changed something).
     */
    updated: ActivityId[];
    /** What was left out or approximated, and why. */
    skipped: IcalSkipped[];
}

/**
 * A part of an iCalendar file that was not imported, and why.
 *
 * Parts imported only approximately (a time zone read as a fixed offset, a rule's extra
 * `RDATE`s left out) are reported the same way; `reason` says what happened.
 */
export interface IcalSkipped {
    /** The 1-based line of the original file where the component or property starts. */
    line: number;
    /** The component concerned: `VEVENT`, `VTODO`, `VALARM`, `VJOURNAL`, `VTIMEZONE`, … */
    component: string;
    /** The `UID` of the event or task concerned, when it has one. */
    uid?: string | null;
    /** Why it was not imported, or how it was approximated. */
    reason: string;
}

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

/** Who started an exchange. */
export type InteractionDirection = /** From the customer to the firm. */ "inbound" | /** From the firm to the customer. */ "outbound";

/** A contact's journey: every done exchange with a channel, oldest first. */
export interface Journey {
    /** The contact. */
    contact: ContactId;
    /** The touchpoints, oldest first. */
    touchpoints: Touchpoint[];
    /** Touchpoints per channel, for the channels used, in channel order. */
    channels: ChannelCount[];
    /** The first touchpoint. */
    first_touch?: Touchpoint | null;
    /** The latest touchpoint. */
    last_touch?: Touchpoint | null;
}

/** A stored lead. */
export interface Lead {
    /** The lead's id, `lead_…`. */
    id: LeadId;
    /** Given name of the person. */
    given_name?: string | null;
    /** Family name of the person. */
    family_name?: string | null;
    /** The name shown for the lead: the person's name, else the company's, else the email. */
    display_name: string;
    /** The person's email address. */
    email?: string | null;
    /** The person's phone number, as captured. */
    phone?: string | null;
    /** The person's job title. */
    job_title?: string | null;
    /** The company's name, as captured. */
    company_name?: string | null;
    /** The company's web domain (a pasted URL is reduced to its domain). */
    web_domain?: string | null;
    /** Where the lead came from. */
    source?: LeadSource | null;
    /** More about the source: the campaign, the event, who referred it. */
    source_detail?: string | null;
    /** Where it is in qualification. */
    status: LeadStatus;
    /** Why it was disqualified (only for disqualified leads). */
    disqualified_reason?: string | null;
    /** How promising it is, from 0 to 100. */
    score: number;
    /** The id of the owning user. */
    owner?: string | null;
    /** Tags. */
    tags: string[];
    /** Values of custom fields, by key. */
    custom_fields: { [key: string]: FieldValue };
    /** What it became, once converted. */
    conversion?: Conversion | null;
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
    /** When it was archived. */
    archived_at?: string | null;
}

/** How to convert a lead. */
export interface LeadConversion {
    /** The contact it becomes. */
    contact?: ContactChoice;
    /** The company it becomes. */
    company?: CompanyChoice;
    /**
     * A deal to open. Its company and contacts default to those of the conversion, its
     * owner and source to the lead's.
     */
    deal?: DealInput | null;
    /** The id of the user converting it. */
    by?: string | null;
}

/** Which leads to list. All criteria must hold. */
export interface LeadFilter {
    /** Whether archived leads are shown. */
    archived?: Archived;
    /** Leads with every one of these tags. */
    tags_all?: string[];
    /** Leads with at least one of these tags. */
    tags_any?: string[];
    /** Leads with one of these statuses. */
    statuses_any?: LeadStatus[];
    /** Leads from one of these sources. */
    sources_any?: LeadSource[];
    /** Leads scoring at least this much. */
    min_score?: number | null;
    /** Leads owned by this user. */
    owner?: string | null;
    /** Leads created in this range. */
    created?: TimeRange;
    /** Leads last changed in this range. */
    updated?: TimeRange;
    /** Further tests on any field. */
    conditions?: Condition[];
}

/** The id of a lead: `lead_` then 26 base32 characters, sortable by creation time. */
export type LeadId = string;

/**
 * What a caller provides to create or replace a lead. It needs a name, a company name or an
 * email address.
 */
export interface LeadInput {
    /** Given name of the person. */
    given_name?: string | null;
    /** Family name of the person. */
    family_name?: string | null;
    /** The person's email address. */
    email?: string | null;
    /** The person's phone number. */
    phone?: string | null;
    /** The person's job title. */
    job_title?: string | null;
    /** The company's name. */
    company_name?: string | null;
    /** The company's web domain or site address. */
    web_domain?: string | null;
    /** Where the lead came from. */
    source?: LeadSource | null;
    /** More about the source. */
    source_detail?: string | null;
    /**
     * The status; `new` when creating and unchanged when updating if absent. `converted` is
     * set only by converting.
     */
    status?: LeadStatus | null;
    /** Why it was disqualified; required for, and only for, disqualified leads. */
    disqualified_reason?: string | null;
    /**
     * How promising it is, from 0 to 100; 0 when creating and unchanged when updating if
     * absent.
     */
    score?: number | null;
    /** The id of the owning user. */
    owner?: string | null;
    /** Tags. */
    tags?: string[];
    /** Values of custom fields, by key. */
    custom_fields?: { [key: string]: FieldValue };
}

/** One page of a listing. */
export interface LeadPage {
    /** The records of this page. */
    items: Lead[];
    /** Pass this as the next query's cursor to get the following page; `None` on the last. */
    next_cursor?: string | null;
}

/**
 * A page request: which records, in which order, how many, and where the previous page
 * ended.
 */
export interface LeadQuery {
    /** Which records. */
    filter?: LeadFilter;
    /** In which order. */
    sort?: Sort;
    /** How many per page, from 1 to 1,000 (50 by default). */
    limit?: number;
    /**
     * Where the previous page ended: its `next_cursor`, from the same listing with the same filter and order
     * (any other cursor is refused).
     */
    cursor?: string | null;
}

/** Where a lead came from. */
export type LeadSource = /** A form on the firm's web site. */ "web_form" | /** Recommended by a customer or partner. */ "referral" | /** Met at a trade fair, conference or meetup. */ "event" | /** Found by calling. */ "cold_call" | /** Answered a marketing campaign. */ "campaign" | /** Answered an advertisement. */ "advertising" | /** Came through social media. */ "social_media" | /** Brought by a partner. */ "partner" | /** Anywhere else. */ "other";

/** Where a lead is in qualification. */
export type LeadStatus = /** Captured, not yet worked on. */ "new" | /** Someone has reached out. */ "contacted" | /** Worth pursuing. */ "qualified" | /** Not worth pursuing, with a reason. */ "disqualified" | /** Converted into a contact (and company and deal); set only by converting. */ "converted";

/** Owners ranked by the value they won. */
export interface Leaderboard {
    /** The reporting currency of every amount. */
    currency: Currency;
    /** By won value, then deals won, then owner. */
    rows: LeaderboardRow[];
    /** Won deals whose value could not be converted (left out of the values). */
    unpriced: DealId[];
}

/** One owner's results. */
export interface LeaderboardRow {
    /** The owner; absent for deals without one. */
    owner?: string | null;
    /** Deals won. */
    won: number;
    /** Their value. */
    won_value: Money;
    /** Deals lost. */
    lost: number;
    /** won / (won + lost) in percent. */
    win_rate?: Decimal | null;
}

/** A priced line of a deal or quote, with its computed amounts. */
export interface LineItem {
    /** The product sold, if any. */
    product?: ProductId | null;
    /** What is sold. */
    description: string;
    /** How many. */
    quantity: Decimal;
    /** The price of one unit. */
    unit_price: Money;
    /** The discount given. */
    discount?: Discount | null;
    /** The tax rate in basis points. */
    tax_rate: number;
    /** Quantity × unit price. */
    subtotal: Money;
    /** The amount the discount takes off. */
    discount_amount: Money;
    /** Subtotal less discount. */
    net: Money;
    /** Tax on the net amount. */
    tax: Money;
    /** Net plus tax. */
    gross: Money;
}

/** What a caller provides for a line of a deal. */
export interface LineItemInput {
    /** The product sold, if any (its name, price and tax rate are the defaults). */
    product?: ProductId | null;
    /** What is sold; required without a product. */
    description?: string | null;
    /** How many; not negative, fractions allowed (hours, kilograms). */
    quantity: Decimal;
    /** The price of one unit; the product's price (or the deal's price list's) when absent. */
    unit_price?: Money | null;
    /** A discount on the line. */
    discount?: Discount | null;
    /** The tax rate in basis points; the product's when absent, else 0. */
    tax_rate?: number | null;
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

/**
 * The activity a completion plans next. It copies the completed one's links, participants
 * (their answers reset), owner, channel, time zone, calendar and reminders.
 */
export interface NextActivity {
    /** Its kind; the completed activity's when absent. */
    kind?: ActivityKind | null;
    /** Its subject; the completed activity's when absent. */
    subject?: string | null;
    /** Its body. */
    body?: string | null;
    /**
     * How many days after the completion it is planned (a task is due then, anything else
     * starts then, lasting as long as the completed one).
     */
    in_days?: number;
    /** The exact instant instead of `in_days`, in the years 1000 through 9999. */
    at?: string | null;
    /** Its owner; the completed activity's when absent. */
    owner?: string | null;
}

/** A comparison of a [`Condition`]. */
export type Op = /** Equal (text ignores case and diacritics; a list field matches if any item does). */ "eq" | /** Not equal (true when the field is empty; a list field matches if no item is equal). */ "ne" | /** Less than. */ "lt" | /** Less than or equal. */ "lte" | /** Greater than. */ "gt" | /** Greater than or equal. */ "gte" | /** Text contains the value (ignoring case and diacritics). */ "contains" | /** Text starts with the value (ignoring case and diacritics). */ "starts_with" | /** The field has a value (takes no value). */ "exists" | /** The field has no value (takes no value). */ "missing";

/** One owner's open deals expected to close in a period. */
export interface OwnerForecast {
    /** The owner; absent for deals without one. */
    owner?: string | null;
    /** How many deals. */
    deals: number;
    /** The sum of their amounts. */
    value: Money;
    /** The sum of amount × probability. */
    weighted: Money;
}

/**
 * Someone taking part in an activity: a contact, a user of the app, or a guest known only
 * by an email address. Exactly one of `contact`, `user` and `email` is set.
 */
export interface Participant {
    /** A contact. */
    contact?: ContactId | null;
    /** The id of a user. */
    user?: string | null;
    /** A guest's email address. */
    email?: string | null;
    /** A guest's display name. */
    name?: string | null;
    /** Their answer to the invitation. */
    status?: ParticipantStatus;
}

/** A participant's answer to an invitation, naming them as in [`Participant`]. */
export interface ParticipantResponse {
    /** The contact answering. */
    contact?: ContactId | null;
    /** The user answering. */
    user?: string | null;
    /** The guest answering, by email address. */
    email?: string | null;
    /** The answer. */
    status?: ParticipantStatus;
}

/** A participant's answer to an invitation. */
export type ParticipantStatus = /** Not answered yet. */ "needs_action" | /** Coming. */ "accepted" | /** Maybe coming. */ "tentative" | /** Not coming. */ "declined";

/** The length of the periods of a forecast. */
export type Period = /** Calendar months, named `2026-11`. */ "month" | /** Calendar quarters, named `2026-Q4`. */ "quarter";

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

/** A sales pipeline. */
export interface Pipeline {
    /** The pipeline's id, `pipeline_…`. */
    id: PipelineId;
    /** The pipeline's name. */
    name: string;
    /** Its stages in order, archived ones included. */
    stages: Stage[];
    /** Whether new deals go here when they name no pipeline. */
    is_default: boolean;
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
}

/** The id of a pipeline: `pipeline_` then 26 base32 characters, sortable by creation time. */
export type PipelineId = string;

/** What a caller provides to create a pipeline. */
export interface PipelineInput {
    /** The name. */
    name: string;
    /** The stages in order: at least one open, one won and one lost. */
    stages: StageInput[];
}

/** The open deals of one pipeline, per stage. */
export interface PipelineValue {
    /** The pipeline. */
    pipeline: PipelineId;
    /** Its name. */
    name: string;
    /** Its active open stages, in order. */
    stages: StageValue[];
    /** How many open deals it holds. */
    deals: number;
    /** The sum of their amounts. */
    value: Money;
    /** The sum of amount × probability. */
    weighted: Money;
    /** Open deals whose amount could not be converted (left out of the sums). */
    unpriced: DealId[];
}

/** A named set of unit prices in one currency, used instead of the products' own prices. */
export interface PriceList {
    /** The price list's id, `pricelist_…`. */
    id: PriceListId;
    /** The name, such as `Partners 2026`. */
    name: string;
    /** The currency of every price in it. */
    currency: Currency;
    /** The prices, one per product. */
    entries: PriceListEntry[];
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
}

/** One product's price in a price list. */
export interface PriceListEntry {
    /** The product. */
    product: ProductId;
    /** Its unit price, in the list's currency. */
    unit_price: Money;
}

/** The id of a price list: `pricelist_` then 26 base32 characters, sortable by creation time. */
export type PriceListId = string;

/** What a caller provides to create or replace a price list. */
export interface PriceListInput {
    /** The name. */
    name: string;
    /** The currency of every price. */
    currency: Currency;
    /** The prices, one per product. */
    entries?: PriceListEntry[];
}

/** How urgent a task is. */
export type Priority = /** Can wait. */ "low" | /** The default. */ "normal" | /** First. */ "high";

/** A product or service the firm sells. */
export interface Product {
    /** The product's id, `product_…`. */
    id: ProductId;
    /** The stock-keeping unit, unique ignoring case. */
    sku: string;
    /** The name shown on quotes. */
    name: string;
    /** A longer description. */
    description?: string | null;
    /** The unit price in each currency it is sold in (one per currency). */
    prices: Money[];
    /** The tax rate in basis points (2300 = 23 %). */
    tax_rate: number;
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
    /**
     * When it was archived; archived products leave product listings and search (lines
     * that name one keep working).
     */
    archived_at?: string | null;
}

/** The id of a product: `product_` then 26 base32 characters, sortable by creation time. */
export type ProductId = string;

/** What a caller provides to create or replace a product. */
export interface ProductInput {
    /** The stock-keeping unit, unique ignoring case. */
    sku: string;
    /** The name. */
    name: string;
    /** A longer description. */
    description?: string | null;
    /** Unit prices, at most one per currency, none negative. */
    prices?: Money[];
    /** The tax rate in basis points (2300 = 23 %). */
    tax_rate?: number;
}

/** How far a long operation has got. The callback receiving it returns `false` to cancel. */
export interface Progress {
    /** Units done so far (records imported, entries copied). */
    done: number;
    /** Units in all. */
    total: number;
}

/** A stored quote. */
export interface Quote {
    /** The quote's id, `quote_…` (each version has its own). */
    id: QuoteId;
    /** The deal quoted. */
    deal: DealId;
    /** The number shown to the customer, `Q-2026-0001`, shared by all versions. */
    number: string;
    /** The version, from 1. */
    version: number;
    /** The status in effect (a sent quote past its date reads as expired). */
    status: QuoteStatus;
    /** The currency of every amount. */
    currency: Currency;
    /** The lines offered, as they were on the deal. */
    line_items: LineItem[];
    /** Their totals. */
    totals: Totals;
    /** The last day the offer holds. */
    valid_until: string;
    /** Notes for the customer. */
    notes?: string | null;
    /** Why the customer rejected it. */
    rejection_reason?: string | null;
    /** The later version that replaced this one. */
    superseded_by?: QuoteId | null;
    /** When it was sent. */
    sent_at?: string | null;
    /** When it was accepted or rejected. */
    decided_at?: string | null;
    /** When it was created. */
    created_at: string;
    /** When it last changed. */
    updated_at: string;
}

/** A decision on a quote. */
export interface QuoteAcceptance {
    /** Whether the deal's amount becomes the quote's net total. */
    set_deal_amount?: boolean;
}

/** The id of a quote: `quote_` then 26 base32 characters, sortable by creation time. */
export type QuoteId = string;

/** What a caller provides to make a quote (or a new version of one). */
export interface QuoteInput {
    /** The last day the offer holds; not before today, and in the years 1000 through 9999. */
    valid_until: string;
    /** Notes for the customer. */
    notes?: string | null;
}

/** Where a quote is in its life. */
export type QuoteStatus = /** Being prepared. */ "draft" | /** Sent to the customer. */ "sent" | /** Accepted by the customer. */ "accepted" | /** Rejected by the customer. */ "rejected" | /** Sent, and its valid-until date has passed. Never stored: a sent quote reads as expired from the day after its valid-until date. */ "expired";

/** A change to a record made through an operation. */
export interface RecordChange {
    /** The record that changed. */
    record: RecordRef;
    /** When. */
    at: string;
    /**
     * The names of the fields that changed, as in the record's serialized form
     * (`archived_at` for archiving and restoring, `tags` for tagging).
     */
    fields: string[];
    /** The stage before (a contact's lifecycle stage, a lead's status), when it changed. */
    stage_from?: string | null;
    /** The stage after, when it changed. */
    stage_to?: string | null;
}

/** The kinds of records that carry custom fields and take part in relations and search. */
export type RecordKind = /** A person. */ "contact" | /** An organisation. */ "company" | /** A prospect not yet qualified into a contact, company and deal. */ "lead" | /** A sales opportunity in a pipeline. */ "deal";

/** The id of a contact, company, lead or deal; its prefix says which. */
export type RecordRef = string;

/**
 * When a recurring event repeats: a subset of RFC 5545's RRULE, read in the event's time
 * zone (so a 09:00 meeting stays at 09:00 local time across daylight-saving changes).
 *
 * - `daily`: every `interval` days; with `weekdays`, only on those days (`FREQ=DAILY;BYDAY=…`).
 * - `weekly`: every `interval` weeks on `weekdays` (the start's weekday when empty).
 * - `monthly`: on the start's day of the month (months without that day are skipped); with
 *   `weekdays`, on those weekdays of the month, and with `position` only on the n-th of them
 *   (1 = first, -1 = last: "the second Tuesday" is `weekdays: [tuesday], position: 2`).
 * - `yearly`: on the start's month and day (29 February only in leap years).
 *
 * The first instance is the event's own start. `until` (inclusive) or `count` (instances
 * generated, exceptions included, as in RFC 5545) ends the series; with neither it never
 * ends. `exceptions` are the starts of instances that were removed.
 */
export interface Recurrence {
    /** How often. */
    frequency: Frequency;
    /** Every how many days, weeks, months or years; 1 when absent. */
    interval?: number;
    /** The weekdays it falls on (see the type's docs). */
    weekdays?: Weekday[];
    /**
     * With `monthly` and `weekdays`: which of those weekdays of the month (1 to 5, or -1 to
     * -5 counting from the end).
     */
    position?: number | null;
    /** The last instant an instance may start at (inclusive), in the years 1000 through 9999. */
    until?: string | null;
    /** How many instances the rule generates. */
    count?: number | null;
    /** Starts of removed instances (each in the years 1000 through 9999). */
    exceptions?: string[];
}

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

/** Which reminders to list. */
export interface ReminderQuery {
    /**
     * The first instant of the range (the range's instants are in the years 1000 through
     * 9999).
     */
    from: string;
    /** The first instant after the range. */
    until: string;
    /** Only the reminders of this user's activities. */
    owner?: string | null;
}

/** What [`crate::CrmBuilder::rescue_file`] saved of a damaged file, and what it could not. */
export interface RescueReport {
    /**
     * Records (and custom field definitions, relation types, exchange rates) written to the
     * new file.
     */
    saved: number;
    /**
     * Stored values found damaged: a checksum that does not match, or a value that does not
     * decode. They are not in the new file.
     */
    damaged: number;
    /**
     * Readable records left out because they depend on records that were lost (a stage
     * change of a lost deal, a deal whose pipeline was lost).
     */
    left_out: number;
    /**
     * Lost records that saved records still named, taken out of them as a delete would (a
     * deal that named a lost contact keeps its other contacts).
     */
    mended: number;
    /**
     * Parts of tables that could not be read at all (their records are lost without being
     * counted: how many there were cannot be known).
     */
    unreadable_parts: number;
    /** For each table of records, how many were saved and how many found damaged. */
    tables: TableRescue[];
    /**
     * What opening the damaged file took, in words: its header's magic number put back, a
     * short file read as if padded, its last commit unreadable and the one before it read
     * instead (what the last commit changed is then missing or older). Empty when it opened
     * as it was.
     */
    repairs: string[];
    /**
     * What could not be saved, in words without personal data (records by typed id), at
     * most a hundred; then what the new file's check still finds, if anything.
     */
    problems: string[];
}

/** How long deals take to close and how fast the pipeline turns into revenue. */
export interface SalesCycle {
    /** The reporting currency of every amount. */
    currency: Currency;
    /** Won deals measured. */
    won: number;
    /** Lost deals in the same range (for the win rate). */
    lost: number;
    /** Average days from creation to close of the won deals. */
    average_days?: Decimal | null;
    /** Median days from creation to close of the won deals. */
    median_days?: Decimal | null;
    /** Average time the closed deals spent in each open stage they passed through. */
    stages: StageDuration[];
    /** Open deals now (in the pipeline asked for). */
    open_deals: number;
    /** The average value of the won deals. */
    average_won_value?: Money | null;
    /** won / (won + lost) in percent. */
    win_rate?: Decimal | null;
    /**
     * Pipeline velocity: open deals × average won value × win rate ÷ average cycle days,
     * as money per day.
     */
    velocity_per_day?: Money | null;
    /** Won deals whose value could not be converted (left out of the values). */
    unpriced: DealId[];
}

/** Which deals the sales cycle is measured on. */
export interface SalesCycleQuery {
    /** Deals closed in this range. */
    closed?: TimeRange;
    /** Only this pipeline's deals. */
    pipeline?: PipelineId | null;
}

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

/** A stage of a pipeline. */
export interface Stage {
    /** The stage's id, `stage_…`. */
    id: StageId;
    /** The stage's name, unique in its pipeline. */
    name: string;
    /** The chance, in percent, that a deal in this stage is won. */
    probability: number;
    /** Open, won or lost. */
    kind: StageKind;
    /** An open deal that stays longer than this many days is rotten. */
    rotten_after_days?: number | null;
    /** Archived stages take no new deals and hold none. */
    archived: boolean;
}

/** One change of a deal's stage. */
export interface StageChange {
    /** The deal. */
    deal: DealId;
    /** The stage it left; absent for the stage it was created in. */
    from_stage?: StageId | null;
    /** The stage it entered. */
    to_stage: StageId;
    /** When. */
    at: string;
    /** The id of the user who moved it. */
    by?: string | null;
}

/** The average time closed deals spent in one open stage. */
export interface StageDuration {
    /** The pipeline. */
    pipeline: PipelineId;
    /** The stage. */
    stage: StageId;
    /** Its name. */
    name: string;
    /** How many of the closed deals passed through it. */
    deals: number;
    /** Their average total time in it, in days. */
    average_days: Decimal;
}

/** The id of a stage: `stage_` then 26 base32 characters, sortable by creation time. */
export type StageId = string;

/** What a caller provides to add or change a stage. */
export interface StageInput {
    /** The name, unique in the pipeline (ignoring case and diacritics). */
    name: string;
    /** The chance, in percent (0 to 100), that a deal in this stage is won. */
    probability: number;
    /** Open, won or lost. */
    kind: StageKind;
    /** For open stages: days after which a deal sitting here is rotten. */
    rotten_after_days?: number | null;
}

/** Whether a stage is open, or closes a deal as won or lost. */
export type StageKind = /** The deal is still being worked on. */ "open" | /** The deal was won. */ "won" | /** The deal was lost. */ "lost";

/** How long a deal has spent in one stage, over all its visits. */
export interface StageTime {
    /** The stage. */
    stage: StageId;
    /** How many times the deal entered it. */
    visits: number;
    /** The time spent in it, in seconds (until now for the current stage). */
    seconds: number;
}

/** The open deals of one stage. */
export interface StageValue {
    /** The stage. */
    stage: StageId;
    /** Its name. */
    name: string;
    /** Its probability in percent. */
    probability: number;
    /** How many open deals are in it. */
    deals: number;
    /** The sum of their amounts. */
    value: Money;
    /** The sum of amount × probability. */
    weighted: Money;
}

/** How much of one table a rescue saved. */
export interface TableRescue {
    /** The table's name (`contacts`, `deals`, …). */
    table: string;
    /** Values written to the new file. */
    saved: number;
    /** Values found damaged, left out. */
    damaged: number;
}

/** Which of an owner's tasks to list. */
export type TaskList = /** Every planned task, soonest due first (tasks without a due time last). */ "open" | /** Planned tasks whose due time has passed, oldest first. */ "overdue" | /** Planned tasks due today (in the query's time zone), including those already past. */ "due_today" | /** Done tasks, most recently done first. */ "done";

/** A list of one owner's tasks. */
export interface TaskQuery {
    /** The owner's user id. */
    owner: string;
    /** Which tasks. */
    list: TaskList;
    /** The IANA time zone that says when today starts; UTC when absent. */
    time_zone?: string | null;
}

/**
 * A half-open range of instants: `since` included, `until` excluded; either may be open.
 * Bounds are in the years 1000 through 9999 (UTC).
 */
export interface TimeRange {
    /** The first instant included. */
    since?: string | null;
    /** The first instant excluded. */
    until?: string | null;
}

/** A stretch of time: an occurrence of an event, or a time a user is busy. */
export interface TimeSpan {
    /** When it starts. */
    starts_at: string;
    /** When it ends. */
    ends_at: string;
}

/** One entry of a timeline. */
export interface TimelineEntry {
    /** When it happened (an activity's start, else due time, else completion, else creation). */
    at: string;
    /** What it is. */
    kind: TimelineEntryKind;
    /** The activity, for activity entries. */
    activity?: Activity | null;
    /** The stage change, for stage change entries. */
    stage_change?: StageChange | null;
    /** The change, for change entries. */
    change?: RecordChange | null;
}

/** What a timeline entry is. */
export type TimelineEntryKind = /** The record was created. */ "created" | /** An activity (`activity` is set). */ "activity" | /** A deal changed stage (`stage_change` is set). */ "stage_change" | /** The record's fields changed (`change` is set). */ "change";

/** A timeline page. */
export interface TimelinePage {
    /** The entries of this page. */
    items: TimelineEntry[];
    /** Pass this as the next query's cursor to get the following page; `None` on the last. */
    next_cursor?: string | null;
}

/** One page of a record's timeline. */
export interface TimelineQuery {
    /** The record. */
    record: RecordRef;
    /** At most this many entries (1 to 1,000; 50 when absent). */
    limit?: number;
    /**
     * Where the previous page ended: its `next_cursor`, from the same record's timeline in the same order
     * (any other cursor is refused).
     */
    cursor?: string | null;
    /** Oldest first instead of newest first. */
    oldest_first?: boolean;
}

/** The sums of a set of lines, all in one currency. */
export interface Totals {
    /** The sum of the lines' net amounts. */
    net: Money;
    /** The sum of the lines' tax. */
    tax: Money;
    /** The sum of the lines' gross amounts. */
    gross: Money;
}

/** One exchange with a contact on its journey. */
export interface Touchpoint {
    /** When it happened. */
    at: string;
    /** The activity. */
    activity: ActivityId;
    /** Its kind. */
    kind: ActivityKind;
    /** Its channel. */
    channel: Channel;
    /** Who started it. */
    direction?: InteractionDirection | null;
    /** Its subject. */
    subject: string;
    /** The contact's lifecycle stage at that time. */
    stage?: string | null;
}

/** A day of the week. */
export type Weekday = /** Monday. */ "monday" | /** Tuesday. */ "tuesday" | /** Wednesday. */ "wednesday" | /** Thursday. */ "thursday" | /** Friday. */ "friday" | /** Saturday. */ "saturday" | /** Sunday. */ "sunday";

/** Won and lost deals of a group, and the share won. */
export interface WinRate {
    /**
     * The owner, pipeline id or source of the group; absent for the overall figure and for
     * deals without one.
     */
    group?: string | null;
    /** Deals won. */
    won: number;
    /** Deals lost. */
    lost: number;
    /** won / (won + lost), in percent with two decimals; absent without closed deals. */
    win_rate?: Decimal | null;
}

/** Which closed deals a win rate counts. */
export interface WinRateQuery {
    /** Deals closed in this range. */
    closed?: TimeRange;
    /** Only this pipeline's deals. */
    pipeline?: PipelineId | null;
    /** A grouping besides the overall figure. */
    group_by?: GroupBy | null;
}

/** Win rates over a period. */
export interface WinRates {
    /** Every deal counted. */
    overall: WinRate;
    /** Per group, by group (deals without one last); empty without `group_by`. */
    groups: WinRate[];
}
