//! Tests: articles.
