//! The record kinds each engine walks: the API lists them here, so that the engines below the
//! domains (search, integrity checks) never name a domain.

use crate::people::company::Company;
use crate::people::contact::Contact;
use crate::queries::search::SearchKind;
use crate::records::integrity::{self, IntegrityReport, Verify};
use crate::sales::deal::Deal;
use crate::sales::lead::Lead;
use crate::storage::store::AnyTx;
use crate::values::error::Result;
use crate::{activities, people, records, sales};

/// The kinds full-text search finds, in the order their hits rank on equal scores.
pub(crate) const SEARCHED: [SearchKind; 4] = [
    SearchKind::of::<Contact>(),
    SearchKind::of::<Company>(),
    SearchKind::of::<Lead>(),
    SearchKind::of::<Deal>(),
];

/// Every domain's checks, fresh.
pub(crate) fn checks() -> Vec<Box<dyn Verify>> {
    vec![
        Box::new(people::checks::Checks::default()),
        Box::new(sales::checks::Checks::default()),
        Box::new(activities::checks::Checks::default()),
        Box::new(records::changes::Checks::default()),
    ]
}

/// Checks the whole file with every domain's checks.
pub(crate) fn verify(r: &mut AnyTx<'_, '_>) -> Result<IntegrityReport> {
    integrity::verify(r, &mut checks())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::people::company::CompanyInput;
    use crate::people::contact::{self, ContactInput, Email};
    use crate::people::relation::{self, EmploymentInput};
    use crate::records::record;
    use crate::storage::store::{Location, Store, Writer};
    use crate::values::context::Ctx;
    use crate::values::error::Error;

    /// Damage written below the operations is found by the domains' checks and the entry
    /// comparison, and named by typed record ids, never by what the records hold.
    #[test]
    fn verify_finds_damage_and_names_it_by_record_id_only() {
        let ctx = Ctx::for_tests();
        let store = Store::open(Location::Memory, None).unwrap();
        crate::api::migrations::prepare(&store, &ctx).unwrap();
        let (zofia, job) = store
            .write(|w| {
                let zofia = contact::create(
                    w,
                    &ctx,
                    &ContactInput {
                        given_name: Some("Zofia".into()),
                        emails: vec![Email::new("zofia@example.pl")],
                        ..ContactInput::default()
                    },
                )?;
                let firma = crate::people::company::create(
                    w,
                    &ctx,
                    &CompanyInput {
                        name: "Firma".into(),
                        ..CompanyInput::default()
                    },
                )?;
                let job = relation::link(
                    w,
                    &ctx,
                    &EmploymentInput {
                        contact: zofia.id,
                        company: firma.id,
                        role: None,
                        title: None,
                        primary: true,
                    },
                )?;
                Ok((zofia, job))
            })
            .unwrap();
        let report = store.read(|r| verify(&mut AnyTx::Read(r))).unwrap();
        assert!(report.is_ok(), "{report:?}");
        assert_eq!(report.records, 3 + 1, "with the default pipeline");

        // One of the contact's index entries goes missing.
        let key = record::entries_of(&zofia).index[0].clone();
        store.write(|w| w.index_remove(&key)).unwrap();
        let report = store.read(|r| verify(&mut AnyTx::Read(r))).unwrap();
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.starts_with("missing index")
                    && p.ends_with(&format!("entry of {}", zofia.id))),
            "{report:?}"
        );

        // The contact goes, its employment stays.
        store.write(|w| record::erase(w, &zofia)).unwrap();
        let report = store.read(|r| verify(&mut AnyTx::Read(r))).unwrap();
        assert!(
            report
                .problems
                .contains(&format!("{} links a record that does not exist", job.id)),
            "{report:?}"
        );
        for p in &report.problems {
            assert!(!p.contains("Zofia") && !p.contains("zofia@"), "{p}");
        }
    }

    /// A stored record that cannot be decoded is reported as damage to that record, by its
    /// table and typed id, not as a generic storage failure.
    #[test]
    fn a_damaged_record_is_a_corrupt_error_naming_its_table_and_id() {
        let ctx = Ctx::for_tests();
        let store = Store::open(Location::Memory, None).unwrap();
        crate::api::migrations::prepare(&store, &ctx).unwrap();
        let zofia = store
            .write(|w| {
                contact::create(
                    w,
                    &ctx,
                    &ContactInput {
                        given_name: Some("Zofia".into()),
                        ..ContactInput::default()
                    },
                )
            })
            .unwrap();
        store
            .write(|w| {
                w.put(
                    crate::records::tables::CONTACTS,
                    &zofia.id.to_bytes(),
                    b"\xff\x00",
                )
                .map(drop)
            })
            .unwrap();
        let err = store.read(|r| contact::get(r, zofia.id)).unwrap_err();
        assert_eq!(err.code(), "corrupt");
        match &err {
            Error::Corrupt { table, record, .. } => {
                assert_eq!(table, "contacts");
                assert_eq!(record.as_deref(), Some(zofia.id.to_string().as_str()));
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains(&zofia.id.to_string()), "{err}");
    }

    /// `verify` names every record that does not decode and keeps going.
    #[test]
    fn verify_reports_every_damaged_record_and_goes_on() {
        let ctx = Ctx::for_tests();
        let store = Store::open(Location::Memory, None).unwrap();
        crate::api::migrations::prepare(&store, &ctx).unwrap();
        let people: Vec<_> = (0..4)
            .map(|i| {
                store
                    .write(|w| {
                        contact::create(
                            w,
                            &ctx,
                            &ContactInput {
                                given_name: Some(format!("Ștefan {i}")),
                                ..ContactInput::default()
                            },
                        )
                    })
                    .unwrap()
            })
            .collect();
        for damaged in [&people[0], &people[2]] {
            store
                .write(|w| {
                    w.put(
                        crate::records::tables::CONTACTS,
                        &damaged.id.to_bytes(),
                        b"\xa1\x00\xff",
                    )
                    .map(drop)
                })
                .unwrap();
        }
        let report = store
            .read(|r| verify(&mut AnyTx::Read(r)))
            .expect("verify reports damage rather than failing");
        for (i, p) in people.iter().enumerate() {
            let named = report
                .problems
                .iter()
                .any(|m| m.contains(&p.id.to_string()) && m.contains("cannot be read"));
            assert_eq!(named, i % 2 == 0, "{i}: {:?}", report.problems);
        }
    }
}
