//! modstream's v1 protobuf contract as Rust types, generated at build time from
//! `proto/modstream/v1`.
//!
//! - [`v1`]: the generated messages, the `Ingest` client and server.
//! - [`FILE_DESCRIPTOR_SET`]: the encoded descriptors, for gRPC reflection.
//! - [`convert`]: hand-written conversions between protobuf and Rust types.
//! - [`codec`]: the gRPC codec (prost, with malformed requests reported as
//!   INVALID_ARGUMENT).

pub mod codec;
pub mod convert;

#[allow(clippy::all, missing_docs)]
pub mod v1 {
    tonic::include_proto!("modstream.v1");
}

/// Encoded `FileDescriptorSet` of the whole v1 contract, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("modstream_descriptor");

/// Topic names on the bus, shared by every producer and consumer.
pub mod topics {
    /// Every forum event accepted by the gateway, keyed by forum and thread.
    pub const FORUM_EVENTS: &str = "modstream.forum-events.v1";
    /// Unanswered-post alerts raised and resolved by the responsiveness
    /// service, keyed by forum and thread.
    pub const ALERTS: &str = "modstream.alerts.v1";
    /// Escalation lifecycle events (`EscalationEvent`) written by the
    /// safeguarding service, keyed by forum and escalation.
    pub const ESCALATIONS: &str = "modstream.escalations.v1";
    /// Actions for forum platforms (`ForumAction`), keyed by forum and thread.
    pub const FORUM_ACTIONS: &str = "modstream.forum-actions.v1";
    /// Rosters replaced through the admin API (`RosterChanged`), keyed by
    /// forum: an audit of who changed cover, and how the dashboard follows it.
    pub const ROSTERS: &str = "modstream.rosters.v1";
    /// Consumer group of the responsiveness service.
    pub const RESPONSIVENESS_GROUP: &str = "modstream.responsiveness";
}
