//! Which documents anonymous readers may see at an instant, per segment: read from the fast
//! fields once, then kept until the index changes or the clock reaches the next publication or
//! unpublication instant, so a search intersects its matches with a bit set instead of reading
//! two columns per match.

use super::schema::{VISIBLE_FROM, VISIBLE_UNTIL};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::index::SegmentId;
use tantivy::query::{
    BitSetDocSet, ConstScorer, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight,
};
use tantivy::{BitSet, DocId, Score, Searcher, SegmentReader, TantivyError};

/// The visible documents of each segment.
pub type VisibleDocs = Arc<HashMap<SegmentId, Arc<BitSet>>>;

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
            let mut visible = BitSet::with_max_value(segment.max_doc());
            for doc in 0..segment.max_doc() {
                let (shown, hidden) = (from.get_val(doc), to.get_val(doc));
                for change in [shown, hidden] {
                    if change > now {
                        until = until.min(change);
                    }
                }
                if shown <= now && now < hidden {
                    visible.insert(doc);
                }
            }
            docs.insert(segment.segment_id(), Arc::new(visible));
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

/// The documents of a [`VisibleDocs`] as a query (scoring nothing: every score is the boost).
#[derive(Clone, Debug)]
pub struct VisibleQuery(pub VisibleDocs);

impl Query for VisibleQuery {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for VisibleQuery {
    fn scorer(&self, segment: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.0.get(&segment.segment_id()) {
            Some(visible) => Box::new(ConstScorer::new(
                BitSetDocSet::from(BitSet::clone(visible)),
                boost,
            )),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, segment: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        match self.0.get(&segment.segment_id()) {
            Some(visible) if visible.contains(doc) => Ok(Explanation::new("visible", 0.0)),
            _ => Err(TantivyError::InvalidArgument(format!(
                "document {doc} is not visible"
            ))),
        }
    }
}
