//! Sales pipelines: ordered stages, each with a probability, a kind (open, won, lost) and an
//! optional number of days after which a deal sitting in it is "rotten".
//!
//! A pipeline is one record holding its stages in order. A new CRM has a default pipeline
//! (Prospecting 10, Qualification 20, Proposal 50, Negotiation 80, Won 100, Lost 0). A stage
//! that holds deals is never removed without its deals being moved, in the same transaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::records::codec;
use crate::records::index::Entries;
use crate::records::record::{self, Record};
use crate::records::tables;
use crate::sales::deal;
use crate::storage::store::{Flow, Reader, Table, Writer};
use crate::values::context::Ctx;
use crate::values::error::{Error, Result};
use crate::values::id::{DealId, PipelineId, StageId};
use crate::values::order;
use crate::{values::input, values::text};

/// Whether a stage is open, or closes a deal as won or lost.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    minicbor::Encode,
    minicbor::Decode,
)]
#[serde(rename_all = "snake_case")]
#[cbor(index_only)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum StageKind {
    /// The deal is still being worked on.
    #[n(0)]
    Open,
    /// The deal was won.
    #[n(1)]
    Won,
    /// The deal was lost.
    #[n(2)]
    Lost,
}

/// A stage of a pipeline.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Stage {
    /// The stage's id, `stage_…`.
    #[n(0)]
    pub id: StageId,
    /// The stage's name, unique in its pipeline.
    #[n(1)]
    pub name: String,
    /// The chance, in percent, that a deal in this stage is won.
    #[n(2)]
    pub probability: u8,
    /// Open, won or lost.
    #[n(3)]
    pub kind: StageKind,
    /// An open deal that stays longer than this many days is rotten.
    #[n(4)]
    pub rotten_after_days: Option<u32>,
    /// Archived stages take no new deals and hold none.
    #[n(5)]
    #[cbor(default)]
    pub archived: bool,
}

/// What a caller provides to add or change a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    /// The name, unique in the pipeline (ignoring case and diacritics).
    pub name: String,
    /// The chance, in percent (0 to 100), that a deal in this stage is won.
    pub probability: u8,
    /// Open, won or lost.
    pub kind: StageKind,
    /// For open stages: days after which a deal sitting here is rotten.
    #[serde(default)]
    pub rotten_after_days: Option<u32>,
}

impl StageInput {
    /// An open stage.
    pub fn open(name: &str, probability: u8) -> StageInput {
        StageInput {
            name: name.into(),
            probability,
            kind: StageKind::Open,
            rotten_after_days: None,
        }
    }
}

/// A sales pipeline.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, minicbor::Encode, minicbor::Decode,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Pipeline {
    /// The pipeline's id, `pipeline_…`.
    #[cbor(skip)]
    pub id: PipelineId,
    /// The pipeline's name.
    #[n(0)]
    pub name: String,
    /// Its stages in order, archived ones included.
    #[n(1)]
    pub stages: Vec<Stage>,
    /// Whether new deals go here when they name no pipeline.
    #[n(2)]
    #[cbor(default)]
    pub is_default: bool,
    /// When it was created.
    #[n(3)]
    #[cbor(with = "codec::instant")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[n(4)]
    #[cbor(with = "codec::instant")]
    pub updated_at: DateTime<Utc>,
}

/// What a caller provides to create a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PipelineInput {
    /// The name.
    pub name: String,
    /// The stages in order: at least one open, one won and one lost.
    pub stages: Vec<StageInput>,
}

impl Record for Pipeline {
    const TABLE: Table = tables::PIPELINES;
    const NAME: &'static str = "pipeline";
    const ID_PREFIX: &'static str = "pipeline";

    fn raw_id(&self) -> u128 {
        self.id.as_u128()
    }
    fn set_raw_id(&mut self, raw: u128) {
        self.id = PipelineId::from_u128(raw);
    }
    fn entries(&self, _: &mut Entries) {}
}

impl Pipeline {
    /// The stage with this id (archived or not).
    pub fn stage(&self, id: StageId) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// The active stages, in order.
    pub fn active_stages(&self) -> impl Iterator<Item = &Stage> {
        self.stages.iter().filter(|s| !s.archived)
    }

    /// The first active open stage, where new deals start.
    pub fn first_open_stage(&self) -> Option<&Stage> {
        self.active_stages().find(|s| s.kind == StageKind::Open)
    }
}

fn check_stage(field: &str, s: &StageInput) -> Result<StageInput> {
    let name = input::line(&format!("{field}.name"), Some(&s.name))?
        .ok_or_else(|| Error::validation(format!("{field}.name"), "is required"))?;
    if s.probability > 100 {
        return Err(Error::validation(
            format!("{field}.probability"),
            "must be from 0 to 100",
        ));
    }
    if s.rotten_after_days.is_some() && s.kind != StageKind::Open {
        return Err(Error::validation(
            format!("{field}.rotten_after_days"),
            "only open stages can rot",
        ));
    }
    if s.rotten_after_days == Some(0) {
        return Err(Error::validation(
            format!("{field}.rotten_after_days"),
            "must be at least 1",
        ));
    }
    Ok(StageInput { name, ..s.clone() })
}

/// Refuses a pipeline whose active stages lack an open, a won or a lost stage, or repeat a
/// name.
fn check_shape(p: &Pipeline) -> Result<()> {
    for (kind, what) in [
        (StageKind::Open, "an open stage"),
        (StageKind::Won, "a won stage"),
        (StageKind::Lost, "a lost stage"),
    ] {
        if !p.active_stages().any(|s| s.kind == kind) {
            return Err(Error::validation(
                "stages",
                format!("a pipeline needs {what}"),
            ));
        }
    }
    let mut names: Vec<String> = Vec::new();
    for (i, s) in p.stages.iter().enumerate().filter(|(_, s)| !s.archived) {
        let folded = text::fold(&s.name);
        if names.contains(&folded) {
            return Err(Error::validation(
                format!("stages[{i}].name"),
                "repeats another stage's name",
            ));
        }
        names.push(folded);
    }
    Ok(())
}

fn new_stage(ctx: &Ctx, now: DateTime<Utc>, s: StageInput) -> Stage {
    Stage {
        id: StageId::from_u128(ctx.mint(now)),
        name: s.name,
        probability: s.probability,
        kind: s.kind,
        rotten_after_days: s.rotten_after_days,
        archived: false,
    }
}

pub(crate) fn get(r: &mut impl Reader, id: PipelineId) -> Result<Pipeline> {
    record::require(r, id.as_u128(), id)
}

/// Every pipeline, in the order they were created.
pub(crate) fn all(r: &mut impl Reader) -> Result<Vec<Pipeline>> {
    let mut out = Vec::new();
    record::for_each::<Pipeline>(r, |p| {
        out.push(p);
        Ok(Flow::Continue(()))
    })?;
    Ok(out)
}

/// The pipeline new deals go to when they name none.
pub(crate) fn default(r: &mut impl Reader) -> Result<Pipeline> {
    all(r)?
        .into_iter()
        .find(|p| p.is_default)
        .ok_or_else(|| Error::not_found("pipeline", "default"))
}

/// The highest stage id of every pipeline (stage ids live inside pipeline records, so the id
/// floor has to look for them there).
pub(crate) fn highest_stage_id(r: &mut impl Reader) -> Result<u128> {
    Ok(all(r)?
        .iter()
        .flat_map(|p| p.stages.iter().map(|s| s.id.as_u128()))
        .max()
        .unwrap_or(0))
}

pub(crate) fn create(
    w: &mut impl Writer,
    ctx: &Ctx,
    input: &PipelineInput,
    is_default: bool,
) -> Result<Pipeline> {
    let name = input::line("name", Some(&input.name))?
        .ok_or_else(|| Error::validation("name", "is required"))?;
    let stages = input
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| check_stage(&format!("stages[{i}]"), s))
        .collect::<Result<Vec<_>>>()?;
    let now = ctx.now();
    let pipeline = Pipeline {
        id: PipelineId::from_u128(ctx.mint(now)),
        name,
        stages: stages.into_iter().map(|s| new_stage(ctx, now, s)).collect(),
        is_default,
        created_at: now,
        updated_at: now,
    };
    check_shape(&pipeline)?;
    record::save(w, None, &pipeline)?;
    Ok(pipeline)
}

/// The pipeline every new CRM has.
pub(crate) fn create_default(w: &mut impl Writer, ctx: &Ctx) -> Result<Pipeline> {
    let stage = |name: &str, probability, kind| StageInput {
        name: name.into(),
        probability,
        kind,
        rotten_after_days: None,
    };
    let input = PipelineInput {
        name: "Sales".into(),
        stages: vec![
            stage("Prospecting", 10, StageKind::Open),
            stage("Qualification", 20, StageKind::Open),
            stage("Proposal", 50, StageKind::Open),
            stage("Negotiation", 80, StageKind::Open),
            stage("Won", 100, StageKind::Won),
            stage("Lost", 0, StageKind::Lost),
        ],
    };
    create(w, ctx, &input, true)
}

fn save_changed(
    w: &mut impl Writer,
    ctx: &Ctx,
    old: &Pipeline,
    mut new: Pipeline,
) -> Result<Pipeline> {
    check_shape(&new)?;
    new.updated_at = ctx.now().max(old.updated_at);
    record::save(w, Some(old), &new)?;
    Ok(new)
}

pub(crate) fn rename(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: PipelineId,
    name: &str,
) -> Result<Pipeline> {
    let old = get(w, id)?;
    let name =
        input::line("name", Some(name))?.ok_or_else(|| Error::validation("name", "is required"))?;
    let new = Pipeline {
        name,
        ..old.clone()
    };
    save_changed(w, ctx, &old, new)
}

pub(crate) fn set_default(w: &mut impl Writer, ctx: &Ctx, id: PipelineId) -> Result<Pipeline> {
    // The chosen pipeline as stored: unchanged when it already was the default.
    let mut chosen = get(w, id)?;
    for p in all(w)? {
        if p.is_default != (p.id == id) {
            let changed = Pipeline {
                is_default: p.id == id,
                ..p.clone()
            };
            let saved = save_changed(w, ctx, &p, changed)?;
            if saved.id == id {
                chosen = saved;
            }
        }
    }
    Ok(chosen)
}

pub(crate) fn add_stage(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: PipelineId,
    stage: &StageInput,
    position: Option<u32>,
) -> Result<Pipeline> {
    let old = get(w, id)?;
    let stage = check_stage("stage", stage)?;
    let mut new = old.clone();
    let at = position.map_or(new.stages.len(), |p| (p as usize).min(new.stages.len()));
    new.stages.insert(at, new_stage(ctx, ctx.now(), stage));
    save_changed(w, ctx, &old, new)
}

fn stage_index(p: &Pipeline, stage: StageId, field: &str) -> Result<usize> {
    p.stages
        .iter()
        .position(|s| s.id == stage && !s.archived)
        .ok_or_else(|| Error::validation(field, "is not an active stage of this pipeline"))
}

/// Changes a stage's name, probability, kind or rotting. A stage holding deals keeps its
/// kind: move them first.
pub(crate) fn update_stage(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: PipelineId,
    stage: StageId,
    input: &StageInput,
) -> Result<Pipeline> {
    let old = get(w, id)?;
    let i = stage_index(&old, stage, "stage")?;
    let input = check_stage("input", input)?;
    if input.kind != old.stages[i].kind {
        if let Some(&deal) = deal::ids_in_stage(w, id, stage)?.first() {
            return Err(Error::Conflict {
                field: "input.kind".into(),
                existing: DealId::from_u128(deal).to_string(),
                reason: "deals are in this stage; move them before changing its kind".into(),
            });
        }
    }
    let mut new = old.clone();
    let s = &mut new.stages[i];
    s.name = input.name;
    s.probability = input.probability;
    s.kind = input.kind;
    s.rotten_after_days = input.rotten_after_days;
    save_changed(w, ctx, &old, new)
}

pub(crate) fn reorder(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: PipelineId,
    order: &[StageId],
) -> Result<Pipeline> {
    let old = get(w, id)?;
    let active: Vec<StageId> = old.active_stages().map(|s| s.id).collect();
    let mut given = order.to_vec();
    order::sort(&mut given);
    let mut expected = active.clone();
    order::sort(&mut expected);
    if given != expected {
        return Err(Error::validation(
            "order",
            "must list every active stage of the pipeline once",
        ));
    }
    let mut new = old.clone();
    let archived: Vec<Stage> = old.stages.iter().filter(|s| s.archived).cloned().collect();
    new.stages = order
        .iter()
        .filter_map(|id| old.stage(*id).cloned())
        .chain(archived)
        .collect();
    save_changed(w, ctx, &old, new)
}

/// Archives a stage. Its deals must go elsewhere: `move_to` names the active stage of the
/// same pipeline they are moved to (each move recorded in their history), in the same
/// transaction. Without `move_to`, a stage holding deals is not archived.
pub(crate) fn archive_stage(
    w: &mut impl Writer,
    ctx: &Ctx,
    id: PipelineId,
    stage: StageId,
    move_to: Option<StageId>,
) -> Result<Pipeline> {
    let old = get(w, id)?;
    let i = stage_index(&old, stage, "stage")?;
    if let Some(target) = move_to {
        if target == stage {
            return Err(Error::validation("move_to", "is the stage being archived"));
        }
        stage_index(&old, target, "move_to")?;
    }
    let mut new = old.clone();
    new.stages[i].archived = true;
    // The pipeline must keep its shape before any deal moves.
    check_shape(&new)?;
    let deals = deal::ids_in_stage(w, id, stage)?;
    if let Some(&first) = deals.first() {
        match move_to {
            Some(target) => deal::move_many(w, ctx, &deals, target)?,
            None => {
                return Err(Error::Conflict {
                    field: "move_to".into(),
                    existing: DealId::from_u128(first).to_string(),
                    reason: "deals are in this stage; name a stage to move them to".into(),
                });
            }
        }
    }
    save_changed(w, ctx, &old, new)
}

/// Deletes a pipeline that holds no deals (open or closed) and is not the default.
pub(crate) fn delete(w: &mut impl Writer, id: PipelineId) -> Result<()> {
    let old = get(w, id)?;
    if old.is_default {
        return Err(Error::validation(
            "pipeline",
            "is the default pipeline: make another one the default first",
        ));
    }
    if let Some(&first) = deal::ids_in_pipeline(w, id)?.first() {
        return Err(Error::Conflict {
            field: "pipeline".into(),
            existing: DealId::from_u128(first).to_string(),
            reason: "deals are in this pipeline; delete them or move them first".into(),
        });
    }
    record::erase(w, &old)
}
