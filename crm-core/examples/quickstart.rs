//! Quickstart: creates a CRM file with sample data from Poland, Romania and France and shows
//! what the library does with it.
//!
//! ```text
//! cargo run -p crm-core --example quickstart [path/to/file.crm]
//! ```

use std::collections::BTreeMap;

use crm_core::*;

fn main() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "quickstart.crm".into());
    // Start from an empty file every run.
    let _ = std::fs::remove_file(&path);
    let crm = Crm::builder().default_phone_region("PL").open(&path)?;
    println!("Opened {path} (schema version {})\n", Crm::SCHEMA_VERSION);

    // Custom fields are typed and validated on every write.
    crm.define_field(
        FieldDef::new(
            RecordKind::Contact,
            "tier",
            "Customer tier",
            FieldKind::SingleSelect {
                options: vec!["Złoty".into(), "Srebrny".into(), "Brązowy".into()],
            },
        )
        .required(Some("Brązowy".into())),
    )?;
    crm.define_field(FieldDef::new(
        RecordKind::Company,
        "annual_budget",
        "Annual budget",
        FieldKind::Money { currency: None },
    ))?;

    // Companies, a group with a subsidiary, all imported in one transaction.
    let (orlen, orlen_lietuva, mlyny, renault, dacia) = crm.batch(|b| {
        let orlen = b.create_company(CompanyInput {
            name: "Orlen S.A.".into(),
            domains: vec!["https://www.orlen.pl/pl".into()],
            industry: Some("energia".into()),
            size: Some(CompanySize::Over10000),
            kinds: vec![RelationshipKind::Customer],
            addresses: vec![address("Płock", "PL")],
            tags: vec!["kluczowy".into()],
            custom_fields: money("annual_budget", 250_000_000, "PLN"),
            ..CompanyInput::default()
        })?;
        let orlen_lietuva = b.create_company(CompanyInput {
            name: "Orlen Lietuva".into(),
            domains: vec!["orlenlietuva.lt".into()],
            parent: Some(orlen.id),
            kinds: vec![RelationshipKind::Customer],
            addresses: vec![address("Mažeikiai", "LT")],
            ..CompanyInput::default()
        })?;
        let mlyny = b.create_company(CompanyInput {
            name: "Młyny Łódzkie Sp. z o.o.".into(),
            domains: vec!["mlyny-lodz.pl".into()],
            kinds: vec![RelationshipKind::Supplier, RelationshipKind::Partner],
            size: Some(CompanySize::UpTo200),
            addresses: vec![address("Łódź", "PL")],
            ..CompanyInput::default()
        })?;
        let renault = b.create_company(CompanyInput {
            name: "Renault Group".into(),
            domains: vec!["renaultgroup.com".into()],
            kinds: vec![RelationshipKind::Prospect],
            addresses: vec![address("Boulogne-Billancourt", "FR")],
            custom_fields: money("annual_budget", 120_000_000, "EUR"),
            ..CompanyInput::default()
        })?;
        let dacia = b.create_company(CompanyInput {
            name: "Automobile Dacia".into(),
            domains: vec!["dacia.ro".into()],
            parent: Some(renault.id),
            kinds: vec![RelationshipKind::Prospect],
            addresses: vec![address("Mioveni", "RO")],
            ..CompanyInput::default()
        })?;
        Ok((orlen, orlen_lietuva, mlyny, renault, dacia))
    })?;

    // Contacts with names, emails and phones as people type them.
    let zofia = contact(
        &crm,
        "Zofia",
        "Wiśniewska",
        "zofia.wisniewska@orlen.pl",
        "601 234 567",
        "Płock",
        "PL",
        &["vip"],
        Some("Złoty"),
    )?;
    let lukasz = contact(
        &crm,
        "Łukasz",
        "Zieliński",
        "l.zielinski@mlyny-lodz.pl",
        "+48 42 630 12 34",
        "Łódź",
        "PL",
        &["vip", "łódź"],
        None,
    )?;
    let stefan = contact(
        &crm,
        "Ștefan",
        "Popescu",
        "stefan.popescu@dacia.ro",
        "0721 234 567",
        "Mioveni",
        "RO",
        &["partner"],
        Some("Srebrny"),
    )?;
    let ioana = contact(
        &crm,
        "Ioana",
        "Țăranu",
        "ioana.taranu@dacia.ro",
        "+40 744 555 010",
        "Pitești",
        "RO",
        &[],
        None,
    )?;
    let francois = contact(
        &crm,
        "François",
        "Lefèvre",
        "francois.lefevre@renaultgroup.com",
        "06 12 34 56 78",
        "Paris",
        "FR",
        &["vip"],
        Some("Złoty"),
    )?;
    let chloe = contact(
        &crm,
        "Chloé",
        "Dubois-Mercier",
        "chloe.dubois@renaultgroup.com",
        "+33 1 76 84 00 00",
        "Lyon",
        "FR",
        &[],
        None,
    )?;

    for (person, company, title) in [
        (&zofia, &orlen, "Dyrektor zakupów"),
        (&lukasz, &mlyny, "Prezes zarządu"),
        (&stefan, &dacia, "Director de achiziții"),
        (&ioana, &dacia, "Manager de proiect"),
        (&francois, &renault, "Directeur des achats"),
        (&chloe, &renault, "Acheteuse"),
    ] {
        crm.link_contact_to_company(EmploymentInput {
            contact: person.id,
            company: company.id,
            role: Some("decision maker".into()),
            title: Some(title.into()),
            primary: true,
        })?;
    }
    // Zofia also sits on the board of the Lithuanian subsidiary.
    crm.link_contact_to_company(EmploymentInput {
        contact: zofia.id,
        company: orlen_lietuva.id,
        role: Some("board".into()),
        title: Some("Valdybos narė".into()),
        primary: false,
    })?;
    crm.relate(RelationInput {
        relation_type: "reports_to".into(),
        record: ioana.id.into(),
        other: stefan.id.into(),
    })?;
    crm.relate(RelationInput {
        relation_type: "referred_by".into(),
        record: francois.id.into(),
        other: stefan.id.into(),
    })?;
    crm.relate(RelationInput {
        relation_type: "supplier_of".into(),
        record: mlyny.id.into(),
        other: orlen.id.into(),
    })?;

    let all = ContactFilter::default();
    println!(
        "Stored {} contacts and {} companies.\n",
        crm.count_contacts(&all)?,
        crm.count_companies(&CompanyFilter::default())?
    );

    println!("Search ignores case and diacritics, and matches as you type:");
    for q in [
        "lodz",
        "stefan",
        "francois",
        "taranu",
        "zie",
        "dacia ioana",
        "wisn",
    ] {
        let hits = crm.search(&SearchQuery::new(q))?;
        let labels: Vec<String> = hits
            .iter()
            .map(|h| format!("{} ({})", h.label, h.record.kind()))
            .collect();
        println!("  {q:<12} → {}", labels.join(", "));
    }

    println!("\nLookups:");
    let by_email = crm
        .find_contact_by_email("ZOFIA.Wisniewska@ORLEN.pl")?
        .map(|c| c.display_name);
    println!(
        "  by email (any case)      → {}",
        by_email.unwrap_or_default()
    );
    let by_phone = crm.find_contacts_by_phone("+48601234567")?;
    println!(
        "  by phone +48601234567    → {} (typed as {:?})",
        by_phone[0].display_name, by_phone[0].phones[0].number
    );
    let by_domain = crm.find_companies_by_domain("https://dacia.ro/contact")?;
    println!("  by domain of a pasted URL → {}", by_domain[0].name);

    println!("\nRelations read from both sides:");
    for person in [&stefan, &ioana, &francois] {
        for r in crm.relations_of(person.id.into())? {
            let other = match r.other {
                RecordRef::Contact(id) => crm.get_contact(id)?.display_name,
                RecordRef::Company(id) => crm.get_company(id)?.name,
                RecordRef::Lead(id) => crm.get_lead(id)?.display_name,
                RecordRef::Deal(id) => crm.get_deal(id)?.title,
            };
            println!("  {} {} {}", person.display_name, r.label, other);
        }
    }
    for r in crm.relations_of(orlen.id.into())? {
        if let RecordRef::Company(id) = r.other {
            println!("  {} {} {}", orlen.name, r.label, crm.get_company(id)?.name);
        }
    }

    println!("\nPeople at Renault Group and where Zofia works:");
    for e in crm.employments_at_company(renault.id)? {
        println!(
            "  {} — {}",
            crm.get_contact(e.contact)?.display_name,
            e.title.unwrap_or_default()
        );
    }
    for e in crm.employments_of_contact(zofia.id)? {
        let primary = if e.primary { " (primary)" } else { "" };
        println!(
            "  Zofia: {} at {}{primary}",
            e.title.unwrap_or_default(),
            crm.get_company(e.company)?.name
        );
    }
    let parents: Vec<String> = crm
        .ancestors(dacia.id)?
        .into_iter()
        .map(|c| c.name)
        .collect();
    println!("  {} belongs to {}", dacia.name, parents.join(" → "));

    println!("\nFilters, sorting and pages:");
    let vip_in_poland = ContactQuery {
        filter: ContactFilter {
            tags_all: vec!["VIP".into()],
            conditions: vec![Condition::eq("country", "pl")],
            ..ContactFilter::default()
        },
        ..ContactQuery::default()
    };
    let names: Vec<String> = crm
        .list_contacts(&vip_in_poland)?
        .items
        .into_iter()
        .map(|c| c.display_name)
        .collect();
    println!("  VIP contacts in Poland: {}", names.join(", "));
    let gold = ContactFilter {
        conditions: vec![Condition::eq("custom.tier", "zloty")],
        ..ContactFilter::default()
    };
    println!("  Gold tier contacts: {}", crm.count_contacts(&gold)?);
    let mut query = ContactQuery {
        limit: 2,
        ..ContactQuery::default()
    };
    let mut page_no = 1;
    loop {
        let page = crm.list_contacts(&query)?;
        let names: Vec<String> = page.items.into_iter().map(|c| c.display_name).collect();
        println!("  page {page_no}: {}", names.join(", "));
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
        page_no += 1;
    }

    println!("\nBad input is refused with a typed error naming the field, and changes nothing:");
    let duplicate = crm.create_contact(ContactInput {
        given_name: Some("Zosia".into()),
        emails: vec![Email::new("Zofia.Wisniewska@orlen.pl")],
        ..ContactInput::default()
    });
    report(duplicate);
    let bad_tier = crm.create_contact(ContactInput {
        given_name: Some("Jan".into()),
        custom_fields: BTreeMap::from([("tier".to_string(), FieldValue::Text("Platynowy".into()))]),
        ..ContactInput::default()
    });
    report(bad_tier);
    let cycle = crm.update_company(
        orlen.id,
        CompanyInput {
            parent: Some(orlen_lietuva.id),
            ..orlen.to_input()
        },
    );
    report(cycle);

    sales(&crm, &dacia, &stefan)?;
    activities(&crm, &dacia, &stefan)?;

    crm.archive_contact(chloe.id)?;
    println!(
        "\nArchived Chloé: {} active contacts, search for \"chloe\" finds {}.",
        crm.count_contacts(&all)?,
        crm.search(&SearchQuery::new("chloe"))?.len()
    );

    let report = crm.verify()?;
    println!(
        "\nIntegrity: {} records, {} index entries, {} search terms, {} problems.",
        report.records,
        report.index_entries,
        report.search_entries,
        report.problems.len()
    );
    crm.close()?;
    println!("Closed. The data is in {path}; run again to start over.");
    Ok(())
}

/// Leads, a pipeline, products, a quote, exchange rates and the Monday-morning figures.
fn sales(crm: &Crm, dacia: &Company, stefan: &Contact) -> Result<()> {
    let today = SystemClock.now().date_naive();
    let in_days = |n: i64| today + chrono::Duration::days(n);
    let pipeline = crm.default_pipeline()?;
    let stage = |name: &str| {
        pipeline
            .stages
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id)
            .ok_or_else(|| Error::validation("stage", "is not in the default pipeline"))
    };
    let to = |name: &str, by: &str| -> Result<DealMove> {
        Ok(DealMove {
            stage: stage(name)?,
            lost_reason: None,
            by: Some(by.into()),
        })
    };
    let stages: Vec<String> = pipeline
        .stages
        .iter()
        .map(|s| format!("{} {}%", s.name, s.probability))
        .collect();
    println!(
        "
The default pipeline: {}",
        stages.join(" → ")
    );

    // Reports are in EUR; rates are entered by date and used in either direction.
    for (code, rate) in [("PLN", "4.2735"), ("RON", "4.9771")] {
        crm.set_exchange_rate(ExchangeRate {
            date: in_days(-30),
            base: Currency::EUR,
            quote: Currency::new(code)?,
            rate: rate.parse()?,
        })?;
    }

    // A lead captured at a trade fair becomes a contact, a company and a deal at once.
    let lead = crm.create_lead(LeadInput {
        given_name: Some("Łucja".into()),
        family_name: Some("Dąbrowska".into()),
        email: Some("lucja.dabrowska@mlyn-kalisz.pl".into()),
        company_name: Some("Młyn Kalisz".into()),
        web_domain: Some("https://mlyn-kalisz.pl".into()),
        source: Some(LeadSource::Event),
        source_detail: Some("Targi Poznańskie".into()),
        owner: Some("ana".into()),
        score: Some(80),
        ..LeadInput::default()
    })?;
    let converted = crm.convert_lead(
        lead.id,
        LeadConversion {
            deal: Some(DealInput {
                title: "Młyn Kalisz — 25 licences".into(),
                amount: Some(Money::parse("62500.00", Currency::PLN)?),
                expected_close: Some(in_days(20)),
                ..DealInput::default()
            }),
            ..LeadConversion::default()
        },
    )?;
    println!(
        "Lead {} converted: contact {}, company {}, deal \"{}\".",
        lead.display_name,
        converted.contact.display_name,
        converted.company.as_ref().map_or("-", |c| c.name.as_str()),
        converted.deal.as_ref().map_or("-", |d| d.title.as_str()),
    );
    let again = crm.convert_lead(lead.id, LeadConversion::default());
    report(again);

    // Products and a deal priced line by line, exactly.
    let licence = crm.create_product(ProductInput {
        sku: "LIC-STD".into(),
        name: "Licență standard".into(),
        prices: vec![
            Money::new(11_900, Currency::EUR),
            Money::new(59_000, Currency::RON),
        ],
        tax_rate: 1900,
        ..ProductInput::default()
    })?;
    let fleet = crm.create_deal(DealInput {
        title: "Dacia — fleet licences".into(),
        company: Some(dacia.id),
        contacts: vec![DealContact {
            contact: stefan.id,
            role: Some("decision maker".into()),
        }],
        owner: Some("ioan".into()),
        expected_close: Some(in_days(45)),
        line_items: vec![
            LineItemInput {
                product: Some(licence.id),
                description: None,
                quantity: "120".parse()?,
                unit_price: Some(Money::new(59_000, Currency::RON)),
                discount: Some(Discount::Percent { basis_points: 750 }),
                tax_rate: None,
            },
            LineItemInput {
                product: None,
                description: Some("Instruire (ore)".into()),
                quantity: "12.5".parse()?,
                unit_price: Some(Money::new(45_000, Currency::RON)),
                discount: None,
                tax_rate: Some(1900),
            },
        ],
        ..DealInput::default()
    })?;
    if let Some(t) = fleet.totals {
        println!(
            "Deal \"{}\": net {}, tax {}, gross {} (amount set from the lines).",
            fleet.title, t.net, t.tax, t.gross
        );
    }
    let quote = crm.create_quote(
        fleet.id,
        QuoteInput {
            valid_until: in_days(30),
            notes: Some("Prețuri valabile 30 de zile.".into()),
        },
    )?;
    crm.send_quote(quote.id)?;
    let accepted = crm.accept_quote(
        quote.id,
        QuoteAcceptance {
            set_deal_amount: true,
        },
    )?;
    println!(
        "Quote {} v{} {:?}, net {}.",
        accepted.number, accepted.version, accepted.status, accepted.totals.net
    );

    // A few more deals, moved through their stages.
    let mut small = Vec::new();
    for (title, amount, owner, close) in [
        (
            "Orlen — pilot",
            Money::new(4_000_000, Currency::PLN),
            "ana",
            10,
        ),
        (
            "Renault — audit",
            Money::new(1_500_000, Currency::EUR),
            "ioan",
            70,
        ),
        (
            "Młyny — renewal",
            Money::new(900_000, Currency::PLN),
            "ana",
            100,
        ),
    ] {
        small.push(crm.create_deal(DealInput {
            title: title.into(),
            amount: Some(amount),
            owner: Some(owner.into()),
            expected_close: Some(in_days(close)),
            ..DealInput::default()
        })?);
    }
    crm.move_deal(small[0].id, to("Negotiation", "ana")?)?;
    crm.move_deal(small[1].id, to("Proposal", "ioan")?)?;
    crm.move_deal(fleet.id, to("Won", "ioan")?)?;
    crm.move_deal(
        small[2].id,
        DealMove {
            lost_reason: Some("went with a competitor".into()),
            ..to("Lost", "ana")?
        },
    )?;
    let history = crm.deal_history(fleet.id)?;
    println!(
        "\"{}\" went through {} stages; its value is frozen at the day's rate.",
        fleet.title,
        history.len()
    );

    println!("\nOpen pipeline (EUR, at today's rates):");
    for p in crm.pipeline_values()? {
        for s in p.stages.iter().filter(|s| s.deals > 0) {
            println!(
                "  {:<14} {} deals, {}, weighted {}",
                s.name, s.deals, s.value, s.weighted
            );
        }
        println!(
            "  {:<14} {} deals, {}, weighted {}",
            p.name, p.deals, p.value, p.weighted
        );
    }
    println!("Weighted forecast by quarter of expected close:");
    let forecast = crm.forecast(&ForecastQuery {
        period: Period::Quarter,
        ..ForecastQuery::default()
    })?;
    for period in &forecast.periods {
        let owners: Vec<String> = period
            .owners
            .iter()
            .map(|o| format!("{} {}", o.owner.as_deref().unwrap_or("-"), o.weighted))
            .collect();
        println!(
            "  {}  {}  ({})",
            period.period,
            period.weighted,
            owners.join(", ")
        );
    }
    let rates = crm.win_rates(&WinRateQuery::default())?;
    println!(
        "Win rate: {} won, {} lost, {}%.",
        rates.overall.won,
        rates.overall.lost,
        rates.overall.win_rate.map_or("-".into(), |r| r.to_string())
    );
    println!("Leaderboard:");
    for row in crm.leaderboard(TimeRange::default())?.rows {
        println!(
            "  {:<6} won {} ({}), lost {}",
            row.owner.as_deref().unwrap_or("-"),
            row.won,
            row.won_value,
            row.lost
        );
    }
    let closing = crm.deals_closing(&ClosingQuery {
        since: today,
        until: in_days(31),
        owner: None,
        pipeline: None,
    })?;
    let titles: Vec<&str> = closing.iter().map(|d| d.title.as_str()).collect();
    println!("Closing in the next 31 days: {}", titles.join(", "));

    println!("\nBad sales input is refused too:");
    report(crm.create_deal(DealInput {
        title: "Too sure".into(),
        probability: Some(120),
        ..DealInput::default()
    }));
    report(crm.create_deal(DealInput {
        title: "Refund?".into(),
        line_items: vec![LineItemInput {
            product: Some(licence.id),
            description: None,
            quantity: "-3".parse()?,
            unit_price: None,
            discount: None,
            tax_rate: None,
        }],
        amount: Some(Money::new(0, Currency::EUR)),
        ..DealInput::default()
    }));
    report(crm.create_deal(DealInput {
        title: "Wrong pipeline".into(),
        pipeline: Some(pipeline.id),
        stage: Some(StageId::from_u128(1)),
        ..DealInput::default()
    }));
    report(Currency::new("XYZ"));
    Ok(())
}

/// A call with a follow-up, a weekly meeting across the change to summer time, a timeline,
/// the customer journey and an iCalendar export.
fn activities(crm: &Crm, dacia: &Company, stefan: &Contact) -> Result<()> {
    let now = SystemClock.now();
    let call = crm.create_activity(ActivityInput {
        kind: ActivityKind::Call,
        subject: "Discovery call".into(),
        owner: Some("maria".into()),
        direction: Some(InteractionDirection::Outbound),
        starts_at: Some(now),
        ends_at: Some(now + chrono::Duration::minutes(20)),
        links: vec![dacia.id.into()],
        participants: vec![Participant {
            contact: Some(stefan.id),
            ..Participant::default()
        }],
        ..ActivityInput::default()
    })?;
    let done = crm.complete_activity(
        call.id,
        Completion {
            outcome: Some("call back".into()),
            next: Some(NextActivity {
                in_days: 3,
                ..NextActivity::default()
            }),
        },
    )?;
    let next = done.next.expect("a next call was asked for");
    println!(
        "
Called Ștefan (outcome \"call back\"): the next call is on {}, and the chain has {} calls.",
        next.starts_at
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default(),
        crm.activity_chain(next.id)?.len()
    );
    crm.create_activity(ActivityInput {
        kind: ActivityKind::Email,
        subject: "Offer sent".into(),
        direction: Some(InteractionDirection::Outbound),
        status: Some(ActivityStatus::Done),
        starts_at: Some(now + chrono::Duration::hours(1)),
        links: vec![stefan.id.into()],
        ..ActivityInput::default()
    })?;
    println!("Ștefan's timeline, newest first:");
    for e in crm.timeline(&TimelineQuery::new(stefan.id))?.items {
        let what = match (&e.activity, &e.change) {
            (Some(a), _) => format!("{:?} {:?}: {}", a.status, a.kind, a.subject),
            (None, Some(c)) => format!("changed {}", c.fields.join(", ")),
            _ => format!("{:?}", e.kind),
        };
        println!("  {}  {what}", e.at.format("%Y-%m-%d %H:%M"));
    }
    let journey = crm.customer_journey(stefan.id)?;
    println!(
        "Journey: {} touchpoints, by channel {:?}.",
        journey.touchpoints.len(),
        journey
            .channels
            .iter()
            .map(|c| (c.channel, c.count))
            .collect::<Vec<_>>()
    );

    let cal = crm.create_calendar(CalendarInput {
        name: "Maria".into(),
        owner: Some("maria".into()),
        time_zone: Some("Europe/Warsaw".into()),
        ..CalendarInput::default()
    })?;
    // Mondays at 09:00 in Warsaw, through the change to summer time on 29 March 2026.
    let start = chrono::DateTime::parse_from_rfc3339("2026-03-16T09:00:00+01:00")
        .expect("a valid instant")
        .with_timezone(&chrono::Utc);
    let standup = crm.create_activity(ActivityInput {
        kind: ActivityKind::Meeting,
        subject: "Weekly sales meeting".into(),
        owner: Some("maria".into()),
        calendar: Some(cal.id),
        starts_at: Some(start),
        ends_at: Some(start + chrono::Duration::minutes(30)),
        time_zone: Some("Europe/Warsaw".into()),
        reminders: vec![10],
        recurrence: Some(Recurrence {
            frequency: Frequency::Weekly,
            interval: 1,
            weekdays: vec![Weekday::Monday],
            position: None,
            until: None,
            count: Some(4),
            exceptions: vec![],
        }),
        ..ActivityInput::default()
    })?;
    let times: Vec<String> = crm
        .activity_occurrences(standup.id, start, None)?
        .iter()
        .map(|o| o.starts_at.format("%d %b %H:%M UTC").to_string())
        .collect();
    println!("Weekly meeting at 09:00 Warsaw time: {}.", times.join(", "));
    let ics = crm.export_ical(&IcalExport {
        calendar: cal.id,
        from: None,
        until: None,
    })?;
    println!(
        "Exported Maria's calendar as iCalendar: {} lines, with {} VTIMEZONE.",
        ics.lines().count(),
        ics.matches("BEGIN:VTIMEZONE").count()
    );
    Ok(())
}

fn address(city: &str, country: &str) -> Address {
    Address {
        city: Some(city.into()),
        country: Some(country.into()),
        ..Address::default()
    }
}

fn money(key: &str, minor: i64, currency: &str) -> BTreeMap<String, FieldValue> {
    let currency = Currency::new(currency).expect("a known currency");
    BTreeMap::from([(
        key.to_string(),
        FieldValue::Money(Money::new(minor, currency)),
    )])
}

#[allow(clippy::too_many_arguments)]
fn contact(
    crm: &Crm,
    given: &str,
    family: &str,
    email: &str,
    phone: &str,
    city: &str,
    country: &str,
    tags: &[&str],
    tier: Option<&str>,
) -> Result<Contact> {
    crm.create_contact(ContactInput {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        emails: vec![Email::new(email)],
        phones: vec![Phone::new(phone)],
        addresses: vec![address(city, country)],
        tags: tags.iter().map(|t| t.to_string()).collect(),
        custom_fields: tier
            .map(|t| BTreeMap::from([("tier".to_string(), FieldValue::Text(t.into()))]))
            .unwrap_or_default(),
        ..ContactInput::default()
    })
}

fn report<T>(result: Result<T>) {
    match result {
        Ok(_) => println!("  unexpectedly accepted"),
        Err(e) => println!("  {:<10} {:<22} {e}", e.code(), e.field().unwrap_or("-")),
    }
}
