//! The throughput ceiling for the benchmarks: a bare actix-web server (no database, no
//! middleware) answering every GET with the same pre-built JSON body of a given size.
//!
//! `cargo run --release --example ceiling -- 127.0.0.1:18182 9000` serves a 9 000-byte body;
//! `… 127.0.0.1:18182 @body.br br` serves the bytes of `body.br` as they are, labelled
//! `Content-Encoding: br` (a compressed answer, as the API sends one).

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
    let (Some(addr), Some(what)) = (args.next(), args.next()) else {
        eprintln!(
            "usage: ceiling ADDRESS BYTES|@FILE [CODING]   (e.g. ceiling 127.0.0.1:18182 9000)"
        );
        return Ok(ExitCode::from(2));
    };
    let coding = args.next();
    let body = match what.strip_prefix('@') {
        Some(file) => Bytes::from(std::fs::read(file)?),
        None => match what.parse::<usize>() {
            Ok(size) => body_of(size),
            Err(_) => {
                eprintln!("BYTES must be a whole number, not '{what}'");
                return Ok(ExitCode::from(2));
            }
        },
    };
    eprintln!(
        "ceiling: {} bytes{} on every GET at http://{addr}/",
        body.len(),
        coding
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default()
    );
    HttpServer::new(move || {
        let body = body.clone();
        let coding = coding.clone();
        App::new().route(
            "/{tail:.*}",
            web::get().to(move || {
                let body = body.clone();
                let coding = coding.clone();
                async move {
                    let mut answer = HttpResponse::Ok();
                    answer.insert_header(ContentType::json());
                    if let Some(coding) = coding {
                        answer.insert_header(("Content-Encoding", coding));
                    }
                    answer.body(body)
                }
            }),
        )
    })
    .bind(&addr)?
    .run()
    .await?;
    Ok(ExitCode::SUCCESS)
}
