//! The functions one interpreter knows: the static table, plus builtins an
//! embedder adds to that interpreter alone. A copy of a shared standard map
//! that refuses a name already taken, so an added function can never change
//! what an existing name means.

use super::context::{Builtin, BuiltinRef};
use super::{BUILTINS, CONSTANTS};
use crate::value::Func;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

/// Name → builtin, in table order (the order `help()`, completion and the
/// reference list them), with the constants' names reserved.
#[derive(Clone, Debug)]
pub struct Registry {
    entries: Vec<BuiltinRef>,
    by_name: HashMap<&'static str, usize>,
}

/// Built once: every interpreter starts from a copy rather than rehashing
/// the table.
static STANDARD: LazyLock<Registry> = LazyLock::new(|| {
    let entries: Vec<BuiltinRef> = BUILTINS.iter().map(|b| BuiltinRef::Static(b)).collect();
    let by_name = entries
        .iter()
        .enumerate()
        .map(|(i, b)| (b.name, i))
        .collect();
    Registry { entries, by_name }
});

impl Registry {
    /// The static builtin table and the constants, nothing added.
    pub fn standard() -> Registry {
        STANDARD.clone()
    }

    /// The builtin called `name`.
    pub fn get(&self, name: &str) -> Option<&BuiltinRef> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }

    /// The builtin called `name` as a function value.
    pub fn func(&self, name: &str) -> Option<Func> {
        self.get(name).map(|b| Func::Builtin(b.clone()))
    }

    /// The named constant `name` (constants cannot be added, so this is the
    /// shared table's).
    pub fn constant(&self, name: &str) -> Option<f64> {
        super::constant(name)
    }

    /// Every builtin in table order, added ones last.
    pub fn iter(&self) -> impl Iterator<Item = &Builtin> + '_ {
        self.entries.iter().map(|b| &**b)
    }

    /// The groups of its builtins, each once, in order of first appearance
    /// (an added builtin may join a table group).
    pub fn groups(&self) -> Vec<&'static str> {
        let mut groups: Vec<&'static str> = Vec::new();
        for b in self.iter() {
            if !groups.contains(&b.group) {
                groups.push(b.group);
            }
        }
        groups
    }

    /// Every name this registry resolves: builtins in table order, then the
    /// constants (for suggestions and completion).
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter()
            .map(|b| b.name)
            .chain(CONSTANTS.iter().map(|c| c.name))
    }

    /// Adds `builtin` to this registry only. A name that is already a
    /// builtin or a constant is refused: scripts written against the
    /// standard names must keep meaning what they mean.
    pub fn add(&mut self, builtin: Builtin) -> Result<(), Clash> {
        let taken_by = if self.by_name.contains_key(builtin.name) {
            Some("builtin")
        } else if super::constant(builtin.name).is_some() {
            Some("constant")
        } else {
            None
        };
        if let Some(taken_by) = taken_by {
            return Err(Clash {
                name: builtin.name,
                taken_by,
            });
        }
        self.by_name.insert(builtin.name, self.entries.len());
        self.entries.push(BuiltinRef::Native(Arc::new(builtin)));
        Ok(())
    }
}

/// A name [`Registry::add`] refused because it is already taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clash {
    /// The name asked for.
    pub name: &'static str,
    /// What already has it: `"builtin"` or `"constant"`.
    pub taken_by: &'static str,
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot add `{}`: it is already a {}",
            self.name, self.taken_by
        )
    }
}

impl std::error::Error for Clash {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::{CallContext, Implementation};
    use crate::error::Result;
    use crate::value::Value;

    fn twice(_: &mut CallContext<'_>, args: &[Value]) -> Result<Value> {
        Ok(Value::Num(2.0 * args[0].to_scalar()?))
    }

    fn entry(name: &'static str) -> Builtin {
        Builtin {
            name,
            min_args: 1,
            max_args: 1,
            outputs: 1,
            signature: "twice(x)",
            doc: "doubles x",
            group: "test",
            func: Implementation::Fn(twice),
            gradient: crate::builtins::Gradient::None,
            pure: false,
        }
    }

    #[test]
    fn standard_has_the_table_in_order() {
        let r = Registry::standard();
        let names: Vec<&str> = r.iter().map(|b| b.name).collect();
        let table: Vec<&str> = BUILTINS.iter().map(|b| b.name).collect();
        assert_eq!(names, table);
        assert!(r.get("zeros").is_some());
        assert!(r.get("twice").is_none());
        assert_eq!(r.constant("pi"), Some(std::f64::consts::PI));
    }

    #[test]
    fn added_builtins_stay_in_their_registry() {
        let mut one = Registry::standard();
        let other = Registry::standard();
        one.add(entry("twice")).unwrap();
        assert_eq!(one.get("twice").map(|b| b.doc), Some("doubles x"));
        assert_eq!(one.iter().last().map(|b| b.name), Some("twice"));
        assert!(matches!(
            one.func("twice"),
            Some(Func::Builtin(BuiltinRef::Native(_)))
        ));
        assert!(other.get("twice").is_none());
        assert!(Registry::standard().get("twice").is_none());
    }

    #[test]
    fn clashes_are_refused() {
        let mut r = Registry::standard();
        assert_eq!(
            r.add(entry("sum")),
            Err(Clash {
                name: "sum",
                taken_by: "builtin"
            })
        );
        assert_eq!(r.add(entry("eps")).unwrap_err().taken_by, "constant");
        r.add(entry("twice")).unwrap();
        assert_eq!(r.add(entry("twice")).unwrap_err().taken_by, "builtin");
        assert_eq!(
            r.get("sum").map(|b| b.doc),
            Registry::standard().get("sum").map(|b| b.doc)
        );
    }
}
