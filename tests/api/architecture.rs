//! Enforces the dependency rules of `src/`: no import cycle between source files, and the lower
//! layers never import the HTTP layer, the application state or the wiring modules. Mirrors
//! `../shared/tools/deps.py` (same file walk, parsing and path resolution), so CI keeps the rules
//! on a clean clone where that script is not available.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// A module path as deps.py derives it from a file: `src/articles/query/mod.rs` →
/// `["articles", "query"]`, `src/articles/model.rs` → `["articles", "model"]`, `src/lib.rs` →
/// `["lib"]`, `src/main.rs` → `["main"]`.
type Module = Vec<String>;

/// The import graph between the `.rs` files under `<root>/src`.
struct Graph {
    /// Module path → its file, relative to `src/` with `/` separators (`articles/model.rs`).
    files: BTreeMap<Module, String>,
    /// Module → the other module files its `crate::` / `super::` paths refer to.
    edges: BTreeMap<Module, BTreeSet<Module>>,
}

impl Graph {
    /// Walks `<root>/src` and builds the graph the way deps.py does.
    fn build(root: &Path) -> io::Result<Graph> {
        let src = root.join("src");
        let mut found = Vec::new();
        walk(&src, &src, &mut found)?;
        found.sort();
        let files: BTreeMap<Module, String> = found
            .iter()
            .map(|(rel, _)| (module_of(rel), rel.clone()))
            .collect();
        let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
        for (rel, path) in &found {
            let me = module_of(rel);
            let text = read_text(path)?;
            let paths = resolved_paths(&code(&text), &me);
            let targets = edges.entry(me.clone()).or_default();
            for path in paths {
                // The longest prefix that is a module file; an edge unless it is the file itself.
                let target = (1..=path.len())
                    .rev()
                    .map(|n| &path[..n])
                    .find(|prefix| files.contains_key(*prefix));
                if let Some(target) = target {
                    if target != me.as_slice() {
                        targets.insert(target.to_vec());
                    }
                }
            }
        }
        Ok(Graph { files, edges })
    }

    fn the_src_tree() -> Graph {
        Graph::build(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("read the files of src/")
    }

    fn all_edges(&self) -> impl Iterator<Item = (&Module, &Module)> {
        self.edges
            .iter()
            .flat_map(|(from, targets)| targets.iter().map(move |to| (from, to)))
    }

    fn file(&self, module: &Module) -> String {
        format!("src/{}", self.files[module])
    }
}

/// Every `.rs` file under `dir` as (path relative to `src` with `/` separators, full path). Like
/// `os.walk`: descends into real directories only, a symlink to a directory is neither walked nor
/// taken as a file.
fn walk(src: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if path.is_dir() {
            if !entry.file_type()?.is_symlink() {
                walk(src, &path, out)?;
            }
        } else if entry.file_name().to_string_lossy().ends_with(".rs") {
            let rel = path
                .strip_prefix(src)
                .expect("the walk stays under src/")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
    Ok(())
}

/// deps.py's `modpath`: the path without `.rs`, and a `mod.rs` stands for its folder.
fn module_of(rel: &str) -> Module {
    let mut parts: Module = rel[..rel.len() - ".rs".len()]
        .split('/')
        .map(String::from)
        .collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts
}

/// The file's text with Python's universal newlines (`\r\n` and `\r` read as `\n`).
fn read_text(path: &Path) -> io::Result<String> {
    Ok(fs::read_to_string(path)?
        .replace("\r\n", "\n")
        .replace('\r', "\n"))
}

/// deps.py's `code`: everything before the first `#[cfg(test)]`, without the lines whose trimmed
/// start is `//`.
fn code(text: &str) -> String {
    let before_tests = text.split("#[cfg(test)]").next().unwrap_or_default();
    before_tests
        .split('\n')
        .filter(|line| !py_strip(line).starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Python's `str.strip()`: its whitespace is Unicode `White_Space` plus U+001C..=U+001F.
fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

/// A character of Python's `\w` (close enough: Unicode alphanumerics and `_`).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The paths of `code` resolved against the module `me`: `crate::a::b` → `a::b`, and
/// `super::rest` → `me[:-1] + rest` (exactly as deps.py does).
fn resolved_paths(code: &str, me: &[String]) -> Vec<Module> {
    raw_paths(code)
        .into_iter()
        .map(|path| {
            if path[0] == "super" {
                let mut resolved = me[..me.len().saturating_sub(1)].to_vec();
                resolved.extend_from_slice(&path[1..]);
                resolved
            } else {
                path[1..].to_vec()
            }
        })
        .collect()
}

/// deps.py's `paths`, a hand port of
/// `\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)*)(::\{([^}]*)\})?` scanned like `re.finditer`:
/// every `crate::…` / `super::…` path (keyword first), a `{a, b::c as d, self}` group expanded
/// into one path per item. The group ends at the first `}`, so a nested group is cut short just
/// as in deps.py. Like the regex, nothing is required after the keyword (`supervisor` yields
/// `super`).
fn raw_paths(txt: &str) -> Vec<Vec<String>> {
    let bytes = txt.as_bytes();
    let is_ident_start = |b: &u8| b.is_ascii_alphabetic() || *b == b'_';
    let is_ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < txt.len() {
        let keyword = ["crate", "super"]
            .into_iter()
            .find(|k| txt[i..].starts_with(k));
        let at_boundary = !matches!(txt[..i].chars().next_back(), Some(c) if is_word(c));
        let Some(keyword) = keyword.filter(|_| at_boundary) else {
            i += txt[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut base = vec![keyword.to_string()];
        let mut j = i + keyword.len();
        while bytes[j..].starts_with(b"::") && bytes.get(j + 2).is_some_and(is_ident_start) {
            let start = j + 2;
            let mut end = start + 1;
            while bytes.get(end).is_some_and(is_ident) {
                end += 1;
            }
            base.push(txt[start..end].to_string());
            j = end;
        }
        let group = if bytes[j..].starts_with(b"::{") {
            txt[j + 3..].find('}').map(|k| (j + 3, j + 3 + k))
        } else {
            None
        };
        match group {
            None => {
                out.push(base);
                i = j;
            }
            Some((start, close)) => {
                for item in txt[start..close].split(',') {
                    let item = py_strip(py_strip(item).split(" as ").next().unwrap_or_default());
                    if item == "self" {
                        out.push(base.clone());
                    } else if !item.is_empty() {
                        let mut path = base.clone();
                        path.extend(item.split("::").filter(|s| !s.is_empty()).map(String::from));
                        out.push(path);
                    }
                }
                i = close + 1;
            }
        }
    }
    out
}

/// The strongly connected components of the graph (Tarjan), each a list of modules.
fn strongly_connected(graph: &Graph) -> Vec<Vec<&Module>> {
    struct Tarjan {
        adjacent: Vec<Vec<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        components: Vec<Vec<usize>>,
    }

    impl Tarjan {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for k in 0..self.adjacent[v].len() {
                let w = self.adjacent[v][k];
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(index) if self.on_stack[w] => self.low[v] = self.low[v].min(index),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = self.stack.pop().expect("v is on the stack");
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }

    let nodes: Vec<&Module> = graph.files.keys().collect();
    let id: BTreeMap<&Module, usize> = nodes.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let adjacent = nodes
        .iter()
        .map(|m| {
            graph
                .edges
                .get(*m)
                .into_iter()
                .flatten()
                .map(|t| id[t])
                .collect()
        })
        .collect();
    let mut tarjan = Tarjan {
        adjacent,
        index: vec![None; nodes.len()],
        low: vec![0; nodes.len()],
        stack: Vec::new(),
        on_stack: vec![false; nodes.len()],
        next: 0,
        components: Vec::new(),
    };
    for v in 0..nodes.len() {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    tarjan
        .components
        .into_iter()
        .map(|c| c.into_iter().map(|v| nodes[v]).collect())
        .collect()
}

/// The import cycles as deps.py prints them: one line per component of more than one file, its
/// size then its sorted module names (`lib` for the root), largest first.
fn cycles(graph: &Graph) -> Vec<String> {
    let mut big: Vec<Vec<String>> = strongly_connected(graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut names: Vec<String> = c
                .iter()
                .map(|m| {
                    if m.is_empty() {
                        "lib".into()
                    } else {
                        m.join("::")
                    }
                })
                .collect();
            names.sort();
            names
        })
        .collect();
    big.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    big.iter()
        .map(|names| format!("{} {}", names.len(), names.join(" ")))
        .collect()
}

/// A lower-layer (component) file, by its path relative to `src/`: everything under `support/`,
/// `db/`, `caching/`, `dataset/`; `config.rs`, `error.rs`, `limits.rs`, `metrics.rs`,
/// `telemetry.rs`; and in the
/// resource folders every file but the resource's own `handlers.rs` and `mod.rs` and
/// `auth/caller.rs`, `auth/whoami.rs` (the extractor and the endpoint that need the state).
fn is_component(rel: &str) -> bool {
    const LOWER_DIRS: [&str; 4] = ["support/", "db/", "caching/", "dataset/"];
    const LOWER_FILES: [&str; 5] = [
        "config.rs",
        "error.rs",
        "limits.rs",
        "metrics.rs",
        "telemetry.rs",
    ];
    const RESOURCE_DIRS: [&str; 13] = [
        "articles/",
        "categories/",
        "sections/",
        "people/",
        "references/",
        "tags/",
        "media/",
        "previews/",
        "auth/",
        "changes/",
        "revisions/",
        "webhooks/",
        "site/",
    ];
    const RESOURCE_WIRING: [&str; 2] = ["handlers.rs", "mod.rs"];
    const AUTH_HTTP_FILES: [&str; 2] = ["auth/caller.rs", "auth/whoami.rs"];
    if LOWER_DIRS.iter().any(|d| rel.starts_with(d)) || LOWER_FILES.contains(&rel) {
        return true;
    }
    RESOURCE_DIRS.iter().any(|d| {
        rel.strip_prefix(d)
            .is_some_and(|rest| !RESOURCE_WIRING.contains(&rest))
    }) && !AUTH_HTTP_FILES.contains(&rel)
}

/// The modules that wire the application together; no component may depend on them.
const WIRING: [&str; 4] = ["app", "openapi", "jobs", "cli"];

/// The graph of `src/`, checked to be a real walk (so no test below can pass on an empty tree).
fn walked_src_tree() -> Graph {
    let graph = Graph::the_src_tree();
    assert!(
        graph.files.len() > 50,
        "the walk found only {} files",
        graph.files.len()
    );
    let edges = graph.all_edges().count();
    assert!(edges > 100, "the walk found only {edges} edges");
    graph
}

#[test]
fn no_import_cycle_between_source_files() {
    let graph = walked_src_tree();

    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between the files of src/ (size, then the modules of each):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn lower_layers_do_not_import_the_http_layer_or_the_state() {
    let graph = walked_src_tree();
    let components = graph.files.values().filter(|f| is_component(f)).count();
    assert!(components > 30, "only {components} component files found");
    let handlers = graph.files.keys().filter(|m| is_handlers(m)).count();
    assert!(handlers >= 3, "only {handlers} handlers files found");

    let mut violations = Vec::new();
    for (from, to) in graph.all_edges() {
        let head = to.first().map(String::as_str).unwrap_or_default();
        if is_component(&graph.files[from]) {
            if to.as_slice() == ["state"] || head == "http" {
                violations.push(format!(
                    "{} → {} (the state or the HTTP layer)",
                    graph.file(from),
                    to.join("::")
                ));
            } else if WIRING.contains(&head) {
                violations.push(format!(
                    "{} → {} (a wiring module)",
                    graph.file(from),
                    to.join("::")
                ));
            }
        }
        if is_handlers(from) && is_handlers(to) && from[..from.len() - 1] != to[..to.len() - 1] {
            violations.push(format!(
                "{} → {} (another resource's handlers)",
                graph.file(from),
                to.join("::")
            ));
        }
    }
    assert!(
        violations.is_empty(),
        "lower layers must not import crate::state, crate::http or the wiring modules ({}), \
         and handlers must not import another resource's handlers:\n{}",
        WIRING.join(", "),
        violations.join("\n")
    );
}

/// A `handlers.rs` module (`articles::handlers`).
fn is_handlers(module: &Module) -> bool {
    module.len() > 1 && module.last().is_some_and(|last| last == "handlers")
}

#[test]
fn the_parser_expands_groups_and_resolves_super_like_deps_py() {
    let me: Module = vec!["x".into(), "y".into()];
    let strs = |paths: Vec<Module>| -> Vec<String> { paths.iter().map(|p| p.join("::")).collect() };

    assert_eq!(
        strs(resolved_paths("use crate::{a::b, c as d};", &me)),
        ["a::b", "c"]
    );
    assert_eq!(strs(resolved_paths("use super::z;", &me)), ["x::z"]);
    assert_eq!(
        strs(resolved_paths("use super::{self, w::V};", &me)),
        ["x", "x::w::V"]
    );
    // The group stops at the first `}`, like deps.py's `[^}]*`: `d` is not seen.
    assert_eq!(
        strs(resolved_paths("use crate::{a::{b, c}, d};", &me)),
        ["a::{b", "c"]
    );
    // Only at a word boundary; nothing is required after the keyword.
    assert_eq!(strs(resolved_paths("my_crate::a $crate::b", &me)), ["b"]);
    assert_eq!(strs(resolved_paths("supervisor", &me)), ["x"]);
    // Comment lines and everything from the first `#[cfg(test)]` on are dropped.
    let text =
        "use crate::a;\n  // use crate::b;\nuse crate::c; // crate::d\n#[cfg(test)]\nuse crate::e;";
    assert_eq!(strs(resolved_paths(&code(text), &me)), ["a", "c", "d"]);

    assert_eq!(module_of("articles/query/mod.rs"), ["articles", "query"]);
    assert_eq!(module_of("lib.rs"), ["lib"]);
    assert_eq!(module_of("main.rs"), ["main"]);
}

/// A scratch project directory, removed when dropped.
struct ScratchDir(PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn the_cycle_check_finds_two_files_importing_each_other() {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_nanos();
    let root = ScratchDir(std::env::temp_dir().join(format!(
        "healthhub-architecture-{}-{nanos}",
        std::process::id()
    )));
    let src = root.0.join("src");
    fs::create_dir_all(&src).unwrap();
    fs::write(src.join("lib.rs"), "mod a;\nmod b;\nmod c;\n").unwrap();
    fs::write(src.join("a.rs"), "use crate::b::X;\npub struct Y;\n").unwrap();
    fs::write(src.join("b.rs"), "use crate::a::Y;\npub struct X;\n").unwrap();
    fs::write(src.join("c.rs"), "use crate::a::Y;\n").unwrap();

    let graph = Graph::build(&root.0).unwrap();
    assert_eq!(graph.files.len(), 4);
    assert_eq!(graph.all_edges().count(), 3);
    assert_eq!(cycles(&graph), ["2 a b"]);
}
