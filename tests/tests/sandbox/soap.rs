//! The sandbox's SOAP operations (`sandbox/src/soap/`), one file per file there.

mod activities;
mod campaigns;
mod custom_objects;
mod describe;
mod imports;
mod leads;
mod mobjects;
mod programs;
