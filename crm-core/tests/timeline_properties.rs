//! Property tests of timelines: whatever happened to a record, paging through its timeline in
//! either order returns every entry exactly once, in time order.

mod common;

use std::collections::BTreeSet;

use chrono::Duration;
use common::*;
use crm_core::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    /// An activity `hours` from the start, linked to Ana, Jan or both, or with Ana taking
    /// part.
    Log { hours: i64, to: u8, kind: u8 },
    /// Changes Ana's job title (a recorded change).
    Edit(u8),
    /// Deletes the n-th activity logged so far.
    Delete(usize),
    /// Moves the n-th activity to another time.
    Move(usize, i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (-2000i64..2000, 0u8..4, 0u8..4).prop_map(|(hours, to, kind)| Op::Log { hours, to, kind }),
        1 => (0u8..4).prop_map(Op::Edit),
        1 => (0usize..40).prop_map(Op::Delete),
        1 => (0usize..40, -2000i64..2000).prop_map(|(n, h)| Op::Move(n, h)),
    ]
}

fn walk(crm: &Crm, rec: RecordRef, limit: u32, oldest_first: bool) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    let mut cursor = None;
    for _ in 0..1000 {
        let page = crm
            .timeline(&TimelineQuery {
                record: rec,
                limit,
                cursor,
                oldest_first,
            })
            .unwrap();
        assert!(page.items.len() <= limit as usize);
        let last_page = page.next_cursor.is_none();
        out.extend(page.items);
        if last_page {
            return out;
        }
        cursor = page.next_cursor;
    }
    panic!("the cursor does not advance: more than 1000 pages");
}

/// An entry's identity: its kind and the id of what it shows.
fn identity(e: &TimelineEntry) -> (TimelineEntryKind, String) {
    let id = match e.kind {
        TimelineEntryKind::Activity => e.activity.as_ref().unwrap().id.to_string(),
        TimelineEntryKind::Change => format!("{:?}", e.change.as_ref().unwrap().at),
        _ => String::new(),
    };
    (e.kind, id)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn timelines_are_ordered_complete_and_without_duplicates(
        ops in prop::collection::vec(op(), 1..40),
        limit in 1u32..7,
    ) {
        let crm = crm();
        let ana = crm.create_contact(person("Ana", "Pop", "ana@firma.ro")).unwrap();
        let jan = crm.create_contact(person("Jan", "Nowak", "jan@firma.pl")).unwrap();
        let mut logged: Vec<(ActivityId, bool)> = Vec::new(); // (id, on Ana's timeline)
        let mut alive: BTreeSet<ActivityId> = BTreeSet::new();
        let mut edits = 0usize;
        for op in ops {
            match op {
                Op::Log { hours, to, kind } => {
                    let kinds = [ActivityKind::Call, ActivityKind::Note, ActivityKind::Task, ActivityKind::Email];
                    let kind = kinds[kind as usize];
                    let when = start() + Duration::hours(hours);
                    let mut input = ActivityInput {
                        kind,
                        subject: "x".into(),
                        ..ActivityInput::default()
                    };
                    match kind {
                        ActivityKind::Task => input.due_at = Some(when),
                        ActivityKind::Note => {}
                        _ => input.starts_at = Some(when),
                    }
                    let on_ana = match to {
                        0 => { input.links = vec![ana.id.into()]; true }
                        1 => { input.links = vec![jan.id.into()]; false }
                        2 => { input.links = vec![jan.id.into(), ana.id.into()]; true }
                        _ => {
                            input.links = vec![jan.id.into()];
                            input.participants = vec![Participant { contact: Some(ana.id), ..Participant::default() }];
                            true
                        }
                    };
                    let a = crm.create_activity(input).unwrap();
                    logged.push((a.id, on_ana));
                    alive.insert(a.id);
                }
                Op::Edit(n) => {
                    let mut input = crm.get_contact(ana.id).unwrap().to_input();
                    let title = format!("title {n}");
                    if input.job_title.as_deref() != Some(title.as_str()) {
                        edits += 1;
                    }
                    input.job_title = Some(title);
                    crm.update_contact(ana.id, input).unwrap();
                }
                Op::Delete(n) => {
                    if let Some((id, _)) = logged.get(n) {
                        if alive.remove(id) {
                            crm.delete_activity(*id).unwrap();
                        }
                    }
                }
                Op::Move(n, hours) => {
                    if let Some((id, _)) = logged.get(n) {
                        if alive.contains(id) {
                            let a = crm.get_activity(*id).unwrap();
                            let mut input = a.to_input();
                            let when = start() + Duration::hours(hours);
                            if input.due_at.is_some() { input.due_at = Some(when); }
                            if input.starts_at.is_some() { input.starts_at = Some(when); }
                            crm.update_activity(*id, input).unwrap();
                        }
                    }
                }
            }
        }
        let expected: BTreeSet<String> = logged
            .iter()
            .filter(|(id, on_ana)| *on_ana && alive.contains(id))
            .map(|(id, _)| id.to_string())
            .collect();
        for oldest_first in [false, true] {
            let entries = walk(&crm, ana.id.into(), limit, oldest_first);
            // Ordered.
            for w in entries.windows(2) {
                if oldest_first {
                    prop_assert!(w[0].at <= w[1].at);
                } else {
                    prop_assert!(w[0].at >= w[1].at);
                }
            }
            // No duplicates.
            let ids: Vec<_> = entries.iter().map(identity).collect();
            let unique: BTreeSet<_> = ids.iter().cloned().collect();
            prop_assert_eq!(unique.len(), ids.len());
            // Complete: every live activity on Ana's timeline, each change, the creation.
            let acts: BTreeSet<String> = entries
                .iter()
                .filter_map(|e| e.activity.as_ref())
                .map(|a| a.id.to_string())
                .collect();
            prop_assert_eq!(&acts, &expected);
            for e in entries.iter().filter_map(|e| e.activity.as_ref()) {
                let entry_at = e.when();
                prop_assert!(entries.iter().any(|x| x.at == entry_at));
            }
            prop_assert_eq!(
                entries.iter().filter(|e| e.kind == TimelineEntryKind::Change).count(),
                edits
            );
            prop_assert_eq!(
                entries.iter().filter(|e| e.kind == TimelineEntryKind::Created).count(),
                1
            );
        }
    }
}
