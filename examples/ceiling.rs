//! The throughput ceiling for the benchmarks: a bare actix-web server (no database, no
//! middleware) answering every GET with the same pre-built JSON body of a given size.
//!
//! `cargo run --release --example ceiling -- 127.0.0.1:18182 9000` serves a 9 000-byte body.

use actix_web::http::header::ContentType;
use actix_web::web::{self, Bytes};
use actix_web::{App, HttpResponse, HttpServer};
use std::process::ExitCode;

/// A JSON document of exactly `size` bytes (at least 14): one string field padded with text.
fn body_of(size: usize) -> Bytes {
    let head = br#"{"padding":""#;
    let tail = br#""}"#;
    let filler = b"lorem ipsum dolor sit amet ";
    let mut body = Vec::with_capacity(size.max(head.len() + tail.len()));
    body.extend_from_slice(head);
    let fill = size.saturating_sub(head.len() + tail.len());
    body.extend(filler.iter().copied().cycle().take(fill));
    body.extend_from_slice(tail);
    Bytes::from(body)
}

#[actix_web::main]
async fn main() -> std::io::Result<ExitCode> {
    let mut args = std::env::args().skip(1);
    let (Some(addr), Some(size)) = (args.next(), args.next()) else {
        eprintln!("usage: ceiling ADDRESS BYTES   (e.g. ceiling 127.0.0.1:18182 9000)");
        return Ok(ExitCode::from(2));
    };
    let Ok(size) = size.parse::<usize>() else {
        eprintln!("BYTES must be a whole number, not '{size}'");
        return Ok(ExitCode::from(2));
    };
    let body = body_of(size);
    eprintln!(
        "ceiling: {} bytes on every GET at http://{addr}/",
        body.len()
    );
    HttpServer::new(move || {
        let body = body.clone();
        App::new().route(
            "/{tail:.*}",
            web::get().to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .insert_header(ContentType::json())
                        .body(body)
                }
            }),
        )
    })
    .bind(&addr)?
    .run()
    .await?;
    Ok(ExitCode::SUCCESS)
}
