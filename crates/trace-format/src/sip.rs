//! A forgiving SIP message reader for display: first line, headers in order, body.
//!
//! It reads what Kamailio stored (the bytes on the wire), so it never fails: garbage gives an
//! empty or partial result, never a panic.

/// The parts of one stored SIP message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SipHead {
    /// The request line or status line (the first non-empty line), without CR/LF.
    pub first_line: String,
    /// `METHOD uri SIP/x` on the first line.
    pub is_request: bool,
    /// The request's method; for a reply the method of its CSeq (as sip_trace's `method` column).
    pub method: Option<String>,
    /// A reply's status code (100..=699).
    pub status: Option<u16>,
    /// `(name, value)` in order, names as written (compact forms like `i`, `f`, `c` kept), values
    /// trimmed, folded continuation lines joined with one space.
    pub headers: Vec<(String, String)>,
    /// Everything after the first empty line.
    pub body: String,
    /// The body is SDP: Content-Type (`c`) `application/sdp` (also as a multipart part), or a
    /// body that starts with `v=0`.
    pub has_sdp: bool,
}

impl SipHead {
    /// The first header with this name (case-insensitive; a compact form matches its long name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| same_header(n, name)).map(|(_, v)| v.as_str())
    }
}

/// RFC 3261 §7.3.3 compact forms (plus the common extensions').
const COMPACT: &[(&str, &str)] = &[
    ("i", "call-id"),
    ("m", "contact"),
    ("e", "content-encoding"),
    ("l", "content-length"),
    ("c", "content-type"),
    ("f", "from"),
    ("s", "subject"),
    ("k", "supported"),
    ("t", "to"),
    ("v", "via"),
    ("o", "event"),
    ("u", "allow-events"),
    ("r", "refer-to"),
    ("b", "referred-by"),
    ("x", "session-expires"),
    ("a", "accept-contact"),
    ("j", "reject-contact"),
    ("d", "request-disposition"),
    ("y", "identity"),
];

fn long_name(n: &str) -> &str {
    COMPACT.iter().find(|(c, _)| n.eq_ignore_ascii_case(c)).map_or(n, |(_, l)| l)
}

/// Header names compare case-insensitively, a compact form equal to its long name.
pub fn same_header(a: &str, b: &str) -> bool {
    long_name(a.trim()).eq_ignore_ascii_case(long_name(b.trim()))
}

/// Like [`parse_message`] for bytes that may not be UTF-8 (invalid sequences become U+FFFD).
pub fn parse_message_bytes(raw: &[u8]) -> SipHead {
    parse_message(&String::from_utf8_lossy(raw))
}

/// Splits a stored message into first line, headers and body. Never panics.
pub fn parse_message(raw: &str) -> SipHead {
    // RFC 3261 §7.5: empty lines before the start line are ignored (keep-alive CRLFs).
    let text = raw.trim_start_matches(['\r', '\n']);
    let (head, body) = split_head_body(text);
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first_line = lines.next().unwrap_or("").trim_end().to_string();

    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // A folded line continues the previous header's value (RFC 3261 §7.3.1).
            if let Some((_, v)) = headers.last_mut() {
                let more = line.trim();
                if !more.is_empty() {
                    if !v.is_empty() {
                        v.push(' ');
                    }
                    v.push_str(more);
                }
            }
            continue;
        }
        if let Some((n, v)) = line.split_once(':') {
            let name = n.trim();
            if !name.is_empty() {
                headers.push((name.to_string(), v.trim().to_string()));
            }
        }
    }

    let mut out = SipHead { first_line, headers, body: body.to_string(), ..SipHead::default() };
    read_first_line(&mut out);
    out.has_sdp = has_sdp(&out);
    out
}

/// Head and body split at the first empty line (CRLF CRLF, or bare LF LF as some tools write).
fn split_head_body(text: &str) -> (&str, &str) {
    let crlf = text.find("\r\n\r\n").map(|i| (i, 4));
    let lf = text.find("\n\n").map(|i| (i, 2));
    let cut = match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    };
    match cut {
        Some((i, n)) => (&text[..i], &text[i + n..]),
        None => (text, ""),
    }
}

/// ASCII case-insensitive prefix test that cannot split a multi-byte character.
fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

fn is_token(s: &str) -> bool {
    // RFC 3261 token characters.
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
}

fn read_first_line(out: &mut SipHead) {
    let mut parts = out.first_line.split_ascii_whitespace();
    let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
        return;
    };
    if starts_with_ci(a, "SIP/") {
        if b.len() == 3 {
            if let Ok(code) = b.parse::<u16>() {
                if (100..=699).contains(&code) {
                    out.status = Some(code);
                    out.method = cseq_method(out);
                }
            }
        }
        return;
    }
    let version = parts.next();
    let proper = version.is_some_and(|v| starts_with_ci(v, "SIP/")) && parts.next().is_none();
    if proper && is_token(a) {
        out.is_request = true;
        out.method = Some(a.to_string());
    }
}

fn cseq_method(out: &SipHead) -> Option<String> {
    let cseq = out.header("cseq")?;
    let m = cseq.split_ascii_whitespace().nth(1)?;
    is_token(m).then(|| m.to_string())
}

fn has_sdp(out: &SipHead) -> bool {
    if out.body.trim().is_empty() {
        return false;
    }
    if out.body.trim_start().starts_with("v=0") {
        return true;
    }
    let Some(ct) = out.header("content-type") else {
        return false;
    };
    let media = ct.split(';').next().unwrap_or("").trim();
    if media.eq_ignore_ascii_case("application/sdp") {
        return true;
    }
    // multipart/mixed (e.g. SDP + ISUP): look for an SDP part.
    starts_with_ci(media, "multipart/") && out.body.to_ascii_lowercase().contains("application/sdp")
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "INVITE sip:bob@example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776\r\n\
Max-Forwards: 70\r\n\
f: \"Jürgen 张伟\" <sip:juergen@example.com>;tag=1928\r\n\
t: <sip:bob@example.com>\r\n\
i: a84b4c76e66710@pc33\r\n\
CSeq: 314159 INVITE\r\n\
Subject: a long\r\n \tfolded\r\n  subject\r\n\
c: application/sdp\r\n\
l: 25\r\n\
\r\n\
v=0\r\no=- 1 1 IN IP4 x\r\n";

    #[test]
    fn request_with_compact_and_folded_headers() {
        let h = parse_message(INVITE);
        assert_eq!(h.first_line, "INVITE sip:bob@example.com SIP/2.0");
        assert!(h.is_request);
        assert_eq!(h.method.as_deref(), Some("INVITE"));
        assert_eq!(h.status, None);
        let names: Vec<&str> = h.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Via", "Max-Forwards", "f", "t", "i", "CSeq", "Subject", "c", "l"]);
        assert_eq!(h.header("Subject"), Some("a long folded subject"));
        assert_eq!(h.header("call-id"), Some("a84b4c76e66710@pc33"));
        assert_eq!(h.header("From"), Some("\"Jürgen 张伟\" <sip:juergen@example.com>;tag=1928"));
        assert_eq!(h.body, "v=0\r\no=- 1 1 IN IP4 x\r\n");
        assert!(h.has_sdp);
    }

    #[test]
    fn reply_takes_method_from_cseq() {
        let h = parse_message("SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
        assert!(!h.is_request);
        assert_eq!(h.status, Some(180));
        assert_eq!(h.method.as_deref(), Some("INVITE"));
        assert_eq!(h.first_line, "SIP/2.0 180 Ringing");
        assert_eq!(h.body, "");
        assert!(!h.has_sdp);
        let bad = parse_message("SIP/2.0 99 Too Low\r\n\r\n");
        assert_eq!((bad.status, bad.is_request), (None, false));
        let big = parse_message("SIP/2.0 1800 X\r\n\r\n");
        assert_eq!(big.status, None);
    }

    #[test]
    fn sdp_detection() {
        let ct = |ct: &str, body: &str| parse_message(&format!("SIP/2.0 200 OK\r\nContent-Type: {ct}\r\n\r\n{body}"));
        assert!(ct("Application/SDP; charset=x", "o=x\r\n").has_sdp);
        assert!(!ct("application/sdp", "").has_sdp, "an empty body carries no SDP");
        assert!(!ct("text/plain", "hello").has_sdp);
        assert!(ct("text/plain", "v=0\r\n").has_sdp, "a body that starts v=0 is SDP whatever the header says");
        assert!(ct("multipart/mixed;boundary=b", "--b\r\nContent-Type: application/sdp\r\n\r\nv=1\r\n--b--").has_sdp);
        assert!(!ct("multipart/mixed;boundary=b", "--b\r\nContent-Type: application/isup\r\n\r\nx\r\n--b--").has_sdp);
        let no_ct = parse_message("MESSAGE sip:a@b SIP/2.0\r\nl: 5\r\n\r\nhello");
        assert!(!no_ct.has_sdp);
        assert_eq!(no_ct.body, "hello");
    }

    #[test]
    fn bare_lf_leading_crlf_and_no_body() {
        let h = parse_message("\r\n\r\nOPTIONS sip:x SIP/2.0\nCall-ID: 1\n\nbody\n");
        assert_eq!(h.method.as_deref(), Some("OPTIONS"));
        assert_eq!(h.header("i"), Some("1"));
        assert_eq!(h.body, "body\n");
        let h = parse_message("BYE sip:x SIP/2.0\r\nCall-ID: 2");
        assert_eq!(h.header("Call-ID"), Some("2"));
        assert_eq!(h.body, "");
    }

    #[test]
    fn garbage_is_not_a_request() {
        for s in
            ["", "\r\n", "hello", "hello world", "GET / HTTP/1.1\r\n\r\n", "IN VITE sip:x SIP/2.0", "INV<ITE x SIP/2.0"]
        {
            let h = parse_message(s);
            assert!(!h.is_request, "{s:?}");
            assert_eq!((h.method, h.status), (None, None), "{s:?}");
        }
        // A continuation line before any header is ignored, a line without ':' too.
        let h = parse_message("REGISTER sip:x SIP/2.0\r\n folded-first\r\nnocolon\r\n: empty-name\r\nTo: a\r\n\r\n");
        assert_eq!(h.headers, vec![("To".to_string(), "a".to_string())]);
        let lossy = parse_message_bytes(b"INVITE sip:\xff\xfe SIP/2.0\r\nCall-ID: \xc3\r\n\r\n\x80");
        assert!(lossy.is_request);
        assert_eq!(lossy.header("Call-ID"), Some("\u{fffd}"));
    }

    /// A tiny xorshift generator: random inputs without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn random_input_never_panics_and_keeps_invariants() {
        // Pieces that hit the parser's edges: separators, folding, UTF-8 of every width.
        const PIECES: &[&str] = &[
            "\r\n",
            "\n",
            "\r",
            ":",
            " ",
            "\t",
            "SIP/2.0",
            "SIP/",
            "INVITE",
            "200",
            "v=0",
            "c:",
            "Content-Type",
            "application/sdp",
            "multipart/",
            "CSeq: 1 ",
            "ü",
            "张",
            "😀",
            "\u{0}",
            "[",
            "]",
            "a",
            "Z",
            ";",
            "\r\n\r\n",
            "\u{fffd}",
            "SIP/2.0 ",
            " sip:x ",
            "9",
            "l: 0",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let n = (rng.next() % 40) as usize;
            let mut s = String::new();
            for _ in 0..n {
                if rng.next().is_multiple_of(5) {
                    // Any char at all, including ones no piece has.
                    s.push(char::from_u32((rng.next() % 0x11_0000) as u32).unwrap_or('x'));
                } else {
                    s.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
                }
            }
            let h = parse_message(&s);
            assert!(s.ends_with(&h.body), "body is a suffix of {s:?}");
            assert!(s.contains(h.first_line.as_str()), "first line comes from {s:?}");
            assert!(!h.first_line.contains('\n'), "{s:?}");
            assert!(!(h.is_request && h.status.is_some()), "{s:?}");
            assert_eq!(h.is_request, h.method.is_some() && h.status.is_none(), "{s:?}");
            assert!(h.status.is_none_or(|c| (100..=699).contains(&c)), "{s:?}");
            assert!(h.headers.iter().all(|(n, _)| !n.is_empty() && !n.contains('\n')), "{s:?}");
            if h.has_sdp {
                assert!(!h.body.trim().is_empty(), "{s:?}");
            }
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            let _ = parse_message_bytes(&bytes);
        }
    }
}
