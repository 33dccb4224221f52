//! The sandbox's Marketo REST API (`sandbox/src/rest/`) over real HTTP on 127.0.0.1, one file
//! per file there.

mod activities;
mod assets;
mod bulk;
mod leads;
mod merge;
mod records;
mod router;
