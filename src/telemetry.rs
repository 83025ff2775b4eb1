//! The process's log subscriber: human text, or JSON with `HEALTHHUB_LOG_FORMAT=json`, filtered by `RUST_LOG`.

use crate::config::{Config, LogFormat};
use std::io::IsTerminal;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// A log subscriber writing to `writer` in `format`, filtered by `filter` (`tracing`'s
/// `EnvFilter` syntax; `info` when it does not parse); text is coloured only when `ansi`.
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
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
    }
}

/// Installs the process's log subscriber (to stderr, coloured only on a terminal) as `config`
/// says; a second call does nothing.
pub fn init(config: &Config) {
    let ansi = config.log_format == LogFormat::Text && std::io::stderr().is_terminal();
    let _ = subscriber(config.log_format, &config.log_filter, ansi, std::io::stderr).try_init();
}
