//! Reference responses: one cited work with links a reader can follow, and an article's list.

use super::model::ReferenceRow;
use serde::Serialize;
use utoipa::ToSchema;

/// One cited work, as articles embed it and `GET /articles/{id_or_slug}/references` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(example = json!({
    "position": 1, "title": "Sleep and mental health: a systematic review",
    "url": "https://doi.org/10.1016/j.smrv.2020.101300", "publisher": "Sleep Medicine Reviews",
    "year": 2020, "doi": "10.1016/j.smrv.2020.101300", "pubmed_id": "32325376",
    "doi_url": "https://doi.org/10.1016/j.smrv.2020.101300",
    "pubmed_url": "https://pubmed.ncbi.nlm.nih.gov/32325376/"
}))]
pub struct ReferenceView {
    /// 1-based place in the article's list.
    pub position: i32,
    pub title: String,
    pub url: String,
    pub publisher: String,
    /// The year it was published; `null` when unknown.
    #[schema(required = true)]
    pub year: Option<i32>,
    /// Its DOI; `null` when it has none.
    #[schema(required = true)]
    pub doi: Option<String>,
    /// Its PubMed id; `null` when it has none.
    #[schema(required = true)]
    pub pubmed_id: Option<String>,
    /// The DOI at the DOI Foundation's resolver (`https://doi.org/<doi>`, the form the DOI
    /// Handbook recommends displaying); `null` without a DOI.
    #[schema(required = true)]
    pub doi_url: Option<String>,
    /// The PubMed page (`https://pubmed.ncbi.nlm.nih.gov/<pmid>/`); `null` without a PubMed id.
    #[schema(required = true)]
    pub pubmed_url: Option<String>,
}

impl From<ReferenceRow> for ReferenceView {
    fn from(row: ReferenceRow) -> Self {
        Self {
            position: row.position,
            doi_url: row.doi.as_ref().map(|doi| format!("https://doi.org/{doi}")),
            pubmed_url: row
                .pubmed_id
                .as_ref()
                .map(|pmid| format!("https://pubmed.ncbi.nlm.nih.gov/{pmid}/")),
            title: row.title,
            url: row.url,
            publisher: row.publisher,
            year: row.year,
            doi: row.doi,
            pubmed_id: row.pubmed_id,
        }
    }
}

/// An article's references, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferenceList {
    pub data: Vec<ReferenceView>,
}

impl ReferenceList {
    /// The list of `rows`, in their order.
    pub fn new(rows: Vec<ReferenceRow>) -> Self {
        Self {
            data: rows.into_iter().map(ReferenceView::from).collect(),
        }
    }
}
