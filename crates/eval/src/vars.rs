//! Reading and writing resolved names: a local is a slot of the current
//! frame, anything else a workspace slot, then the registry.

use crate::error::{suggest, ErrorKind, EvalError};
use crate::interp::{Ctx, Interpreter};
use crate::names::{self, GlobalId};
use crate::resolved::Var;
use mla_parser::Span;
use mla_runtime::error::bytes_str;
use mla_runtime::Value;
use std::sync::Arc;

type Result<T> = std::result::Result<T, EvalError>;

impl Interpreter {
    /// The variable's value, if it is set. A local that is not yet assigned
    /// reads the workspace.
    #[inline(always)]
    pub(crate) fn var_ref(&self, cx: &Ctx, v: Var) -> Option<&Value> {
        match v {
            Var::Local(s) => match &self.stack[cx.base + s as usize] {
                Some(x) => Some(x),
                None => self.ws.get(cx.slots.globals[s as usize]),
            },
            Var::Global(id) => self.ws.get(id),
        }
    }

    /// The workspace name a variable falls back to.
    pub(crate) fn global_of(cx: &Ctx, v: Var) -> GlobalId {
        match v {
            Var::Local(s) => cx.slots.globals[s as usize],
            Var::Global(id) => id,
        }
    }

    /// The name as written.
    pub(crate) fn var_name(cx: &Ctx, v: Var) -> Arc<str> {
        match v {
            Var::Local(s) => cx.slots.names[s as usize].clone(),
            Var::Global(id) => names::name(id),
        }
    }

    /// What a name means: a variable, then a function of the registry or
    /// a constant.
    #[inline]
    pub(crate) fn read(&mut self, cx: &Ctx, v: Var, span: Span) -> Result<Value> {
        match self.var_ref(cx, v) {
            // A number is copied without the call to `Value::clone`.
            Some(Value::Num(x)) => return Ok(Value::Num(*x)),
            Some(x) => return Ok(x.clone()),
            None => {}
        }
        self.read_fallback(cx, v, span)
    }

    /// A name that is no variable, read as a value: a builtin that takes no
    /// arguments is called (`t = toc`, `r = rand`), as in MATLAB; any other
    /// function is the function itself.
    #[inline(never)]
    fn read_fallback(&mut self, cx: &Ctx, v: Var, span: Span) -> Result<Value> {
        let x = self.fallback(cx, v, span)?;
        if let Value::Func(f) = &x {
            if f.builtin().is_some_and(|b| b.min_args == 0) {
                return match self.call_value(cx, f, Vec::new(), 1, span)? {
                    Value::Tuple(items) => items.first().cloned().ok_or_else(|| {
                        cx.err(
                            ErrorKind::Results,
                            format!("`{}` gives no value", f.name()),
                            span,
                        )
                    }),
                    other => Ok(other),
                };
            }
        }
        Ok(x)
    }

    #[inline(never)]
    pub(crate) fn fallback(&mut self, cx: &Ctx, v: Var, span: Span) -> Result<Value> {
        let id = Self::global_of(cx, v);
        match self.ws.fallback(id, &self.registry) {
            Some(x) => Ok(x),
            None => Err(self.unknown_name(cx, &names::name(id), span)),
        }
    }

    /// Assigns a variable in the current frame (or the workspace).
    #[inline]
    pub(crate) fn assign_var(&mut self, cx: &Ctx, v: Var, value: Value) {
        let slot = match v {
            Var::Local(s) => &mut self.stack[cx.base + s as usize],
            Var::Global(id) => self.ws.slot(id),
        };
        // A number or nothing owns no memory: overwriting it needs no call
        // to the drop glue (callgrind: ~40 instructions per assignment).
        match slot {
            None | Some(Value::Num(_)) => std::mem::forget(slot.replace(value)),
            _ => *slot = Some(value),
        }
    }

    /// The variable's own slot: a local's frame slot (empty while the local
    /// still reads the workspace) or the workspace slot.
    pub(crate) fn own_slot(&mut self, cx: &Ctx, v: Var) -> &mut Option<Value> {
        match v {
            Var::Local(s) => &mut self.stack[cx.base + s as usize],
            Var::Global(id) => self.ws.slot(id),
        }
    }

    /// Assigns a number, overwriting a number in place (loop counters).
    #[inline]
    pub(crate) fn set_number(&mut self, cx: &Ctx, v: Var, x: f64) {
        let slot = match v {
            Var::Local(s) => &mut self.stack[cx.base + s as usize],
            Var::Global(id) => self.ws.slot(id),
        };
        match slot {
            Some(Value::Num(n)) => *n = x,
            other => *other = Some(Value::Num(x)),
        }
    }

    /// The slot a variable is stored in, for writing in place. A local not
    /// yet assigned starts as a copy of the workspace variable of its name
    /// (sharing its storage until the first write).
    pub(crate) fn var_slot(&mut self, cx: &Ctx, v: Var) -> &mut Option<Value> {
        match v {
            Var::Local(s) => {
                let i = cx.base + s as usize;
                if self.stack[i].is_none() {
                    self.stack[i] = self.ws.get(cx.slots.globals[s as usize]).cloned();
                }
                &mut self.stack[i]
            }
            Var::Global(id) => self.ws.slot(id),
        }
    }

    /// An error if storing `v` in `target` would make the variables hold
    /// more bytes than `Limits::max_workspace_bytes`. Numbers and logical
    /// scalars own no storage and skip the count.
    #[inline(always)]
    pub(crate) fn check_room(&self, cx: &Ctx, target: Var, v: &Value, span: Span) -> Result<()> {
        // The loops' common case, a number, costs one test (callgrind: the
        // limit's test first cost ~9 instructions a statement).
        if let Value::Num(_) = v {
            return Ok(());
        }
        self.check_room_slow(cx, Some(target), v, span)
    }

    #[inline(never)]
    fn check_room_slow(&self, cx: &Ctx, target: Option<Var>, v: &Value, span: Span) -> Result<()> {
        let Some(limit) = self.limits.max_workspace_bytes else {
            return Ok(());
        };
        if let Value::Bool(_) = v {
            return Ok(());
        }
        let replaced = target.map(|t| match t {
            Var::Local(s) => (true, cx.base + s as usize),
            Var::Global(id) => (false, id.index()),
        });
        let mut held = Vec::new();
        for (i, slot) in self.stack.iter().enumerate() {
            if replaced != Some((true, i)) {
                storage(slot.as_ref(), &mut held);
            }
        }
        for (i, slot) in self.ws.slots().iter().enumerate() {
            if replaced != Some((false, i)) {
                storage(slot.as_ref(), &mut held);
            }
        }
        storage(Some(v), &mut held);
        held.sort_unstable();
        held.dedup_by_key(|(ptr, _)| *ptr);
        let total: usize = held.iter().map(|(_, bytes)| bytes).sum();
        if total <= limit {
            return Ok(());
        }
        let what = match target {
            Some(t) => format!("storing {} in `{}`", v.describe(), Self::var_name(cx, t)),
            None => "this assignment".to_string(),
        };
        Err(cx
            .err(
                ErrorKind::Memory,
                format!(
                    "{what} would make the variables hold {}, over their limit of {}",
                    bytes_str(total as f64),
                    bytes_str(limit as f64)
                ),
                span,
            )
            .with_help(
                "clear variables that are no longer needed (`clear A`), or work on smaller pieces",
            ))
    }

    /// After an indexed assignment grew `target`: if the variables now hold
    /// more than their limit, the variable is removed (its old value is
    /// gone, written over in place) and the error says so.
    pub(crate) fn check_growth(&mut self, cx: &Ctx, target: Var, span: Span) -> Result<()> {
        if self.limits.max_workspace_bytes.is_none() {
            return Ok(());
        }
        let Some(v) = self.var_ref(cx, target).cloned() else {
            return Ok(());
        };
        if let Err(e) = self.check_room_slow(cx, Some(target), &v, span) {
            *self.var_slot(cx, target) = None;
            let name = Self::var_name(cx, target);
            let message = format!("{}; `{name}` was removed", e.message);
            return Err(e.with_label("grows past the limit").with_message(message));
        }
        Ok(())
    }

    pub(crate) fn unknown_name(&self, cx: &Ctx, name: &str, span: Span) -> EvalError {
        let vars = self.ws.variables();
        let mut candidates: Vec<&str> = vars.iter().map(|(k, _)| &**k).collect();
        let frame = &self.stack[cx.base.min(self.stack.len())..];
        candidates.extend(
            cx.slots
                .names
                .iter()
                .zip(frame)
                .filter(|(_, v)| v.is_some())
                .map(|(k, _)| &**k),
        );
        candidates.extend(self.registry.names());
        let err = EvalError::new(
            ErrorKind::Name,
            format!("`{name}` is not defined"),
            span,
            cx.source,
        );
        if let Some(instead) = matlab_spelling(name) {
            return err.with_help(instead);
        }
        match suggest(name, candidates.into_iter()) {
            Some(s) => err.with_help(format!("did you mean `{s}`?")),
            None => err,
        }
    }
}

/// The storage `v` holds: (address, bytes) of each matrix, logical matrix
/// and string in it, so storage two values share can be counted once.
fn storage(v: Option<&Value>, out: &mut Vec<(usize, usize)>) {
    match v {
        Some(Value::Matrix(m)) => out.push((Arc::as_ptr(m) as usize, 8 * m.len())),
        Some(Value::Logical(m)) => out.push((Arc::as_ptr(m) as usize, m.len())),
        Some(Value::Str(s)) => out.push((s.as_ptr() as usize, s.len())),
        // By its storage, which a plain copy of it (`strip`) shares.
        Some(Value::Traced(t)) => out.push((Arc::as_ptr(&t.value) as usize, 8 * t.value.len())),
        Some(Value::Tuple(items)) => items.iter().for_each(|x| storage(Some(x), out)),
        Some(Value::Func(mla_runtime::Func::User(u))) => {
            if let Some(l) = u.as_any().downcast_ref::<crate::callable::Lambda>() {
                l.captured.iter().for_each(|x| storage(x.as_ref(), out));
            }
        }
        _ => {}
    }
}

/// What MLA calls a MATLAB function whose name is not close to MLA's.
fn matlab_spelling(name: &str) -> Option<&'static str> {
    Some(match name {
        "class" => "MLA's name for it is `typeof(x)`",
        "strcmp" | "isequaln" => "compare strings with `a == b`, values with `isequal(a, b)`",
        "cellfun" => "MLA has no cell arrays; `map(f, x)` applies a function to each element",
        "feval" => "a function is a value: call it directly, `f(x)`",
        "disp2str" | "int2str" => "`num2str(x)` or `sprintf(\"%d\", x)`",
        _ => return None,
    })
}

/// The 0-based position a number names among `len` elements, if it is a
/// whole number from 1 to `len`. The casts are exact for such numbers and
/// avoid `f64::fract`, a call into libm on the baseline x86-64 target
/// (callgrind: ~30 instructions).
#[inline(always)]
pub(crate) fn position(k: f64, len: usize) -> Option<usize> {
    let p = k as usize;
    (k >= 1.0 && p <= len && p as f64 == k).then(|| p - 1)
}

/// The number a value holds, without the call to the drop glue that
/// discarding a `Value` otherwise costs; other values come back whole.
#[inline(always)]
pub(crate) fn take_num(v: Value) -> std::result::Result<f64, Value> {
    if let Value::Num(x) = v {
        // A number owns nothing.
        std::mem::forget(v);
        Ok(x)
    } else {
        Err(v)
    }
}
