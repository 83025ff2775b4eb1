//! Tests: categories.
