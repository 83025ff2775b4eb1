//! The names of media files and their stable public URLs: `/media/<sha256>.<ext>` for an
//! original, `/media/<sha256>-<width>w.<ext>` for a variant. A name says what its bytes are, so
//! its URL never shows other bytes and may be cached for good.

use super::format::Format;

/// The path under which files are served.
pub const FILES_PATH: &str = "/media";

/// The file name of an original whose bytes hash to `sha256`.
pub fn original(sha256: &str, format: Format) -> String {
    format!("{sha256}.{}", format.extension())
}

/// The file name of the variant `width` pixels wide of that original.
pub fn variant(sha256: &str, width: i32, format: Format) -> String {
    format!("{sha256}-{width}w.{}", format.extension())
}

/// The public URL (a path on this server) of the file `name`.
pub fn url(name: &str) -> String {
    format!("{FILES_PATH}/{name}")
}

/// The format of a well-formed file name (64 lowercase hex digits, an optional `-<width>w`, an
/// accepted extension), `None` for any other name.
pub fn parse(name: &str) -> Option<Format> {
    let (stem, extension) = name.rsplit_once('.')?;
    let format = Format::from_extension(extension)?;
    let (sha256, width) = match stem.split_once('-') {
        Some((sha256, width)) => (sha256, Some(width.strip_suffix('w')?)),
        None => (stem, None),
    };
    let hex = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let width_ok = width.is_none_or(|w| {
        !w.is_empty()
            && w.len() <= 5
            && !w.starts_with('0')
            && w.bytes().all(|b| b.is_ascii_digit())
    });
    (hex && width_ok).then_some(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_nothing_else_does() {
        let sha = "a".repeat(64);
        assert_eq!(parse(&original(&sha, Format::Png)), Some(Format::Png));
        assert_eq!(parse(&variant(&sha, 320, Format::Jpeg)), Some(Format::Jpeg));
        for bad in [
            format!("{sha}.bmp"),
            format!("{sha}-0320w.jpg"),
            format!("{sha}-w.jpg"),
            format!("{}.jpg", "A".repeat(64)),
            format!("../{sha}.jpg"),
            "x.jpg".to_owned(),
        ] {
            assert_eq!(parse(&bad), None, "{bad}");
        }
    }
}
