//! The category tree, assembled in memory from one load of the (small) `categories` table.

use super::model::{self, CategoryRow, MAX_DEPTH};
use super::view::CategoryNode;
use crate::support::key::Key;
use std::collections::HashMap;

/// The category `key` names among `rows`, if any.
pub fn find<'a>(rows: &'a [CategoryRow], key: &Key) -> Option<&'a CategoryRow> {
    rows.iter().find(|row| match key {
        Key::Id(id) => i64::from(row.id) == *id,
        Key::Slug(slug) => row.slug == *slug,
        Key::Unmatchable(_) => false,
    })
}

/// Nests `rows` (every category, ordered by position then name) into a forest.
///
/// The forest holds the top-level categories, or only `root` when given; `depth` levels of it
/// (1 = only those nodes; all levels when `None`, at most [`MAX_DEPTH`]). With `counts` (visible
/// articles per category id) every node carries its direct and its whole-subtree count.
pub fn build(
    rows: Vec<CategoryRow>,
    root: Option<i32>,
    depth: Option<usize>,
    counts: Option<&HashMap<i32, i64>>,
) -> Vec<CategoryNode> {
    let paths = model::slug_paths(&rows);
    let mut children: HashMap<Option<i32>, Vec<usize>> = HashMap::new();
    for (index, row) in rows.iter().enumerate() {
        children.entry(row.parent_id).or_default().push(index);
    }
    let counts = counts.map(|direct| {
        let mut subtree = HashMap::new();
        for row in &rows {
            subtree_total(row.id, &rows, &children, direct, &mut subtree, 0);
        }
        Counts { direct, subtree }
    });
    let top = match root {
        Some(id) => rows
            .iter()
            .position(|row| row.id == id)
            .into_iter()
            .collect(),
        None => children.get(&None).cloned().unwrap_or_default(),
    };
    let mut builder = Builder {
        rows: rows.into_iter().map(Some).collect(),
        children,
        paths,
        counts,
        limit: depth.unwrap_or(MAX_DEPTH).min(MAX_DEPTH),
    };
    top.into_iter()
        .filter_map(|index| builder.node(index, 1))
        .collect()
}

/// The visible articles in category `id` and below it, memoized in `totals`.
fn subtree_total(
    id: i32,
    rows: &[CategoryRow],
    children: &HashMap<Option<i32>, Vec<usize>>,
    direct: &HashMap<i32, i64>,
    totals: &mut HashMap<i32, i64>,
    level: usize,
) -> i64 {
    if let Some(total) = totals.get(&id) {
        return *total;
    }
    let mut total = direct.get(&id).copied().unwrap_or(0);
    if level < MAX_DEPTH {
        for &child in children
            .get(&Some(id))
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            total += subtree_total(rows[child].id, rows, children, direct, totals, level + 1);
        }
    }
    totals.insert(id, total);
    total
}

/// Visible articles per category id: directly in it, and in its whole subtree.
struct Counts<'a> {
    direct: &'a HashMap<i32, i64>,
    subtree: HashMap<i32, i64>,
}

/// The state of one tree assembly; each row is taken once, so even a cycle cannot loop.
struct Builder<'a> {
    rows: Vec<Option<CategoryRow>>,
    children: HashMap<Option<i32>, Vec<usize>>,
    paths: HashMap<i32, String>,
    counts: Option<Counts<'a>>,
    limit: usize,
}

impl Builder<'_> {
    /// The node for `rows[index]` at `level` (1 = top), with its children down to the limit.
    fn node(&mut self, index: usize, level: usize) -> Option<CategoryNode> {
        let row = self.rows.get_mut(index)?.take()?;
        let children = if level < self.limit {
            self.children
                .get(&Some(row.id))
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|child| self.node(child, level + 1))
                .collect()
        } else {
            Vec::new()
        };
        let (article_count, subtree_article_count) = match &self.counts {
            Some(counts) => (
                Some(counts.direct.get(&row.id).copied().unwrap_or(0)),
                Some(counts.subtree.get(&row.id).copied().unwrap_or(0)),
            ),
            None => (None, None),
        };
        Some(CategoryNode {
            path: self.paths.remove(&row.id).unwrap_or_default(),
            id: row.id,
            slug: row.slug,
            name: row.name,
            description: row.description,
            parent_id: row.parent_id,
            position: row.position,
            children,
            article_count,
            subtree_article_count,
        })
    }
}
