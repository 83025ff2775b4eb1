//! Sort keys of the list query language: `sort=-published_at,title`.

/// Most sort keys.
pub const MAX_SORT_KEYS: usize = 3;

/// A field lists can be sorted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    PublishedAt,
    UpdatedAt,
    Title,
    Slug,
    ViewCount,
    Id,
    /// Search relevance; only with `q`.
    Rank,
}

impl SortField {
    pub const ALL: [SortField; 7] = [
        SortField::PublishedAt,
        SortField::UpdatedAt,
        SortField::Title,
        SortField::Slug,
        SortField::ViewCount,
        SortField::Id,
        SortField::Rank,
    ];

    /// The field's name in `sort`.
    pub fn name(self) -> &'static str {
        match self {
            SortField::PublishedAt => "published_at",
            SortField::UpdatedAt => "updated_at",
            SortField::Title => "title",
            SortField::Slug => "slug",
            SortField::ViewCount => "view_count",
            SortField::Id => "id",
            SortField::Rank => "rank",
        }
    }
}

/// One sort key; `descending` for a leading `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortKey {
    pub field: SortField,
    pub descending: bool,
}

/// The written form of sort keys: `-published_at,title`.
pub fn sort_spec(keys: &[SortKey]) -> String {
    keys.iter()
        .map(|k| format!("{}{}", if k.descending { "-" } else { "" }, k.field.name()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The keys of a list without `sort`: `rank` when searching, else `-published_at` (newest first).
pub fn default_keys(searching: bool) -> Vec<SortKey> {
    if searching {
        vec![SortKey {
            field: SortField::Rank,
            descending: false,
        }]
    } else {
        vec![SortKey {
            field: SortField::PublishedAt,
            descending: true,
        }]
    }
}

/// The keys of a `sort` parameter (`None`: the default, `rank` when searching, else
/// `-published_at`); the message of the 400 when a field is unknown or more than
/// [`MAX_SORT_KEYS`] are given. `rank` without `q` is the constant 0 (every article is equally
/// relevant), so the keys after it decide; a field named twice keeps its first direction.
pub fn parse(value: Option<String>, searching: bool) -> Result<Vec<SortKey>, String> {
    let Some(value) = value else {
        return Ok(default_keys(searching));
    };
    let mut keys = Vec::new();
    let mut count = 0;
    for part in value.split(',') {
        let (descending, name) = match part.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, part),
        };
        let field = SortField::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .ok_or_else(|| {
                format!(
                    "unknown sort field '{name}'; known: {}",
                    SortField::ALL.map(SortField::name).join(", ")
                )
            })?;
        count += 1;
        // A field named again orders nothing more: the rows it would order are already in the
        // order of its first mention.
        if !keys.iter().any(|k: &SortKey| k.field == field) {
            keys.push(SortKey { field, descending });
        }
    }
    if count > MAX_SORT_KEYS {
        return Err(format!("sort takes at most {MAX_SORT_KEYS} fields"));
    }
    Ok(keys)
}
