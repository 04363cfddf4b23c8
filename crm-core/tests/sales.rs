//! Sales through the public API: leads and their conversion, pipelines and stages, deals and
//! their history, products, line items and quotes, exchange rates and the reports.

mod common;

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use common::*;
use crm_core::*;

fn eur(minor: i64) -> Money {
    Money::new(minor, Currency::EUR)
}

fn pln(minor: i64) -> Money {
    Money::new(minor, Currency::PLN)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn deal(title: &str, amount: Option<Money>) -> DealInput {
    DealInput {
        title: title.into(),
        amount,
        ..DealInput::default()
    }
}

fn stage_named(p: &Pipeline, name: &str) -> StageId {
    p.stages.iter().find(|s| s.name == name).unwrap().id
}

fn to(stage: StageId) -> DealMove {
    DealMove {
        stage,
        lost_reason: None,
        by: None,
    }
}

fn line(description: &str, quantity: &str, unit_price: Money) -> LineItemInput {
    LineItemInput {
        product: None,
        description: Some(description.into()),
        quantity: dec(quantity),
        unit_price: Some(unit_price),
        discount: None,
        tax_rate: None,
    }
}

fn lead_input(given: &str, family: &str, email: &str, company: &str, domain: &str) -> LeadInput {
    LeadInput {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        email: Some(email.into()),
        company_name: (!company.is_empty()).then(|| company.into()),
        web_domain: (!domain.is_empty()).then(|| domain.into()),
        source: Some(LeadSource::Event),
        owner: Some("ana".into()),
        ..LeadInput::default()
    }
}

// ---- leads ----

#[test]
fn a_lead_is_stored_as_captured_and_checked() {
    let crm = crm();
    let lead = crm
        .create_lead(LeadInput {
            given_name: Some(" Ștefan ".into()),
            family_name: Some("Popescu".into()),
            email: Some("Stefan@Dacia.RO".into()),
            web_domain: Some("https://www.dacia.ro/contact".into()),
            company_name: Some("Dacia".into()),
            score: Some(70),
            ..LeadInput::default()
        })
        .unwrap();
    assert_eq!(lead.display_name, "Ștefan Popescu");
    assert_eq!(lead.email.as_deref(), Some("Stefan@dacia.ro"));
    assert_eq!(lead.web_domain.as_deref(), Some("dacia.ro"));
    assert_eq!(lead.status, LeadStatus::New);
    assert_eq!(lead.score, 70);
    assert!(lead.id.to_string().starts_with("lead_"));
    assert_eq!(crm.get_lead(lead.id).unwrap(), lead);
    assert_eq!(
        crm.find_leads_by_email("stefan@DACIA.ro").unwrap(),
        vec![lead.clone()]
    );

    // A company name alone is enough; nothing at all is not.
    let firm_only = crm
        .create_lead(LeadInput {
            company_name: Some("Łódź Logistics".into()),
            ..LeadInput::default()
        })
        .unwrap();
    assert_eq!(firm_only.display_name, "Łódź Logistics");
    refused(&crm, "validation", "given_name", |c| {
        c.create_lead(LeadInput::default())
    });
    refused(&crm, "validation", "score", |c| {
        c.create_lead(LeadInput {
            score: Some(101),
            ..lead_input("A", "B", "a@b.pl", "", "")
        })
    });
    refused(&crm, "validation", "email", |c| {
        c.create_lead(lead_input("A", "B", "not an email", "", ""))
    });
    refused(&crm, "validation", "status", |c| {
        c.create_lead(LeadInput {
            status: Some(LeadStatus::Converted),
            ..lead_input("A", "B", "a@b.pl", "", "")
        })
    });
    refused(&crm, "validation", "disqualified_reason", |c| {
        c.create_lead(LeadInput {
            status: Some(LeadStatus::Disqualified),
            ..lead_input("A", "B", "a@b.pl", "", "")
        })
    });
    refused(&crm, "validation", "disqualified_reason", |c| {
        c.create_lead(LeadInput {
            disqualified_reason: Some("no budget".into()),
            ..lead_input("A", "B", "a@b.pl", "", "")
        })
    });

    // Status moves freely before conversion; the score stays when not given.
    let mut input = lead.to_input();
    input.status = Some(LeadStatus::Disqualified);
    input.disqualified_reason = Some("no budget".into());
    input.score = None;
    let disq = crm.update_lead(lead.id, input).unwrap();
    assert_eq!(disq.status, LeadStatus::Disqualified);
    assert_eq!(disq.score, 70);
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn converting_a_lead_creates_contact_company_and_deal_in_one_go() {
    let crm = crm();
    let lead = crm
        .create_lead(LeadInput {
            job_title: Some("Director".into()),
            ..lead_input(
                "Zofia",
                "Wiśniewska",
                "zofia@mlyny.pl",
                "Młyny Łódzkie",
                "mlyny.pl",
            )
        })
        .unwrap();
    let done = crm
        .convert_lead(
            lead.id,
            LeadConversion {
                deal: Some(deal("Młyny: 40 licences", Some(pln(4_000_000)))),
                by: Some("ana".into()),
                ..LeadConversion::default()
            },
        )
        .unwrap();
    assert!(done.contact_created && done.company_created);
    let company = done.company.clone().unwrap();
    let d = done.deal.clone().unwrap();
    assert_eq!(done.contact.display_name, "Zofia Wiśniewska");
    assert_eq!(done.contact.source.as_deref(), Some("event"));
    assert_eq!(company.name, "Młyny Łódzkie");
    assert_eq!(company.domains, vec!["mlyny.pl"]);
    assert_eq!(company.kinds, vec![RelationshipKind::Prospect]);
    assert_eq!(d.company, Some(company.id));
    assert_eq!(d.contacts[0].contact, done.contact.id);
    assert_eq!(d.owner.as_deref(), Some("ana"));
    assert_eq!(d.source.as_deref(), Some("event"));
    let emp = crm.employments_of_contact(done.contact.id).unwrap();
    assert_eq!(emp.len(), 1);
    assert_eq!(emp[0].company, company.id);
    assert_eq!(emp[0].title.as_deref(), Some("Director"));
    let lead = crm.get_lead(lead.id).unwrap();
    assert_eq!(lead.status, LeadStatus::Converted);
    let c = lead.conversion.clone().unwrap();
    assert_eq!(
        (c.contact, c.company, c.deal, c.by.as_deref()),
        (
            Some(done.contact.id),
            Some(company.id),
            Some(d.id),
            Some("ana")
        )
    );

    // Converting again is refused; so is turning it back.
    refused(&crm, "conflict", "lead", |c| {
        c.convert_lead(lead.id, LeadConversion::default())
    });
    let mut back = lead.to_input();
    back.status = Some(LeadStatus::Qualified);
    refused(&crm, "validation", "status", |c| {
        c.update_lead(lead.id, back)
    });

    // A second lead from the same firm finds the contact by email and the company by domain.
    let again = crm
        .create_lead(lead_input(
            "Zofia",
            "W.",
            "ZOFIA@mlyny.pl",
            "Młyny",
            "www.mlyny.pl",
        ))
        .unwrap();
    let second = crm
        .convert_lead(again.id, LeadConversion::default())
        .unwrap();
    assert!(!second.contact_created && !second.company_created);
    assert_eq!(second.contact.id, done.contact.id);
    assert_eq!(second.company.unwrap().id, company.id);
    assert_eq!(
        crm.employments_of_contact(done.contact.id).unwrap().len(),
        1
    );

    // Deleting what a lead became leaves the lead, without the link.
    crm.delete_deal(d.id).unwrap();
    assert_eq!(
        crm.get_lead(lead.id).unwrap().conversion.unwrap().deal,
        None
    );
    crm.delete_contact(done.contact.id).unwrap();
    assert_eq!(
        crm.get_lead(lead.id).unwrap().conversion.unwrap().contact,
        None
    );
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn conversion_choices_and_refusals() {
    let crm = crm();
    let existing = crm.create_company(firm("Orlen", "orlen.pl")).unwrap();
    let person_ = crm
        .create_contact(person("Jan", "Nowak", "jan@orlen.pl"))
        .unwrap();
    let lead = crm
        .create_lead(lead_input(
            "Jan",
            "Nowak",
            "jan.nowak@orlen.pl",
            "Orlen SA",
            "",
        ))
        .unwrap();
    // A failing deal leaves nothing behind: no contact, no company, lead not converted.
    refused(&crm, "validation", "deal.probability", |c| {
        c.convert_lead(
            lead.id,
            LeadConversion {
                deal: Some(DealInput {
                    probability: Some(101),
                    ..deal("x", None)
                }),
                ..LeadConversion::default()
            },
        )
    });
    refused(&crm, "validation", "company.company", |c| {
        c.convert_lead(
            lead.id,
            LeadConversion {
                company: CompanyChoice::Existing {
                    company: CompanyId::from_u128(999_999),
                },
                ..LeadConversion::default()
            },
        )
    });
    let nameless = crm
        .create_lead(LeadInput {
            email: Some("x@y.pl".into()),
            ..LeadInput::default()
        })
        .unwrap();
    refused(&crm, "validation", "company", |c| {
        c.convert_lead(
            nameless.id,
            LeadConversion {
                company: CompanyChoice::New,
                ..LeadConversion::default()
            },
        )
    });
    // Chosen records are used as they are.
    let done = crm
        .convert_lead(
            lead.id,
            LeadConversion {
                contact: ContactChoice::Existing {
                    contact: person_.id,
                },
                company: CompanyChoice::Existing {
                    company: existing.id,
                },
                deal: None,
                by: None,
            },
        )
        .unwrap();
    assert_eq!(done.contact.id, person_.id);
    assert_eq!(done.company.unwrap().id, existing.id);
    assert!(done.deal.is_none());
    // Skipping the company makes a contact only.
    let solo = crm
        .create_lead(lead_input(
            "Ioana",
            "Pop",
            "ioana@example.ro",
            "Pop SRL",
            "",
        ))
        .unwrap();
    let done = crm
        .convert_lead(
            solo.id,
            LeadConversion {
                company: CompanyChoice::Skip,
                ..LeadConversion::default()
            },
        )
        .unwrap();
    assert!(done.company.is_none());
    assert!(
        crm.employments_of_contact(done.contact.id)
            .unwrap()
            .is_empty()
    );
    // A disqualified lead is not converted.
    let disq = crm
        .create_lead(LeadInput {
            status: Some(LeadStatus::Disqualified),
            disqualified_reason: Some("student".into()),
            ..lead_input("A", "B", "a@b.pl", "", "")
        })
        .unwrap();
    refused(&crm, "validation", "status", |c| {
        c.convert_lead(disq.id, LeadConversion::default())
    });
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn leads_are_listed_by_status_source_and_score() {
    let crm = crm();
    for (i, (status, score)) in [
        (LeadStatus::New, 10),
        (LeadStatus::Contacted, 80),
        (LeadStatus::Qualified, 95),
    ]
    .into_iter()
    .enumerate()
    {
        crm.create_lead(LeadInput {
            status: Some(status),
            score: Some(score),
            source: Some(if i == 0 {
                LeadSource::WebForm
            } else {
                LeadSource::Referral
            }),
            ..lead_input(&format!("L{i}"), "X", &format!("l{i}@x.pl"), "", "")
        })
        .unwrap();
    }
    let count = |f: LeadFilter| crm.count_leads(&f).unwrap();
    assert_eq!(count(LeadFilter::default()), 3);
    assert_eq!(
        count(LeadFilter {
            min_score: Some(80),
            ..LeadFilter::default()
        }),
        2
    );
    assert_eq!(
        count(LeadFilter {
            sources_any: vec![LeadSource::Referral],
            statuses_any: vec![LeadStatus::New, LeadStatus::Qualified],
            ..LeadFilter::default()
        }),
        1
    );
    assert_eq!(
        count(LeadFilter {
            conditions: vec![Condition::eq("status", "contacted")],
            ..LeadFilter::default()
        }),
        1
    );
    let hits = crm.search(&SearchQuery::new("l2")).unwrap();
    assert_eq!(hits[0].label, "L2 X");
    assert!(matches!(hits[0].record, RecordRef::Lead(_)));
}

// ---- pipelines ----

#[test]
fn a_new_crm_has_the_default_sales_pipeline() {
    let crm = crm();
    let p = crm.default_pipeline().unwrap();
    assert!(p.is_default);
    assert_eq!(p.name, "Sales");
    let stages: Vec<(&str, u8, StageKind)> = p
        .stages
        .iter()
        .map(|s| (s.name.as_str(), s.probability, s.kind))
        .collect();
    assert_eq!(
        stages,
        vec![
            ("Prospecting", 10, StageKind::Open),
            ("Qualification", 20, StageKind::Open),
            ("Proposal", 50, StageKind::Open),
            ("Negotiation", 80, StageKind::Open),
            ("Won", 100, StageKind::Won),
            ("Lost", 0, StageKind::Lost),
        ]
    );
    assert_eq!(crm.pipelines().unwrap(), vec![p]);
}

#[test]
fn pipelines_and_stages_change_without_losing_deals() {
    let crm = crm();
    let sales = crm.default_pipeline().unwrap();
    refused(&crm, "validation", "stages", |c| {
        c.create_pipeline(PipelineInput {
            name: "No end".into(),
            stages: vec![StageInput::open("Talk", 10)],
        })
    });
    refused(&crm, "validation", "stages[0].probability", |c| {
        c.create_pipeline(PipelineInput {
            name: "Bad".into(),
            stages: vec![StageInput::open("Talk", 101)],
        })
    });
    let renewals = crm
        .create_pipeline(PipelineInput {
            name: "Renewals".into(),
            stages: vec![
                StageInput {
                    rotten_after_days: Some(3),
                    ..StageInput::open("Due", 60)
                },
                StageInput {
                    kind: StageKind::Won,
                    ..StageInput::open("Renewed", 100)
                },
                StageInput {
                    kind: StageKind::Lost,
                    ..StageInput::open("Churned", 0)
                },
            ],
        })
        .unwrap();
    assert!(!renewals.is_default);
    let renamed = crm.rename_pipeline(renewals.id, "Odnowienia").unwrap();
    assert_eq!(renamed.name, "Odnowienia");

    // A stage from another pipeline is refused.
    refused(&crm, "validation", "stage", |c| {
        c.create_deal(DealInput {
            pipeline: Some(renewals.id),
            stage: Some(sales.stages[0].id),
            ..deal("x", None)
        })
    });
    let d = crm
        .create_deal(DealInput {
            pipeline: Some(renewals.id),
            ..deal("Renewal 2027", Some(eur(100_000)))
        })
        .unwrap();
    assert_eq!(d.stage, renewals.stages[0].id);
    assert_eq!(d.probability, 60);

    // Reorder, add, update.
    let due = renewals.stages[0].id;
    let won = renewals.stages[1].id;
    let lost = renewals.stages[2].id;
    refused(&crm, "validation", "order", |c| {
        c.reorder_stages(renewals.id, &[due, won])
    });
    let p = crm.reorder_stages(renewals.id, &[due, lost, won]).unwrap();
    assert_eq!(p.stages[1].id, lost);
    let p = crm
        .add_stage(renewals.id, StageInput::open("Offer sent", 80), Some(1))
        .unwrap();
    assert_eq!(p.stages[1].name, "Offer sent");
    let offer = p.stages[1].id;
    refused(&crm, "validation", "stages[4].name", |c| {
        c.add_stage(renewals.id, StageInput::open("DUE", 5), None)
    });
    refused(&crm, "conflict", "input.kind", |c| {
        c.update_stage(
            renewals.id,
            due,
            StageInput {
                kind: StageKind::Won,
                ..StageInput::open("Due", 100)
            },
        )
    });
    let p = crm
        .update_stage(
            renewals.id,
            due,
            StageInput {
                rotten_after_days: Some(3),
                ..StageInput::open("Due soon", 65)
            },
        )
        .unwrap();
    assert_eq!(p.stages[0].name, "Due soon");
    assert_eq!(crm.get_deal(d.id).unwrap().probability, 65);

    // A stage holding deals is archived only with somewhere to move them.
    refused(&crm, "conflict", "move_to", |c| {
        c.archive_stage(renewals.id, due, None)
    });
    refused(&crm, "validation", "move_to", |c| {
        c.archive_stage(renewals.id, due, Some(sales.stages[0].id))
    });
    let p = crm.archive_stage(renewals.id, due, Some(offer)).unwrap();
    assert!(p.stages.iter().find(|s| s.id == due).unwrap().archived);
    let moved = crm.get_deal(d.id).unwrap();
    assert_eq!(moved.stage, offer);
    let history = crm.deal_history(d.id).unwrap();
    assert_eq!(
        history.iter().map(|c| c.to_stage).collect::<Vec<_>>(),
        vec![due, offer]
    );
    refused(&crm, "validation", "stage", |c| c.move_deal(d.id, to(due)));
    // Active stages must keep an open, a won and a lost one.
    refused(&crm, "validation", "stages", |c| {
        c.archive_stage(renewals.id, won, Some(offer))
    });

    // Pipelines with deals, or the default one, stay.
    refused(&crm, "conflict", "pipeline", |c| {
        c.delete_pipeline(renewals.id)
    });
    refused(&crm, "validation", "pipeline", |c| {
        c.delete_pipeline(sales.id)
    });
    let p = crm.set_default_pipeline(renewals.id).unwrap();
    assert!(p.is_default);
    assert!(!crm.get_pipeline(sales.id).unwrap().is_default);
    assert_eq!(crm.default_pipeline().unwrap().id, renewals.id);
    crm.set_default_pipeline(sales.id).unwrap();
    crm.delete_deal(d.id).unwrap();
    crm.delete_pipeline(renewals.id).unwrap();
    assert_eq!(crm.pipelines().unwrap().len(), 1);
    assert!(crm.verify().unwrap().is_ok());
}

// ---- deals ----

#[test]
fn a_deal_moves_through_its_stages_with_a_recorded_history() {
    let (b, clock) = builder();
    let crm = b.open_in_memory().unwrap();
    let p = crm.default_pipeline().unwrap();
    let d = crm
        .create_deal(DealInput {
            owner: Some("ana".into()),
            expected_close: Some(day(2026, 12, 15)),
            ..deal("Dacia fleet", Some(eur(5_000_000)))
        })
        .unwrap();
    assert_eq!(d.pipeline, p.id);
    assert_eq!(d.stage, stage_named(&p, "Prospecting"));
    assert_eq!((d.status, d.probability), (StageKind::Open, 10));
    assert!(d.closed_at.is_none());

    // A manual probability is kept when the stage changes.
    let mut input = deal("Dacia fleet", Some(eur(5_000_000)));
    input.probability = Some(35);
    let d = crm.update_deal(d.id, input).unwrap();
    assert_eq!(d.probability, 35);
    clock.advance(Duration::days(2));
    let d = crm
        .move_deal(
            d.id,
            DealMove {
                by: Some("ana".into()),
                ..to(stage_named(&p, "Proposal"))
            },
        )
        .unwrap();
    assert_eq!((d.probability, d.probability_override), (35, Some(35)));
    clock.advance(Duration::days(5));
    let d = crm.move_deal(d.id, to(stage_named(&p, "Won"))).unwrap();
    assert_eq!(d.status, StageKind::Won);
    assert!(d.closed_at.is_some());
    // No EUR rate is needed to value a EUR deal in EUR.
    assert_eq!(d.closed_value, Some(eur(5_000_000)));

    let history = crm.deal_history(d.id).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].from_stage, None);
    assert_eq!(history[1].from_stage, Some(stage_named(&p, "Prospecting")));
    assert_eq!(history[1].by.as_deref(), Some("ana"));
    assert_eq!(history[2].to_stage, stage_named(&p, "Won"));
    clock.advance(Duration::hours(1));
    let times = crm.deal_stage_times(d.id).unwrap();
    assert_eq!(times.len(), 3);
    assert!(times[0].seconds >= 2 * 86_400);
    assert!(times[1].seconds >= 5 * 86_400);

    // Reopening clears the close; moving to lost keeps the reason.
    let d = crm
        .move_deal(d.id, to(stage_named(&p, "Negotiation")))
        .unwrap();
    assert_eq!((d.status, d.closed_at), (StageKind::Open, None));
    let d = crm
        .move_deal(
            d.id,
            DealMove {
                lost_reason: Some("price".into()),
                ..to(stage_named(&p, "Lost"))
            },
        )
        .unwrap();
    assert_eq!(d.status, StageKind::Lost);
    assert_eq!(d.lost_reason.as_deref(), Some("price"));
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn bad_deals_are_refused_by_field() {
    let crm = crm();
    refused(&crm, "validation", "title", |c| {
        c.create_deal(deal(" ", None))
    });
    refused(&crm, "validation", "probability", |c| {
        c.create_deal(DealInput {
            probability: Some(101),
            ..deal("x", None)
        })
    });
    refused(&crm, "validation", "amount", |c| {
        c.create_deal(deal("x", Some(eur(-1))))
    });
    refused(&crm, "validation", "company", |c| {
        c.create_deal(DealInput {
            company: Some(CompanyId::from_u128(999_999)),
            ..deal("x", None)
        })
    });
    refused(&crm, "validation", "contacts[0].contact", |c| {
        c.create_deal(DealInput {
            contacts: vec![DealContact {
                contact: ContactId::from_u128(999_999),
                role: None,
            }],
            ..deal("x", None)
        })
    });
    refused(&crm, "validation", "line_items[0].quantity", |c| {
        c.create_deal(DealInput {
            line_items: vec![line("hours", "-1", eur(100))],
            ..deal("x", None)
        })
    });
    refused(&crm, "validation", "line_items[1].unit_price", |c| {
        c.create_deal(DealInput {
            line_items: vec![line("a", "1", eur(100)), line("b", "1", pln(100))],
            ..deal("x", None)
        })
    });
    assert!(Currency::new("ABC").is_err());
    let err: std::result::Result<DealInput, _> =
        serde_json::from_str(r#"{"title": "x", "amount": {"amount_minor": 1, "currency": "XYZ"}}"#);
    assert!(err.unwrap_err().to_string().contains("currency"));
    // Follow-ups come from won deals only.
    let open = crm.create_deal(deal("open", None)).unwrap();
    refused(&crm, "validation", "deal", |c| {
        c.open_follow_up(
            open.id,
            FollowUpInput {
                title: "more".into(),
                ..FollowUpInput::default()
            },
        )
    });
}

#[test]
fn a_deal_rots_in_a_stage_that_allows_only_so_many_days() {
    let (b, clock) = builder();
    let crm = b.open_in_memory().unwrap();
    let p = crm.default_pipeline().unwrap();
    let prospecting = stage_named(&p, "Prospecting");
    crm.update_stage(
        p.id,
        prospecting,
        StageInput {
            rotten_after_days: Some(3),
            ..StageInput::open("Prospecting", 10)
        },
    )
    .unwrap();
    let stale = crm.create_deal(deal("stale", None)).unwrap();
    assert!(!stale.rotten);
    clock.advance(Duration::days(2));
    let fresh = crm.create_deal(deal("fresh", None)).unwrap();
    clock.advance(Duration::days(2));
    assert!(crm.get_deal(stale.id).unwrap().rotten);
    assert!(!crm.get_deal(fresh.id).unwrap().rotten);
    let at_risk = crm.deals_at_risk(None).unwrap();
    assert_eq!(
        at_risk.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![stale.id]
    );
    // Moving resets the clock of the stage.
    let moved = crm
        .move_deal(stale.id, to(stage_named(&p, "Qualification")))
        .unwrap();
    assert!(!moved.rotten);
    assert!(crm.deals_at_risk(Some(p.id)).unwrap().is_empty());
}

#[test]
fn a_follow_up_is_opened_from_a_won_deal_and_deletion_cleans_up() {
    let crm = crm();
    let p = crm.default_pipeline().unwrap();
    let firm_ = crm.create_company(firm("Orlen", "orlen.pl")).unwrap();
    let jan = crm
        .create_contact(person("Jan", "Nowak", "jan@orlen.pl"))
        .unwrap();
    let won = crm
        .create_deal(DealInput {
            company: Some(firm_.id),
            contacts: vec![DealContact {
                contact: jan.id,
                role: Some("champion".into()),
            }],
            owner: Some("ana".into()),
            ..deal("Orlen pilot", Some(pln(1_000_000)))
        })
        .unwrap();
    crm.move_deal(won.id, to(stage_named(&p, "Won"))).unwrap();
    let up = crm
        .open_follow_up(
            won.id,
            FollowUpInput {
                title: "Orlen rollout".into(),
                amount: Some(pln(9_000_000)),
                ..FollowUpInput::default()
            },
        )
        .unwrap();
    assert_eq!(up.origin, Some(won.id));
    assert_eq!(up.company, Some(firm_.id));
    assert_eq!(up.contacts, won.contacts);
    assert_eq!(up.owner.as_deref(), Some("ana"));
    assert_eq!(up.status, StageKind::Open);
    let by_company = crm
        .list_deals(&DealQuery {
            filter: DealFilter {
                company: Some(firm_.id),
                ..DealFilter::default()
            },
            ..DealQuery::default()
        })
        .unwrap();
    assert_eq!(by_company.items.len(), 2);
    assert_eq!(
        crm.count_deals(&DealFilter {
            contact: Some(jan.id),
            statuses_any: vec![StageKind::Won],
            ..DealFilter::default()
        })
        .unwrap(),
        1
    );
    // Deleting the contact takes it off the deals; deleting the won deal frees the follow-up.
    crm.delete_contact(jan.id).unwrap();
    assert!(crm.get_deal(up.id).unwrap().contacts.is_empty());
    crm.delete_deal(won.id).unwrap();
    assert_eq!(crm.get_deal(up.id).unwrap().origin, None);
    assert!(matches!(
        crm.deal_history(won.id).unwrap_err(),
        Error::NotFound { .. }
    ));
    crm.delete_company(firm_.id).unwrap();
    assert_eq!(crm.get_deal(up.id).unwrap().company, None);
    assert!(crm.verify().unwrap().is_ok());
}

// ---- products, lines, quotes ----

#[test]
fn lines_are_priced_from_products_and_price_lists_exactly() {
    let crm = crm();
    let seat = crm
        .create_product(ProductInput {
            sku: "SEAT-1".into(),
            name: "Licencja".into(),
            prices: vec![pln(49_900), eur(11_900)],
            tax_rate: 2300,
            ..ProductInput::default()
        })
        .unwrap();
    refused(&crm, "conflict", "sku", |c| {
        c.create_product(ProductInput {
            sku: "seat-1".into(),
            name: "Copy".into(),
            ..ProductInput::default()
        })
    });
    refused(&crm, "validation", "prices[1]", |c| {
        c.create_product(ProductInput {
            sku: "X".into(),
            name: "X".into(),
            prices: vec![pln(1), pln(2)],
            ..ProductInput::default()
        })
    });
    assert_eq!(
        crm.find_product_by_sku("Seat-1").unwrap().unwrap().id,
        seat.id
    );
    assert_eq!(crm.search_products("licen").unwrap()[0].id, seat.id);

    let d = crm
        .create_deal(DealInput {
            amount: None,
            line_items: vec![
                LineItemInput {
                    product: Some(seat.id),
                    description: None,
                    quantity: dec("40"),
                    unit_price: None,
                    discount: Some(Discount::Percent { basis_points: 1000 }),
                    tax_rate: None,
                },
                LineItemInput {
                    tax_rate: Some(2300),
                    discount: Some(Discount::Amount { amount: pln(1) }),
                    ..line("Wdrożenie", "2.5", pln(100_001))
                },
            ],
            ..deal("Licences", None)
        })
        .unwrap();
    let l0 = &d.line_items[0];
    assert_eq!(l0.description, "Licencja");
    assert_eq!(l0.unit_price, pln(49_900));
    assert_eq!(l0.subtotal, pln(1_996_000));
    assert_eq!(l0.discount_amount, pln(199_600));
    assert_eq!(l0.net, pln(1_796_400));
    assert_eq!(l0.tax, pln(413_172));
    let l1 = &d.line_items[1];
    // 2.5 × 1000.01 = 2500.025 → 2500.03; less 0.01 = 2500.02; 23 % = 575.0046 → 575.00.
    assert_eq!(
        (l1.subtotal, l1.net, l1.tax),
        (pln(250_003), pln(250_002), pln(57_500))
    );
    let t = d.totals.unwrap();
    assert_eq!(t.net, pln(1_796_400 + 250_002));
    assert_eq!(t.gross, pln(1_796_400 + 413_172 + 250_002 + 57_500));
    // Without an amount of its own, the deal is worth its net total.
    assert_eq!(d.amount, Some(t.net));

    // A price list replaces the products' own prices; its currency must be the deal's.
    let partners = crm
        .create_price_list(PriceListInput {
            name: "Partners".into(),
            currency: Currency::EUR,
            entries: vec![PriceListEntry {
                product: seat.id,
                unit_price: eur(9_900),
            }],
        })
        .unwrap();
    let d2 = crm
        .create_deal(DealInput {
            price_list: Some(partners.id),
            line_items: vec![LineItemInput {
                product: Some(seat.id),
                description: None,
                quantity: dec("3"),
                unit_price: None,
                discount: None,
                tax_rate: Some(0),
            }],
            ..deal("Partner deal", None)
        })
        .unwrap();
    assert_eq!(d2.line_items[0].unit_price, eur(9_900));
    assert_eq!(d2.amount, Some(eur(29_700)));
    refused(&crm, "validation", "price_list", |c| {
        c.create_deal(DealInput {
            price_list: Some(partners.id),
            ..deal("x", Some(pln(1)))
        })
    });
    refused(&crm, "validation", "line_items[0].unit_price", |c| {
        c.create_deal(DealInput {
            line_items: vec![LineItemInput {
                product: Some(seat.id),
                description: None,
                quantity: dec("1"),
                unit_price: None,
                discount: None,
                tax_rate: None,
            }],
            ..deal("x", Some(Money::new(1, Currency::JPY)))
        })
    });
    refused(&crm, "conflict", "price_list", |c| {
        c.delete_price_list(partners.id)
    });
    let archived = crm.archive_product(seat.id).unwrap();
    assert!(archived.archived_at.is_some());
    assert!(crm.products(false).unwrap().is_empty());
    assert_eq!(crm.products(true).unwrap().len(), 1);
    assert!(crm.verify().unwrap().is_ok());
}

#[test]
fn quotes_are_numbered_versioned_and_decided() {
    let (b, clock) = builder();
    let crm = b.open_in_memory().unwrap();
    let bare = crm.create_deal(deal("No lines", Some(eur(1)))).unwrap();
    refused(&crm, "validation", "deal", |c| {
        c.create_quote(
            bare.id,
            QuoteInput {
                valid_until: day(2026, 12, 31),
                notes: None,
            },
        )
    });
    let d = crm
        .create_deal(DealInput {
            line_items: vec![line("Audit", "1", eur(250_000))],
            ..deal("Audit", None)
        })
        .unwrap();
    refused(&crm, "validation", "valid_until", |c| {
        c.create_quote(
            d.id,
            QuoteInput {
                valid_until: day(2026, 1, 1),
                notes: None,
            },
        )
    });
    let until = QuoteInput {
        valid_until: day(2026, 12, 31),
        notes: Some("Net 30".into()),
    };
    let q1 = crm.create_quote(d.id, until.clone()).unwrap();
    assert_eq!((q1.number.as_str(), q1.version), ("Q-2026-0001", 1));
    assert_eq!(q1.status, QuoteStatus::Draft);
    assert_eq!(q1.totals.net, eur(250_000));

    // The deal changes; a revision quotes the new lines under the same number.
    let mut input = deal("Audit", None);
    input.line_items = vec![
        line("Audit", "1", eur(250_000)),
        line("Report", "1", eur(50_000)),
    ];
    crm.update_deal(d.id, input).unwrap();
    let q2 = crm.revise_quote(q1.id, until.clone()).unwrap();
    assert_eq!((q2.number.as_str(), q2.version), ("Q-2026-0001", 2));
    assert_eq!(q2.totals.net, eur(300_000));
    assert_eq!(crm.get_quote(q1.id).unwrap().superseded_by, Some(q2.id));
    assert_eq!(crm.get_quote(q1.id).unwrap().totals.net, eur(250_000));
    refused(&crm, "conflict", "quote", |c| c.send_quote(q1.id));
    let sent = crm.send_quote(q2.id).unwrap();
    assert_eq!(sent.status, QuoteStatus::Sent);
    refused(&crm, "validation", "quote", |c| c.send_quote(q2.id));
    assert_eq!(crm.find_quotes_by_number("q-2026-0001").unwrap().len(), 2);

    // Accepting sets the deal amount when asked.
    let mut input = deal("Audit", Some(eur(1)));
    input.line_items = vec![
        line("Audit", "1", eur(250_000)),
        line("Report", "1", eur(50_000)),
    ];
    assert_eq!(crm.update_deal(d.id, input).unwrap().amount, Some(eur(1)));
    let accepted = crm
        .accept_quote(
            q2.id,
            QuoteAcceptance {
                set_deal_amount: true,
            },
        )
        .unwrap();
    assert_eq!(accepted.status, QuoteStatus::Accepted);
    assert_eq!(crm.get_deal(d.id).unwrap().amount, Some(eur(300_000)));
    refused(&crm, "validation", "quote", |c| c.reject_quote(q2.id, None));

    // A second quote gets the next number; it cannot be accepted alongside the first.
    let other = crm
        .create_deal(DealInput {
            line_items: vec![line("Training", "2", eur(80_000))],
            ..deal("Training", None)
        })
        .unwrap();
    let q3 = crm.create_quote(other.id, until.clone()).unwrap();
    assert_eq!(q3.number, "Q-2026-0002");
    let q4 = crm.create_quote(d.id, until.clone()).unwrap();
    refused(&crm, "conflict", "quote", |c| {
        c.accept_quote(q4.id, QuoteAcceptance::default())
    });
    let rejected = crm.reject_quote(q4.id, Some("too late")).unwrap();
    assert_eq!(rejected.rejection_reason.as_deref(), Some("too late"));

    // A sent quote past its date reads as expired and can no longer be accepted.
    crm.send_quote(q3.id).unwrap();
    clock.advance(Duration::days(40));
    assert_eq!(crm.get_quote(q3.id).unwrap().status, QuoteStatus::Expired);
    refused(&crm, "validation", "valid_until", |c| {
        c.accept_quote(q3.id, QuoteAcceptance::default())
    });
    // Deleting the deal deletes its quotes.
    crm.delete_deal(other.id).unwrap();
    assert!(matches!(
        crm.get_quote(q3.id).unwrap_err(),
        Error::NotFound { .. }
    ));
    // Deleting the latest version makes the one before current again.
    crm.delete_quote(q2.id).unwrap();
    assert_eq!(crm.get_quote(q1.id).unwrap().superseded_by, None);
    assert!(crm.verify().unwrap().is_ok());
}

// ---- money ----

#[test]
fn rates_by_date_convert_exactly_and_freeze_won_deals() {
    let (b, clock) = builder();
    let crm = b.open_in_memory().unwrap();
    assert_eq!(crm.reporting_currency().unwrap(), Currency::EUR);
    let rate = |base: Currency, quote: Currency, date, r: &str| ExchangeRate {
        date,
        base,
        quote,
        rate: dec(r),
    };
    crm.set_exchange_rate(rate(
        Currency::EUR,
        Currency::PLN,
        day(2026, 1, 1),
        "4.2735",
    ))
    .unwrap();
    crm.set_exchange_rate(rate(Currency::EUR, Currency::PLN, day(2026, 12, 1), "4.5"))
        .unwrap();
    refused(&crm, "validation", "quote", |c| {
        c.set_exchange_rate(rate(Currency::EUR, Currency::EUR, day(2026, 1, 1), "1"))
    });
    refused(&crm, "validation", "rate", |c| {
        c.set_exchange_rate(rate(Currency::EUR, Currency::PLN, day(2026, 1, 1), "0"))
    });
    assert_eq!(
        crm.exchange_rates(Currency::EUR, Currency::PLN)
            .unwrap()
            .len(),
        2
    );
    // The latest rate on or before the date applies, inverted when needed.
    let c = |m, t, d| crm.convert_money(m, t, d).unwrap();
    assert_eq!(c(eur(1000), Currency::PLN, day(2026, 6, 1)), pln(4274));
    assert_eq!(c(eur(1000), Currency::PLN, day(2026, 12, 2)), pln(4500));
    assert_eq!(c(pln(4500), Currency::EUR, day(2026, 12, 2)), eur(1000));
    assert!(matches!(
        crm.convert_money(eur(1), Currency::PLN, day(2025, 12, 31)),
        Err(Error::NotFound { .. })
    ));
    // Minor digits: JPY has none, BHD three.
    let bhd = Currency::new("BHD").unwrap();
    crm.set_exchange_rate(rate(Currency::JPY, bhd, day(2026, 1, 1), "0.0025"))
        .unwrap();
    assert_eq!(
        c(Money::new(1_001, Currency::JPY), bhd, day(2026, 2, 1)),
        Money::new(2_503, bhd)
    );
    // Overflow is an error, not a panic.
    crm.set_exchange_rate(rate(
        Currency::JPY,
        Currency::EUR,
        day(2026, 1, 1),
        "1000000",
    ))
    .unwrap();
    assert!(
        crm.convert_money(
            Money::new(i64::MAX, Currency::JPY),
            Currency::EUR,
            day(2026, 2, 1)
        )
        .is_err()
    );

    // A won PLN deal is valued at the rate of its close date, and stays so (in the reporting
    // currency set, rather than the first deal's).
    crm.set_reporting_currency(Currency::EUR).unwrap();
    let p = crm.default_pipeline().unwrap();
    let d = crm.create_deal(deal("Łódź", Some(pln(427_350)))).unwrap();
    let won = crm.move_deal(d.id, to(stage_named(&p, "Won"))).unwrap();
    assert_eq!(won.closed_value, Some(eur(100_000)));
    crm.set_exchange_rate(rate(Currency::EUR, Currency::PLN, day(2026, 11, 1), "5"))
        .unwrap();
    clock.advance(Duration::days(1));
    let board = crm.leaderboard(TimeRange::default()).unwrap();
    assert_eq!(board.rows[0].won_value, eur(100_000));
    // A new reporting currency values it again at the close date's rate.
    crm.set_reporting_currency(Currency::PLN).unwrap();
    let board = crm.leaderboard(TimeRange::default()).unwrap();
    assert_eq!(board.currency, Currency::PLN);
    assert_eq!(board.rows[0].won_value, pln(427_350));
    assert!(crm.verify().unwrap().is_ok());
}

// ---- reports ----

/// A CRM with deals for the reports: EUR reporting, a PLN rate, two owners.
fn sales_floor() -> (Crm, Arc<ManualClock>, Pipeline) {
    let (b, clock) = builder();
    let crm = b.open_in_memory().unwrap();
    crm.set_exchange_rate(ExchangeRate {
        date: day(2026, 1, 1),
        base: Currency::EUR,
        quote: Currency::PLN,
        rate: dec("4"),
    })
    .unwrap();
    let p = crm.default_pipeline().unwrap();
    (crm, clock, p)
}

fn open_deal(
    crm: &Crm,
    p: &Pipeline,
    title: &str,
    owner: &str,
    amount: Money,
    stage: &str,
    close: NaiveDate,
) -> Deal {
    crm.create_deal(DealInput {
        owner: Some(owner.into()),
        stage: Some(stage_named(p, stage)),
        expected_close: Some(close),
        source: Some("referral".into()),
        ..deal(title, Some(amount))
    })
    .unwrap()
}

#[test]
fn pipeline_value_and_forecast_in_the_reporting_currency() {
    let (crm, _clock, p) = sales_floor();
    open_deal(
        &crm,
        &p,
        "a",
        "ana",
        eur(100_000),
        "Prospecting",
        day(2026, 12, 10),
    );
    open_deal(
        &crm,
        &p,
        "b",
        "ana",
        pln(400_000),
        "Proposal",
        day(2026, 12, 20),
    );
    open_deal(
        &crm,
        &p,
        "c",
        "bob",
        eur(33_333),
        "Proposal",
        day(2027, 1, 5),
    );
    let usd = open_deal(
        &crm,
        &p,
        "d",
        "bob",
        Money::new(10_000, Currency::USD),
        "Negotiation",
        day(2027, 2, 1),
    );
    let undated = crm.create_deal(deal("e", Some(eur(1)))).unwrap();

    let values = crm.pipeline_values().unwrap();
    let v = &values[0];
    assert_eq!(v.deals, 5);
    assert_eq!(v.unpriced, vec![usd.id]);
    // 1000 + 1000 (400 PLN at 4) + 333.33 + 0.01.
    assert_eq!(v.value, eur(100_000 + 100_000 + 33_333 + 1));
    let proposal = v.stages.iter().find(|s| s.name == "Proposal").unwrap();
    assert_eq!(proposal.deals, 2);
    assert_eq!(proposal.value, eur(133_333));
    // 50 % of 1000 = 500; 50 % of 333.33 = 166.665 → 166.67.
    assert_eq!(proposal.weighted, eur(50_000 + 16_667));
    let prospecting = v.stages.iter().find(|s| s.name == "Prospecting").unwrap();
    assert_eq!(prospecting.deals, 2);
    assert_eq!(prospecting.weighted, eur(10_000));
    assert_eq!(v.weighted, eur(10_000 + 50_000 + 16_667));
    assert_eq!(v.stages.len(), 4);

    let f = crm.forecast(&ForecastQuery::default()).unwrap();
    assert_eq!(f.currency, Currency::EUR);
    assert_eq!(f.undated, 1);
    assert_eq!(f.unpriced, vec![usd.id]);
    let names: Vec<&str> = f.periods.iter().map(|p| p.period.as_str()).collect();
    assert_eq!(names, vec!["2026-12", "2027-01"]);
    let dec_ = &f.periods[0];
    assert_eq!(
        (dec_.deals, dec_.value, dec_.weighted),
        (2, eur(200_000), eur(60_000))
    );
    assert_eq!(dec_.owners.len(), 1);
    assert_eq!(dec_.owners[0].owner.as_deref(), Some("ana"));
    let q = crm
        .forecast(&ForecastQuery {
            period: Period::Quarter,
            owner: Some("bob".into()),
            ..ForecastQuery::default()
        })
        .unwrap();
    assert_eq!(q.periods.len(), 1);
    assert_eq!(q.periods[0].period, "2027-Q1");
    assert_eq!(q.periods[0].weighted, eur(16_667));
    let _ = undated;
    // With a USD rate the deal is priced too.
    crm.set_exchange_rate(ExchangeRate {
        date: day(2026, 1, 1),
        base: Currency::USD,
        quote: Currency::EUR,
        rate: dec("0.9"),
    })
    .unwrap();
    let values = crm.pipeline_values().unwrap();
    assert!(values[0].unpriced.is_empty());
    assert_eq!(values[0].value, eur(100_000 + 100_000 + 33_333 + 1 + 9_000));
}

#[test]
fn win_rates_cycle_closing_and_leaderboard() {
    let (crm, clock, p) = sales_floor();
    let won = stage_named(&p, "Won");
    let lost = stage_named(&p, "Lost");
    let a = open_deal(
        &crm,
        &p,
        "a",
        "ana",
        eur(100_000),
        "Prospecting",
        day(2026, 12, 10),
    );
    let b_ = open_deal(
        &crm,
        &p,
        "b",
        "ana",
        pln(400_000),
        "Prospecting",
        day(2026, 12, 20),
    );
    let c = open_deal(
        &crm,
        &p,
        "c",
        "bob",
        eur(50_000),
        "Prospecting",
        day(2026, 12, 1),
    );
    let open = open_deal(
        &crm,
        &p,
        "d",
        "bob",
        eur(10_000),
        "Proposal",
        day(2026, 12, 5),
    );
    clock.advance(Duration::days(10));
    crm.move_deal(a.id, to(stage_named(&p, "Proposal")))
        .unwrap();
    clock.advance(Duration::days(10));
    crm.move_deal(a.id, to(won)).unwrap();
    clock.advance(Duration::days(10));
    crm.move_deal(b_.id, to(won)).unwrap();
    crm.move_deal(c.id, to(lost)).unwrap();

    let rates = crm
        .win_rates(&WinRateQuery {
            group_by: Some(GroupBy::Owner),
            ..WinRateQuery::default()
        })
        .unwrap();
    assert_eq!((rates.overall.won, rates.overall.lost), (2, 1));
    assert_eq!(rates.overall.win_rate, Some(dec("66.67")));
    assert_eq!(rates.groups.len(), 2);
    assert_eq!(rates.groups[0].group.as_deref(), Some("ana"));
    assert_eq!(rates.groups[0].win_rate, Some(dec("100")));
    assert_eq!(rates.groups[1].win_rate, Some(dec("0")));
    let by_source = crm
        .win_rates(&WinRateQuery {
            group_by: Some(GroupBy::Source),
            ..WinRateQuery::default()
        })
        .unwrap();
    assert_eq!(by_source.groups[0].group.as_deref(), Some("referral"));
    let none = crm
        .win_rates(&WinRateQuery {
            closed: TimeRange {
                since: None,
                until: Some(start()),
            },
            ..WinRateQuery::default()
        })
        .unwrap();
    assert_eq!(none.overall.win_rate, None);

    let cycle = crm.sales_cycle(&SalesCycleQuery::default()).unwrap();
    assert_eq!((cycle.won, cycle.lost, cycle.open_deals), (2, 1, 1));
    // a took 20 days and b 30 (plus the seconds the stepping clock adds).
    let avg = cycle.average_days.unwrap();
    assert!(avg >= dec("25") && avg < dec("25.01"), "{avg}");
    let median = cycle.median_days.unwrap();
    assert!(median >= dec("25") && median < dec("25.01"), "{median}");
    let prospecting = cycle
        .stages
        .iter()
        .find(|s| s.name == "Prospecting")
        .unwrap();
    assert_eq!(prospecting.deals, 3);
    assert!(prospecting.average_days >= dec("23.33") && prospecting.average_days < dec("23.35"));
    assert_eq!(cycle.average_won_value, Some(eur(100_000)));
    assert_eq!(cycle.win_rate, Some(dec("66.67")));
    // 1 open × 1000.00 × 2/3 ÷ 25 days ≈ 26.67 a day.
    let velocity = cycle.velocity_per_day.unwrap();
    assert!(
        (2_660..=2_667).contains(&velocity.amount_minor()),
        "{velocity}"
    );

    let closing = crm
        .deals_closing(&ClosingQuery {
            since: day(2026, 12, 1),
            until: day(2026, 12, 31),
            owner: None,
            pipeline: None,
        })
        .unwrap();
    assert_eq!(
        closing.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![open.id]
    );
    refused(&crm, "validation", "until", |c| {
        c.deals_closing(&ClosingQuery {
            since: day(2026, 12, 31),
            until: day(2026, 12, 1),
            owner: None,
            pipeline: None,
        })
    });

    let board = crm.leaderboard(TimeRange::default()).unwrap();
    assert_eq!(board.rows.len(), 2);
    assert_eq!(board.rows[0].owner.as_deref(), Some("ana"));
    assert_eq!(
        (board.rows[0].won, board.rows[0].won_value),
        (2, eur(200_000))
    );
    assert_eq!((board.rows[1].won, board.rows[1].lost), (0, 1));
    // Archived deals leave every report.
    crm.archive_deal(a.id).unwrap();
    let board = crm.leaderboard(TimeRange::default()).unwrap();
    assert_eq!(board.rows[0].won_value, eur(100_000));
}

/// Report sums are kept in 128 bits: deals at the largest amount add up exactly, in every
/// figure, instead of failing the report on a field the caller never passed.
#[test]
fn report_sums_of_deals_at_the_amount_cap_are_exact() {
    let crm = crm();
    let p = crm.default_pipeline().unwrap();
    let owner = |d: DealInput| DealInput {
        owner: Some("ana".into()),
        expected_close: Some(day(2026, 12, 1)),
        ..d
    };
    for t in ["a", "b", "c"] {
        crm.create_deal(owner(deal(t, Some(eur(MAX_EXACT_INTEGER)))))
            .unwrap();
    }
    let sum = eur(3 * MAX_EXACT_INTEGER);
    let values = crm.pipeline_values().unwrap();
    assert_eq!(values[0].value, sum);
    assert_eq!(values[0].stages[0].value, sum);
    assert_eq!(values[0].weighted, eur(3 * 900_719_925_474_099));
    let forecast = crm.forecast(&ForecastQuery::default()).unwrap();
    assert_eq!(forecast.periods[0].value, sum);
    assert_eq!(forecast.periods[0].owners[0].value, sum);
    for d in crm.list_deals(&DealQuery::default()).unwrap().items {
        crm.move_deal(d.id, to(stage_named(&p, "Won"))).unwrap();
    }
    let board = crm.leaderboard(TimeRange::default()).unwrap();
    assert_eq!(board.rows[0].won_value, sum);
    let cycle = crm.sales_cycle(&SalesCycleQuery::default()).unwrap();
    assert_eq!(cycle.average_won_value, Some(eur(MAX_EXACT_INTEGER)));
}

/// One deal whose amount cannot be converted at an extreme rate fails a report with an
/// error naming that deal's amount (`deal_….amount`), not `amount`; moving such a deal to a
/// won stage is refused rather than leaving it without its frozen value.
#[test]
fn an_extreme_rate_names_the_deal_it_cannot_convert() {
    let crm = crm();
    let p = crm.default_pipeline().unwrap();
    let ordinary = crm.create_deal(deal("Zwykła", Some(eur(100_000)))).unwrap();
    let big = crm
        .create_deal(DealInput {
            expected_close: Some(day(2026, 12, 1)),
            ..deal("Duża", Some(Money::new(1_000_000_000, Currency::USD)))
        })
        .unwrap();
    let rate = |r: &str| ExchangeRate {
        date: day(2026, 1, 1),
        base: Currency::USD,
        quote: Currency::EUR,
        rate: dec(r),
    };
    // 10,000,000.00 USD at 900,000,000 EUR a dollar is beyond what every runtime holds.
    crm.set_exchange_rate(rate("900000000")).unwrap();
    let field = format!("{}.amount", big.id);
    let e = crm.pipeline_values().unwrap_err();
    assert_eq!((e.code(), e.field()), ("validation", Some(field.as_str())));
    assert!(e.to_string().contains("USD into EUR"), "{e}");
    let e = crm.forecast(&ForecastQuery::default()).unwrap_err();
    assert_eq!(e.field(), Some(field.as_str()));
    // Moving it to won is refused and changes nothing; the ordinary deal still closes.
    let won = stage_named(&p, "Won");
    let e = refused(&crm, "validation", &field, |c| c.move_deal(big.id, to(won)));
    assert!(e.to_string().contains("USD into EUR"), "{e}");
    assert_eq!(
        crm.move_deal(ordinary.id, to(won)).unwrap().closed_value,
        Some(eur(100_000))
    );
    // Lost, it closes without a frozen value (no report reads a lost deal's).
    let lost = crm.move_deal(big.id, to(stage_named(&p, "Lost"))).unwrap();
    assert_eq!(lost.closed_value, None);
    // A deal created won, or updated, names the caller's `amount`.
    refused(&crm, "validation", "amount", |c| {
        c.create_deal(DealInput {
            stage: Some(won),
            ..deal("Od razu", Some(Money::new(1_000_000_000, Currency::USD)))
        })
    });
    // At a rate that fits, the won deal gets its frozen value and the reports work again.
    crm.set_exchange_rate(ExchangeRate {
        date: day(2026, 6, 1),
        ..rate("0.9")
    })
    .unwrap();
    let reopened = crm
        .move_deal(big.id, to(stage_named(&p, "Prospecting")))
        .unwrap();
    let won_big = crm.move_deal(reopened.id, to(won)).unwrap();
    assert_eq!(won_big.closed_value, Some(eur(900_000_000)));
    assert!(crm.pipeline_values().is_ok());
    assert_eq!(
        crm.leaderboard(TimeRange::default()).unwrap().rows[0].won_value,
        eur(900_100_000)
    );
    assert!(crm.verify().unwrap().is_ok());
}

/// The leaderboard reads closed deals one by one when they are few among many open ones and
/// in one walk of the deals when they are many; both give the figures of the deals.
#[test]
fn the_leaderboard_counts_every_closed_deal_whether_few_or_many() {
    let crm = crm();
    let p = crm.default_pipeline().unwrap();
    let (won, lost) = (stage_named(&p, "Won"), stage_named(&p, "Lost"));
    let owners = [Some("ana"), Some("łukasz"), None];
    let mut deals = Vec::new();
    for i in 0..40usize {
        let amount = if i % 7 == 6 {
            pln(1_000)
        } else {
            eur(100 * (i as i64 + 1))
        };
        let d = crm
            .create_deal(DealInput {
                owner: owners[i % 3].map(str::to_string),
                ..deal(&format!("deal {i}"), Some(amount))
            })
            .unwrap();
        deals.push((d.id, owners[i % 3], amount));
    }
    // Expected rows (owner → won, EUR value, lost) and unpriced PLN deals (no EUR/PLN rate).
    let mut expected: std::collections::BTreeMap<Option<&str>, (u64, i64, u64)> =
        Default::default();
    let mut unpriced = Vec::new();
    let check = |expected: &std::collections::BTreeMap<Option<&str>, (u64, i64, u64)>,
                 unpriced: &Vec<DealId>| {
        let board = crm.leaderboard(TimeRange::default()).unwrap();
        let got: std::collections::BTreeMap<Option<&str>, (u64, i64, u64)> = board
            .rows
            .iter()
            .map(|r| {
                (
                    r.owner.as_deref(),
                    (r.won, r.won_value.amount_minor(), r.lost),
                )
            })
            .collect();
        assert_eq!(&got, expected);
        assert_eq!(&board.unpriced, unpriced);
    };
    // Few closed among many open: 2 of 40.
    for (k, &(id, owner, amount)) in deals.iter().enumerate().take(2) {
        let stage = if k == 0 { won } else { lost };
        crm.move_deal(id, to(stage)).unwrap();
        let row = expected.entry(owner).or_default();
        if k == 0 {
            row.0 += 1;
            row.1 += amount.amount_minor();
        } else {
            row.2 += 1;
        }
    }
    check(&expected, &unpriced);
    // Most closed: every deal but the last five.
    for (k, &(id, owner, amount)) in deals.iter().enumerate().take(35).skip(2) {
        let row = expected.entry(owner).or_default();
        if k % 2 == 0 {
            crm.move_deal(id, to(won)).unwrap();
            row.0 += 1;
            if amount.currency() == Currency::EUR {
                row.1 += amount.amount_minor();
            } else {
                unpriced.push(id);
            }
        } else {
            crm.move_deal(id, to(lost)).unwrap();
            row.2 += 1;
        }
    }
    check(&expected, &unpriced);
}
