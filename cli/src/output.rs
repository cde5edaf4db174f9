//! Printing data on stdout: tables for people (comfy-table), the API's own objects as JSON
//! or YAML for scripts.

use std::ffi::OsStr;
use std::io::Write;

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::CliError;

/// How data is printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people
    Table,
    /// The API's own objects, for scripts
    Json,
    /// The API's own objects, as YAML
    Yaml,
}

impl OutputFormat {
    /// `explicit` if given; otherwise `table` for a terminal and `json` for a pipe or file.
    pub fn resolve(explicit: Option<OutputFormat>, stdout_is_terminal: bool) -> OutputFormat {
        match explicit {
            Some(format) => format,
            None if stdout_is_terminal => OutputFormat::Table,
            None => OutputFormat::Json,
        }
    }
}

/// Colour only on a terminal, and never with `--no-color` or a non-empty `NO_COLOR`
/// (<https://no-color.org>: set and not empty, whatever its value).
pub fn color_enabled(no_color_flag: bool, no_color_env: Option<&OsStr>, is_terminal: bool) -> bool {
    let env_disables = no_color_env.is_some_and(|value| !value.is_empty());
    is_terminal && !no_color_flag && !env_disables
}

/// Writes `value` as pretty JSON or YAML. `Table` is the caller's business: it is rendered
/// by each command, so this treats it as JSON.
pub fn write_data<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    format: OutputFormat,
    value: &T,
) -> Result<(), CliError> {
    let text = match format {
        OutputFormat::Yaml => yaml_serde::to_string(value)
            .map_err(|e| CliError::Unexpected(format!("cannot render YAML: {e}")))?,
        OutputFormat::Json | OutputFormat::Table => {
            let mut json = serde_json::to_string_pretty(value)
                .map_err(|e| CliError::Unexpected(format!("cannot render JSON: {e}")))?;
            json.push('\n');
            json
        }
    };
    out.write_all(text.as_bytes()).map_err(CliError::stdout)
}

/// A borderless table with a header row, its columns aligned, never wrapped.
pub fn table<I, S>(header: I) -> Table
where
    I: IntoIterator<Item = S>,
    S: Into<comfy_table::Cell>,
{
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    flush_left(&mut table);
    table
}

/// A two-column table of `field: value` rows, for one object.
pub fn fields<'a>(rows: impl IntoIterator<Item = (&'a str, String)>) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    for (name, value) in rows {
        table.add_row(vec![format!("{name}:"), value]);
    }
    flush_left(&mut table);
    table
}

/// No padding on the left, two spaces between columns.
fn flush_left(table: &mut Table) {
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
}

/// Writes a rendered table (or any text) followed by a newline.
pub fn write_table(out: &mut dyn Write, table: &Table) -> Result<(), CliError> {
    writeln!(out, "{}", table.trim_fmt()).map_err(CliError::stdout)
}

/// Writes one line of text.
pub fn write_line(out: &mut dyn Write, line: &str) -> Result<(), CliError> {
    writeln!(out, "{line}").map_err(CliError::stdout)
}

/// A time as RFC 3339 in UTC, to the second.
pub fn time(ts: OffsetDateTime) -> String {
    let ts = ts.to_offset(time::UtcOffset::UTC);
    let ts = ts.replace_nanosecond(0).unwrap_or(ts);
    ts.format(&Rfc3339).unwrap_or_else(|_| ts.to_string())
}

/// An optional value, or `-`.
pub fn or_dash(value: Option<impl ToString>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_is_pretty_and_yaml_is_yaml() {
        let value = json!({"ok": true, "checked": 3});
        let mut out = Vec::new();
        write_data(&mut out, OutputFormat::Json, &value).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n  \"ok\": true,\n  \"checked\": 3\n}\n"
        );
        let mut out = Vec::new();
        write_data(&mut out, OutputFormat::Yaml, &value).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "ok: true\nchecked: 3\n");
    }

    #[test]
    fn tables_align_columns_without_borders() {
        let mut t = table(["ID", "NAME"]);
        t.add_row(vec!["1", "alice"]);
        t.add_row(vec!["22", "bob"]);
        let mut out = Vec::new();
        write_table(&mut out, &t).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("ID"), "{text}");
        assert_eq!(lines[1].find("alice"), lines[0].find("NAME"), "{text}");
    }

    #[test]
    fn times_are_utc_seconds() {
        let ts = OffsetDateTime::from_unix_timestamp_nanos(1_893_456_000_123_456_789).unwrap();
        assert_eq!(time(ts), "2030-01-01T00:00:00Z");
    }
}
