//! Reading and writing matrices: CSV through the `csv` crate ([`csv`]) and
//! NumPy's `.npy` through `npyz` ([`npy`]). Every reader gives a matrix or
//! an error saying what it could not read; none gives an empty matrix for
//! a file it did not understand.

mod csv;
mod npy;

pub use self::csv::{parse_csv, parse_csv_with, to_csv, Header};
pub use self::npy::{parse_npy, to_npy};

/// Elements read between two looks at the interrupt flag.
const BLOCK: usize = 1 << 16;

/// The bytes of the file at `path`, read on a thread of its own so that
/// Ctrl-C (or a host's interrupt flag) stops the wait: opening a FIFO no
/// one writes to, or a slow device, blocks in the system. The abandoned
/// read finishes or blocks on in the background; its bytes are dropped.
pub fn read(path: &std::path::Path) -> std::io::Result<crate::Result<Vec<u8>>> {
    let owned = path.to_path_buf();
    match crate::interrupt::detached("file read", move || std::fs::read(owned)) {
        Ok(read) => read.map(Ok),
        Err(interrupted) => Ok(Err(interrupted)),
    }
}
