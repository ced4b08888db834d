//! The workspace: the variables of top-level code, in slots indexed by
//! [`GlobalId`], and what a name that is no variable falls back to (a
//! function of the registry or a constant), found once per name.

use crate::names::{self, GlobalId};
use mla_runtime::{Func, Registry, Value};

/// What a workspace name means when no variable holds it.
#[derive(Clone, Default)]
enum Fallback {
    #[default]
    NotLooked,
    Nothing,
    Func(Func),
    Const(f64),
}

/// What [`Workspace::peek`] found.
pub(crate) enum Peek<'a> {
    /// Not looked up yet.
    NotLooked,
    Nothing,
    Func(&'a Func),
    Const(f64),
}

/// Workspace variables and cached registry look-ups.
#[derive(Default)]
pub(crate) struct Workspace {
    values: Vec<Option<Value>>,
    fallback: Vec<Fallback>,
}

impl Workspace {
    /// The variable `id`, if it is set.
    #[inline]
    pub fn get(&self, id: GlobalId) -> Option<&Value> {
        self.values.get(id.index()).and_then(Option::as_ref)
    }

    /// The slot of variable `id`, made if needed.
    #[inline]
    pub fn slot(&mut self, id: GlobalId) -> &mut Option<Value> {
        let i = id.index();
        if i >= self.values.len() {
            self.values.resize(i + 1, None);
        }
        &mut self.values[i]
    }

    /// Sets variable `id`.
    #[inline]
    pub fn set(&mut self, id: GlobalId, v: Value) {
        *self.slot(id) = Some(v);
    }

    /// The builtin or constant called like `id`, from `registry`.
    pub fn fallback(&mut self, id: GlobalId, registry: &Registry) -> Option<Value> {
        let i = id.index();
        if i >= self.fallback.len() {
            self.fallback.resize(i + 1, Fallback::NotLooked);
        }
        if let Fallback::NotLooked = self.fallback[i] {
            let name = names::name(id);
            self.fallback[i] = match registry.func(&name) {
                Some(f) => Fallback::Func(f),
                None => match registry.constant(&name) {
                    Some(x) => Fallback::Const(x),
                    None => Fallback::Nothing,
                },
            };
        }
        match &self.fallback[i] {
            Fallback::Func(f) => Some(Value::Func(f.clone())),
            Fallback::Const(x) => Some(Value::Num(*x)),
            Fallback::NotLooked | Fallback::Nothing => None,
        }
    }

    /// The cached meaning of `id` when no variable holds it, without
    /// looking it up (the scalar tier reads the workspace shared).
    pub fn peek(&self, id: GlobalId) -> Peek<'_> {
        match self.fallback.get(id.index()) {
            None | Some(Fallback::NotLooked) => Peek::NotLooked,
            Some(Fallback::Nothing) => Peek::Nothing,
            Some(Fallback::Func(f)) => Peek::Func(f),
            Some(Fallback::Const(x)) => Peek::Const(*x),
        }
    }

    /// Every slot, set or not (for counting the memory variables hold).
    pub fn slots(&self) -> &[Option<Value>] {
        &self.values
    }

    /// Removes every variable.
    pub fn clear_all(&mut self) {
        self.values.clear();
    }

    /// Forgets every cached look-up (the registry changed).
    pub fn registry_changed(&mut self) {
        self.fallback.clear();
    }

    /// The variables that are set, with their names, sorted by name.
    pub fn variables(&self) -> Vec<(std::sync::Arc<str>, &Value)> {
        let mut vars: Vec<_> = self
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((names::name(GlobalId(i as u32)), v.as_ref()?)))
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        vars
    }
}
