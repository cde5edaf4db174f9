//! A one-line progress bar on stderr for bulk actions, redrawn in place; drawn only when
//! stderr is a terminal (logs and pipes get the final summary only).

use std::io::Write;

const WIDTH: usize = 30;

pub struct Progress {
    label: String,
    total: u64,
    enabled: bool,
}

impl Progress {
    pub fn new(label: &str, total: u64, enabled: bool) -> Self {
        Self {
            label: label.to_owned(),
            total,
            enabled,
        }
    }

    /// Redraws the bar at `done`.
    pub fn set(&self, out: &mut dyn Write, done: u64) {
        if self.enabled {
            // A progress bar that cannot be drawn is not worth failing the action for.
            let _ = write!(out, "\r{}", render(&self.label, done, self.total));
            let _ = out.flush();
        }
    }

    /// Ends the line the bar was drawn on.
    pub fn finish(&self, out: &mut dyn Write) {
        if self.enabled {
            let _ = writeln!(out);
        }
    }
}

/// For work of unknown size (paging through a listing): `label N` redrawn in place.
pub struct Counter<'a> {
    out: Option<&'a mut dyn Write>,
    label: &'static str,
    drawn: bool,
}

impl<'a> Counter<'a> {
    /// Draws nothing when `out` is `None` (not a terminal).
    pub fn new(out: Option<&'a mut dyn Write>, label: &'static str) -> Self {
        Self {
            out,
            label,
            drawn: false,
        }
    }

    pub fn set(&mut self, n: usize) {
        if let Some(out) = self.out.as_mut() {
            let _ = write!(out, "\r{} {n}", self.label);
            let _ = out.flush();
            self.drawn = true;
        }
    }

    /// Ends the line, if anything was drawn.
    pub fn finish(mut self) {
        if let (Some(out), true) = (self.out.as_mut(), self.drawn) {
            let _ = writeln!(out);
        }
    }
}

/// `replaying [#########.....................] 1500/5000  30%`
pub fn render(label: &str, done: u64, total: u64) -> String {
    let done = done.min(total);
    let filled = if total == 0 {
        WIDTH
    } else {
        (done as u128 * WIDTH as u128 / total as u128) as usize
    };
    let percent = if total == 0 {
        100
    } else {
        done as u128 * 100 / total as u128
    };
    format!(
        "{label} [{}{}] {done}/{total} {percent:>3}%",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_progress() {
        assert_eq!(
            render("replaying", 0, 10),
            format!("replaying [{}] 0/10   0%", ".".repeat(30))
        );
        assert_eq!(
            render("replaying", 5, 10),
            format!("replaying [{}{}] 5/10  50%", "#".repeat(15), ".".repeat(15))
        );
        assert_eq!(
            render("purging", 12, 10),
            format!("purging [{}] 10/10 100%", "#".repeat(30)),
            "never past the end"
        );
        assert_eq!(
            render("x", 0, 0),
            format!("x [{}] 0/0 100%", "#".repeat(30))
        );
    }

    #[test]
    fn the_counter_redraws_in_place() {
        let mut out = Vec::new();
        let mut c = Counter::new(Some(&mut out), "rows fetched:");
        c.set(500);
        c.set(1000);
        c.finish();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\rrows fetched: 500\rrows fetched: 1000\n"
        );
        let mut c = Counter::new(None, "rows fetched:");
        c.set(1);
        c.finish();
    }

    #[test]
    fn nothing_is_drawn_off_a_terminal() {
        let mut out = Vec::new();
        let p = Progress::new("replaying", 10, false);
        p.set(&mut out, 5);
        p.finish(&mut out);
        assert!(out.is_empty());
        let p = Progress::new("replaying", 10, true);
        p.set(&mut out, 5);
        p.finish(&mut out);
        let drawn = String::from_utf8(out).unwrap();
        assert!(drawn.starts_with("\rreplaying ["));
        assert!(drawn.ends_with("5/10  50%\n"));
    }
}
