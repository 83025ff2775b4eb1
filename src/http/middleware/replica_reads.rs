//! Marks the anonymous reads (`GET`/`HEAD` without `Authorization`), whose database reads may
//! use the PostgreSQL streaming replica (`db::replica`); every other request reads the primary,
//! so a writer always reads its own writes.

use crate::db::replica;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;

/// The replica-routing middleware (position 15 of the table in `super`).
pub async fn mark_anonymous_reads(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let anonymous = matches!(*req.method(), Method::GET | Method::HEAD)
        && !req.headers().contains_key(header::AUTHORIZATION);
    if anonymous {
        replica::anonymous(next.call(req)).await
    } else {
        next.call(req).await
    }
}
