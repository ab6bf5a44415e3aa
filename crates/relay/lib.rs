//! The relay server's given parts: the reference solutions of the
//! capstone's first two stages, compiled as they are.
//!
//! - [`codec`]: `solutions/src/relay_codec.rs`, the `LineCodec` that cuts a
//!   byte stream into [`codec::Line`]s of bounded length;
//! - [`hub`]: `solutions/src/relay_hub.rs`, the `Hub` that fans each line
//!   out to every other client and tells a slow one what it missed.

#[path = "../../solutions/src/relay_codec.rs"]
pub mod codec;
#[path = "../../solutions/src/relay_hub.rs"]
pub mod hub;
