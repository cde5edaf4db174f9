//! What every console form carries: the synchronizer token in a hidden field. Pages build
//! POST forms with [`post_form`]; `csrf.rs` checks what comes back.

use maud::{Markup, html};

/// The form field holding the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The hidden token field, for a hand-built form.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

/// A POST form to `action` carrying the token, around `fields` (inputs and the submit
/// button). `class` styles it (`"inline"` for a button in a line of text).
pub fn post_form(action: &str, token: &str, class: &str, fields: Markup) -> Markup {
    html! {
        form method="post" action=(action) class=(class) {
            (csrf_field(token))
            (fields)
        }
    }
}
