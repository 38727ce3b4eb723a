//! Unit tests of the matcher, the exact comparison and the audit.
