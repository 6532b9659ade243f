//! The plain-text export of a call flow.

use crate::Proto;

/// The line written before each message in the text export:
/// `<time> <PROTO> <src> -> <dst> (+<delta> s)`, e.g.
/// `2026-12-01T13:10:00.123456+00:00 UDP 192.0.2.1:5060 -> [2001:db8::1]:5080 (+0.000250 s)`.
/// `time` is passed formatted (RFC 3339, microseconds, the reporting zone); `delta_us` is the
/// time since the previous message, written as seconds with six decimals. No trailing newline.
pub fn text_header(time: &str, proto: &Proto, src: &str, dst: &str, delta_us: i64) -> String {
    let sign = if delta_us < 0 { '-' } else { '+' };
    let abs = delta_us.unsigned_abs();
    let proto = proto.as_str().to_ascii_uppercase();
    format!("{time} {proto} {src} -> {dst} ({sign}{}.{:06} s)", abs / 1_000_000, abs % 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_line() {
        assert_eq!(
            text_header("2026-12-01T13:10:00.123456+00:00", &Proto::Udp, "192.0.2.1:5060", "[::1]:5080", 250),
            "2026-12-01T13:10:00.123456+00:00 UDP 192.0.2.1:5060 -> [::1]:5080 (+0.000250 s)"
        );
        assert_eq!(text_header("t", &Proto::Wss, "a", "b", 61_000_001), "t WSS a -> b (+61.000001 s)");
        assert_eq!(text_header("t", &Proto::Other("any".into()), "a", "b", 0), "t ANY a -> b (+0.000000 s)");
        assert_eq!(text_header("t", &Proto::Tcp, "a", "b", -1_500_000), "t TCP a -> b (-1.500000 s)");
        assert_eq!(
            text_header("t", &Proto::Tcp, "a", "b", i64::MIN).len(),
            "t TCP a -> b (-9223372036854.775808 s)".len()
        );
    }
}
