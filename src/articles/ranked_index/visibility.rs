//! Which documents anonymous readers may see at an instant, per segment: read from the fast
//! fields once, then kept until the index changes or the clock reaches the next publication or
//! unpublication instant, so a search tests one flag per match instead of two columns.

use super::schema::{VISIBLE_FROM, VISIBLE_UNTIL};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::index::SegmentId;
use tantivy::Searcher;

/// The visible flags of each segment's documents, by document id.
pub type VisibleDocs = Arc<HashMap<SegmentId, Vec<bool>>>;

/// The flags for one searcher generation over a span of time.
struct Computed {
    generation: u64,
    /// The instants (microseconds since the Unix epoch) between which no document changes
    /// visibility: `from` included, `until` excluded.
    from: i64,
    until: i64,
    docs: VisibleDocs,
}

/// The last flags computed.
#[derive(Default)]
pub struct VisibleSets {
    last: Mutex<Option<Computed>>,
}

impl VisibleSets {
    /// The documents of `searcher`'s segments visible at `now` (microseconds since the Unix
    /// epoch).
    pub fn at(&self, searcher: &Searcher, now: i64) -> VisibleDocs {
        let generation = searcher.generation().generation_id();
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(computed) = last.as_ref() {
            if computed.generation == generation && computed.from <= now && now < computed.until {
                return Arc::clone(&computed.docs);
            }
        }
        let mut until = i64::MAX;
        let mut docs = HashMap::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let (Ok(from), Ok(to)) = (fast.i64(VISIBLE_FROM), fast.i64(VISIBLE_UNTIL)) else {
                continue;
            };
            let (from, to) = (
                from.first_or_default_col(i64::MAX),
                to.first_or_default_col(i64::MAX),
            );
            let flags = (0..segment.max_doc())
                .map(|doc| {
                    let (shown, hidden) = (from.get_val(doc), to.get_val(doc));
                    for change in [shown, hidden] {
                        if change > now {
                            until = until.min(change);
                        }
                    }
                    shown <= now && now < hidden
                })
                .collect();
            docs.insert(segment.segment_id(), flags);
        }
        let docs = Arc::new(docs);
        *last = Some(Computed {
            generation,
            from: now,
            until,
            docs: Arc::clone(&docs),
        });
        docs
    }
}
