//! Ranked search without scoring every match: a node-local tantivy index of the articles' text,
//! kept in step with the database through the changes log.
//!
//! The database's own search ranks every match by relevance before it can return the first page
//! (bm25 on SQLite, `ts_rank_cd` on PostgreSQL: 0.17 s for a word most articles hold at 100 000
//! articles). This index answers the plain ranked search (`q` with no other filter, sorted by
//! relevance) from its posting lists, with top-k collection, and the database then reads the
//! page's articles by id; everything else (filters, other sorts, snippets) stays in SQL.
//!
//! **Keeping in step.** The index records the changes-log `seq` it reflects (in its commit
//! payload). Before each ranked search, [`RankedIndex::catch_up`] compares it with the log's
//! newest `seq` and re-reads the articles named by the entries it has not seen, so a search
//! never misses a write committed before it started (a writer reads its own writes). When the
//! log no longer holds what the index missed (pruned), or the database is behind the index
//! (another file, a restored backup), the index is rebuilt from every article.
//!
//! **Where it lives.** In a directory (`HEALTHHUB_SEARCH_INDEX`, by default `<database
//! file>.search` beside an SQLite file), reopened at the next start and caught up; or in memory
//! (the default on PostgreSQL, where each node keeps its own), rebuilt at each start.

pub mod marks;
pub mod query;
pub mod schema;
pub mod source;
pub mod visibility;

use crate::changes::event::ResourceType;
use crate::changes::model as changes;
use crate::config::SearchIndexPlace as Place;
use crate::db::DbConn;
use chrono::NaiveDateTime;
use query::Hit;
use schema::Fields;
use serde::{Deserialize, Serialize};
use source::SearchRow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Mutex, TryLockError};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Schema;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// The commit payload: what the index holds.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    /// [`FORMAT`] when written.
    format: u32,
    /// The newest changes-log `seq` the index reflects.
    seq: i64,
    /// When that entry was written: the database's identity, checked once after opening (a
    /// restored backup or another file with as many entries has other instants).
    at: Option<NaiveDateTime>,
}

/// The layout of the documents and of the payload; an index of another format is rebuilt.
const FORMAT: u32 = 1;

/// Articles read from the database per statement while indexing.
const BATCH: i64 = 500;

/// Changes-log entries read per statement while catching up.
const LOG_BATCH: i64 = 1_000;

/// Memory the writer may fill before it writes a segment, in bytes.
const WRITER_MEMORY: usize = 64 << 20;

/// One page of ranked hits.
#[derive(Debug)]
pub struct RankedPage {
    /// The hits, most relevant first.
    pub hits: Vec<Hit>,
    /// True when more hits follow.
    pub has_more: bool,
    /// Hits over all pages, when asked for.
    pub total: Option<i64>,
}

/// The index, its reader, and its one writer with the `seq` it reflects.
pub struct RankedIndex {
    fields: Fields,
    analyzer: TextAnalyzer,
    reader: IndexReader,
    writer: Mutex<Writer>,
    /// The newest `seq` the committed index reflects; −1 when it has never been built.
    applied: AtomicI64,
    /// True once the index is known to reflect this database ([`Payload::at`] checked).
    verified: AtomicBool,
    /// The documents anonymous readers may see, as last computed.
    visible: visibility::VisibleSets,
}

/// The writer, with what the last commit recorded.
struct Writer {
    writer: IndexWriter,
    /// [`Payload::at`] of the last commit.
    at: Option<NaiveDateTime>,
}

impl RankedIndex {
    /// Opens the index at `place` (`None` for [`Place::Off`]), creating it (empty, to be built
    /// at the first [`Self::catch_up`]) when missing or of another format.
    ///
    /// Errors: the directory cannot be created or read, or another process holds its writer.
    pub fn open(place: &Place) -> anyhow::Result<Option<Self>> {
        let (schema, fields) = schema::build();
        let index = match place {
            Place::Off => return Ok(None),
            Place::Memory => Index::create_in_ram(schema),
            Place::Directory(dir) => open_directory(dir, schema)?,
        };
        index
            .tokenizers()
            .register(schema::ANALYZER, schema::analyzer());
        let payload = read_payload(&index);
        let applied = payload.as_ref().map_or(-1, |payload| payload.seq);
        let writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Some(Self {
            fields,
            analyzer: schema::analyzer(),
            reader,
            writer: Mutex::new(Writer {
                writer,
                at: payload.and_then(|payload| payload.at),
            }),
            applied: AtomicI64::new(applied),
            verified: AtomicBool::new(false),
            visible: visibility::VisibleSets::default(),
        }))
    }

    /// Brings the index up to the changes log's newest entry: re-indexes the articles of the
    /// entries it has not seen, or rebuilds it from every article when the log cannot tell
    /// (never built, pruned past it, or behind it). Returns `false`, without waiting, when the
    /// index has never been built and another caller is building it (a long job on a large
    /// database: the caller answers from SQL meanwhile); otherwise callers wait for one another.
    ///
    /// Errors: the database or the index failed; the index is left as of its last commit.
    pub fn catch_up(&self, conn: &mut DbConn) -> anyhow::Result<bool> {
        let newest = changes::last_seq(conn)?;
        if self.verified.load(Ordering::Acquire) && self.applied.load(Ordering::Acquire) == newest {
            return Ok(true);
        }
        let mut guard = if self.applied.load(Ordering::Acquire) < 0 {
            match self.writer.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => return Ok(false),
            }
        } else {
            self.writer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        let applied = self.applied.load(Ordering::Acquire);
        let other_database = !self.verified.load(Ordering::Acquire)
            && applied >= 0
            && changes::written_at(conn, applied)? != guard.at;
        if !other_database && applied == newest {
            self.verified.store(true, Ordering::Release);
            return Ok(true);
        }
        let pruned = changes::pruned_through(conn)?;
        let writer = &mut guard.writer;
        let result = if applied < 0 || other_database || applied < pruned || applied > newest {
            self.rebuild(writer, conn)
        } else {
            self.apply_log(writer, conn, applied, newest)
        };
        if let Err(error) = result {
            // Nothing half-done stays: the next catch-up starts again from the last commit.
            writer.rollback()?;
            return Err(error);
        }
        let at = changes::written_at(conn, newest)?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&serde_json::to_string(&Payload {
            format: FORMAT,
            seq: newest,
            at,
        })?);
        commit.commit()?;
        guard.at = at;
        self.reader.reload()?;
        self.applied.store(newest, Ordering::Release);
        self.verified.store(true, Ordering::Release);
        Ok(true)
    }

    /// The marker of the hits of a search for `words`; `None` when a word has no token the
    /// index could hold (nothing matches).
    pub fn marker(&self, words: &[String]) -> Option<marks::Marker> {
        let mut analyzer = self.analyzer.clone();
        let stems: Vec<String> = words
            .iter()
            .map(|word| query::stem(&mut analyzer, word))
            .collect::<Option<_>>()?;
        marks::Marker::new(&stems)
    }

    /// The newest changes-log `seq` the committed index reflects (−1 before its first build).
    pub fn applied_seq(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// One page of the articles matching `words` (at least one; see [`query::build`]), visible
    /// at `visible_at` (microseconds since the Unix epoch) when given, in rank order; with
    /// `with_total`, the number of matches too. Reads the index as of the last catch-up.
    pub fn search(
        &self,
        words: &[String],
        visible_at: Option<i64>,
        slice: query::Slice,
        with_total: bool,
    ) -> tantivy::Result<RankedPage> {
        let searcher = self.reader.searcher();
        let mut analyzer = self.analyzer.clone();
        let visible = visible_at.map(|now| self.visible.at(&searcher, now));
        let Some(query) = query::build(&searcher, &self.fields, &mut analyzer, words) else {
            return Ok(RankedPage {
                hits: Vec::new(),
                has_more: false,
                total: with_total.then_some(0),
            });
        };
        let total = match with_total {
            true => {
                let counted = query::only_visible(query.as_ref(), visible.as_ref());
                let n = query::count(&searcher, counted.as_ref())?;
                Some(i64::try_from(n).unwrap_or(i64::MAX))
            }
            false => None,
        };
        let limit = slice.limit;
        // One more than the page, to know whether another follows.
        let slice = query::Slice {
            limit: limit + 1,
            ..slice
        };
        let mut hits = query::top(&searcher, query.as_ref(), visible.as_ref(), slice)?;
        let has_more = hits.len() > limit;
        hits.truncate(limit);
        Ok(RankedPage {
            hits,
            has_more,
            total,
        })
    }

    /// Re-indexes the articles named by the log entries after `applied`, up to `newest`.
    fn apply_log(
        &self,
        writer: &mut IndexWriter,
        conn: &mut DbConn,
        applied: i64,
        newest: i64,
    ) -> anyhow::Result<()> {
        let mut seen = applied;
        let mut ids = Vec::new();
        while seen < newest {
            let entries = changes::after(conn, seen, LOG_BATCH)?;
            let Some(last) = entries.last() else {
                break;
            };
            seen = last.seq;
            ids.extend(
                entries
                    .iter()
                    .filter(|entry| entry.resource_type == ResourceType::Article.as_str())
                    .filter_map(|entry| entry.resource_id),
            );
        }
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(BATCH as usize) {
            for &id in chunk {
                writer.delete_term(self.id_term(id));
            }
            for row in source::by_ids(conn, chunk)? {
                writer.add_document(self.document(&row))?;
            }
        }
        Ok(())
    }

    /// Replaces the index's documents with every article.
    fn rebuild(&self, writer: &mut IndexWriter, conn: &mut DbConn) -> anyhow::Result<()> {
        writer.delete_all_documents()?;
        let mut last = 0;
        loop {
            let rows = source::after(conn, last, BATCH)?;
            let Some(row) = rows.last() else {
                return Ok(());
            };
            last = row.id;
            for row in &rows {
                writer.add_document(self.document(row))?;
            }
        }
    }

    fn id_term(&self, id: i32) -> Term {
        Term::from_field_u64(self.fields.id, u64::try_from(id).unwrap_or_default())
    }

    /// The index document of one article.
    fn document(&self, row: &SearchRow) -> TantivyDocument {
        let micros = |at: NaiveDateTime| at.and_utc().timestamp_micros();
        let visible_from = match (row.status.as_str(), row.published_at) {
            ("published", Some(at)) => micros(at),
            _ => i64::MAX,
        };
        let mut document = TantivyDocument::default();
        document.add_u64(self.fields.id, u64::try_from(row.id).unwrap_or_default());
        for (field, text) in self.fields.columns.iter().zip(row.columns()) {
            document.add_text(*field, text);
        }
        document.add_i64(self.fields.visible_from, visible_from);
        document.add_i64(
            self.fields.visible_until,
            row.unpublish_at.map_or(i64::MAX, micros),
        );
        document
    }
}

/// The index in `dir`, or a new empty one when it is missing or of another format.
fn open_directory(dir: &Path, schema: Schema) -> anyhow::Result<Index> {
    std::fs::create_dir_all(dir)?;
    if let Ok(index) = Index::open_in_dir(dir) {
        let current = read_payload(&index).is_some_and(|payload| payload.format == FORMAT);
        if current && index.schema() == schema {
            return Ok(index);
        }
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() {
            std::fs::remove_file(path)?;
        }
    }
    Ok(Index::create(
        MmapDirectory::open(dir)?,
        schema,
        Default::default(),
    )?)
}

/// The payload of the index's last commit, if it has one this version reads.
fn read_payload(index: &Index) -> Option<Payload> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}
