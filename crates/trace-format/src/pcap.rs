//! A classic PCAP writer for stored SIP messages (what Wireshark, tshark and sngrep read).
//!
//! - Classic pcap (magic `a1b2c3d4`), microsecond timestamps, Ethernet link type (1) with
//!   made-up locally administered MAC addresses, IPv4 or IPv6 (an IPv4 address paired with an
//!   IPv6 one is written as IPv4-mapped IPv6).
//! - `udp` (and any protocol Kamailio names otherwise, e.g. `any`) is written as UDP.
//! - `tcp`, `tls`, `ws`, `wss` and `sctp` are written as **TCP segments** carrying the SIP text
//!   as Kamailio stored it (TLS already decrypted, so the file shows SIP, not ciphertext; SCTP as
//!   TCP because that is what every reader follows as a stream). Each connection (pair of socket
//!   addresses) gets a synthesized 3-way handshake just before its first message, sequence and
//!   acknowledgement numbers that stay consistent in both directions, PSH|ACK on data, and a pure
//!   ACK from the receiver before unacknowledged data would overrun the advertised window — so
//!   tshark reports no TCP analysis problems.
//! - `ws`/`wss` connections also start with a synthesized HTTP upgrade
//!   (`Sec-WebSocket-Protocol: sip`) and carry each message in a WebSocket text frame (masked
//!   from the client), so readers decode SIP over WebSocket even on HTTP's or TLS's ports —
//!   except on port 5060, where readers expect plain SIP, so it is written plain there.
//! - Readers pick a dissector by port first: a message on a port another protocol owns (tshark
//!   4.0: UDP 5072, TCP 5084 among 5060–5199) needs "decode as"; SIP's and unassigned ports work.
//! - IPv4 header, UDP and TCP checksums are computed (IPv6 requires the UDP one).
//! - A UDP payload larger than one IP packet can hold is cut (a message that came over UDP never
//!   is); a large TCP message is split into several segments, which readers reassemble.

use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use crate::Proto;

/// One message to write.
#[derive(Debug, Clone)]
pub struct Packet<'a> {
    /// Unix time in microseconds (`time_stamp` * 1e6 + `time_us`).
    pub time_us: i64,
    pub proto: Proto,
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub payload: &'a [u8],
}

const LINKTYPE_ETHERNET: u32 = 1;
const SNAPLEN: u32 = 262_144;
/// Data per TCP segment: keeps every IP packet well under 64 KiB.
const MAX_SEGMENT: usize = 32_768;
/// The window every synthesized segment advertises (no window scaling).
const WINDOW: u16 = 65_535;
/// The TCP port Wireshark's SIP dissector claims.
const SIP_PORT: u16 = 5060;
const TCP_SYN: u8 = 0x02;
const TCP_PSH: u8 = 0x08;
const TCP_ACK: u8 = 0x10;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;

/// One synthesized TCP connection; index 0 is the direction lo → hi of its key.
struct Conn {
    /// The next sequence number each direction sends.
    next_seq: [u32; 2],
    /// The highest acknowledgement the other side has sent for each direction.
    acked: [u32; 2],
    /// For ws/wss: the direction of the WebSocket client (whose frames are masked).
    ws_client: Option<usize>,
}

/// RFC 6455 §1.3's example key and the accept value it requires.
const WS_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const WS_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

/// One final text frame (RFC 6455 §5.2); a client's frame is masked as the RFC requires.
fn ws_frame(payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut f = Vec::with_capacity(payload.len() + 14);
    f.push(0x81);
    let m = if mask.is_some() { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => f.push(m | n as u8),
        n if n <= 0xffff => {
            f.push(m | 126);
            f.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            f.push(m | 127);
            f.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    match mask {
        Some(k) => {
            f.extend_from_slice(&k);
            f.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i % 4]));
        }
        None => f.extend_from_slice(payload),
    }
    f
}

/// Writes packets one by one to any `Write` (a `Vec<u8>`, a file, a response body).
pub struct PcapWriter<W: Write> {
    out: W,
    conns: HashMap<(SocketAddr, SocketAddr), Conn>,
    ip_id: u16,
    last_us: i64,
}

/// The whole file in memory.
pub fn write_pcap(packets: &[Packet]) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::with_capacity(24 + packets.iter().map(|p| p.payload.len() + 120).sum::<usize>()))
        .expect("writing to a Vec cannot fail");
    for p in packets {
        w.write(p).expect("writing to a Vec cannot fail");
    }
    w.into_inner()
}

impl<W: Write> PcapWriter<W> {
    /// Writes the pcap file header.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&4u16.to_le_bytes());
        h.extend_from_slice(&0i32.to_le_bytes()); // thiszone: timestamps are UTC
        h.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
        h.extend_from_slice(&SNAPLEN.to_le_bytes());
        h.extend_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter { out, conns: HashMap::new(), ip_id: 1, last_us: i64::MIN })
    }

    /// Writes one message (for a stream protocol, with the handshake and ACKs it needs).
    pub fn write(&mut self, p: &Packet) -> io::Result<()> {
        if p.proto.is_stream() {
            self.write_tcp(p)
        } else {
            let max = if both_v4(p.src.ip(), p.dst.ip()) { 65_535 - 20 - 8 } else { 65_535 - 8 };
            let payload = &p.payload[..p.payload.len().min(max)];
            let seg = udp_segment(p.src, p.dst, payload);
            self.frame(p.time_us, p.src.ip(), p.dst.ip(), IPPROTO_UDP, &seg)
        }
    }

    /// The writer back (after the last packet).
    pub fn into_inner(self) -> W {
        self.out
    }

    fn write_tcp(&mut self, p: &Packet) -> io::Result<()> {
        let (key, d) = if p.src <= p.dst { ((p.src, p.dst), 0) } else { ((p.dst, p.src), 1) };
        // On SIP's own TCP port readers take the stream as plain SIP and would misread an upgrade.
        let ws = matches!(p.proto, Proto::Ws | Proto::Wss) && p.src.port() != SIP_PORT && p.dst.port() != SIP_PORT;
        if !self.conns.contains_key(&key) {
            // The side that speaks first opened the connection; the handshake goes just before.
            let isn = [initial_seq(p.src, p.dst), initial_seq(p.dst, p.src)];
            let steps = if ws { 5 } else { 3 };
            let (now, last) = (p.time_us, self.last_us);
            let t = move |back: i64| (now - back).max(last).min(now);
            self.tcp(t(steps), p.src, p.dst, isn[0], 0, TCP_SYN, &[])?;
            self.tcp(t(steps - 1), p.dst, p.src, isn[1], isn[0].wrapping_add(1), TCP_SYN | TCP_ACK, &[])?;
            self.tcp(t(steps - 2), p.src, p.dst, isn[0].wrapping_add(1), isn[1].wrapping_add(1), TCP_ACK, &[])?;
            let mut next_seq = [0u32; 2];
            next_seq[d] = isn[0].wrapping_add(1);
            next_seq[1 - d] = isn[1].wrapping_add(1);
            self.conns.insert(key, Conn { next_seq, acked: next_seq, ws_client: ws.then_some(d) });
            if ws {
                // The HTTP upgrade that tells readers the stream is SIP over WebSocket (RFC 7118),
                // whatever the port (8080 or 443 would otherwise be read as HTTP or TLS).
                let get = format!(
                    "GET / HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                     Sec-WebSocket-Key: {WS_KEY}\r\nSec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n",
                    p.dst
                );
                let ok = format!(
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                     Sec-WebSocket-Accept: {WS_ACCEPT}\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
                );
                self.tcp_data(key, d, t(2), get.as_bytes())?;
                self.tcp_data(key, 1 - d, t(1), ok.as_bytes())?;
            }
        }
        match self.conns[&key].ws_client {
            Some(client) => {
                let frame = ws_frame(p.payload, (client == d).then(|| initial_seq(p.src, p.dst).to_be_bytes()));
                self.tcp_data(key, d, p.time_us, &frame)
            }
            None => self.tcp_data(key, d, p.time_us, p.payload),
        }
    }

    /// Data from direction `d` of a connection, in segments, with the receiver's ACK first when
    /// the window would fill.
    fn tcp_data(&mut self, key: (SocketAddr, SocketAddr), d: usize, t: i64, data: &[u8]) -> io::Result<()> {
        let (src, dst) = if d == 0 { key } else { (key.1, key.0) };
        let chunks: Vec<&[u8]> = if data.is_empty() { vec![data] } else { data.chunks(MAX_SEGMENT).collect() };
        for chunk in chunks {
            let conn = &self.conns[&key];
            let in_flight = conn.next_seq[d].wrapping_sub(conn.acked[d]) as usize;
            if in_flight > 0 && in_flight + chunk.len() > MAX_SEGMENT {
                let (seq, ack) = (conn.next_seq[1 - d], conn.next_seq[d]);
                self.tcp(t, dst, src, seq, ack, TCP_ACK, &[])?;
                self.conns.get_mut(&key).expect("known connection").acked[d] = ack;
            }
            let conn = self.conns.get_mut(&key).expect("known connection");
            let (seq, ack) = (conn.next_seq[d], conn.next_seq[1 - d]);
            conn.next_seq[d] = seq.wrapping_add(chunk.len() as u32);
            conn.acked[1 - d] = ack;
            let flags = if chunk.is_empty() { TCP_ACK } else { TCP_PSH | TCP_ACK };
            self.tcp(t, src, dst, seq, ack, flags, chunk)?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
        &mut self,
        t: i64,
        src: SocketAddr,
        dst: SocketAddr,
        seq: u32,
        ack: u32,
        flags: u8,
        data: &[u8],
    ) -> io::Result<()> {
        let seg = tcp_segment(src, dst, seq, ack, flags, data);
        self.frame(t, src.ip(), dst.ip(), IPPROTO_TCP, &seg)
    }

    /// Ethernet + IP around a transport segment, as one pcap record.
    fn frame(&mut self, t: i64, src: IpAddr, dst: IpAddr, proto: u8, seg: &[u8]) -> io::Result<()> {
        let mut f = Vec::with_capacity(14 + 40 + seg.len());
        let (s, d) = ip_pair(src, dst);
        f.extend_from_slice(&mac(&d));
        f.extend_from_slice(&mac(&s));
        match (s, d) {
            (IpAddr::V4(s4), IpAddr::V4(d4)) => {
                f.extend_from_slice(&0x0800u16.to_be_bytes());
                let mut h = [0u8; 20];
                h[0] = 0x45;
                h[2..4].copy_from_slice(&((20 + seg.len()) as u16).to_be_bytes());
                h[4..6].copy_from_slice(&self.ip_id.to_be_bytes());
                self.ip_id = self.ip_id.wrapping_add(1);
                h[6] = 0x40; // don't fragment
                h[8] = 64;
                h[9] = proto;
                h[12..16].copy_from_slice(&s4.octets());
                h[16..20].copy_from_slice(&d4.octets());
                let c = !fold(sum16(0, &h));
                h[10..12].copy_from_slice(&c.to_be_bytes());
                f.extend_from_slice(&h);
            }
            _ => {
                f.extend_from_slice(&0x86DDu16.to_be_bytes());
                f.extend_from_slice(&0x6000_0000u32.to_be_bytes());
                f.extend_from_slice(&(seg.len() as u16).to_be_bytes());
                f.push(proto);
                f.push(64);
                f.extend_from_slice(&v6(s).octets());
                f.extend_from_slice(&v6(d).octets());
            }
        }
        f.extend_from_slice(seg);

        self.last_us = self.last_us.max(t);
        let secs = t.div_euclid(1_000_000).clamp(0, u32::MAX as i64) as u32;
        let usecs = if t < 0 { 0 } else { t.rem_euclid(1_000_000) as u32 };
        let mut rec = Vec::with_capacity(16);
        rec.extend_from_slice(&secs.to_le_bytes());
        rec.extend_from_slice(&usecs.to_le_bytes());
        rec.extend_from_slice(&(f.len() as u32).to_le_bytes());
        rec.extend_from_slice(&(f.len() as u32).to_le_bytes());
        self.out.write_all(&rec)?;
        self.out.write_all(&f)
    }
}

fn both_v4(a: IpAddr, b: IpAddr) -> bool {
    a.to_canonical().is_ipv4() && b.to_canonical().is_ipv4()
}

/// The addresses as written: both IPv4 when they can be, otherwise both IPv6.
fn ip_pair(a: IpAddr, b: IpAddr) -> (IpAddr, IpAddr) {
    if both_v4(a, b) {
        (a.to_canonical(), b.to_canonical())
    } else {
        (IpAddr::V6(v6(a)), IpAddr::V6(v6(b)))
    }
}

fn v6(a: IpAddr) -> Ipv6Addr {
    match a {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}

/// A stable, locally administered MAC per IP, so each host looks like one station.
fn mac(ip: &IpAddr) -> [u8; 6] {
    let o = match ip {
        IpAddr::V4(v4) => v4.octets(),
        IpAddr::V6(v6) => {
            let b = v6.octets();
            [b[12], b[13], b[14], b[15]]
        }
    };
    [0x02, 0x00, o[0], o[1], o[2], o[3]]
}

/// A deterministic initial sequence number per direction (same input, same file).
fn initial_seq(src: SocketAddr, dst: SocketAddr) -> u32 {
    let mut h: u32 = 0x811c_9dc5; // FNV-1a
    for b in src.to_string().bytes().chain([b'>']).chain(dst.to_string().bytes()) {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Adds big-endian 16-bit words (odd length padded with zero) to a running sum.
fn sum16(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc = acc.wrapping_add(u16::from_be_bytes([c[0], c[1]]) as u32);
        acc = (acc & 0xffff) + (acc >> 16);
    }
    if let [last] = chunks.remainder() {
        acc = acc.wrapping_add((*last as u32) << 8);
    }
    acc
}

fn fold(mut acc: u32) -> u16 {
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc as u16
}

/// The transport checksum: pseudo-header (RFC 768 / RFC 8200 §8.1) + segment.
fn transport_checksum(src: IpAddr, dst: IpAddr, proto: u8, seg: &[u8]) -> u16 {
    let (s, d) = ip_pair(src, dst);
    let mut acc = 0u32;
    match (s, d) {
        (IpAddr::V4(s4), IpAddr::V4(d4)) => {
            acc = sum16(acc, &s4.octets());
            acc = sum16(acc, &d4.octets());
            acc = sum16(acc, &[0, proto]);
            acc = sum16(acc, &(seg.len() as u16).to_be_bytes());
        }
        _ => {
            acc = sum16(acc, &v6(s).octets());
            acc = sum16(acc, &v6(d).octets());
            acc = sum16(acc, &(seg.len() as u32).to_be_bytes());
            acc = sum16(acc, &[0, 0, 0, proto]);
        }
    }
    !fold(sum16(acc, seg))
}

fn udp_segment(src: SocketAddr, dst: SocketAddr, payload: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(8 + payload.len());
    s.extend_from_slice(&src.port().to_be_bytes());
    s.extend_from_slice(&dst.port().to_be_bytes());
    s.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    s.extend_from_slice(&[0, 0]);
    s.extend_from_slice(payload);
    let c = match transport_checksum(src.ip(), dst.ip(), IPPROTO_UDP, &s) {
        0 => 0xffff, // 0 means "no checksum" in UDP
        c => c,
    };
    s[6..8].copy_from_slice(&c.to_be_bytes());
    s
}

fn tcp_segment(src: SocketAddr, dst: SocketAddr, seq: u32, ack: u32, flags: u8, data: &[u8]) -> Vec<u8> {
    let mut s = Vec::with_capacity(20 + data.len());
    s.extend_from_slice(&src.port().to_be_bytes());
    s.extend_from_slice(&dst.port().to_be_bytes());
    s.extend_from_slice(&seq.to_be_bytes());
    s.extend_from_slice(&(if flags & TCP_ACK != 0 { ack } else { 0 }).to_be_bytes());
    s.push(5 << 4); // data offset: 5 words, no options
    s.push(flags);
    s.extend_from_slice(&WINDOW.to_be_bytes());
    s.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
    s.extend_from_slice(data);
    let c = transport_checksum(src.ip(), dst.ip(), IPPROTO_TCP, &s);
    s[16..18].copy_from_slice(&c.to_be_bytes());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads back the records: (seconds, microseconds, frame bytes).
    fn records(file: &[u8]) -> Vec<(u32, u32, &[u8])> {
        assert_eq!(&file[..4], &0xa1b2_c3d4u32.to_le_bytes());
        assert_eq!(u32::from_le_bytes(file[20..24].try_into().unwrap()), LINKTYPE_ETHERNET);
        let mut out = Vec::new();
        let mut i = 24;
        while i < file.len() {
            let w = |o: usize| u32::from_le_bytes(file[i + o..i + o + 4].try_into().unwrap());
            let (s, us, len) = (w(0), w(4), w(8) as usize);
            assert_eq!(len, w(12) as usize);
            out.push((s, us, &file[i + 16..i + 16 + len]));
            i += 16 + len;
        }
        assert_eq!(i, file.len());
        out
    }

    fn pkt<'a>(t: i64, proto: Proto, src: &str, dst: &str, payload: &'a [u8]) -> Packet<'a> {
        Packet { time_us: t, proto, src: src.parse().unwrap(), dst: dst.parse().unwrap(), payload }
    }

    #[test]
    fn udp_ipv4_record_and_checksums() {
        let file =
            write_pcap(&[pkt(1_700_000_000_123_456, Proto::Udp, "192.0.2.1:5060", "192.0.2.2:5080", b"OPTIONS")]);
        let recs = records(&file);
        assert_eq!(recs.len(), 1);
        let (s, us, f) = recs[0];
        assert_eq!((s, us), (1_700_000_000, 123_456));
        assert_eq!(&f[12..14], &[0x08, 0x00]);
        let ip = &f[14..34];
        assert_eq!(fold(sum16(0, ip)), 0xffff, "IPv4 header checksum verifies");
        assert_eq!(u16::from_be_bytes([ip[2], ip[3]]) as usize, 20 + 8 + 7);
        let udp = &f[34..];
        assert_eq!(transport_checksum("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap(), 17, udp), 0);
        assert_eq!(&udp[8..], b"OPTIONS");
    }

    #[test]
    fn tcp_handshake_then_consistent_numbers() {
        let a = "[2001:db8::1]:40000";
        let b = "[2001:db8::2]:5060";
        let file = write_pcap(&[
            pkt(1_000_000, Proto::Tls, a, b, b"INVITE"),
            pkt(1_000_100, Proto::Tls, b, a, b"100"),
            pkt(1_000_200, Proto::Tls, a, b, b"ACK"),
        ]);
        let recs = records(&file);
        assert_eq!(recs.len(), 6, "SYN, SYN-ACK, ACK, then three data segments");
        let tcp = |i: usize| {
            let f = recs[i].2;
            assert_eq!(&f[12..14], &[0x86, 0xdd]);
            let seg = &f[14 + 40..];
            let src: [u8; 16] = f[14 + 8..14 + 24].try_into().unwrap();
            let dst: [u8; 16] = f[14 + 24..14 + 40].try_into().unwrap();
            let sum = transport_checksum(IpAddr::V6(src.into()), IpAddr::V6(dst.into()), 6, seg);
            assert_eq!(sum, 0, "TCP checksum of record {i} verifies");
            let n = |o: usize| u32::from_be_bytes(seg[o..o + 4].try_into().unwrap());
            (n(4), n(8), seg[13], seg[20..].to_vec(), recs[i].0 as i64 * 1_000_000 + recs[i].1 as i64)
        };
        let (syn_seq, _, f0, _, t0) = tcp(0);
        let (synack_seq, synack_ack, f1, _, t1) = tcp(1);
        let (_, _, f2, _, t2) = tcp(2);
        assert_eq!((f0, f1, f2), (TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK));
        assert_eq!(synack_ack, syn_seq.wrapping_add(1));
        assert_eq!((t0, t1, t2), (999_997, 999_998, 999_999), "handshake just before the first message");
        let (s3, a3, f3, d3, _) = tcp(3);
        let (s4, a4, _, d4, _) = tcp(4);
        let (s5, a5, _, d5, _) = tcp(5);
        assert_eq!(f3, TCP_PSH | TCP_ACK);
        assert_eq!((s3, a3), (syn_seq.wrapping_add(1), synack_seq.wrapping_add(1)));
        assert_eq!((s4, a4), (a3, s3.wrapping_add(6)));
        assert_eq!((s5, a5), (s3.wrapping_add(6), s4.wrapping_add(3)));
        assert_eq!((d3.as_slice(), d4.as_slice(), d5.as_slice()), (&b"INVITE"[..], &b"100"[..], &b"ACK"[..]));
    }

    #[test]
    fn big_messages_split_and_get_acked() {
        let big = vec![b'x'; 70_000];
        let file = write_pcap(&[
            pkt(5_000_000, Proto::Tcp, "192.0.2.1:1000", "192.0.2.2:5060", &big),
            pkt(5_000_001, Proto::Tcp, "192.0.2.1:1000", "192.0.2.2:5060", &big),
        ]);
        let recs = records(&file);
        let mut data = 0;
        // Per sender port: the end of what it sent, and what the other side acknowledged of it.
        let mut sent: HashMap<u16, u32> = HashMap::new();
        let mut acked: HashMap<u16, u32> = HashMap::new();
        for (_, _, f) in &recs {
            let ip_len = u16::from_be_bytes([f[16], f[17]]) as usize;
            assert!(ip_len <= 20 + 20 + MAX_SEGMENT);
            let len = ip_len - 40;
            data += len;
            let tcp = &f[34..];
            let (sport, dport) = (u16::from_be_bytes([tcp[0], tcp[1]]), u16::from_be_bytes([tcp[2], tcp[3]]));
            let seq = u32::from_be_bytes(tcp[4..8].try_into().unwrap());
            let ack = u32::from_be_bytes(tcp[8..12].try_into().unwrap());
            if tcp[13] & TCP_ACK != 0 {
                acked.insert(dport, ack);
            }
            let syn = (tcp[13] & TCP_SYN != 0) as u32;
            sent.insert(sport, seq.wrapping_add(len as u32 + syn));
            if let Some(a) = acked.get(&sport) {
                let in_flight = sent[&sport].wrapping_sub(*a);
                assert!(in_flight <= WINDOW as u32, "never more unacknowledged data than the window");
            }
        }
        assert_eq!(data, 140_000);
        let big_udp = write_pcap(&[pkt(0, Proto::Udp, "192.0.2.1:1", "192.0.2.2:2", &big)]);
        let (_, _, f) = records(&big_udp)[0];
        assert_eq!(u16::from_be_bytes([f[16], f[17]]), 65_535, "UDP cut to what one IPv4 packet holds");
    }

    #[test]
    fn websocket_frames() {
        for (n, head) in [(0usize, 2usize), (125, 2), (126, 4), (65_535, 4), (65_536, 10)] {
            let payload = vec![b'a'; n];
            let f = ws_frame(&payload, None);
            assert_eq!((f[0], f.len()), (0x81, head + n), "{n}");
            let m = ws_frame(&payload, Some([1, 2, 3, 4]));
            assert_eq!(m.len(), head + 4 + n);
            assert_eq!(m[1] & 0x80, 0x80, "a client's frame is masked");
            let unmasked: Vec<u8> = m[head + 4..].iter().enumerate().map(|(i, b)| b ^ [1, 2, 3, 4][i % 4]).collect();
            assert_eq!(unmasked, payload);
        }
        let len = |f: &[u8]| match f[1] & 0x7f {
            126 => u16::from_be_bytes([f[2], f[3]]) as usize,
            127 => u64::from_be_bytes(f[2..10].try_into().unwrap()) as usize,
            n => n as usize,
        };
        assert_eq!(len(&ws_frame(&[0; 300], None)), 300);
        assert_eq!(len(&ws_frame(&[0; 70_000], None)), 70_000);
        // With an upgrade off SIP's port, plain on it.
        let count = |port: &str| {
            let dst = format!("192.0.2.2:{port}");
            records(&write_pcap(&[pkt(0, Proto::Ws, "192.0.2.1:1000", &dst, b"REGISTER")])).len()
        };
        assert_eq!(count("8080"), 3 + 2 + 1);
        assert_eq!(count("5060"), 3 + 1);
    }

    #[test]
    fn mixed_families_become_mapped_ipv6() {
        let file = write_pcap(&[pkt(0, Proto::Other("any".into()), "192.0.2.1:5060", "[::1]:5060", b"x")]);
        let (_, _, f) = records(&file)[0];
        assert_eq!(&f[12..14], &[0x86, 0xdd]);
        assert_eq!(f[14 + 6], IPPROTO_UDP);
        assert_eq!(&f[14 + 8..14 + 24], &"::ffff:192.0.2.1".parse::<Ipv6Addr>().unwrap().octets());
    }
}
