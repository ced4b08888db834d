//! The functions one interpreter knows: the static table, plus builtins an
//! embedder adds to that interpreter alone. A copy of a shared standard map
//! (made by the table, [`crate::builtins`]) that refuses a name already
//! taken, so an added function can never change what an existing name
//! means. The named constants are here because the registry reserves their
//! names.

use super::{Builtin, BuiltinRef, Func};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Name → builtin, in table order (the order `help()`, completion and the
/// reference list them), with the constants' names reserved.
#[derive(Clone, Debug)]
pub struct Registry {
    entries: Vec<BuiltinRef>,
    by_name: HashMap<&'static str, usize>,
}

impl Registry {
    /// The builtins `entries`, in order, with the constants' names reserved
    /// (the builtin table makes [`Registry::standard`] from its entries).
    pub(crate) fn from_entries(entries: Vec<BuiltinRef>) -> Registry {
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, b)| (b.name, i))
            .collect();
        Registry { entries, by_name }
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
        constant(name)
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
        } else if constant(builtin.name).is_some() {
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

/// A named constant of the language.
#[derive(Clone, Copy, Debug)]
pub struct Constant {
    /// The name scripts use.
    pub name: &'static str,
    /// Its value.
    pub value: f64,
    /// One line on what it is.
    pub doc: &'static str,
}

/// Every named constant: the one list that name lookup, the registry's
/// clash check, `help` and the reference read.
pub const CONSTANTS: &[Constant] = &[
    Constant {
        name: "pi",
        value: std::f64::consts::PI,
        doc: "π, the ratio of a circle's circumference to its diameter",
    },
    Constant {
        name: "e",
        value: std::f64::consts::E,
        doc: "Euler's number, the base of the natural logarithm",
    },
    Constant {
        name: "Inf",
        value: f64::INFINITY,
        doc: "positive infinity (-Inf for negative)",
    },
    Constant {
        name: "inf",
        value: f64::INFINITY,
        doc: "the same as Inf",
    },
    Constant {
        name: "NaN",
        value: f64::NAN,
        doc: "not a number (0/0), unequal to everything including itself",
    },
    Constant {
        name: "nan",
        value: f64::NAN,
        doc: "the same as NaN",
    },
    Constant {
        name: "eps",
        value: f64::EPSILON,
        doc: "the distance from 1 to the next larger float, 2^-52",
    },
];

/// The value of the named constant `name`.
pub fn constant(name: &str) -> Option<f64> {
    CONSTANTS.iter().find(|c| c.name == name).map(|c| c.value)
}
