//! The category links (id, slug, name, parent) that article views embed, kept in memory between
//! category changes, so a read the response cache misses does not fetch the whole tree each time
//! (on PostgreSQL a round trip of the five an article read made). It serves only while the
//! response cache does: with that off, or suspended, every read sees the database.

use super::model::CategoryLink;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Category links by id.
pub type LinkMap = HashMap<i32, CategoryLink>;

/// The tree as last read, or nothing; forgotten at every change that may touch a category.
///
/// A read takes a [`Snapshot`] before it starts and, when it had to read the tree, offers it
/// back with [`LinksCache::fill`], which keeps it only if nothing was forgotten in between: a
/// read that began before a change never stores the tree as it was before it.
#[derive(Debug)]
pub struct LinksCache {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Goes up at every [`LinksCache::forget`].
    generation: u64,
    links: Option<Arc<LinkMap>>,
    /// While false (a PostgreSQL node that does not hear of other nodes' changes), nothing is
    /// served or kept.
    enabled: bool,
}

/// What a read starts from: the tree, when one is kept, and the generation a fill must match.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub generation: u64,
    pub links: Option<Arc<LinkMap>>,
}

impl LinksCache {
    /// An empty cache, serving and keeping from the start when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Self {
            state: Mutex::new(State {
                generation: 0,
                links: None,
                enabled,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The kept tree (if any) and the current generation.
    pub fn snapshot(&self) -> Snapshot {
        let state = self.lock();
        Snapshot {
            generation: state.generation,
            links: state.links.clone().filter(|_| state.enabled),
        }
    }

    /// Keeps `links`, read by a request that took its snapshot at `generation`, unless the tree
    /// was forgotten since (or the cache is disabled).
    pub fn fill(&self, generation: u64, links: Arc<LinkMap>) {
        let mut state = self.lock();
        if state.enabled && state.generation == generation {
            state.links = Some(links);
        }
    }

    /// Forgets the tree: a category may have changed.
    pub fn forget(&self) {
        let mut state = self.lock();
        state.generation += 1;
        state.links = None;
    }

    /// Starts or stops serving and keeping; either way the tree is forgotten.
    pub fn set_enabled(&self, enabled: bool) {
        let mut state = self.lock();
        state.generation += 1;
        state.links = None;
        state.enabled = enabled;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str) -> Arc<LinkMap> {
        let link = CategoryLink {
            id: 1,
            slug: "health".to_owned(),
            name: name.to_owned(),
            parent_id: None,
        };
        Arc::new(HashMap::from([(1, link)]))
    }

    fn kept_name(cache: &LinksCache) -> Option<String> {
        cache.snapshot().links.map(|links| links[&1].name.clone())
    }

    #[test]
    fn a_tree_read_before_a_change_is_not_kept_after_it() {
        let cache = LinksCache::new(true);
        let before = cache.snapshot();
        assert!(before.links.is_none());
        cache.forget();
        cache.fill(before.generation, tree("Old"));
        assert_eq!(kept_name(&cache), None);

        let now = cache.snapshot();
        cache.fill(now.generation, tree("New"));
        assert_eq!(kept_name(&cache), Some("New".to_owned()));
        cache.forget();
        assert_eq!(kept_name(&cache), None);
    }

    #[test]
    fn a_disabled_cache_serves_and_keeps_nothing() {
        let cache = LinksCache::new(false);
        let snapshot = cache.snapshot();
        cache.fill(snapshot.generation, tree("Health"));
        assert_eq!(kept_name(&cache), None);
        cache.set_enabled(true);
        let snapshot = cache.snapshot();
        cache.fill(snapshot.generation, tree("Health"));
        assert_eq!(kept_name(&cache), Some("Health".to_owned()));
        cache.set_enabled(false);
        assert_eq!(kept_name(&cache), None);
    }
}
