//! Where a tall's rows come from: Parquet or CSV files (a path or a glob
//! such as `data/*.parquet`), or an in-memory matrix (`tall(X)`).
//! Every tall made from one source shares its rows, so they combine
//! elementwise and reduce together in one pass.

use crate::engine::Engine;
use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::common::Column;
use datafusion::prelude::{cast, CsvReadOptions, DataFrame, Expr, ParquetReadOptions};
use mla_runtime::{Result, RuntimeError};
use ndarray::Array2;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// The file format of a source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet.
    Parquet,
    /// CSV with a header row.
    Csv,
}

#[derive(Debug)]
enum Origin {
    Files { path: String, format: Format },
    Memory(RecordBatch),
}

/// One source of rows and its numeric columns.
#[derive(Debug)]
pub struct Source {
    id: u64,
    origin: Origin,
    /// The column names, in file order.
    pub names: Vec<String>,
    rows: OnceLock<usize>,
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl Source {
    /// The files at `path`, whose format its extension tells (`.parquet`,
    /// `.csv`), with their columns read from the files' schema.
    pub fn files(engine: &Engine, path: &str) -> Result<Arc<Source>> {
        let format = format_of(path)?;
        let probe = Source {
            id: 0,
            origin: Origin::Files {
                path: path.to_string(),
                format,
            },
            names: Vec::new(),
            rows: OnceLock::new(),
        };
        let frame = engine.block_on(probe.frame(engine, true))?;
        let mut names = Vec::new();
        for field in frame.schema().fields() {
            if !field.data_type().is_numeric() && field.data_type() != &DataType::Boolean {
                return Err(RuntimeError::Domain(format!(
                    "column {:?} of {path} is {}, not numbers: a tall matrix has numeric columns",
                    field.name(),
                    field.data_type()
                )));
            }
            names.push(field.name().clone());
        }
        if names.is_empty() {
            return Err(RuntimeError::Domain(format!("{path} has no columns")));
        }
        Ok(Arc::new(Source {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            names,
            ..probe
        }))
    }

    /// An in-memory matrix as a source, its columns named `x1`, `x2`, ….
    pub fn memory(m: &Array2<f64>) -> Result<Arc<Source>> {
        let names: Vec<String> = (1..=m.ncols()).map(|j| format!("x{j}")).collect();
        let fields: Vec<Field> = names
            .iter()
            .map(|n| Field::new(n, DataType::Float64, false))
            .collect();
        let columns: Vec<ArrayRef> = m
            .columns()
            .into_iter()
            .map(|c| Arc::new(Float64Array::from_iter_values(c.iter().copied())) as ArrayRef)
            .collect();
        let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
            .map_err(|e| RuntimeError::Domain(format!("tall: {e}")))?;
        let rows = OnceLock::new();
        let _ = rows.set(m.nrows());
        Ok(Arc::new(Source {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            origin: Origin::Memory(batch),
            names,
            rows,
        }))
    }

    /// Identifies the source: talls of equal ids share rows.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Column `j` (0-based) as a Float64 expression.
    pub fn column(&self, j: usize) -> Expr {
        cast(
            Expr::Column(Column::new_unqualified(self.names[j].clone())),
            DataType::Float64,
        )
    }

    /// Its row count when known without a pass.
    pub fn known_rows(&self) -> Option<usize> {
        self.rows.get().copied()
    }

    /// Records the row count a pass found.
    pub fn set_rows(&self, n: usize) {
        let _ = self.rows.set(n);
    }

    /// A short label: the path, or `memory`.
    pub fn label(&self) -> String {
        match &self.origin {
            Origin::Files { path, format } => format!("{} {path}", format_name(*format)),
            Origin::Memory(_) => "in-memory matrix".into(),
        }
    }

    /// A DataFrame scanning the source on `engine` (in-memory sources on
    /// its local context); `ordered` reads on one local partition, rows in
    /// file order.
    pub async fn frame(
        &self,
        engine: &Engine,
        ordered: bool,
    ) -> datafusion::error::Result<DataFrame> {
        match &self.origin {
            Origin::Files { path, format } => {
                let ctx = if ordered {
                    engine.ordered_context()
                } else {
                    engine.context()
                };
                // Absolute, so a Ballista executor started elsewhere reads
                // the same files (globs are kept: nothing is resolved).
                let path = std::path::absolute(path)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| path.clone());
                match format {
                    Format::Parquet => {
                        ctx.read_parquet(path.as_str(), ParquetReadOptions::default())
                            .await
                    }
                    Format::Csv => {
                        ctx.read_csv(path.as_str(), CsvReadOptions::new().has_header(true))
                            .await
                    }
                }
            }
            Origin::Memory(batch) => {
                let ctx = if ordered {
                    engine.ordered_context()
                } else {
                    engine.local_context()
                };
                ctx.read_batch(batch.clone())
            }
        }
    }
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Parquet => "parquet",
        Format::Csv => "csv",
    }
}

fn format_of(path: &str) -> Result<Format> {
    let lower = path.to_ascii_lowercase();
    let name = lower.trim_end_matches('/');
    if name.ends_with(".parquet") || name.ends_with(".parq") {
        Ok(Format::Parquet)
    } else if name.ends_with(".csv") {
        Ok(Format::Csv)
    } else {
        Err(RuntimeError::Domain(format!(
            "tall: cannot tell the format of {path:?}: name files (or a glob) ending in .parquet or .csv"
        )))
    }
}
