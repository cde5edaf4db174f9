//! The shared page shell: head (the compiled-in stylesheet and script), the top bar (nav,
//! who is signed in and their role, the sign-out form) and the page's content. Dark by
//! default (the stylesheet follows `prefers-color-scheme: light`).

use maud::{DOCTYPE, Markup, html};

use super::assets::{SCRIPT, STYLE};
use super::forms::post_form;

/// The sections in the top bar; a page names the one it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Events,
    Inbox,
    Dlq,
    Audit,
    /// A page outside the sections (a trace, a job).
    None,
}

const SECTIONS: [(Nav, &str, &str); 4] = [
    (Nav::Events, "/console/events", "Events"),
    (Nav::Inbox, "/console/inbox", "Inbox"),
    (Nav::Dlq, "/console/dlq", "DLQ"),
    (Nav::Audit, "/console/audit", "Audit"),
];

/// Who the page is shown to, as the top bar shows them (`ConsoleOperator::viewer`).
pub struct Viewer<'a> {
    pub name: &'a str,
    pub role: &'a str,
    /// For the sign-out form.
    pub csrf_token: String,
}

/// A page for a signed-in operator.
pub fn page(viewer: &Viewer<'_>, nav: Nav, title: &str, content: Markup) -> Markup {
    document(
        title,
        html! {
            header.top {
                span.brand { "orch" }
                nav {
                    @for (section, href, label) in SECTIONS {
                        a href=(href) class=[(section == nav).then_some("current")] { (label) }
                    }
                }
                div.who {
                    span.name { (viewer.name) }
                    span.role title="role" { (viewer.role) }
                    (post_form("/console/logout", &viewer.csrf_token, "inline", html! {
                        button type="submit" { "Sign out" }
                    }))
                }
            }
            main { (content) }
        },
    )
}

/// A page without the top bar (sign-in, errors before or without a session).
pub fn bare(title: &str, content: Markup) -> Markup {
    document(title, html! { main { (content) } })
}

fn document(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="same-origin";
                title { (title) " · orch" }
                link rel="stylesheet" href=(STYLE.url);
                script src=(SCRIPT.url) defer {}
            }
            body { (body) }
        }
    }
}
