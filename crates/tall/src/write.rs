//! Writing matrices as Parquet or CSV files that `tall` reads back: for
//! tests, examples and the benchmark's data, streamed in row blocks so a
//! generator never holds the whole data set.

use datafusion::arrow::array::{ArrayRef, Float64Array, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::file::properties::WriterProperties;
use mla_runtime::{Result, RuntimeError};
use ndarray::ArrayView2;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Arc;

fn io_err(path: &str, e: impl std::fmt::Display) -> RuntimeError {
    RuntimeError::Io {
        path: path.into(),
        reason: e.to_string(),
    }
}

fn schema(names: &[String]) -> SchemaRef {
    Arc::new(Schema::new(
        names
            .iter()
            .map(|n| Field::new(n, DataType::Float64, false))
            .collect::<Vec<_>>(),
    ))
}

fn batch(schema: &SchemaRef, block: ArrayView2<'_, f64>) -> Result<RecordBatch> {
    let columns: Vec<ArrayRef> = block
        .columns()
        .into_iter()
        .map(|c| Arc::new(Float64Array::from_iter_values(c.iter().copied())) as ArrayRef)
        .collect();
    RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| RuntimeError::Domain(format!("parquet batch: {e}")))
}

/// Rows in one Parquet row group of the files written here. A reader holds
/// a row group's column chunks while it decodes them, so this bounds what
/// each partition buffers: 65536 rows of 22 numbers are 11 MiB, where
/// parquet's default (2²⁰ rows) made 176 MiB row groups.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// A Parquet file being written block by block.
pub struct ParquetFile {
    path: String,
    schema: SchemaRef,
    writer: ArrowWriter<File>,
}

impl ParquetFile {
    /// Creates `path` for Float64 columns called `names`.
    pub fn create(path: &str, names: &[String]) -> Result<ParquetFile> {
        let file = File::create(path).map_err(|e| io_err(path, e))?;
        let schema = schema(names);
        let props = WriterProperties::builder()
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer =
            ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| io_err(path, e))?;
        Ok(ParquetFile {
            path: path.into(),
            schema,
            writer,
        })
    }

    /// Appends the rows of `block`.
    pub fn write(&mut self, block: ArrayView2<'_, f64>) -> Result<()> {
        let b = batch(&self.schema, block)?;
        self.writer.write(&b).map_err(|e| io_err(&self.path, e))
    }

    /// Finishes the file (its footer).
    pub fn close(self) -> Result<()> {
        self.writer
            .close()
            .map(|_| ())
            .map_err(|e| io_err(&self.path, e))
    }
}

/// Writes `m` as one Parquet file.
pub fn write_parquet(path: &str, m: ArrayView2<'_, f64>, names: &[String]) -> Result<()> {
    let mut f = ParquetFile::create(path, names)?;
    f.write(m)?;
    f.close()
}

/// Writes `m` as CSV with a header row; numbers in Rust's shortest form
/// that reads back to the same f64.
pub fn write_csv(path: &str, m: ArrayView2<'_, f64>, names: &[String]) -> Result<()> {
    let file = File::create(path).map_err(|e| io_err(path, e))?;
    let mut out = BufWriter::new(file);
    let mut text = names.join(",");
    text.push('\n');
    for row in m.rows() {
        let cells: Vec<String> = row.iter().map(|x| format!("{x:?}")).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
        if text.len() > 1 << 20 {
            out.write_all(text.as_bytes())
                .map_err(|e| io_err(path, e))?;
            text.clear();
        }
    }
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| io_err(path, e))
}

/// Column names `x1`, `x2`, … for `p` columns.
pub fn default_names(p: usize) -> Vec<String> {
    (1..=p).map(|j| format!("x{j}")).collect()
}

/// Features in [`synthetic`] data sets.
pub const SYNTHETIC_FEATURES: usize = 20;

/// Writes a synthetic data set of `rows` rows to `files` Parquet files
/// `dir/part-K.parquet`, in blocks of at most 65 536 rows (so memory stays
/// small however many rows): columns `x1`…`x20` (correlated features of
/// different scales), `y` (a 0/1 label drawn from a logistic model of the
/// features) and `t` (a linear target with noise). The same `seed` gives
/// the same data. With `npy`, the same rows also go to `dir/data.npy` (one
/// C-order float64 array), for NumPy to read by memory map.
pub fn synthetic(dir: &str, rows: usize, files: usize, seed: u64, npy: bool) -> Result<()> {
    const BLOCK: usize = 65_536;
    let p = SYNTHETIC_FEATURES;
    let mut rng = mla_runtime::Rng::new(seed);
    let scale: Vec<f64> = (0..p).map(|j| 1.0 + (p - j) as f64 / 4.0).collect();
    let w_true: Vec<f64> = (0..p)
        .map(|j| if j % 3 == 0 { 0.5 } else { -0.2 })
        .collect();
    let beta: Vec<f64> = (0..p).map(|j| (j as f64 - 9.5) / 10.0).collect();
    let mut names = default_names(p);
    names.push("y".into());
    names.push("t".into());
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let files = files.max(1);
    let mut npy_out = if npy {
        Some(NpyFile::create(
            &format!("{}/data.npy", dir.trim_end_matches('/')),
            rows,
            p + 2,
        )?)
    } else {
        None
    };
    for f in 0..files {
        let path = format!("{}/part-{f}.parquet", dir.trim_end_matches('/'));
        let mine = rows / files + usize::from(f < rows % files);
        let mut out = ParquetFile::create(&path, &names)?;
        let mut left = mine;
        while left > 0 {
            let n = left.min(BLOCK);
            let mut block = ndarray::Array2::zeros((n, p + 2));
            for i in 0..n {
                let shared = rng.normal();
                let (mut z, mut lin) = (0.0, 0.0);
                for j in 0..p {
                    let x = scale[j] * (0.6 * rng.normal() + 0.4 * shared) + 0.1 * j as f64;
                    block[[i, j]] = x;
                    z += w_true[j] * x / scale[j];
                    lin += beta[j] * x;
                }
                let prob = 1.0 / (1.0 + (-z).exp());
                block[[i, p]] = f64::from(u8::from(rng.uniform() < prob));
                block[[i, p + 1]] = lin + 0.1 * rng.normal();
            }
            out.write(block.view())?;
            if let Some(np) = &mut npy_out {
                np.write(block.view())?;
            }
            left -= n;
        }
        out.close()?;
    }
    if let Some(np) = npy_out {
        np.close()?;
    }
    Ok(())
}

/// A NumPy `.npy` file (format 1.0, `<f8`, C order) written row block by
/// row block.
struct NpyFile {
    path: String,
    out: BufWriter<File>,
}

impl NpyFile {
    fn create(path: &str, rows: usize, cols: usize) -> Result<NpyFile> {
        let file = File::create(path).map_err(|e| io_err(path, e))?;
        let mut out = BufWriter::new(file);
        let mut header =
            format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({rows}, {cols}), }}");
        // The header ends in a newline, padded so the data starts on a
        // multiple of 64 bytes (10 bytes of magic, version and length).
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut head = b"\x93NUMPY\x01\x00".to_vec();
        head.extend_from_slice(&(header.len() as u16).to_le_bytes());
        head.extend_from_slice(header.as_bytes());
        out.write_all(&head).map_err(|e| io_err(path, e))?;
        Ok(NpyFile {
            path: path.into(),
            out,
        })
    }

    fn write(&mut self, block: ArrayView2<'_, f64>) -> Result<()> {
        let mut bytes = Vec::with_capacity(block.len() * 8);
        for row in block.rows() {
            for x in row {
                bytes.extend_from_slice(&x.to_le_bytes());
            }
        }
        self.out
            .write_all(&bytes)
            .map_err(|e| io_err(&self.path, e))
    }

    fn close(mut self) -> Result<()> {
        self.out.flush().map_err(|e| io_err(&self.path, e))
    }
}
