//! Compressed copies of cached answers: which content coding a request gets (negotiated exactly as actix-web's `Compress` negotiates it) and the encoded bytes, made with `Compress`'s own settings so a stored copy is the representation `Compress` would have sent.
//!
//! The response cache keeps each answer's identity body; the first request that asks for a
//! coding encodes it once ([`Coding::encode`]) and the entry keeps that copy beside it
//! (`ResponseCache::encoded`), so later hits send the stored bytes with `Content-Encoding` set
//! and `Compress` (which leaves an answer that already has one alone) does no work.

use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, HeaderMap, HeaderValue,
};
use actix_web::mime;
use actix_web::web::Bytes;
use std::io::{self, Write};

/// The codings `Compress` negotiates with the features this crate enables (`compress-brotli`,
/// `compress-gzip`), identity included, as it lists them.
const SUPPORTED: [Encoding; 4] = [
    Encoding::identity(),
    Encoding::brotli(),
    Encoding::gzip(),
    Encoding::deflate(),
];

/// A content coding an answer may be stored in (RFC 9110 §8.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// `br` (RFC 7932), quality 3 and a 4 MiB window, as `Compress` writes it.
    Brotli,
    /// `gzip` (RFC 1952), flate2's fastest level, as `Compress` writes it.
    Gzip,
    /// `deflate`, i.e. zlib (RFC 1950), flate2's fastest level, as `Compress` writes it.
    Deflate,
}

impl Coding {
    /// How many codings there are: the number of encoded copies an entry may keep.
    pub const COUNT: usize = 3;

    /// Every coding, in `Compress`'s order of preference.
    pub const ALL: [Coding; Self::COUNT] = [Self::Brotli, Self::Gzip, Self::Deflate];

    /// The coding's name, as in `Content-Encoding` and as the suffix of an entity tag.
    pub fn name(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
            Self::Deflate => "deflate",
        }
    }

    /// The coding a `Content-Encoding` value names (any case), if it is one of these.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|coding| coding.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The coding a request with `accept` (its `Accept-Encoding`, if any) is answered in, by
    /// `Compress`'s rules (RFC 9110 §12.5.3: highest q-value, then br before gzip before
    /// deflate); `None` for identity, which includes a missing header and one nothing suits.
    pub fn negotiate(accept: Option<&AcceptEncoding>) -> Option<Self> {
        match accept?.negotiate(SUPPORTED.iter())? {
            Encoding::Known(ContentEncoding::Brotli) => Some(Self::Brotli),
            Encoding::Known(ContentEncoding::Gzip) => Some(Self::Gzip),
            Encoding::Known(ContentEncoding::Deflate) => Some(Self::Deflate),
            _ => None,
        }
    }

    /// Where this coding's copy sits among an entry's `COUNT` copies.
    pub fn index(self) -> usize {
        match self {
            Self::Brotli => 0,
            Self::Gzip => 1,
            Self::Deflate => 2,
        }
    }

    /// The coding's `Content-Encoding` value.
    pub fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(self.name())
    }

    /// `body` encoded in this coding, written in one piece with the settings of actix-http's
    /// encoder. Errors only if the encoder fails to write to memory.
    pub fn encode(self, body: &[u8]) -> io::Result<Bytes> {
        let mut out = Vec::with_capacity(body.len() / 3);
        match self {
            Self::Brotli => {
                let mut writer = brotli::CompressorWriter::new(&mut out, 32 * 1024, 3, 22);
                writer.write_all(body)?;
                writer.flush()?;
                // Ending the writer ends the stream (its last meta-block).
                writer.into_inner();
            }
            Self::Gzip => {
                let mut writer =
                    flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
                writer.write_all(body)?;
                writer.finish()?;
            }
            Self::Deflate => {
                let mut writer =
                    flate2::write::ZlibEncoder::new(&mut out, flate2::Compression::fast());
                writer.write_all(body)?;
                writer.finish()?;
            }
        }
        Ok(Bytes::from(out))
    }
}

/// `accept` (an `Accept-Encoding` value) with what actix-web's negotiation does not read spelled
/// out, or `None` when it needs no change (RFC 9110 §12.5.3 and §8.4.1.3):
/// - `x-gzip` is `gzip`;
/// - `*` stands for every coding the header does not name, identity included, so it is replaced
///   by each of them (the codings of [`Coding::ALL`] and `identity`) with the `*`'s parameters.
///   actix reads `*` only as whether identity is acceptable, and before a more specific
///   `identity;q=0`, so without this `identity;q=0, br;q=0, gzip;q=0, deflate;q=0, *` would get
///   identity, and `identity;q=0, *` no compression.
///
/// Both the response cache and `Compress` then negotiate on the rewritten value.
pub fn spelled_out_accept_encoding(accept: &str) -> Option<String> {
    let mut changed = false;
    let mut items: Vec<(String, String)> = Vec::new();
    let mut any: Option<String> = None;
    for item in accept
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
    {
        let (name, parameters) = item.split_once(';').unwrap_or((item, ""));
        let mut name = name.trim().to_ascii_lowercase();
        let parameters = parameters.trim().to_owned();
        if name == "*" {
            changed = true;
            any.get_or_insert(parameters);
            continue;
        }
        if name == "x-gzip" {
            name = Coding::Gzip.name().to_owned();
            changed = true;
        }
        items.push((name, parameters));
    }
    if let Some(parameters) = any {
        let codings = Coding::ALL.map(Coding::name);
        for coding in codings.into_iter().chain(["identity"]) {
            if !items.iter().any(|(name, _)| name == coding) {
                items.push((coding.to_owned(), parameters.clone()));
            }
        }
    }
    changed.then(|| {
        items
            .iter()
            .map(|(name, parameters)| match parameters.as_str() {
                "" => name.clone(),
                parameters => format!("{name};{parameters}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// True when `Compress` would encode an answer with these headers: one not encoded already,
/// whose `Content-Type` is missing or neither an image (but SVG) nor a video.
pub fn is_compressible(headers: &HeaderMap) -> bool {
    if headers.contains_key(header::CONTENT_ENCODING) {
        return false;
    }
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    match content_type
        .to_str()
        .ok()
        .and_then(|value| value.parse::<mime::Mime>().ok())
    {
        Some(media) if media.type_() == mime::IMAGE => media.subtype() == mime::SVG,
        Some(media) => media.type_() != mime::VIDEO,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::Header;
    use actix_web::test::TestRequest;
    use std::io::Read;

    #[test]
    fn accept_encoding_is_spelled_out_only_where_actix_would_misread_it() {
        for untouched in ["", "gzip", "br;q=0.5, gzip", "identity", "identity;q=0"] {
            assert_eq!(spelled_out_accept_encoding(untouched), None, "{untouched}");
        }
        let cases = [
            ("x-gzip", "gzip"),
            ("X-GZIP;q=0.5", "gzip;q=0.5"),
            ("*", "br, gzip, deflate, identity"),
            ("identity;q=0, *", "identity;q=0, br, gzip, deflate"),
            (
                "gzip;q=0, *;q=0.5",
                "gzip;q=0, br;q=0.5, deflate;q=0.5, identity;q=0.5",
            ),
            ("*;q=0, gzip", "gzip, br;q=0, deflate;q=0, identity;q=0"),
            (
                "*;q=0.1, *;q=0.9",
                "br;q=0.1, gzip;q=0.1, deflate;q=0.1, identity;q=0.1",
            ),
        ];
        for (accept, spelled) in cases {
            assert_eq!(
                spelled_out_accept_encoding(accept).as_deref(),
                Some(spelled),
                "{accept}"
            );
        }
        // What the negotiation then chooses: `*` reaches the codings it stands for, and what is
        // refused by name stays refused; nothing left is `None` from actix (a 406).
        let chosen = |accept: &str| {
            let spelled = spelled_out_accept_encoding(accept).unwrap();
            let request = TestRequest::default()
                .insert_header(("Accept-Encoding", spelled))
                .to_http_request();
            let parsed = AcceptEncoding::parse(&request).expect("parses");
            parsed.negotiate(SUPPORTED.iter())
        };
        assert_eq!(chosen("identity;q=0, *"), Some(Encoding::brotli()));
        assert_eq!(chosen("br;q=0, *"), Some(Encoding::gzip()));
        assert_eq!(chosen("x-gzip"), Some(Encoding::gzip()));
        assert_eq!(chosen("*;q=0"), None);
        assert_eq!(
            chosen("identity;q=0, br;q=0, gzip;q=0, deflate;q=0, *"),
            None,
            "every coding refused by name leaves the * nothing"
        );
    }

    fn negotiated(accept: &str) -> Option<Coding> {
        let request = TestRequest::default()
            .insert_header(("Accept-Encoding", accept))
            .to_http_request();
        Coding::negotiate(AcceptEncoding::parse(&request).ok().as_ref())
    }

    #[test]
    fn negotiation_follows_q_values_then_compress_preference() {
        assert_eq!(negotiated("gzip, deflate, br"), Some(Coding::Brotli));
        assert_eq!(negotiated("br;q=0.5, gzip"), Some(Coding::Gzip));
        assert_eq!(negotiated("deflate"), Some(Coding::Deflate));
        assert_eq!(negotiated("identity"), None);
        assert_eq!(negotiated("zstd"), None);
        assert_eq!(Coding::negotiate(None), None);
    }

    #[test]
    fn every_coding_decodes_to_the_body() {
        let body = br#"{"title":"Sleep basics","sections":["a","b"]}"#.repeat(50);
        for coding in [Coding::Brotli, Coding::Gzip, Coding::Deflate] {
            let encoded = coding.encode(&body).expect("encodes");
            assert!(encoded.len() < body.len() / 4, "{coding:?} compresses");
            let mut decoded = Vec::new();
            match coding {
                Coding::Brotli => brotli::Decompressor::new(&encoded[..], 4096)
                    .read_to_end(&mut decoded)
                    .map(drop),
                Coding::Gzip => flate2::read::GzDecoder::new(&encoded[..])
                    .read_to_end(&mut decoded)
                    .map(drop),
                Coding::Deflate => flate2::read::ZlibDecoder::new(&encoded[..])
                    .read_to_end(&mut decoded)
                    .map(drop),
            }
            .expect("decodes");
            assert_eq!(decoded, body, "{coding:?}");
        }
    }

    #[test]
    fn images_and_videos_stay_as_they_are_but_svg() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            is_compressible(&headers)
        };
        assert!(with("application/json"));
        assert!(with("application/atom+xml; charset=utf-8"));
        assert!(with("image/svg+xml"));
        assert!(!with("image/png"));
        assert!(!with("video/mp4"));
        assert!(is_compressible(&HeaderMap::new()));
        let mut encoded = HeaderMap::new();
        encoded.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        assert!(!is_compressible(&encoded));
    }
}
