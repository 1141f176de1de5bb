//! Errors: the service's JSON error body and the library's error enum.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error of the service library (opening its files, the audit trail, keys, decisions).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// A service file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What failed.
        message: String,
    },
    /// A line of a service file is not what it should be.
    #[error("{path}, line {line}: {message}")]
    Corrupt {
        /// The file.
        path: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The audit chain does not verify.
    #[error("audit trail {path}, line {line}: {message}")]
    AuditTampered {
        /// The file.
        path: String,
        /// 1-based line number of the first bad record.
        line: u64,
        /// What does not verify.
        message: String,
    },
    /// The list store failed.
    #[error(transparent)]
    Store(#[from] cordon_store::StoreError),
    /// Bad input to a library call (CLI argument, bulk file line).
    #[error("{0}")]
    Invalid(String),
    /// The applicant rules file or an IP database cannot be used.
    #[error(transparent)]
    Applicants(#[from] cordon_applicants::ApplicantError),
    /// The audit writer has stopped (a previous write failed); nothing more is answered.
    #[error("the audit trail cannot be written: {0}")]
    AuditUnavailable(String),
}

impl ServiceError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Io { .. } => "io",
            ServiceError::Corrupt { .. } => "corrupt-file",
            ServiceError::AuditTampered { .. } => "audit-tampered",
            ServiceError::Store(e) => e.code(),
            ServiceError::Invalid(_) => "invalid-input",
            ServiceError::Applicants(e) => e.code(),
            ServiceError::AuditUnavailable(_) => "audit-unavailable",
        }
    }

    pub(crate) fn io(path: &std::path::Path, e: impl std::fmt::Display) -> Self {
        ServiceError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }
}

/// An error answered to an HTTP client: status, stable code, and a message that names what
/// was wrong with the request. Internal failures get a generic message; the cause is logged.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code, e.g. `invalid-json`, `unauthorized`.
    pub code: &'static str,
    /// For the client.
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// A client error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 with a code.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", message)
    }

    /// 500: logs `cause` with the request's span and tells the client nothing about it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; it has been logged (this is a bug or a failing disk)",
        )
    }

    /// 503: the service cannot answer safely right now.
    pub fn unavailable(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, code, message)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(m) => ApiError::bad_request("invalid-input", m),
            ServiceError::AuditUnavailable(_) => {
                tracing::error!(error = %e, "audit trail unavailable");
                ApiError::unavailable(
                    "audit-unavailable",
                    "the audit trail cannot be written, so no screening is answered",
                )
            }
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// The JSON error response for a status with no handler involved (fallback, layers).
pub(crate) fn error_response(status: StatusCode, code: &'static str, message: &str) -> Response {
    ApiError::new(status, code, message).into_response()
}
