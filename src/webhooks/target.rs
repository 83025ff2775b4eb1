//! Where a webhook may send: the syntax of its URL and the addresses it may never reach (SSRF protection).
//!
//! A target is refused when it is, or resolves to, an address of the machine itself or of a
//! private network: loopback, RFC 1918 private, CGNAT (RFC 6598), link-local (with the cloud
//! metadata address 169.254.169.254), unspecified, multicast, broadcast and reserved ranges, and
//! their IPv6 counterparts (`::1`, `fc00::/7`, `fe80::/10`) and IPv4 addresses embedded in IPv6
//! (IPv4-mapped, -compatible, NAT64, 6to4). The operator setting
//! `HEALTHHUB_WEBHOOKS_ALLOW_PRIVATE` lifts the rule (tests, closed networks). Literal addresses and
//! `localhost` are refused when a webhook is saved; every delivery checks the addresses a name
//! resolves to and connects only to those.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Longest target URL, in characters.
pub const MAX_URL_LEN: usize = 2048;

/// The JSON Schema `pattern` of a target URL: `http` or `https` (any case), a host name or IP
/// address (IPv6 between brackets), an optional port 1–65535, then an optional path and query of
/// URL characters (RFC 3986, `%` only before two hex digits); no user information, no fragment.
/// [`check_url`] takes exactly these strings (a unit test holds them together).
pub const URL_PATTERN: &str = concat!(
    r"^[Hh][Tt][Tt][Pp][Ss]?://",
    r"(([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?",
    // An IPv6 literal (RFC 4291 §2.2: eight groups, `::` for a run of zero groups, or a trailing
    // dotted IPv4 address after six groups or `::ffff:`).
    r"|\[(",
    r"([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}",
    r"|([0-9A-Fa-f]{1,4}:){1,7}:",
    r"|([0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}",
    r"|([0-9A-Fa-f]{1,4}:){1,5}(:[0-9A-Fa-f]{1,4}){1,2}",
    r"|([0-9A-Fa-f]{1,4}:){1,4}(:[0-9A-Fa-f]{1,4}){1,3}",
    r"|([0-9A-Fa-f]{1,4}:){1,3}(:[0-9A-Fa-f]{1,4}){1,4}",
    r"|([0-9A-Fa-f]{1,4}:){1,2}(:[0-9A-Fa-f]{1,4}){1,5}",
    r"|[0-9A-Fa-f]{1,4}:(:[0-9A-Fa-f]{1,4}){1,6}",
    r"|:((:[0-9A-Fa-f]{1,4}){1,7}|:)",
    r"|(::([Ff]{4}:)?|([0-9A-Fa-f]{1,4}:){6})",
    r"((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
    r")\])",
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?",
    r"(/([A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*)?",
    r"(\?([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?$",
);

/// What a target URL names: its host (brackets removed from an IPv6 literal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// A host name or an IP address literal.
    pub host: String,
}

impl Target {
    /// The address the host is written as, if it is a literal.
    /// The address the host writes, in any form a URL parser reads as one: dotted, but also the
    /// decimal, hexadecimal, octal and shortened IPv4 forms (`2130706433`, `0x7f.1`, `127.1`)
    /// that the WHATWG URL Standard's IPv4 parser accepts, as resolvers do.
    fn literal(&self) -> Option<IpAddr> {
        if let Ok(ip) = self.host.parse() {
            return Some(ip);
        }
        match url::Host::parse(&self.host) {
            Ok(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Ok(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        }
    }

    /// Why a delivery may never reach this target when private targets are not allowed: a
    /// literal private address, or `localhost` and its subdomains (RFC 6761); `None` when it may
    /// (a name is checked again on every delivery, once resolved).
    pub fn refusal(&self) -> Option<String> {
        let host = self.host.to_ascii_lowercase();
        if host == "localhost" || host.ends_with(".localhost") {
            return Some(format!("'{host}' names this machine"));
        }
        match self.literal() {
            Some(ip) if is_private(ip) => Some(format!(
                "{ip} is a loopback, private, link-local or reserved address"
            )),
            _ => None,
        }
    }
}

/// The target `url` names, when it follows [`URL_PATTERN`] and is at most [`MAX_URL_LEN`]
/// characters; otherwise what is wrong with it.
pub fn check_url(url: &str) -> Result<Target, &'static str> {
    if url.chars().count() > MAX_URL_LEN {
        return Err("must be at most 2048 characters");
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err("must be an http:// or https:// URL");
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("must not carry user information (user:password@)");
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let close = bracketed.find(']').ok_or("has an unclosed [ in its host")?;
            let host = &bracketed[..close];
            if host.parse::<std::net::Ipv6Addr>().is_err() {
                return Err("must have an IPv6 address between the brackets");
            }
            (host, &bracketed[close + 1..])
        }
        None => match authority.find(':') {
            Some(colon) => (&authority[..colon], &authority[colon..]),
            None => (authority, ""),
        },
    };
    if !authority.starts_with('[') && !is_host_name(host) {
        return Err("must have a host name or an IP address");
    }
    if !port.is_empty() && !is_port(port) {
        return Err("must have a port between 1 and 65535, without leading zeros");
    }
    if !is_path_and_query(tail) {
        return Err(
            "must have a path and query of URL characters only (RFC 3986; `%` before two hex \
             digits), and no fragment",
        );
    }
    Ok(Target {
        host: host.to_owned(),
    })
}

/// Dot-separated labels of letters, digits and inner hyphens, each 1–63 characters.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.split('.').all(|label| {
            let bytes = label.as_bytes();
            (1..=63).contains(&bytes.len())
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
                && bytes[0] != b'-'
                && bytes[bytes.len() - 1] != b'-'
        })
}

/// `:` and a port 1–65535 written without leading zeros.
fn is_port(port: &str) -> bool {
    let digits = &port[1..];
    port.starts_with(':')
        && (1..=5).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
        && digits.parse::<u32>().is_ok_and(|p| p <= 65535)
}

/// An optional `/path` then an optional `?query` of the characters [`URL_PATTERN`] allows.
fn is_path_and_query(tail: &str) -> bool {
    let (path, query) = match tail.find('?') {
        Some(q) => (&tail[..q], Some(&tail[q + 1..])),
        None => (tail, None),
    };
    let path_ok = path.is_empty() || (path.starts_with('/') && url_chars(path, b""));
    path_ok && query.is_none_or(|q| url_chars(q, b"?"))
}

/// Unreserved and sub-delimiter characters, `:@/`, the `extra` ones and `%XX` escapes.
fn url_chars(text: &str, extra: &[u8]) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"._~!$&'()*+,;=:@/-".contains(&b) || extra.contains(&b))
        {
            return false;
        }
        i += 1;
    }
    true
}

/// True for an address no webhook may reach unless private targets are allowed.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0 // "this network", 0.0.0.0 included (RFC 1122)
        || a == 10 // private (RFC 1918)
        || (a == 100 && (64..128).contains(&b)) // shared address space, CGNAT (RFC 6598)
        || a == 127 // loopback
        || (a == 169 && b == 254) // link-local, cloud metadata (RFC 3927)
        || (a == 172 && (16..32).contains(&b)) // private (RFC 1918)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments (RFC 6890)
        || (a == 192 && b == 168) // private (RFC 1918)
        || (a == 198 && (18..20).contains(&b)) // benchmarking (RFC 2544)
        || a >= 224 // multicast, reserved, broadcast
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| {
        Ipv4Addr::new((high >> 8) as u8, high as u8, (low >> 8) as u8, low as u8)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_private_v4(v4);
    }
    match segments {
        // Unspecified, loopback and the deprecated IPv4-compatible addresses (RFC 4291).
        [0, 0, 0, 0, 0, 0, high, low] => ip.is_loopback() || is_private_v4(embedded_v4(high, low)),
        // NAT64 (RFC 6052).
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => is_private_v4(embedded_v4(high, low)),
        // 6to4 (RFC 3056).
        [0x2002, high, low, ..] => is_private_v4(embedded_v4(high, low)),
        [first, ..] => {
            (first & 0xfe00) == 0xfc00 // unique local (RFC 4193)
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xff00) == 0xff00 // multicast
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_public_addresses() {
        for private in [
            "127.0.0.1",
            "127.8.9.10",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a00:1",
            "2002:7f00:1::",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in [
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn the_pattern_and_the_check_take_the_same_urls() {
        let pattern = regex::Regex::new(URL_PATTERN).unwrap();
        let samples = [
            "https://example.org",
            "https://example.org/hooks?x=1&y=%20",
            "HTTP://Example.ORG:8080/a/b",
            "http://127.0.0.1:65535/",
            "http://[::1]:8080/x",
            "http://[fe80::1%25eth0]/",
            "http://[::1",
            "http://user:pw@example.org/",
            "ftp://example.org/",
            "https://example.org/#fragment",
            "https://exa mple.org/",
            "https://-bad.example/",
            "https://bad-.example/",
            "https://a..b/",
            "https://example.org:0/",
            "https://example.org:65536/",
            "https://example.org:080/",
            "https://example.org/%zz",
            "https://example.org/ü",
            "https://example.org?q=?/",
            "https://example.org:",
            "https://",
            "https://[]/",
            "https://[zz]/",
            "http://[89dB4Ce2a0D6:1dA2d8eCeb:f]/",
            "http://[1:2:3:4:5:6:7:8]/",
            "http://[1::8]/",
            "http://[::ffff:10.0.0.1]/",
            "http://[::ffff:10.0.0.01]/",
            "http://[1:2:3:4:5:6:1.2.3.4]/",
            "http://[1:2:3:4:5:6:7:8:9]/",
            "http://[1:::2]/",
            "https://example.org/a?b#c",
            "https://xn--bcher-kva.example/",
        ];
        for sample in samples {
            assert_eq!(
                check_url(sample).is_ok(),
                pattern.is_match(sample),
                "{sample}: {:?}",
                check_url(sample)
            );
        }
    }

    #[test]
    fn refuses_literal_private_targets_and_localhost() {
        let refused = |url: &str| check_url(url).unwrap().refusal().is_some();
        assert!(refused("http://127.0.0.1:9000/"));
        assert!(refused("http://10.0.0.5/"));
        assert!(refused("http://169.254.169.254/latest/meta-data"));
        assert!(refused("http://[::1]/"));
        assert!(refused("http://[::ffff:127.0.0.1]/"));
        assert!(refused("http://LOCALHOST/"));
        assert!(refused("http://api.localhost/"));
        // Every other way a URL parser (and a resolver) reads an IPv4 address.
        for numeric in [
            "http://0/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0x7f000001/",
            "http://017700000001/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://0177.1/",
            "http://0xa9.0xfe.0xa9.0xfe/",
        ] {
            assert!(refused(numeric), "{numeric}");
        }
        assert!(!refused("https://hooks.example.org/"));
        assert!(!refused("https://0x7f.example.org/"));
        assert!(!refused("https://8.8.8.8/"));
    }
}
