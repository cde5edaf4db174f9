//! Versioned tenant config: immutable versions, the pointer that names the active one,
//! activation and rollback (each an audited move), and the in-memory copy every node serves
//! from, replaced when the pointer moves.

pub mod active;
pub mod notify;
pub mod records;
pub mod service;
