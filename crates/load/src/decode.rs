//! Typed reading of parsed RON values that reports every problem.
//!
//! Each function returns `None` when the value is wrong, having already
//! pushed a diagnostic that points at it; callers keep going, so one run
//! shows every mistake in a file, not only the first.

use headroom_diag::{did_you_mean, Diagnostic};
use headroom_model::{Name, Period, Span};

use crate::ron::{Field, Kind, Value};

pub struct Decoder<'d> {
    pub diags: &'d mut Vec<Diagnostic>,
    pub partial: &'d mut Partial,
    /// References read so far in the item being decoded.
    refs: Vec<(&'static str, Name)>,
}

/// What is left of items that had errors, so that resolution can still
/// check them without reporting anything twice.
#[derive(Debug, Default)]
pub struct Partial {
    /// Items whose name was read but which had other errors, by kind:
    /// references to them are not reported as unknown names.
    pub broken: Vec<(&'static str, String)>,
    /// Names that items with errors refer to, by kind: still looked up,
    /// so an unknown name in a broken item is reported in the same run.
    pub orphans: Vec<(&'static str, Name)>,
}

/// The fields of a struct, checked against the names a type knows.
pub struct Fields<'v> {
    /// The struct's name as written, or its opening, for "missing field".
    pub span: Span,
    pub type_name: &'static str,
    fields: Vec<&'v Field>,
    /// Known fields that an unknown field was taken for (a typo already
    /// reported): not reported again as missing.
    suggested: Vec<&'static str>,
}

impl<'v> Fields<'v> {
    pub fn get(&self, name: &str) -> Option<&'v Value> {
        self.fields.iter().find(|f| f.name.text == name).map(|f| &f.value)
    }
}

impl<'d> Decoder<'d> {
    pub fn new(diags: &'d mut Vec<Diagnostic>, partial: &'d mut Partial) -> Decoder<'d> {
        Decoder { diags, partial, refs: Vec::new() }
    }

    /// A name that refers to an item of `kind` defined elsewhere.
    pub fn reference(&mut self, v: &Value, kind: &'static str) -> Option<Name> {
        let name = self.name(v)?;
        self.refs.push((kind, name.clone()));
        Some(name)
    }

    /// Runs `decode` on a named item of `kind`. If it fails, remembers the
    /// item's name (when that much can be read) so references to it are not
    /// reported as unknown, and keeps the names it refers to for checking.
    pub fn named<T>(&mut self, v: &Value, kind: &'static str, decode: fn(&mut Self, &Value) -> Option<T>) -> Option<T> {
        let outer = std::mem::take(&mut self.refs);
        let decoded = decode(self, v);
        let refs = std::mem::replace(&mut self.refs, outer);
        if decoded.is_none() {
            self.partial.orphans.extend(refs);
            if let Kind::Struct { fields, .. } = &v.kind {
                if let Some(Kind::Str(name)) = fields.iter().find(|f| f.name.text == "name").map(|f| &f.value.kind) {
                    self.partial.broken.push((kind, name.clone()));
                }
            }
        }
        decoded
    }

    pub fn error(&mut self, span: Span, code: &'static str, message: impl Into<String>, label: impl Into<String>, help: Option<String>) {
        let mut d = Diagnostic::error(code, message).label(span, label);
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diags.push(d);
    }

    fn wrong_type(&mut self, v: &Value, expected: &str, help: Option<String>) {
        self.error(v.span, "wrong-type", format!("expected {expected}, found {}", v.kind.describe()), format!("expected {expected}"), help);
    }

    /// A struct of type `type_name` with fields among `known`. The struct
    /// name may be left out, as RON allows; a different name is an error.
    pub fn fields<'v>(&mut self, v: &'v Value, type_name: &'static str, known: &[&'static str]) -> Option<Fields<'v>> {
        let (name, fields): (_, &'v [Field]) = match &v.kind {
            Kind::Struct { name, fields } => (name, fields),
            // `Name()` or `()`: a struct with no fields.
            Kind::Tuple { name, items } if items.is_empty() => (name, &[]),
            _ => {
                self.wrong_type(
                    v,
                    &format!("a `{type_name}(...)` struct"),
                    Some(format!("write `{type_name}({}: ..., ...)`", known.first().unwrap_or(&"field"))),
                );
                return None;
            }
        };
        if let Some(name) = name {
            if name.text != type_name {
                self.error(
                    name.span,
                    "wrong-type",
                    format!("expected a `{type_name}`, found `{}`", name.text),
                    format!("expected `{type_name}`"),
                    Some(format!("write `{type_name}(...)`")),
                );
            }
        }
        let mut seen: Vec<&Field> = Vec::new();
        let mut suggested = Vec::new();
        for field in fields {
            if !known.contains(&field.name.text.as_str()) {
                let help = match did_you_mean(&field.name.text, known.iter().copied()) {
                    Some(s) => {
                        suggested.extend(known.iter().find(|k| **k == s));
                        format!("did you mean `{s}`?")
                    }
                    None => format!("`{type_name}` has the fields {}", list(known)),
                };
                self.error(
                    field.name.span,
                    "unknown-field",
                    format!("unknown field `{}` in `{type_name}`", field.name.text),
                    "unknown field",
                    Some(help),
                );
            } else if let Some(first) = seen.iter().find(|f| f.name.text == field.name.text) {
                self.diags.push(
                    Diagnostic::error("duplicate-field", format!("field `{}` is given twice", field.name.text))
                        .label(field.name.span, "given again here")
                        .label(first.name.span, "first given here")
                        .help("remove one of them"),
                );
            } else {
                seen.push(field);
            }
        }
        let span = name.as_ref().map_or(Span::new(v.span.source, v.span.start as usize, v.span.start as usize + 1), |n| n.span);
        // Unknown and repeated fields are reported; the known ones are
        // still checked, so their mistakes show in the same run.
        Some(Fields { span, type_name, fields: seen, suggested })
    }

    /// A required field: reports it missing if absent.
    pub fn req<'v, T>(&mut self, f: &Fields<'v>, name: &str, decode: impl FnOnce(&mut Self, &'v Value) -> Option<T>) -> Option<T> {
        match f.get(name) {
            Some(v) => decode(self, v),
            None if f.suggested.contains(&name) => None,
            None => {
                self.error(
                    f.span,
                    "missing-field",
                    format!("missing field `{name}` in `{}`", f.type_name),
                    format!("`{name}` is required"),
                    Some(format!("add `{name}: ...`")),
                );
                None
            }
        }
    }

    /// An optional field: absent or `None` is `Some(None)`; `Some(x)` and a
    /// bare `x` are both accepted; a wrong value is `None`.
    pub fn opt<'v, T>(&mut self, f: &Fields<'v>, name: &str, decode: impl FnOnce(&mut Self, &'v Value) -> Option<T>) -> Option<Option<T>> {
        match f.get(name) {
            None => Some(None),
            Some(v) => match &v.kind {
                Kind::Ident(n) if n == "None" => Some(None),
                Kind::Tuple { name: Some(n), items } if n.text == "Some" && items.len() == 1 => decode(self, &items[0]).map(Some),
                _ => decode(self, v).map(Some),
            },
        }
    }

    pub fn string(&mut self, v: &Value) -> Option<Name> {
        match &v.kind {
            Kind::Str(s) => Some(Name::new(s.clone(), v.span)),
            Kind::Ident(s) => {
                self.wrong_type(v, "a string", Some(format!("names are quoted: write \"{s}\"")));
                None
            }
            _ => {
                self.wrong_type(v, "a string", None);
                None
            }
        }
    }

    /// A non-empty name without leading or trailing white space.
    pub fn name(&mut self, v: &Value) -> Option<Name> {
        let name = self.string(v)?;
        if name.text.trim().is_empty() {
            self.error(v.span, "bad-value", "a name cannot be empty", "empty name", None);
            return None;
        }
        if name.text.trim() != name.text {
            self.error(
                v.span,
                "bad-value",
                format!("name `{}` has leading or trailing spaces", name.text),
                "spaces around the name",
                Some(format!("write \"{}\"", name.text.trim())),
            );
            return None;
        }
        if let Some((why, instead)) = Name::problem(&name.text) {
            let shown: String = name.text.chars().take(Name::MAX_LEN).collect();
            let more = if name.text.chars().count() > Name::MAX_LEN { "…" } else { "" };
            self.error(
                v.span,
                "bad-name",
                format!("name `{}{more}` {why}", shown.escape_debug()),
                "not a name",
                Some(format!(
                    "names use letters, digits, `-`, `_` and `.` (not first), at most {} characters: write \"{instead}\"",
                    Name::MAX_LEN
                )),
            );
            return None;
        }
        Some(name)
    }

    pub fn number(&mut self, v: &Value) -> Option<f64> {
        match v.kind {
            Kind::Number { value, .. } if value.is_finite() => Some(value),
            Kind::Number { .. } => {
                self.error(v.span, "bad-value", "numbers must be finite", "not a finite number", None);
                None
            }
            Kind::Str(ref s) if s.trim().parse::<f64>().is_ok() => {
                self.wrong_type(v, "a number", Some(format!("numbers are not quoted: write {}", s.trim())));
                None
            }
            _ => {
                self.wrong_type(v, "a number", None);
                None
            }
        }
    }

    pub fn non_negative(&mut self, v: &Value) -> Option<f64> {
        self.between(v, 0.0, headroom_model::limits::MAX_QUANTITY)
    }

    /// A number from `lo` to `hi` (see `headroom_model::limits`).
    pub fn between(&mut self, v: &Value, lo: f64, hi: f64) -> Option<f64> {
        let x = self.number(v)?;
        if x < lo {
            let (what, label) = if lo == 0.0 { ("≥ 0".to_owned(), "negative") } else { (format!("≥ {lo:e}"), "too small") };
            self.error(v.span, "bad-value", format!("expected a number {what}, found {x}"), label, None);
            return None;
        }
        if x > hi {
            self.error(
                v.span,
                "bad-value",
                format!("expected a number ≤ {hi:e}, found {x:e}"),
                "too large",
                Some("numbers this large are a typo or a mix-up of units; see the README's limits".to_owned()),
            );
            return None;
        }
        Some(x)
    }

    /// A share in (0, 1].
    pub fn share(&mut self, v: &Value) -> Option<f64> {
        let x = self.number(v)?;
        if !(x > 0.0 && x <= 1.0) {
            let help = (x > 1.0 && x <= 100.0).then(|| format!("shares are fractions: write {} for {x} %", x / 100.0));
            self.error(v.span, "bad-value", format!("expected a share between 0 (excluded) and 1, found {x}"), "not in (0, 1]", help);
            return None;
        }
        Some(x)
    }

    /// A whole number ≥ 0 that fits in `u32`.
    pub fn count(&mut self, v: &Value) -> Option<u32> {
        let x = self.number(v)?;
        if x < 0.0 || x.fract() != 0.0 {
            self.error(v.span, "bad-value", format!("expected a whole number ≥ 0, found {x}"), "not a whole number ≥ 0", None);
            return None;
        }
        if x > u32::MAX as f64 {
            self.error(
                v.span,
                "bad-value",
                format!("a count can be at most {}, found {x}", u32::MAX),
                "too large",
                Some("numbers this large are a typo or a mix-up of units; see the README's limits".into()),
            );
            return None;
        }
        Some(x as u32)
    }

    pub fn period(&mut self, v: &Value) -> Option<(Period, Span)> {
        let text = match &v.kind {
            Kind::Str(s) => s,
            Kind::Ident(s) => {
                self.wrong_type(v, "a period string", Some(format!("periods are quoted: write \"{s}\"")));
                return None;
            }
            _ => {
                self.wrong_type(v, "a period string such as \"2027Q1\"", None);
                return None;
            }
        };
        match Period::parse(text) {
            Ok(p) => Some((p, v.span)),
            Err(e) => {
                self.error(
                    v.span,
                    "bad-period",
                    e.message,
                    "not a period",
                    Some("write a quarter as \"2027Q1\" or a month as \"2027-01\"".into()),
                );
                None
            }
        }
    }

    /// One of the unit variants `variants`, written as a bare identifier.
    pub fn variant(&mut self, v: &Value, what: &str, variants: &[&'static str]) -> Option<&'static str> {
        let text = match &v.kind {
            Kind::Ident(s) => s.as_str(),
            Kind::Str(s) => {
                if let Some(&found) = variants.iter().find(|&&x| x.eq_ignore_ascii_case(s)) {
                    self.wrong_type(v, &format!("one of {}", list(variants)), Some(format!("write {found} without quotes")));
                } else {
                    self.wrong_type(v, &format!("one of {}", list(variants)), None);
                }
                return None;
            }
            _ => {
                self.wrong_type(v, &format!("one of {}", list(variants)), None);
                return None;
            }
        };
        if let Some(&found) = variants.iter().find(|&&x| x == text) {
            return Some(found);
        }
        let help = variants
            .iter()
            .find(|x| x.eq_ignore_ascii_case(text))
            .copied()
            .or_else(|| did_you_mean(text, variants.iter().copied()))
            .map_or_else(|| format!("{what} is one of {}", list(variants)), |s| format!("did you mean `{s}`?"));
        self.error(v.span, "unknown-variant", format!("unknown {what} `{text}`"), format!("not a {what}"), Some(help));
        None
    }

    /// A list whose items are decoded with `item`; `None` if any item is
    /// wrong (all are reported).
    pub fn list<'v, T>(&mut self, v: &'v Value, mut item: impl FnMut(&mut Self, &'v Value) -> Option<T>) -> Option<Vec<T>> {
        let Kind::List(items) = &v.kind else {
            self.wrong_type(v, "a list `[...]`", None);
            return None;
        };
        let decoded: Vec<Option<T>> = items.iter().map(|i| item(self, i)).collect();
        decoded.into_iter().collect()
    }

    /// A list of named items, keeping those that decode: one bad item
    /// does not hide the others from later checks.
    pub fn items<'v, T>(&mut self, v: &'v Value, mut item: impl FnMut(&mut Self, &'v Value) -> Option<T>) -> Option<Vec<T>> {
        let Kind::List(items) = &v.kind else {
            self.wrong_type(v, "a list `[...]`", None);
            return None;
        };
        Some(items.iter().filter_map(|i| item(self, i)).collect())
    }

    /// A map `{ "name": value }` with string keys, kept in written order.
    /// Repeated keys are errors.
    /// A map whose keys refer to items of `kind`.
    pub fn map_of<'v, T>(
        &mut self,
        v: &'v Value,
        kind: &'static str,
        value: impl FnMut(&mut Self, &'v Value) -> Option<T>,
    ) -> Option<Vec<(Name, T)>> {
        let map = self.map(v, value)?;
        self.refs.extend(map.iter().map(|(k, _)| (kind, k.clone())));
        Some(map)
    }

    pub fn map<'v, T>(&mut self, v: &'v Value, mut value: impl FnMut(&mut Self, &'v Value) -> Option<T>) -> Option<Vec<(Name, T)>> {
        let Kind::Map(entries) = &v.kind else {
            self.wrong_type(v, "a map `{\"key\": value}`", None);
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for (k, val) in entries {
            let key = self.name(k);
            let val = value(self, val);
            match (key, val) {
                (Some(key), Some(val)) => {
                    if let Some((first, _)) = out.iter().find(|(n, _): &&(Name, T)| n.text == key.text) {
                        self.diags.push(
                            Diagnostic::error("duplicate-key", format!("key `{}` is given twice", key.text))
                                .label(key.span, "given again here")
                                .label(first.span, "first given here"),
                        );
                        ok = false;
                    } else {
                        out.push((key, val));
                    }
                }
                _ => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// `a`, `b` and `c`.
pub fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.len() {
        0 => "none".into(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
