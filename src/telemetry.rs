//! The process's log subscriber: human text, or JSON with `HEALTHHUB_LOG_FORMAT=json`, filtered by `RUST_LOG`.
//!
//! A request the client got wrong is not a server error: actix-http logs HTTP its parser refuses
//! (a `400` or `431` sent before any of our code runs, so the request log never sees it) at
//! ERROR; [`ClientFaults`] leaves those lines out, so an ERROR line always means a server fault.

use crate::config::{Config, LogFormat};
use std::fmt;
use std::io::IsTerminal;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// Where actix-http logs a connection's failure, whatever its cause.
const DISPATCHER: &str = "actix_http::h1::dispatcher";

/// How the dispatcher's line starts when the cause is a request its parser refused.
const PARSE_ERROR: &str = "stream error: request parse error";

/// A layer that leaves out actix-http's ERROR lines about requests its parser refused (the
/// client's fault, already answered `400`/`431`); every other event is left as it is.
pub struct ClientFaults;

impl<S: Subscriber> Layer<S> for ClientFaults {
    fn event_enabled(&self, event: &Event<'_>, _ctx: Context<'_, S>) -> bool {
        let metadata = event.metadata();
        if *metadata.level() != Level::ERROR || metadata.target() != DISPATCHER {
            return true;
        }
        let mut message = Message::default();
        event.record(&mut message);
        // Logging anew from here is impossible (`tracing` drops events raised while one is
        // being dispatched), so the line is left out.
        !message.0.starts_with(PARSE_ERROR)
    }
}

/// The `message` field of an event.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0 = value.to_owned();
        }
    }
}

/// A log subscriber writing to `writer` in `format`, filtered by `filter` (`tracing`'s
/// `EnvFilter` syntax; `info` when it does not parse); text is coloured only when `ansi`.
/// Malformed HTTP refused by actix-http's parser is not logged as an error ([`ClientFaults`]).
pub fn subscriber<W>(
    format: LogFormat,
    filter: &str,
    ansi: bool,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // The HTML parser of imports (html5ever) warns about every table it repairs: its own
    // business, not an operator's (what an import could not carry is in its report).
    let filter = match "html5ever=error".parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish().with(ClientFaults)),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish()
                .with(ClientFaults),
        ),
    }
}

/// Installs the process's log subscriber (to stderr, coloured only on a terminal) as `config`
/// says; a second call does nothing.
pub fn init(config: &Config) {
    let ansi = config.log_format == LogFormat::Text && std::io::stderr().is_terminal();
    let _ = subscriber(config.log_format, &config.log_filter, ansi, std::io::stderr).try_init();
}
