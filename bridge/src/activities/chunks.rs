//! A `getLeadChanges` over more leads than REST reads per call: the lead ids in chunks of
//! [`MAX_LEADS`] (one `leadIds` each, as `listOperation` splits its ids), read one after the
//! other, and where the read stands between SOAP calls.
//!
//! Marketo's SOAP API took up to 100 lead keys; REST's Get Lead Activities takes at most 30
//! `leadIds`. The ids (sorted, duplicates removed) are cut into chunks, and a *round* reads
//! each chunk in turn from the same date token (`pagingtoken.json` for `oldestCreatedAt`):
//! one SOAP page holds the rest of the current chunk, then the next chunk's first rows while
//! the page has room; a chunk with more rows than the page ends the page there. So records
//! come chunk by chunk, each chunk in date order (not one date order across the leads).
//!
//! The SOAP offset carries the round: `rest:chunks?at=I&token=T0&token=T1...`, one REST
//! `nextPageToken` per chunk (chunks before `at` hold their end token, chunk `at` where it
//! stands, later chunks the start token), form-encoded so any token text is kept. At the end
//! of a round `at` equals the number of chunks; an offset of a finished round starts a new
//! round from every chunk's end token (new changes only), as a single read resumes from its
//! last `nextPageToken`. A read of one chunk (≤ 30 leads, a list, or every lead) keeps the
//! plain `rest:<nextPageToken>` offset. An offset whose number of tokens is not the number
//! of chunks the selector now gives (its leads changed) is fault 20122.

use mktows::error::ErrorCode;
use mktows_server::BackendFault;

/// Most lead ids REST reads per call.
pub(super) const MAX_LEADS: usize = 30;

/// Marks a round offset (after the SOAP `rest:` prefix); a REST token has no `?`.
const ROUND: &str = "chunks?";

/// Where a read of chunks stands: the chunk being read and each chunk's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Round {
    /// The chunk being read (the number of chunks once every chunk was read to its end).
    pub(super) at: usize,
    /// Each chunk's REST paging token.
    pub(super) tokens: Vec<String>,
}

impl Round {
    /// A round of `chunks` chunks, each from `token`.
    pub(super) fn from_start(chunks: usize, token: String) -> Round {
        Round {
            at: 0,
            tokens: vec![token; chunks],
        }
    }

    /// The round an offset (after `rest:`) names, for a selector of `chunks` chunks; a
    /// finished round starts again from its end tokens.
    pub(super) fn from_offset(offset: &str, chunks: usize) -> Result<Round, BackendFault> {
        let round = match offset.strip_prefix(ROUND) {
            None if chunks == 1 => Round {
                at: 0,
                tokens: vec![offset.to_owned()],
            },
            None => {
                return Err(bad_position(format!(
                    "offset rest:{offset} reads one chunk of leads; this selector needs {chunks}"
                )));
            }
            Some(query) => {
                let mut at = None;
                let mut tokens = Vec::new();
                for (name, value) in form_urlencoded::parse(query.as_bytes()) {
                    match &*name {
                        "at" => at = value.parse::<usize>().ok(),
                        "token" if !value.is_empty() => tokens.push(value.into_owned()),
                        _ => return Err(bad_position(format!("bad offset rest:{offset}"))),
                    }
                }
                let Some(at) = at.filter(|at| *at <= tokens.len()) else {
                    return Err(bad_position(format!("bad offset rest:{offset}")));
                };
                if tokens.len() != chunks {
                    return Err(bad_position(format!(
                        "offset rest:{offset} reads {} chunks of leads; the selector now gives {chunks} (its leads changed)",
                        tokens.len()
                    )));
                }
                Round { at, tokens }
            }
        };
        Ok(Round {
            at: if round.at == chunks { 0 } else { round.at },
            ..round
        })
    }

    /// The offset (after `rest:`) of this round.
    pub(super) fn offset(&self) -> String {
        if let [token] = self.tokens.as_slice() {
            return token.clone();
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("at", &self.at.to_string());
        for token in &self.tokens {
            query.append_pair("token", token);
        }
        format!("{ROUND}{}", query.finish())
    }
}

fn bad_position(message: String) -> BackendFault {
    BackendFault::titled(ErrorCode::BadStreamPosition, "Bad Stream Position", message)
}

/// The `leadIds` values of `ids`, [`MAX_LEADS`] at a time, in order.
pub(super) fn lead_id_chunks(ids: &[i64]) -> Vec<String> {
    ids.chunks(MAX_LEADS)
        .map(|chunk| {
            chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_cut_into_chunks_of_thirty() {
        let ids: Vec<i64> = (1..=61).collect();
        let chunks = lead_id_chunks(&ids);
        assert_eq!(chunks.len(), 3);
        assert!(chunks[0].starts_with("1,2,") && chunks[0].ends_with(",30"));
        assert!(chunks[1].starts_with("31,") && chunks[1].ends_with(",60"));
        assert_eq!(chunks[2], "61");
        assert!(lead_id_chunks(&[]).is_empty());
    }

    #[test]
    fn a_round_goes_through_its_offset_and_back() {
        let round = Round {
            at: 1,
            tokens: vec!["END0".into(), "A b=&?:".into(), "START".into()],
        };
        let offset = round.offset();
        assert!(
            offset.starts_with("chunks?at=1&token=END0&token="),
            "{offset}"
        );
        assert_eq!(Round::from_offset(&offset, 3).unwrap(), round);
        // One chunk: the plain token, as before chunks.
        let single = Round::from_start(1, "T".into());
        assert_eq!(single.offset(), "T");
        assert_eq!(Round::from_offset("T", 1).unwrap(), single);
    }

    #[test]
    fn a_finished_round_starts_again_from_its_end_tokens() {
        let done = Round {
            at: 2,
            tokens: vec!["E0".into(), "E1".into()],
        };
        let again = Round::from_offset(&done.offset(), 2).unwrap();
        assert_eq!((again.at, again.tokens), (0, done.tokens));
    }

    #[test]
    fn offsets_that_do_not_fit_the_selector_are_bad_positions() {
        let two = Round::from_start(2, "S".into()).offset();
        for (offset, chunks) in [
            (two.as_str(), 3),
            ("PLAIN", 2),
            ("chunks?at=9&token=a", 1),
            ("chunks?token=a&token=b", 2),
            ("chunks?at=0&token=a&what=1", 1),
        ] {
            let fault = Round::from_offset(offset, chunks).unwrap_err();
            assert_eq!(fault.code, ErrorCode::BadStreamPosition, "{offset}");
        }
    }
}
