//! The fields of the ranked-search index and the text analyzer they share.
//!
//! One document per article: its five searchable columns (the same plain text as the database's
//! search table, weighted as there), its id, and the two instants between which anonymous readers
//! may see it.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};

/// The longest token indexed, in bytes (a search word is at most 64 grapheme clusters).
pub const MAX_TOKEN_BYTES: usize = 1024;

/// The analyzer's name in the index's tokenizer registry.
pub const ANALYZER: &str = "healthhub";

/// The searchable columns with their weights: title 10, subtitle 5, excerpt 3, headings 2,
/// bodies 1 (the weights of the SQLite ranking, [`crate::articles::search::RANK_SQL`]).
pub const COLUMNS: [(&str, f32); 5] = [
    ("title", 10.0),
    ("subtitle", 5.0),
    ("excerpt", 3.0),
    ("headings", 2.0),
    ("bodies", 1.0),
];

/// The index's fields.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The article id (`u64`, indexed to delete by it, fast to read it back).
    pub id: Field,
    /// The searchable columns, in the order of [`COLUMNS`].
    pub columns: [Field; 5],
    /// When anonymous readers may first see the article, in microseconds since the Unix epoch
    /// (`i64`, fast); `i64::MAX` for drafts and scheduled articles without a date.
    pub visible_from: Field,
    /// When they stop seeing it (`unpublish_at`), in microseconds; `i64::MAX` when never.
    pub visible_until: Field,
}

/// The fast-field names of [`Fields::id`], [`Fields::visible_from`] and [`Fields::visible_until`].
pub const ID: &str = "id";
pub const VISIBLE_FROM: &str = "visible_from";
pub const VISIBLE_UNTIL: &str = "visible_until";

/// The schema and its fields.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let id = builder.add_u64_field(ID, NumericOptions::default().set_indexed().set_fast());
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let columns = COLUMNS.map(|(name, _)| builder.add_text_field(name, text.clone()));
    let visible_from = builder.add_i64_field(VISIBLE_FROM, NumericOptions::default().set_fast());
    let visible_until = builder.add_i64_field(VISIBLE_UNTIL, NumericOptions::default().set_fast());
    let fields = Fields {
        id,
        columns,
        visible_from,
        visible_until,
    };
    (builder.build(), fields)
}

/// Words as the index holds them: split on every character that is not a letter or a digit
/// (as [`crate::articles::search::words`] splits input), lowercased, accents folded, English
/// Snowball stems; tokens over [`MAX_TOKEN_BYTES`] are dropped.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The [`analyzer`] without its last step: words lowercased and folded, not stemmed.
pub fn folder() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The [`analyzer`]'s last step alone: the stem of one folded word.
pub fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}
