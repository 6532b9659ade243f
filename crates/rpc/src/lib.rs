//! Kamailio's JSON-RPC, typed. The transport is jsonrpsee's HTTP client; the modules
//! mirror Kamailio's own (`core`, `usrloc`), so an operator finds `ul.lookup` under
//! `usrloc`.

mod client;
pub mod core;
pub mod dialog;
pub mod presence;
pub mod stats;
pub mod usrloc;

pub use client::{KamailioRpc, RpcConfig, RpcError};
pub use core::CoreRpc;
pub use dialog::DialogRpc;
pub use presence::PresenceRpc;
pub use stats::StatsRpc;
pub use usrloc::{MemoryCursor, UsrlocRpc};
