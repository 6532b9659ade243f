//! Kamailio `sip_trace` formats, pure (no IO, no database): the stored address
//! (`udp:192.0.2.1:5060`, `udp:::1:5060`), the IP filter a user types, a forgiving SIP message
//! reader, the PCAP writer and the text export's header line.

mod addr;
mod pcap;
mod sip;
mod text;

pub use addr::{parse_filter, parse_stored, AddrFilter, Proto, StoredAddr};
pub use pcap::{write_pcap, Packet, PcapWriter};
pub use sip::{parse_message, parse_message_bytes, same_header, SipHead};
pub use text::text_header;
