//! Tall matrices for MLA: data larger than memory, streamed by Apache
//! DataFusion on one machine or run by Ballista on a cluster.
//!
//! `tall("data/*.parquet")` gives a tall matrix: its columns are known, its
//! rows stay in the files. Operators and functions on talls build a plan
//! of DataFusion expressions ([`plan`]); a small result (`T' * T`,
//! `mean(T)`) waits until `gather` or its first use runs every pending
//! result of a source in one aggregate pass ([`run`]). The runtime knows a
//! tall only as an external value ([`mla_runtime::external::External`]);
//! [`register`] adds `tall`, `gather`, `head` and `tall_engine` to an
//! interpreter's registry.

pub mod builtins;
pub mod engine;
mod functions;
#[cfg(feature = "ballista")]
pub mod node;
mod ops;
pub mod plan;
pub mod run;
pub mod source;
mod svd;
pub mod value;
pub mod write;

pub use builtins::register;
pub use value::TallValue;
