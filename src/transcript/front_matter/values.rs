//! The checks of dates, numbers and flags in front matter.

use jiff::civil::Date;

use super::{Checker, Key, Value, quoted};
use crate::transcript::yaml::Node;

impl Checker<'_, '_> {
    pub(super) fn date(&mut self, key: &Key, value: &Value) -> Option<Date> {
        let raw = match &value.value {
            Node::Seq(_) | Node::Map(_) => {
                self.type_error(
                    key,
                    format!("`episode_date` must be a date, not {}", value.value.kind()),
                );
                return None;
            }
            Node::Null => {
                let d = self
                    .yaml
                    .error_at(&key.referenced, "required field `episode_date` is empty");
                self.error(d);
                return None;
            }
            _ => self.yaml.raw_scalar(value).unwrap_or_default(),
        };
        let s = raw.trim();
        let at = |msg: String| self.yaml.error_at(&value.referenced, msg);
        let d = match &self.opts.date_format {
            None => match parse_default_date(s) {
                DateParse::Ok(date) => return Some(date),
                DateParse::NotReal => at(format!("episode_date {} is not a real date", quoted(s))),
                DateParse::NotADate => at(format!(
                    "episode_date {} is not a date: expected DD/MM/YYYY or YYYY-MM-DD",
                    quoted(s)
                ))
                .with_help("write the date like 15/08/2025 or 2025-08-15"),
            },
            Some(format) => match jiff::fmt::strtime::parse(format, s) {
                Ok(tm) => match tm.to_date() {
                    Ok(date) => return Some(date),
                    Err(err) => at(format!("episode_date {} is not a real date", quoted(s)))
                        .with_help(err.to_string()),
                },
                Err(err) => at(format!(
                    "episode_date {} does not match the date format {}",
                    quoted(s),
                    quoted(format)
                ))
                .with_help(format!(
                    "the format comes from `[content] date-format` in book.toml ({err})"
                )),
            },
        };
        self.error(d);
        None
    }

    /// A whole number written as a YAML integer or a string of digits.
    pub(super) fn integer(&self, value: &Value) -> Option<i128> {
        match &value.value {
            Node::Int(i) => Some(*i),
            Node::Str(s) => {
                let t = s.trim();
                let digits = t.strip_prefix('-').unwrap_or(t);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    t.parse().ok()
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    pub(super) fn shown(&self, value: &Value) -> String {
        match self.yaml.raw_scalar(value) {
            Some(s) => quoted(&s),
            None => value.value.kind().to_owned(),
        }
    }

    pub(super) fn duration(&mut self, key: &Key, value: &Value) -> Option<u32> {
        if matches!(value.value, Node::Null) {
            return None;
        }
        if let Some(n) = self.integer(value).and_then(|i| u32::try_from(i).ok()) {
            return Some(n);
        }
        let msg = format!(
            "`episode_duration` must be a whole number of minutes, not {}",
            self.shown(value)
        );
        self.type_error(key, msg);
        None
    }

    pub(super) fn year(&mut self, key: &Key, value: &Value) -> Option<i32> {
        if matches!(value.value, Node::Null) {
            return None;
        }
        if let Some(n) = self.integer(value).and_then(|i| i32::try_from(i).ok()) {
            return Some(n);
        }
        let msg = format!(
            "`yoe-starting` must be a year (a whole number), not {}",
            self.shown(value)
        );
        self.type_error(key, msg);
        None
    }

    pub(super) fn draft(&mut self, key: &Key, value: &Value) -> bool {
        match &value.value {
            Node::Null => return false,
            Node::Bool(b) => return *b,
            Node::Str(s) => {
                let t = s.trim();
                for (word, b) in [
                    ("true", true),
                    ("yes", true),
                    ("false", false),
                    ("no", false),
                ] {
                    if t.eq_ignore_ascii_case(word) {
                        return b;
                    }
                }
            }
            _ => {}
        }
        let msg = format!("`draft` must be true or false, not {}", self.shown(value));
        self.type_error(key, msg);
        false
    }
}

enum DateParse {
    Ok(Date),
    /// Shaped like a date, but no such day exists (31/02/2025).
    NotReal,
    NotADate,
}

/// `DD/MM/YYYY` (one-digit day and month allowed) or ISO `YYYY-MM-DD`.
fn parse_default_date(s: &str) -> DateParse {
    fn num(part: &str, min_len: usize, max_len: usize) -> Option<i16> {
        let ok =
            (min_len..=max_len).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        if ok { part.parse().ok() } else { None }
    }
    let ymd = if s.contains('/') {
        let mut it = s.split('/');
        match (it.next(), it.next(), it.next(), it.next()) {
            (Some(d), Some(m), Some(y), None) => num(y, 4, 4).zip(num(m, 1, 2)).zip(num(d, 1, 2)),
            _ => None,
        }
    } else {
        let mut it = s.split('-');
        match (it.next(), it.next(), it.next(), it.next()) {
            (Some(y), Some(m), Some(d), None) => num(y, 4, 4).zip(num(m, 2, 2)).zip(num(d, 2, 2)),
            _ => None,
        }
    };
    let Some(((y, m), d)) = ymd else {
        return DateParse::NotADate;
    };
    let (Ok(m), Ok(d)) = (i8::try_from(m), i8::try_from(d)) else {
        return DateParse::NotReal;
    };
    match Date::new(y, m, d) {
        Ok(date) => DateParse::Ok(date),
        Err(_) => DateParse::NotReal,
    }
}
