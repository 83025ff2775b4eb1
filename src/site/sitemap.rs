//! `GET /sitemap.xml` as documents (the sitemaps.org protocol 0.9): a `<urlset>` of page URLs with their `lastmod`, or, past the URLs one file may hold, a `<sitemapindex>` of the files; and which pages each file holds.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io;

/// The protocol's XML namespace.
pub const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// A `<url>` of a `<urlset>` or a `<sitemap>` of a `<sitemapindex>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The absolute URL (`<loc>`).
    pub loc: String,
    /// When it last changed (`<lastmod>`, a W3C datetime in UTC), when known.
    pub lastmod: Option<chrono::NaiveDateTime>,
}

/// The files a sitemap of `total` URLs takes at `per_file` URLs each: at least one (an empty
/// `<urlset>` for a site without pages).
pub fn files(total: i64, per_file: i64) -> i64 {
    let per_file = per_file.max(1);
    ((total + per_file - 1) / per_file).max(1)
}

/// The `<urlset>` of `urls`.
pub fn urlset(urls: &[Located]) -> String {
    document("urlset", "url", urls)
}

/// The `<sitemapindex>` of the sitemap files `files`.
pub fn index(files: &[Located]) -> String {
    document("sitemapindex", "sitemap", files)
}

/// `<root xmlns=…>` holding one `<item>` per entry, each with `<loc>` and maybe `<lastmod>`;
/// UTF-8 with an XML declaration, every text escaped.
fn document(root: &str, item: &str, entries: &[Located]) -> String {
    let mut writer = Writer::new(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = write(&mut writer, root, item, entries);
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

fn write(
    writer: &mut Writer<Vec<u8>>,
    root: &str,
    item: &str,
    entries: &[Located],
) -> io::Result<()> {
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element(root)
        .with_attribute(("xmlns", NAMESPACE))
        .write_inner_content(|writer| {
            for entry in entries {
                writer.create_element(item).write_inner_content(|writer| {
                    writer
                        .create_element("loc")
                        .write_text_content(BytesText::new(&entry.loc))?;
                    if let Some(at) = entry.lastmod {
                        let at = at.format("%Y-%m-%dT%H:%M:%SZ").to_string();
                        writer
                            .create_element("lastmod")
                            .write_text_content(BytesText::new(&at))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_takes_as_many_files_as_its_urls_need() {
        assert_eq!(files(0, 50_000), 1);
        assert_eq!(files(50_000, 50_000), 1);
        assert_eq!(files(50_001, 50_000), 2);
        assert_eq!(files(7, 3), 3);
    }

    #[test]
    fn urls_are_escaped_and_dated_in_utc() {
        let at = chrono::DateTime::from_timestamp(1_745_055_000, 0)
            .unwrap()
            .naive_utc();
        let xml = urlset(&[Located {
            loc: "https://example.org/a?x=1&y=2".to_owned(),
            lastmod: Some(at),
        }]);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(xml.contains(&format!("<urlset xmlns=\"{NAMESPACE}\">")));
        assert!(xml.contains("<loc>https://example.org/a?x=1&amp;y=2</loc>"));
        assert!(xml.contains("<lastmod>2025-04-19T09:30:00Z</lastmod>"));
    }
}
