//! Sales: leads, pipelines, deals, products, quotes, exchange rates and the sales reports.

pub(crate) mod analytics;
pub(crate) mod checks;
pub(crate) mod deal;
pub(crate) mod fx;
pub(crate) mod lead;
pub(crate) mod lineitem;
pub(crate) mod pipeline;
pub(crate) mod product;
pub(crate) mod quote;
