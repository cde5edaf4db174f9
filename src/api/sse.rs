//! Reading a `text/event-stream` body (the event streams), as the HTML Living Standard's
//! event-stream interpretation does: lines end in LF, CRLF or CR; `:` starts a comment;
//! `data` lines are joined with `\n`; a blank line dispatches; `id` sets the last event id
//! even for a message without data (which is then not dispatched as an event). Bytes are fed
//! in whatever chunks the network delivers.

/// One dispatched message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseMessage {
    /// The last event id at dispatch (the stream's resume point).
    pub id: Option<String>,
    /// `event:`, or `message` when absent.
    pub event: String,
    pub data: String,
}

/// An incremental parser; feed it chunks, collect messages.
#[derive(Debug, Default)]
pub struct SseParser {
    /// Bytes of an unfinished line.
    line: Vec<u8>,
    /// The previous chunk ended in CR: an LF at the start of the next one belongs to it.
    after_cr: bool,
    data: Option<String>,
    event: Option<String>,
    last_id: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// The last event id seen (also from messages without data).
    pub fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// Feeds bytes; returns the messages they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseMessage> {
        let mut out = Vec::new();
        for &b in bytes {
            if self.after_cr {
                self.after_cr = false;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\n' | b'\r' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(message) = self.line_done(&line) {
                        out.push(message);
                    }
                }
                _ => self.line.push(b),
            }
        }
        out
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseMessage> {
        if line.is_empty() {
            let event = self.event.take();
            let mut data = self.data.take()?;
            data.pop();
            return Some(SseMessage {
                id: self.last_id.clone(),
                event: event.unwrap_or_else(|| "message".to_owned()),
                data,
            });
        }
        if line[0] == b':' {
            return None;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => {
                let data = self.data.get_or_insert_with(String::new);
                data.push_str(value);
                data.push('\n');
            }
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks() {
        let mut p = SseParser::new();
        assert!(
            p.push(b": keep-alive\n\nid: 7\nevent: job.dead\nda")
                .is_empty()
        );
        let got = p.push(b"ta: {\"a\":1}\n\n");
        assert_eq!(
            got,
            [SseMessage {
                id: Some("7".into()),
                event: "job.dead".into(),
                data: r#"{"a":1}"#.into()
            }]
        );
    }

    #[test]
    fn line_endings_multiline_data_and_id_only_messages() {
        let mut p = SseParser::new();
        // An id without data moves the resume point but dispatches nothing.
        assert!(p.push(b"id: 3\r\n\r\n").is_empty());
        assert_eq!(p.last_id(), Some("3"));
        let got = p.push(b"data: one\rdata:two\r");
        assert!(got.is_empty());
        // The CR ended the line; the LF of a CRLF split across chunks is not a blank line.
        let got = p.push(b"\n\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].data, "one\ntwo");
        assert_eq!(got[0].event, "message");
        assert_eq!(got[0].id.as_deref(), Some("3"));
    }

    #[test]
    fn unknown_fields_and_comments_are_ignored() {
        let mut p = SseParser::new();
        let got = p.push(b"retry: 10\n:c\nfoo\ndata\n\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].data, "");
    }
}
