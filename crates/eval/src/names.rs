//! Names that are not local to a function: workspace variables, builtins and
//! constants. The resolver turns each into a [`GlobalId`], an index into the
//! workspace's slots, so reading `X` at top level or `fib` inside `fib` costs
//! an array access instead of hashing the name.
//!
//! The table is shared by the whole process, like a string interner: an id
//! means the same name in every interpreter, so a function value moved from
//! one interpreter to another still reads the right names. It only grows (by
//! the distinct names of all code ever resolved), and only the resolver and
//! the name-based API (`Interpreter::get`/`set`) take its lock.

use rustc_hash::FxHashMap;
use std::sync::{Arc, LazyLock, RwLock};

/// A name that is read from the workspace, then the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct GlobalId(pub u32);

impl GlobalId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Default)]
struct Table {
    ids: FxHashMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

static TABLE: LazyLock<RwLock<Table>> = LazyLock::new(RwLock::default);

fn read() -> std::sync::RwLockReadGuard<'static, Table> {
    TABLE.read().unwrap_or_else(|e| e.into_inner())
}

/// The id of `name`, given one if it has none yet.
pub(crate) fn intern(name: &str) -> GlobalId {
    if let Some(&id) = read().ids.get(name) {
        return GlobalId(id);
    }
    let mut t = TABLE.write().unwrap_or_else(|e| e.into_inner());
    if let Some(&id) = t.ids.get(name) {
        return GlobalId(id);
    }
    let id = t.names.len() as u32;
    let name: Arc<str> = name.into();
    t.names.push(name.clone());
    t.ids.insert(name, id);
    GlobalId(id)
}

/// The id of `name` if any code or API call has used it.
pub(crate) fn find(name: &str) -> Option<GlobalId> {
    read().ids.get(name).map(|&id| GlobalId(id))
}

/// The name behind an id.
pub(crate) fn name(id: GlobalId) -> Arc<str> {
    read().names[id.index()].clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_names_round_trip() {
        let a = intern("names_test_alpha");
        let b = intern("names_test_beta");
        assert_ne!(a, b);
        assert_eq!(intern("names_test_alpha"), a);
        assert_eq!(find("names_test_beta"), Some(b));
        assert_eq!(&*name(a), "names_test_alpha");
        assert_eq!(find("names_test_never_interned"), None);
    }
}
