//! The standard registry: the static builtin table as a [`Registry`],
//! built once.

use super::{BuiltinRef, BUILTINS};
use crate::value::Registry;
use std::sync::LazyLock;

/// Built once: every interpreter starts from a copy rather than rehashing
/// the table.
static STANDARD: LazyLock<Registry> = LazyLock::new(|| {
    let entries: Vec<BuiltinRef> = BUILTINS.iter().map(|b| BuiltinRef::Static(b)).collect();
    Registry::from_entries(entries)
});

impl Registry {
    /// The static builtin table and the constants, nothing added.
    pub fn standard() -> Registry {
        STANDARD.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtins::{CallContext, Implementation};
    use crate::error::Result;
    use crate::value::{Builtin, Clash, Func, Value};

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
