//! Addresses as Kamailio's siptrace stores them in `fromip`/`toip`, and the IP filters a user types.
//!
//! What Kamailio 5.6 writes (src/modules/siptrace/siptrace.c, `"%s:%s:%d"`):
//! - a received message: `proto:ip:port` with `ip_addr2a()`, so IPv6 has **no** brackets
//!   (`udp:::1:5060`, `tcp:2001:db8::1:5061`) and the port follows the last colon;
//! - a sent message: `fromip` is the socket's `sock_str` (`socketinfo2str()`), which puts IPv6 in
//!   **brackets** (`udp:[::1]:5060`); `toip` is bracketless in flag mode (`ip_addr2a`) but bracketed
//!   in core-event mode (`trace_mode` 2, `suip2a()`).
//! - the proto is `siptrace_proto_name()`: `udp`, `tcp`, `tls`, `sctp`, `ws`, `wss` (anything else
//!   is written as `udp`); a socket's own name can also be `*` or `unknown`, and a failed format
//!   is stored as `any:255.255.255.255:5060`. `trace_local_ip` replaces the local side with any
//!   text the admin configured.
//! - IPv6 digits follow the core parameter `ipv6_hex_style`: `c` (default, compact like
//!   `inet_ntop`), `a` (expanded lowercase, no leading zeros: `0:0:0:0:0:0:0:1`) or `A` (uppercase).
//!
//! So both forms are parsed, and a filter lists every form it could be stored as.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The transport part of a stored address, lowercase when displayed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Proto {
    Udp,
    Tcp,
    Tls,
    Sctp,
    Ws,
    Wss,
    /// Anything else Kamailio may store (`any`, `unknown`, `*`), lowercased.
    Other(String),
}

impl Proto {
    /// The protocols siptrace writes, in the order a filter without a protocol lists them.
    pub const KNOWN: [Proto; 6] = [Proto::Udp, Proto::Tcp, Proto::Tls, Proto::Sctp, Proto::Ws, Proto::Wss];

    /// Case-insensitive; an unknown name becomes [`Proto::Other`] (lowercased).
    pub fn parse(s: &str) -> Proto {
        let l = s.trim().to_ascii_lowercase();
        match l.as_str() {
            "udp" => Proto::Udp,
            "tcp" => Proto::Tcp,
            "tls" => Proto::Tls,
            "sctp" => Proto::Sctp,
            "ws" => Proto::Ws,
            "wss" => Proto::Wss,
            _ => Proto::Other(l),
        }
    }

    /// The lowercase name as Kamailio stores it.
    pub fn as_str(&self) -> &str {
        match self {
            Proto::Udp => "udp",
            Proto::Tcp => "tcp",
            Proto::Tls => "tls",
            Proto::Sctp => "sctp",
            Proto::Ws => "ws",
            Proto::Wss => "wss",
            Proto::Other(s) => s,
        }
    }

    /// True for connection-oriented transports (tcp, tls, ws, wss, sctp): the PCAP writer turns
    /// their messages into TCP segments.
    pub fn is_stream(&self) -> bool {
        matches!(self, Proto::Tcp | Proto::Tls | Proto::Sctp | Proto::Ws | Proto::Wss)
    }

    fn is_known(&self) -> bool {
        !matches!(self, Proto::Other(_))
    }
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One parsed `fromip`/`toip` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAddr {
    pub proto: Proto,
    /// The address when `host` is an IP literal (not for a `trace_local_ip` host name).
    pub ip: Option<IpAddr>,
    /// The host part as stored, IPv6 without brackets.
    pub host: String,
    pub port: Option<u16>,
}

impl StoredAddr {
    /// `192.0.2.1:5060`, `[::1]:5060`, or the host alone when there is no port: the way a person
    /// (and Wireshark) writes it.
    pub fn label(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        match self.port {
            Some(p) => format!("{host}:{p}"),
            None => host,
        }
    }

    /// The socket address when both the IP and the port are known.
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        Some(SocketAddr::new(self.ip?, self.port?))
    }
}

/// Parses a stored address: `udp:192.0.2.1:5060`, `udp:::1:5060`, `tcp:2001:db8::1:5061`,
/// `udp:[::1]:5060`. The port is the part after the last colon. `None` when there is no
/// `proto:` part or no host.
pub fn parse_stored(raw: &str) -> Option<StoredAddr> {
    let raw = raw.trim();
    let (proto, rest) = raw.split_once(':')?;
    if proto.is_empty() {
        return None;
    }
    let (host, port) = split_host_port(rest)?;
    let ip = host.parse::<IpAddr>().ok();
    Some(StoredAddr { proto: Proto::parse(proto), ip, host: host.to_string(), port })
}

/// `host[:port]` where an IPv6 host may or may not be in brackets; the port follows the last colon.
/// `None` on an empty host or a bracket that is not closed. A suffix that is not a port number
/// (e.g. `2001:db8::` + `1` would be, but `db8:` + `x` is not) leaves everything as the host.
fn split_host_port(rest: &str) -> Option<(&str, Option<u16>)> {
    if let Some(inner) = rest.strip_prefix('[') {
        let (host, after) = inner.split_once(']')?;
        if host.is_empty() {
            return None;
        }
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse::<u16>().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((host, port));
    }
    if rest.is_empty() {
        return None;
    }
    let Some((host, port)) = rest.rsplit_once(':') else {
        return Some((rest, None));
    };
    let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    match port.parse::<u16>() {
        // Prefer the port reading (Kamailio always writes one), unless that leaves a host that
        // is not an address while the whole is one (`2001:db8::1` with no port).
        Ok(p) if digits && !host.is_empty() => {
            if host.contains(':') && host.parse::<Ipv6Addr>().is_err() && rest.parse::<Ipv6Addr>().is_ok() {
                Some((rest, None))
            } else {
                Some((host, Some(p)))
            }
        }
        _ => Some((rest, None)),
    }
}

/// A user's IP filter: an address, optionally a port, optionally a protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrFilter {
    pub proto: Option<Proto>,
    pub ip: IpAddr,
    pub port: Option<u16>,
}

const FORMS: &str = "use an IP address (192.0.2.1, 2001:db8::1), with a port (192.0.2.1:5060, [2001:db8::1]:5060) \
     and optionally a protocol (udp:192.0.2.1:5060, tcp:[::1]:5060)";

/// Parses `192.0.2.1`, `2001:db8::1`, `192.0.2.1:5060`, `[2001:db8::1]:5060`,
/// `udp:192.0.2.1:5060`, `tcp:[::1]:5060`, `tcp:::1:5060`, `udp:192.0.2.1`.
///
/// Without brackets and without a protocol, a string with several colons is read as an IPv6
/// address (`2001:db8::1:5060` is an address); with a protocol it is read as Kamailio stores it
/// (port after the last colon). The error is a sentence that says what is wrong.
pub fn parse_filter(s: &str) -> Result<AddrFilter, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(format!("The address filter is empty; {FORMS}."));
    }
    // The longest real one ("sctp:[v6 with embedded v4]:65535") is under 60 characters; a longer
    // input is not echoed back in the error.
    if s.chars().count() > 100 {
        return Err(format!(
            "The address filter is {} characters long, too long for an address; {FORMS}.",
            s.chars().count()
        ));
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(AddrFilter { proto: None, ip, port: None });
    }
    let (proto, rest) = match s.split_once(':') {
        Some((p, rest)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic()) => {
            let proto = Proto::parse(p);
            if !proto.is_known() {
                return Err(format!(
                    "'{p}' in '{s}' is not a SIP transport Kamailio stores; use udp, tcp, tls, sctp, ws or wss \
                     (or leave it out to match any)."
                ));
            }
            (Some(proto), rest)
        }
        _ => (None, s),
    };
    let (host, port) = match proto {
        Some(_) => split_filter_stored(rest, s)?,
        None => split_filter_plain(rest, s)?,
    };
    let ip = host.parse::<IpAddr>().map_err(|_| not_ip(host, s))?;
    Ok(AddrFilter { proto, ip, port })
}

fn not_ip(host: &str, whole: &str) -> String {
    let shown = if host.is_empty() { whole } else { host };
    format!("'{shown}' is not an IP address (host names are not looked up); {FORMS}.")
}

fn bad_port(port: &str, whole: &str) -> String {
    format!("The port '{port}' in '{whole}' is not a number from 1 to 65535.")
}

fn parse_port(p: &str, whole: &str) -> Result<u16, String> {
    match p.parse::<u16>() {
        Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(bad_port(p, whole)),
    }
}

/// No protocol: `a.b.c.d:port` or `[v6]:port` (a bare IP was handled before).
fn split_filter_plain<'a>(rest: &'a str, whole: &str) -> Result<(&'a str, Option<u16>), String> {
    if let Some(inner) = rest.strip_prefix('[') {
        return split_bracketed(inner, whole);
    }
    match rest.split_once(':') {
        Some((host, port)) if !port.contains(':') => {
            if host.parse::<IpAddr>().is_err() {
                return Err(not_ip(host, whole));
            }
            Ok((host, Some(parse_port(port, whole)?)))
        }
        _ => Err(not_ip(rest, whole)),
    }
}

/// After `proto:`: as Kamailio stores it, IPv6 with or without brackets, port after the last colon.
fn split_filter_stored<'a>(rest: &'a str, whole: &str) -> Result<(&'a str, Option<u16>), String> {
    if let Some(inner) = rest.strip_prefix('[') {
        return split_bracketed(inner, whole);
    }
    if rest.parse::<IpAddr>().is_ok() {
        // `tcp:::1:5060` is also a valid IPv6 address: Kamailio's reading (port last) wins when
        // what is left before the last colon is an address too.
        if let Some((host, port)) = rest.rsplit_once(':') {
            if host.parse::<Ipv6Addr>().is_ok() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
                return Ok((host, Some(parse_port(port, whole)?)));
            }
        }
        return Ok((rest, None));
    }
    match rest.rsplit_once(':') {
        Some((host, port)) => {
            if host.parse::<IpAddr>().is_err() {
                return Err(not_ip(host, whole));
            }
            Ok((host, Some(parse_port(port, whole)?)))
        }
        None => Err(not_ip(rest, whole)),
    }
}

fn split_bracketed<'a>(inner: &'a str, whole: &str) -> Result<(&'a str, Option<u16>), String> {
    let Some((host, after)) = inner.split_once(']') else {
        return Err(format!("'{whole}' opens a '[' that is not closed; write IPv6 with a port as [2001:db8::1]:5060."));
    };
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(format!("'{whole}' puts an IPv4 address in brackets; brackets are for IPv6 only ({FORMS})."));
    }
    if host.parse::<Ipv6Addr>().is_err() {
        return Err(not_ip(host, whole));
    }
    if after.is_empty() {
        return Ok((host, None));
    }
    match after.strip_prefix(':') {
        Some(p) => Ok((host, Some(parse_port(p, whole)?))),
        None => Err(format!("'{whole}' has '{after}' after the ']'; only ':' and a port may follow it.")),
    }
}

/// Kamailio's expanded IPv6 spelling (`ipv6_hex_style` `a`/`A`): every group, no leading zeros.
fn ipv6_expanded(ip: &Ipv6Addr, upper: bool) -> String {
    let groups: Vec<String> =
        ip.segments().iter().map(|g| if upper { format!("{g:X}") } else { format!("{g:x}") }).collect();
    groups.join(":")
}

impl AddrFilter {
    /// With a port: every string Kamailio may have stored for this address (one per protocol
    /// when none was given; for IPv6 with and without brackets, compact and expanded digits),
    /// for an indexed `fromip IN (...)`. Without a port: empty (the filter cannot be an equality).
    pub fn stored_forms(&self) -> Vec<String> {
        let Some(port) = self.port else {
            return Vec::new();
        };
        let protos: Vec<Proto> = match &self.proto {
            Some(p) => vec![p.clone()],
            None => Proto::KNOWN.to_vec(),
        };
        let hosts: Vec<String> = match self.ip {
            IpAddr::V4(v4) => vec![v4.to_string()],
            IpAddr::V6(v6) => {
                let mut spellings = vec![v6.to_string(), ipv6_expanded(&v6, false), ipv6_expanded(&v6, true)];
                spellings.dedup();
                spellings.iter().flat_map(|h| [h.clone(), format!("[{h}]")]).collect()
            }
        };
        let mut out = Vec::new();
        for p in &protos {
            for h in &hosts {
                let form = format!("{p}:{h}:{port}");
                if !out.contains(&form) {
                    out.push(form);
                }
            }
        }
        out
    }

    /// Whether a stored address is one this filter selects (the address compared as an IP, so
    /// any spelling matches; protocol and port only when the filter has them).
    pub fn matches(&self, a: &StoredAddr) -> bool {
        let Some(ip) = a.ip else {
            return false;
        };
        if ip.to_canonical() != self.ip.to_canonical() {
            return false;
        }
        if let Some(p) = &self.proto {
            if *p != a.proto {
                return false;
            }
        }
        match self.port {
            Some(port) => a.port == Some(port),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    fn v6(s: &str) -> IpAddr {
        IpAddr::V6(s.parse().unwrap())
    }

    #[test]
    fn stored_ipv4() {
        let a = parse_stored("udp:192.0.2.1:5060").unwrap();
        assert_eq!(a.proto, Proto::Udp);
        assert_eq!(a.ip, Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));
        assert_eq!(a.host, "192.0.2.1");
        assert_eq!(a.port, Some(5060));
        assert_eq!(a.label(), "192.0.2.1:5060");
        assert_eq!(a.socket_addr(), Some("192.0.2.1:5060".parse().unwrap()));
    }

    #[test]
    fn stored_ipv6_without_brackets_port_after_last_colon() {
        let a = parse_stored("udp:::1:5060").unwrap();
        assert_eq!((a.proto.clone(), a.ip, a.port), (Proto::Udp, Some(v6("::1")), Some(5060)));
        assert_eq!(a.host, "::1");
        assert_eq!(a.label(), "[::1]:5060");
        let b = parse_stored("tcp:2001:db8::1:5061").unwrap();
        assert_eq!((b.proto, b.ip, b.port), (Proto::Tcp, Some(v6("2001:db8::1")), Some(5061)));
        // Kamailio's expanded spelling (ipv6_hex_style "a").
        let c = parse_stored("udp:0:0:0:0:0:0:0:1:5060").unwrap();
        assert_eq!((c.ip, c.port), (Some(v6("::1")), Some(5060)));
    }

    #[test]
    fn stored_ipv6_with_brackets_as_sock_str_writes_it() {
        let a = parse_stored("udp:[::1]:5060").unwrap();
        assert_eq!((a.proto, a.ip, a.port), (Proto::Udp, Some(v6("::1")), Some(5060)));
        assert_eq!(a.host, "::1");
        let b = parse_stored("TLS:[2001:db8::5]:5061").unwrap();
        assert_eq!((b.proto, b.ip, b.port), (Proto::Tls, Some(v6("2001:db8::5")), Some(5061)));
        assert!(parse_stored("udp:[::1").is_none());
        assert!(parse_stored("udp:[::1]x").is_none());
        assert!(parse_stored("udp:[]:5060").is_none());
    }

    #[test]
    fn stored_odd_values() {
        let a = parse_stored("any:255.255.255.255:5060").unwrap();
        assert_eq!(a.proto, Proto::Other("any".into()));
        assert_eq!(a.proto.to_string(), "any");
        // trace_local_ip may be a host name.
        let h = parse_stored("udp:sip.example.com:5060").unwrap();
        assert_eq!((h.ip, h.host.as_str(), h.port), (None, "sip.example.com", Some(5060)));
        assert_eq!(h.socket_addr(), None);
        // No port (not written by Kamailio, but not an error either).
        let n = parse_stored("udp:192.0.2.1").unwrap();
        assert_eq!((n.ip, n.port), (Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))), None));
        let n6 = parse_stored("udp:2001:db8::1").unwrap();
        assert_eq!((n6.ip, n6.port), (Some(v6("2001:db8::1")), None));
        // A port that does not fit u16 stays part of the host.
        let big = parse_stored("udp:192.0.2.1:99999").unwrap();
        assert_eq!((big.ip, big.port), (None, None));
        for bad in ["", "udp", ":192.0.2.1:5060", "udp:", "   "] {
            assert!(parse_stored(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn proto_names() {
        for p in Proto::KNOWN {
            assert_eq!(Proto::parse(p.as_str()), p);
            assert_eq!(Proto::parse(&p.to_string().to_uppercase()), p);
        }
        assert!(Proto::Tcp.is_stream() && Proto::Tls.is_stream() && Proto::Ws.is_stream());
        assert!(Proto::Wss.is_stream() && Proto::Sctp.is_stream());
        assert!(!Proto::Udp.is_stream() && !Proto::Other("any".into()).is_stream());
    }

    fn f(s: &str) -> AddrFilter {
        parse_filter(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn filter_forms() {
        let ip4 = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(f("192.0.2.1"), AddrFilter { proto: None, ip: ip4, port: None });
        assert_eq!(f(" 192.0.2.1:5060 "), AddrFilter { proto: None, ip: ip4, port: Some(5060) });
        assert_eq!(f("2001:db8::1"), AddrFilter { proto: None, ip: v6("2001:db8::1"), port: None });
        assert_eq!(f("[2001:db8::1]:5060"), AddrFilter { proto: None, ip: v6("2001:db8::1"), port: Some(5060) });
        assert_eq!(f("[2001:db8::1]"), AddrFilter { proto: None, ip: v6("2001:db8::1"), port: None });
        assert_eq!(f("udp:192.0.2.1:5060"), AddrFilter { proto: Some(Proto::Udp), ip: ip4, port: Some(5060) });
        assert_eq!(f("UDP:192.0.2.1"), AddrFilter { proto: Some(Proto::Udp), ip: ip4, port: None });
        assert_eq!(f("tcp:[::1]:5060"), AddrFilter { proto: Some(Proto::Tcp), ip: v6("::1"), port: Some(5060) });
        assert_eq!(f("tcp:::1:5060"), AddrFilter { proto: Some(Proto::Tcp), ip: v6("::1"), port: Some(5060) });
        assert_eq!(
            f("tls:2001:db8::1:5061"),
            AddrFilter { proto: Some(Proto::Tls), ip: v6("2001:db8::1"), port: Some(5061) }
        );
        assert_eq!(f("tcp:2001:db8::1"), AddrFilter { proto: Some(Proto::Tcp), ip: v6("2001:db8::1"), port: None });
        assert_eq!(f("tcp:[::1]"), AddrFilter { proto: Some(Proto::Tcp), ip: v6("::1"), port: None });
        let longest = "sctp:[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535";
        assert_eq!(f(longest).port, Some(65535));
        // A hex-only IPv6 address is not mistaken for a protocol.
        assert_eq!(f("dead::beef"), AddrFilter { proto: None, ip: v6("dead::beef"), port: None });
    }

    #[test]
    fn filter_errors_are_sentences() {
        let cases = [
            ("", "empty"),
            ("not-an-ip", "'not-an-ip' is not an IP address"),
            ("sip.example.com:5060", "'sip.example.com' is not an IP address"),
            ("192.0.2.300", "is not an IP address"),
            ("192.0.2.1:0", "The port '0'"),
            ("192.0.2.1:70000", "The port '70000' in '192.0.2.1:70000' is not a number from 1 to 65535"),
            ("192.0.2.1:50x", "The port '50x'"),
            ("[2001:db8::1]:", "The port ''"),
            ("[2001:db8::1", "not closed"),
            ("[2001:db8::1]5060", "after the ']'"),
            ("[192.0.2.1]:5060", "brackets are for IPv6 only"),
            ("foo:192.0.2.1:5060", "'foo' in 'foo:192.0.2.1:5060' is not a SIP transport"),
            ("udp:", "is not an IP address"),
            ("udp:192.0.2.1:x", "The port 'x'"),
            ("udp:host:5060", "'host' is not an IP address"),
            (&"1".repeat(101), "101 characters long"),
        ];
        for (input, want) in cases {
            let err = parse_filter(input).expect_err(input);
            assert!(err.len() < 400, "{err}");
            assert!(err.contains(want), "{input:?}: {err}");
            assert!(err.ends_with('.'), "{input:?}: {err}");
        }
    }

    #[test]
    fn stored_forms_ipv4() {
        assert_eq!(f("udp:192.0.2.1:5060").stored_forms(), vec!["udp:192.0.2.1:5060"]);
        assert_eq!(
            f("192.0.2.1:5060").stored_forms(),
            vec![
                "udp:192.0.2.1:5060",
                "tcp:192.0.2.1:5060",
                "tls:192.0.2.1:5060",
                "sctp:192.0.2.1:5060",
                "ws:192.0.2.1:5060",
                "wss:192.0.2.1:5060"
            ]
        );
        assert!(f("192.0.2.1").stored_forms().is_empty());
    }

    #[test]
    fn stored_forms_ipv6_cover_every_spelling() {
        let forms = f("tcp:[::1]:5060").stored_forms();
        assert_eq!(
            forms,
            vec!["tcp:::1:5060", "tcp:[::1]:5060", "tcp:0:0:0:0:0:0:0:1:5060", "tcp:[0:0:0:0:0:0:0:1]:5060"]
        );
        let forms = f("[2001:DB8::a]:5061").stored_forms();
        assert_eq!(forms.len(), 6 * 6);
        for want in ["udp:2001:db8::a:5061", "tls:[2001:db8::a]:5061", "wss:2001:DB8:0:0:0:0:0:A:5061"] {
            assert!(forms.contains(&want.to_string()), "{want} in {forms:?}");
        }
        // Every form parses back to the same address, so the two ways of filtering agree.
        let filter = f("[2001:db8::a]:5061");
        for form in forms {
            let a = parse_stored(&form).unwrap();
            assert!(filter.matches(&a), "{form}");
        }
    }

    #[test]
    fn random_addresses_never_panic_and_forms_round_trip() {
        const PIECES: &[&str] = &[
            "udp",
            "tcp",
            "wss",
            "x",
            ":",
            "::",
            "[",
            "]",
            "1",
            "5060",
            "65535",
            "99999",
            "0",
            "192.0.2.1",
            "ffff",
            ".",
            " ",
            "ü",
            "张",
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut round_trips = 0;
        for _ in 0..20_000 {
            let mut pick = |from: &[&'static str]| from[(next() % from.len() as u64) as usize];
            let s: String = if pick(&["a", "b"]) == "a" {
                // Near-valid: a protocol, an address spelling and a port, each maybe wrong.
                let proto = pick(&["", "udp:", "TCP:", "wss:", "x:", ":"]);
                let ip = pick(&[
                    "192.0.2.1",
                    "::1",
                    "[::1]",
                    "2001:db8::a",
                    "[2001:db8::a]",
                    "0:0:0:0:0:0:0:1",
                    "ffff::",
                    "1.2.3",
                    "ü",
                    "[::1",
                ]);
                [proto, ip, pick(&["", ":5060", ":0", ":65535", ":99999", ":", "]:1"])].concat()
            } else {
                let n = pick(&["", "1", "11", "111", "1111", "11111", "111111"]).len();
                (0..n).map(|_| pick(PIECES)).collect()
            };
            let _ = parse_stored(&s);
            match parse_filter(&s) {
                Ok(filter) => {
                    for form in filter.stored_forms() {
                        let a = parse_stored(&form).unwrap_or_else(|| panic!("{s:?} -> {form:?}"));
                        assert!(filter.matches(&a), "{s:?} -> {form:?}");
                        round_trips += 1;
                    }
                }
                Err(e) => assert!(e.ends_with('.'), "{s:?}: {e}"),
            }
        }
        assert!(round_trips > 100, "the inputs reach valid filters with ports ({round_trips})");
    }

    #[test]
    fn matches_compares_addresses_not_spellings() {
        let a = parse_stored("udp:0:0:0:0:0:0:0:1:5060").unwrap();
        assert!(f("::1").matches(&a));
        assert!(f("udp:[::1]:5060").matches(&a));
        assert!(!f("tcp:[::1]:5060").matches(&a));
        assert!(!f("[::1]:5061").matches(&a));
        assert!(!f("::2").matches(&a));
        let b = parse_stored("tcp:192.0.2.1:5060").unwrap();
        assert!(f("192.0.2.1").matches(&b) && f("tcp:192.0.2.1").matches(&b));
        assert!(!f("udp:192.0.2.1").matches(&b));
        assert!(!f("192.0.2.1").matches(&parse_stored("udp:sip.example.com:5060").unwrap()));
    }
}
