//! Identifiers. Every row id is a UUIDv7 (time-ordered, so B-tree inserts stay local and ids
//! sort by creation); event log ids are the exception (positive integers, see the API).

use uuid::Uuid;

/// A new time-ordered id for a row.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
