//! Pure ndarray kernels: no values, no tape, no builtin table. The
//! operators, the builtins and the gradient rules all call these, so each
//! computation is written once.

use ndarray::Array2;

/// A matrix built from column-major data.
pub fn from_column_major(rows: usize, cols: usize, data: Vec<f64>) -> Array2<f64> {
    Array2::from_shape_vec((cols, rows), data)
        .expect("column-major data of the right length")
        .reversed_axes()
        .as_standard_layout()
        .into_owned()
}
