//! The runtime's top-level modules form no cycle: each depends only on
//! modules below it, so the tree reads from leaves (`error`, `memory`) up
//! to the builtin table. The graph is read from the source: every
//! `crate::m` and `super::m` path outside comments and `#[cfg(test)]`
//! code is an edge to top-level module `m`.
//!
//! `cargo test -p mla-runtime --test module_graph -- --nocapture` prints
//! the modules by level, leaves first, and every cycle found.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The source with comments, strings and character literals blanked, so
/// that neither a path in a doc comment nor a brace in a string counts.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(text.len(), |e| i + e);
            i = end;
        } else if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(text.len(), |e| i + e + 2);
            i = end;
            out.push(' ');
        } else if let Some(len) = raw_string_len(rest) {
            i += len;
            out.push_str("\"\"");
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            i = j + 1;
            out.push_str("\"\"");
        } else if let Some(len) = char_literal_len(rest) {
            i += len;
            out.push_str("' '");
        } else {
            let c = rest.chars().next().expect("not at the end");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of a raw string literal (`r"…"`, `r#"…"#`) at the start.
fn raw_string_len(s: &str) -> Option<usize> {
    let after_r = s.strip_prefix('r').or_else(|| s.strip_prefix("br"))?;
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    let body = after_r[hashes..].strip_prefix('"')?;
    let close = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&close)?;
    Some(s.len() - body.len() + end + close.len())
}

/// The length of a character literal (`'x'`, `'\n'`, `'\u{1F600}'`) at the
/// start; `None` for a lifetime (`'a`).
fn char_literal_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix('\'')?;
    if let Some(esc) = body.strip_prefix('\\') {
        let close = esc.find('\'')?;
        return Some(2 + close + 1);
    }
    let c = body.chars().next()?;
    body[c.len_utf8()..]
        .starts_with('\'')
        .then(|| 1 + c.len_utf8() + 1)
}

/// The code without `#[cfg(test)]` items (test modules and functions).
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        // The item ends at its `;` or at the brace closing its first `{`.
        let semi = item.find(';');
        let open = item.find('{');
        let end = match (semi, open) {
            (Some(s), Some(o)) if s < o => s + 1,
            (Some(s), None) => s + 1,
            (_, Some(o)) => {
                let mut depth = 0;
                let mut end = item.len();
                for (k, ch) in item[o..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = o + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, None) => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The first identifiers of the items of a `{a, b::c, d::{e, f}}` group
/// that starts `s` (just after its `{`).
fn group_heads(s: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    for (k, ch) in s.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expect_head = true,
            c if expect_head && depth == 0 && (c.is_alphabetic() || c == '_') => {
                heads.push(ident_at(&s[k..]).to_string());
                expect_head = false;
            }
            _ => {}
        }
    }
    heads
}

/// Top-level modules that `code` names through `crate::` or, in a file
/// `depth` modules below the root, through enough `super::`s.
fn references(code: &str, depth: usize) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let add_after = |tail: &str, found: &mut BTreeSet<String>| {
        if let Some(group) = tail.strip_prefix('{') {
            found.extend(group_heads(group));
        } else {
            let name = ident_at(tail);
            if !name.is_empty() {
                found.insert(name.to_string());
            }
        }
    };
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        add_after(&code[at + "crate::".len()..], &mut found);
    }
    let supers = "super::".repeat(depth);
    if depth > 0 {
        for (at, _) in code.match_indices(&supers) {
            let tail = &code[at + supers.len()..];
            let before = code[..at].chars().next_back();
            if tail.starts_with("super::")
                || before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
            {
                continue;
            }
            add_after(tail, &mut found);
        }
    }
    found
}

/// Files of a module directory, leaving out those declared
/// `#[cfg(test)] mod name;` by their parent.
fn files(dir: &Path, out: &mut Vec<(PathBuf, usize)>, depth: usize) {
    let parent = ["mod.rs", "lib.rs"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists());
    let test_only: BTreeSet<String> = parent
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("readable source");
            let mut names = BTreeSet::new();
            for (at, _) in text.match_indices("#[cfg(test)]") {
                let after = text[at + "#[cfg(test)]".len()..].trim_start();
                let after = after.strip_prefix("pub ").unwrap_or(after);
                if let Some(decl) = after.strip_prefix("mod ") {
                    let name = ident_at(decl);
                    if decl[name.len()..].trim_start().starts_with(';') {
                        names.insert(name.to_string());
                    }
                }
            }
            names
        })
        .unwrap_or_default();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a source directory")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if test_only.contains(stem) {
            continue;
        }
        if path.is_dir() {
            files(&path, out, depth + 1);
        } else if path.extension().is_some_and(|e| e == "rs") {
            // `mod.rs` sits at its directory's depth; `a/b.rs` one deeper.
            let file_depth = if stem == "mod" { depth } else { depth + 1 };
            out.push((path, file_depth));
        }
    }
}

/// The graph of top-level modules: module → modules it names.
fn module_graph() -> Graph {
    let root = src();
    let mut all = Vec::new();
    files(&root, &mut all, 0);
    let top = |path: &Path| -> Option<String> {
        let rel = path.strip_prefix(&root).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (name != "lib").then(|| name.to_string())
    };
    let mut graph = Graph::new();
    for (path, depth) in &all {
        let Some(module) = top(path) else { continue };
        let text = std::fs::read_to_string(path).expect("readable source");
        let code = without_tests(&code_only(&text));
        let entry = graph.entry(module.clone()).or_default();
        entry.extend(
            references(&code, *depth)
                .into_iter()
                .filter(|m| *m != module),
        );
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for deps in graph.values_mut() {
        deps.retain(|d| modules.contains(d));
    }
    graph
}

/// Strongly connected components (Tarjan), each sorted.
fn components(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in &s.graph[v] {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            comp.sort();
            s.out.push(comp);
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

/// Levels of an acyclic graph: leaves at 0, each module one above the
/// highest module it uses.
fn levels(graph: &Graph) -> Vec<Vec<String>> {
    let mut level: BTreeMap<&str, usize> = BTreeMap::new();
    while level.len() < graph.len() {
        let before = level.len();
        for (m, deps) in graph {
            if level.contains_key(m.as_str()) {
                continue;
            }
            if deps.iter().all(|d| level.contains_key(d.as_str())) {
                let l = deps
                    .iter()
                    .map(|d| level[d.as_str()] + 1)
                    .max()
                    .unwrap_or(0);
                level.insert(m, l);
            }
        }
        if level.len() == before {
            break;
        }
    }
    let top = level.values().copied().max().unwrap_or(0);
    (0..=top)
        .map(|l| {
            level
                .iter()
                .filter(|(_, v)| **v == l)
                .map(|(m, _)| m.to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_runtime_modules_form_no_cycle() {
    let graph = module_graph();
    assert!(graph.len() > 10, "found only {:?}", graph.keys());
    for (m, deps) in &graph {
        println!(
            "{m} -> {}",
            deps.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let cycles: Vec<_> = components(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    for c in &cycles {
        println!("cycle: {}", c.join(" ↔ "));
    }
    for (l, ms) in levels(&graph).iter().enumerate() {
        println!("level {l}: {}", ms.join(", "));
    }
    assert!(cycles.is_empty(), "module cycles: {cycles:?}");
}

#[test]
fn the_reader_finds_paths_and_skips_comments_strings_and_tests() {
    let code = code_only(
        "use crate::a::B; // crate::comment\nlet s = \"crate::string\";\nuse crate::{c, d::{E, F}, g};\n#[cfg(test)]\nmod tests { use crate::t; }\nfn f() { super::h::x(); let c = '{'; }\n",
    );
    let found = references(&without_tests(&code), 1);
    let names: Vec<_> = found.iter().map(String::as_str).collect();
    assert_eq!(names, ["a", "c", "d", "g", "h"]);
    let mut cyclic = Graph::new();
    cyclic.insert("x".into(), ["y".to_string()].into());
    cyclic.insert("y".into(), ["x".to_string()].into());
    cyclic.insert("z".into(), ["x".to_string()].into());
    let comps = components(&cyclic);
    assert!(comps.contains(&vec!["x".to_string(), "y".to_string()]));
    assert!(comps.contains(&vec!["z".to_string()]));
}
