//! Tests: startup.
