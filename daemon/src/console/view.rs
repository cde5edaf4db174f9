//! The small pieces every page shows the same way: times, status badges, trace links and
//! the "Older" pager.

use maud::{Markup, html};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A time as the console shows it (UTC, to the second), machine-readable in `datetime`.
pub fn when(at: OffsetDateTime) -> Markup {
    html! { time datetime=(at.format(&Rfc3339).unwrap_or_default()) { (timestamp(at)) } }
}

/// `2026-12-07 21:05:22` (UTC): a time as text, like the event rows show it.
pub fn timestamp(at: OffsetDateTime) -> String {
    at.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second]"
    ))
    .unwrap_or_default()
}

/// A job's or inbox row's status, coloured by the stylesheet (`status-<status>`).
pub fn status_badge(status: &str) -> Markup {
    html! { span class={ "status-badge status-" (status) } { (status) } }
}

/// Whether `text` is a W3C trace id (32 lowercase hex digits): only those become links.
pub fn is_trace_id(text: &str) -> bool {
    text.len() == 32
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A link to the trace page, showing the id's first 8 digits; `-` for none.
pub fn trace_link(trace_id: Option<&str>) -> Markup {
    html! {
        @match trace_id.filter(|t| is_trace_id(t)) {
            Some(trace) => a.trace href={ "/console/traces/" (trace) } title=(trace) { code { (&trace[..8]) } },
            None => "-",
        }
    }
}

/// The link to the next (older) page of a list, when there is one.
pub fn older_link(href: Option<&str>) -> Markup {
    html! {
        @if let Some(href) = href {
            p.pager { a #older .older href=(href) { "Older →" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trace_ids_become_links() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        assert!(is_trace_id(id));
        for bad in [
            "",
            "4BF92F3577B34DA6A3CE929D0E0E4736",
            "4bf92f35",
            "x\"><b>",
        ] {
            assert!(!is_trace_id(bad), "{bad}");
            assert_eq!(trace_link(Some(bad)).into_string(), "-");
        }
        let link = trace_link(Some(id)).into_string();
        assert!(link.contains("href=\"/console/traces/4bf92f3577b34da6a3ce929d0e0e4736\""));
        assert!(link.contains("<code>4bf92f35</code>"), "{link}");
    }

    #[test]
    fn times_show_utc_to_the_second() {
        let at = OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(90);
        assert_eq!(
            when(at).into_string(),
            "<time datetime=\"1970-01-01T00:01:30Z\">1970-01-01 00:01:30</time>"
        );
        assert_eq!(
            status_badge("dead").into_string(),
            "<span class=\"status-badge status-dead\">dead</span>"
        );
    }
}
