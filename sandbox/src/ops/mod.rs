//! The sandbox's operations beyond the lead calls, one module per family; each adds methods to
//! [`super::Service`] that the store back end calls.

mod activities;
pub(crate) mod campaigns;
mod custom_objects;
pub(crate) mod imports;
mod merge;
mod mobjects;
mod programs;
mod programs_mobject;

pub use activities::{MAX_ACTIVITY_BATCH, MAX_CHANGES_BATCH, MAX_CHANGES_LEADS};
pub use campaigns::MAX_CAMPAIGN_LEADS;
pub use custom_objects::{MAX_CUSTOM_OBJECT_BATCH, MAX_CUSTOM_OBJECTS};
pub use merge::MAX_LOSERS;
pub use mobjects::{MAX_MOBJECTS, OPPORTUNITY_FIELDS, ROLE_FIELDS};
