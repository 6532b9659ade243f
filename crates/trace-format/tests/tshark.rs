//! The PCAP writer checked by the reader operators use: Debian's tshark must decode every
//! message as SIP (no "decode as"), in order, with its Call-ID and timestamp, and find no TCP
//! analysis problems and no bad checksums. tshark is required (scripts/test.sh installs it).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use kamscope_trace_format::{parse_message, write_pcap, Packet, Proto};

const TSHARK: &str = "/usr/bin/tshark";

/// One message as the test expects tshark to show it.
struct Msg {
    time_us: i64,
    proto: Proto,
    src: SocketAddr,
    dst: SocketAddr,
    text: String,
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn host(a: SocketAddr) -> String {
    match a {
        SocketAddr::V4(v4) => format!("{v4}"),
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
    }
}

fn transport(p: &Proto) -> &'static str {
    if p.is_stream() {
        "TCP"
    } else {
        "UDP"
    }
}

/// A SIP message with a correct Content-Length in bytes (tshark uses it to delimit TCP messages).
#[allow(clippy::too_many_arguments)]
fn sip(
    first: &str,
    proto: &Proto,
    via: SocketAddr,
    from: &str,
    to: &str,
    call_id: &str,
    cseq: &str,
    sdp: Option<&str>,
) -> String {
    let body = sdp.unwrap_or("");
    let mut m = format!(
        "{first}\r\nVia: SIP/2.0/{} {};branch=z9hG4bK-{}\r\nMax-Forwards: 70\r\nFrom: {from}\r\nTo: {to}\r\n\
         Call-ID: {call_id}\r\nCSeq: {cseq}\r\nContact: <sip:u@{}>\r\nSubject: Grüße – 通话 😀\r\nUser-Agent: kamscope test\r\n",
        transport(proto),
        host(via),
        cseq.len() + call_id.len(),
        host(via),
    );
    if sdp.is_some() {
        m.push_str("Content-Type: application/sdp\r\n");
    }
    m.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    m
}

/// INVITE/100/180/200/ACK/BYE/200 between a phone and Kamailio, `step_us` apart.
fn call(call_id: &str, proto: Proto, phone: SocketAddr, kam: SocketAddr, t0: i64, step_us: i64) -> Vec<Msg> {
    let ip = |a: SocketAddr| if a.is_ipv4() { format!("IP4 {}", a.ip()) } else { format!("IP6 {}", a.ip()) };
    let offer = format!(
        "v=0\r\no=jürgen 1 1 IN {}\r\ns=Sitzung – 会话\r\nc=IN {}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 8\r\na=rtpmap:0 PCMU/8000\r\n",
        ip(phone),
        ip(phone)
    );
    let answer = offer.replace("jürgen", "bob").replace("40000", "40002");
    let from = "\"Jürgen Müller 张伟\" <sip:juergen@example.com>;tag=f-1";
    let to0 = "<sip:bob@example.com>";
    let to1 = "<sip:bob@example.com>;tag=t-9";
    let ruri = "sip:bob@example.com";
    let script: [(bool, String, &str, &str, Option<&str>); 7] = [
        (true, format!("INVITE {ruri} SIP/2.0"), to0, "1 INVITE", Some(&offer)),
        (false, "SIP/2.0 100 Trying".into(), to0, "1 INVITE", None),
        (false, "SIP/2.0 180 Ringing".into(), to1, "1 INVITE", None),
        (false, "SIP/2.0 200 OK".into(), to1, "1 INVITE", Some(&answer)),
        (true, format!("ACK {ruri} SIP/2.0"), to1, "1 ACK", None),
        (true, format!("BYE {ruri} SIP/2.0"), to1, "2 BYE", None),
        (false, "SIP/2.0 200 OK".into(), to1, "2 BYE", None),
    ];
    script
        .into_iter()
        .enumerate()
        .map(|(i, (from_phone, first, to, cseq, sdp))| {
            let (src, dst) = if from_phone { (phone, kam) } else { (kam, phone) };
            Msg {
                time_us: t0 + i as i64 * step_us,
                proto: proto.clone(),
                src,
                dst,
                text: sip(&first, &proto, phone, from, to, call_id, cseq, sdp),
            }
        })
        .collect()
}

fn tshark(file: &Path, args: &[&str]) -> String {
    assert!(
        Path::new(TSHARK).exists(),
        "{TSHARK} is missing: install Debian's tshark (`DEBIAN_FRONTEND=noninteractive apt-get install -y tshark`; \
         lab/install.sh and scripts/test.sh do) — the PCAP export is checked with it"
    );
    let out = Command::new(TSHARK)
        .arg("-n")
        .arg("-r")
        .arg(file)
        // Checksum validation is off by default; turned on, a wrong checksum is an expert error.
        .args(["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE"])
        .args(args)
        .output()
        .expect("run tshark");
    assert!(out.status.success(), "tshark {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("tshark prints UTF-8")
}

struct TempFile(PathBuf);
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn write(name: &str, msgs: &[Msg]) -> TempFile {
    let packets: Vec<Packet> = msgs
        .iter()
        .map(|m| Packet {
            time_us: m.time_us,
            proto: m.proto.clone(),
            src: m.src,
            dst: m.dst,
            payload: m.text.as_bytes(),
        })
        .collect();
    let path = std::env::temp_dir().join(format!("kamscope-trace-format-{}-{name}.pcap", std::process::id()));
    std::fs::write(&path, write_pcap(&packets)).unwrap();
    TempFile(path)
}

/// `1700000000.123456000` → microseconds, exactly (no float rounding).
fn epoch_us(s: &str) -> i64 {
    let (secs, frac) = s.split_once('.').unwrap_or((s, "0"));
    let frac = format!("{frac:0<6}");
    secs.parse::<i64>().unwrap() * 1_000_000 + frac[..6].parse::<i64>().unwrap()
}

/// Every message decoded as SIP, in order, with its Call-ID, method or status, and time.
fn assert_sip_rows(file: &Path, msgs: &[Msg]) {
    let out = tshark(
        file,
        &[
            "-Y",
            "sip",
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
            "-e",
            "sip.Call-ID",
            "-e",
            "sip.Method",
            "-e",
            "sip.Status-Code",
        ],
    );
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), msgs.len(), "one SIP row per message:\n{out}");
    for (i, (row, m)) in rows.iter().zip(msgs).enumerate() {
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(cols.len(), 4, "row {i}: {row:?}");
        let head = parse_message(&m.text);
        let call_id = head.header("Call-ID").unwrap();
        assert_eq!(epoch_us(cols[0]), m.time_us, "row {i} time: {row}");
        assert_eq!(cols[1], call_id, "row {i} Call-ID: {row}");
        if head.is_request {
            assert_eq!((cols[2], cols[3]), (head.method.as_deref().unwrap(), ""), "row {i}: {row}");
        } else {
            assert_eq!((cols[2], cols[3]), ("", head.status.unwrap().to_string().as_str()), "row {i}: {row}");
        }
    }
}

/// No TCP analysis flags, and no expert warnings or errors (checksums, malformed SIP, TCP)
/// but the `allowed` ones (by their summary).
fn assert_no_expert_problems(file: &Path, allowed: &[&str]) {
    let flags = tshark(file, &["-Y", "tcp.analysis.flags"]);
    assert!(flags.trim().is_empty(), "frames with TCP analysis flags:\n{flags}");
    let out = tshark(file, &["-q", "-z", "expert,warn"]);
    // Rows look like "   2   Checksum   UDP  Bad checksum ..." under "Errors (n)" / "Warns (n)".
    let problems: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().chars().next().is_some_and(|c| c.is_ascii_digit()))
        .filter(|l| !allowed.iter().any(|a| l.contains(a)))
        .collect();
    assert!(problems.is_empty(), "tshark expert problems:\n{out}");
    let malformed = tshark(file, &["-Y", "_ws.malformed"]);
    assert!(malformed.trim().is_empty(), "malformed frames:\n{malformed}");
}

/// The UDP and TCP payloads in file order equal the messages (one segment per message here).
fn assert_payloads(file: &Path, msgs: &[Msg]) {
    let out = tshark(file, &["-Y", "udp || tcp.len > 0", "-T", "fields", "-e", "udp.payload", "-e", "tcp.payload"]);
    let got: Vec<String> = out.lines().map(|l| l.replace(['\t', ':'], "")).collect();
    let want: Vec<String> =
        msgs.iter().map(|m| m.text.bytes().map(|b| format!("{b:02x}")).collect::<String>()).collect();
    assert_eq!(got.len(), want.len(), "one payload per message");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(g == w, "payload {i} differs from the message:\n{}", msgs[i].text);
    }
}

fn sorted(mut msgs: Vec<Msg>) -> Vec<Msg> {
    msgs.sort_by_key(|m| m.time_us);
    msgs
}

const T0: i64 = 1_764_590_400_000_000; // 2025-12-01T12:00:00Z

#[test]
fn a_call_over_udp_and_tcp_on_ipv4_and_ipv6_decodes_as_sip() {
    let kam4 = addr("192.0.2.1:5060");
    let kam6 = addr("[2001:db8::1]:5060");
    let mut msgs = Vec::new();
    // Kamailio on a non-SIP port too: tshark's SIP heuristics must find it without "decode as".
    msgs.extend(call(
        "udp4-a84b4c76e66710@pc33.example.com",
        Proto::Udp,
        addr("192.0.2.10:35060"),
        addr("192.0.2.1:5070"),
        T0,
        12_345,
    ));
    msgs.extend(call(
        "udp6-3848276298220188511@2001:db8::10",
        Proto::Udp,
        addr("[2001:db8::10]:5060"),
        kam6,
        T0 + 1_000_000,
        7_001,
    ));
    // The two TCP calls interleave, so each connection's numbers must stay its own.
    msgs.extend(call(
        "tcp4-f81d4fae-7dec-11d0@a;b/c%d",
        Proto::Tcp,
        addr("192.0.2.11:40001"),
        kam4,
        T0 + 2_000_000,
        20_000,
    ));
    msgs.extend(call(
        "tcp6-2bQ9x@[2001:db8::11]",
        Proto::Tcp,
        addr("[2001:db8::11]:40002"),
        addr("[2001:db8::1]:5070"),
        T0 + 2_010_001,
        20_000,
    ));
    let msgs = sorted(msgs);
    let file = write("call", &msgs);

    assert_sip_rows(&file.0, &msgs);
    let tcp_sip = tshark(&file.0, &["-Y", "tcp && sip", "-T", "fields", "-e", "sip.Call-ID"]);
    let tcp_count = msgs.iter().filter(|m| m.proto.is_stream()).count();
    assert_eq!(tcp_sip.lines().count(), tcp_count, "tcp && sip counts every TCP message:\n{tcp_sip}");
    assert!(tcp_sip.lines().all(|l| l.starts_with("tcp")), "{tcp_sip}");
    let udp_sip = tshark(&file.0, &["-Y", "udp && sip", "-T", "fields", "-e", "sip.Call-ID"]);
    assert_eq!(udp_sip.lines().count(), msgs.len() - tcp_count, "{udp_sip}");
    let v6 = tshark(&file.0, &["-Y", "ipv6 && sip", "-T", "fields", "-e", "sip.Call-ID"]);
    assert_eq!(v6.lines().count(), 14, "{v6}");
    assert_no_expert_problems(&file.0, &[]);

    // Every message, multi-byte UTF-8 included, is in the file byte for byte.
    assert_payloads(&file.0, &msgs);
    let sdp = tshark(&file.0, &["-Y", "sdp", "-T", "fields", "-e", "sip.Call-ID"]);
    assert_eq!(sdp.lines().count(), 8, "INVITE and 200 of each call carry SDP:\n{sdp}");
}

#[test]
fn tls_ws_wss_and_sctp_decode_as_sip_and_large_messages_reassemble() {
    let kam = addr("192.0.2.1:5060");
    let mut msgs = Vec::new();
    msgs.extend(call("tls-1@x", Proto::Tls, addr("192.0.2.20:41000"), addr("192.0.2.1:5061"), T0, 1_000));
    // WebSocket on SIP's port (written plain), on HTTP's and on TLS's (written with an upgrade).
    msgs.extend(call(
        "ws-5060@x",
        Proto::Ws,
        addr("[2001:db8::20]:41001"),
        addr("[2001:db8::1]:5060"),
        T0 + 500,
        1_000,
    ));
    msgs.extend(call(
        "ws-8080@x",
        Proto::Ws,
        addr("[2001:db8::21]:41004"),
        addr("[2001:db8::1]:8080"),
        T0 + 600,
        1_000,
    ));
    msgs.extend(call("wss-443@x", Proto::Wss, addr("192.0.2.23:41005"), addr("192.0.2.1:443"), T0 + 650, 1_000));
    msgs.extend(call("sctp-1@x", Proto::Sctp, addr("192.0.2.21:41002"), kam, T0 + 700, 1_000));
    // A MESSAGE bigger than one segment (and than the window): split, ACKed, reassembled; also
    // in one WebSocket frame with a 64-bit length.
    let body = "Grüße 😀 ".repeat(9_000);
    let big = |cid: &str| {
        format!(
            "MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.22:41003;branch=z9hG4bK-big\r\n\
             From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: {cid}\r\nCSeq: 1 MESSAGE\r\n\
             Content-Type: text/plain;charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    assert!(big("x").len() > 100_000);
    for i in 0..2 {
        let m = big("big-tcp@x");
        msgs.push(Msg {
            time_us: T0 + 50_000 + i,
            proto: Proto::Tcp,
            src: addr("192.0.2.22:41003"),
            dst: kam,
            text: m,
        });
        let w = big("big-wss@x");
        let (src, dst) = (addr("192.0.2.23:41005"), addr("192.0.2.1:443"));
        msgs.push(Msg { time_us: T0 + 60_000 + i, proto: Proto::Wss, src, dst, text: w });
    }
    let msgs = sorted(msgs);
    let file = write("streams", &msgs);
    assert_sip_rows(&file.0, &msgs);
    let tcp_sip = tshark(&file.0, &["-Y", "tcp && sip", "-T", "fields", "-e", "sip.Call-ID"]);
    assert_eq!(tcp_sip.lines().count(), msgs.len(), "{tcp_sip}");
    let ws_sip = tshark(&file.0, &["-Y", "websocket && sip", "-T", "fields", "-e", "sip.Call-ID"]);
    let upgraded: Vec<&str> = ws_sip.lines().collect();
    assert_eq!(upgraded.len(), 7 + 7 + 2, "{ws_sip}");
    assert!(upgraded.iter().all(|c| ["ws-8080@x", "wss-443@x", "big-wss@x"].contains(c)), "{ws_sip}");
    // True of every decrypted capture on 443, and what the reader should know: it is plaintext.
    assert_no_expert_problems(&file.0, &["Unencrypted HTTP protocol detected over encrypted port"]);
}
