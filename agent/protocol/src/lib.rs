//! # promptwall-protocol
//!
//! The wire protocol between the browser extension, the native-messaging host and (later) the
//! daemon. Written down in `docs/PROTOCOL.md`; this crate is its single implementation.
//! - [`framing`]: native messaging frames — a 4-byte length in native byte order, then UTF-8
//!   JSON — with an inbound size cap and the browser's 1 MiB outbound limit.
//! - [`messages`]: the envelope (`v`, `id`, `type`) and every message, with [`PROTOCOL_VERSION`]
//!   and append-only [`ErrorCode`]s.
//! - [`event`]: the contracts the agent and the server share — [`Action`], [`EventTrigger`] and
//!   the [`Event`] record.
//!
//! Why our own framing rather than the `native_messaging` crate: the frame format is ten lines,
//! and we need a configurable inbound cap that rejects *before* allocating, a typed error for
//! each failure (truncated length, truncated body, oversize, invalid UTF-8) so the host can answer
//! with an error code and stay alive, and the outbound limit enforced at one place.

pub mod event;
pub mod framing;
pub mod messages;

pub use event::{Action, Event, EventTrigger, FalseAlarm, ReportedFinding, EVENT_FORMAT};
pub use framing::{read_frame, write_frame, write_frame_max, FrameError, DEFAULT_MAX_INBOUND, MAX_OUTBOUND};
pub use messages::{ErrorCode, Request, Response, PROTOCOL_VERSION};
