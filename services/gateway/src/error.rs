//! Why an event was not published, and the one mapping to gRPC statuses.

use modstream_bus::BusError;
use tonic::{Code, Status};

/// Why one event was not published. Every variant says what the caller can do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ItemError {
    /// Fix the named field. Permanent.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// Present a valid forum API key. Permanent.
    #[error("{0}")]
    Unauthenticated(String),
    /// The key belongs to another forum. Permanent.
    #[error("{0}")]
    PermissionDenied(String),
    /// The same forum event was published before with other content. Permanent.
    #[error("{0}")]
    Conflict(String),
    /// An identical event is being published right now. Retry shortly.
    #[error("{0}")]
    Busy(String),
    /// The bus did not confirm the write. Transient: retry later; nothing was
    /// acknowledged, and a retry keeps the same event id.
    #[error("{0}")]
    Unavailable(String),
    /// A fault inside the gateway (its local storage). Retry later.
    #[error("{0}")]
    Internal(String),
    /// Over a limit (calls in progress, or the forum's rate). Nothing was
    /// acknowledged: retry later with backoff.
    #[error("{0}")]
    ResourceExhausted(String),
}

impl ItemError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ItemError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> Code {
        match self {
            ItemError::Invalid { .. } => Code::InvalidArgument,
            ItemError::Unauthenticated(_) => Code::Unauthenticated,
            ItemError::PermissionDenied(_) => Code::PermissionDenied,
            ItemError::Conflict(_) => Code::AlreadyExists,
            ItemError::Busy(_) => Code::Aborted,
            ItemError::Unavailable(_) => Code::Unavailable,
            ItemError::Internal(_) => Code::Internal,
            ItemError::ResourceExhausted(_) => Code::ResourceExhausted,
        }
    }

    /// The field at fault, or "" when the error is not about one field.
    pub fn field(&self) -> &str {
        match self {
            ItemError::Invalid { field, .. } => field,
            _ => "",
        }
    }
}

impl From<ItemError> for Status {
    fn from(err: ItemError) -> Self {
        Status::new(err.code(), err.to_string())
    }
}

impl From<BusError> for ItemError {
    fn from(err: BusError) -> Self {
        if err.is_transient() {
            ItemError::Unavailable(format!("the event was not stored, retry later: {err}"))
        } else {
            ItemError::Internal(format!("the event was not stored: {err}"))
        }
    }
}

impl From<sled::Error> for ItemError {
    fn from(err: sled::Error) -> Self {
        ItemError::Internal(format!("the gateway's idempotency store failed: {err}"))
    }
}

impl From<&ItemError> for modstream_proto::v1::ItemError {
    fn from(err: &ItemError) -> Self {
        Self {
            code: err.code() as i32,
            field: err.field().to_owned(),
            message: err.to_string(),
        }
    }
}
