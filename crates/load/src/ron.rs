//! A small RON parser that keeps the byte span of every value.
//!
//! The `ron` crate reports where a syntax error is, but not where a value
//! that parsed fine came from; headroom needs both, to put a caret under an
//! unknown cluster name or a negative cost. This parser covers the RON that
//! people write by hand: named and anonymous structs and tuples, lists,
//! maps, strings (with escapes, and raw `r#"…"#`), characters, numbers
//! (decimal, `_` separators, exponents, `0x`/`0o`/`0b`), booleans, `Some`,
//! `None`, enum variants, `//` and nested `/* */` comments, and trailing
//! commas. `#![enable(...)]` attributes are accepted and ignored: their
//! effects (implicit `Some`, unwrapped newtypes) are what the decoder does
//! anyway.

use headroom_model::{SourceId, Span};

/// A parsed value and where it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Bool(bool),
    /// A number, with whether it was written as an integer.
    Number {
        value: f64,
        integer: bool,
    },
    Str(String),
    Char(char),
    /// A bare identifier: a unit enum variant, or `None`.
    Ident(String),
    /// `Name(a, b)` or `(a, b)`; `Some(x)` is a tuple named `Some`.
    Tuple {
        name: Option<Ident>,
        items: Vec<Value>,
    },
    /// `Name(field: value, ...)` or `(field: value, ...)`.
    Struct {
        name: Option<Ident>,
        fields: Vec<Field>,
    },
    List(Vec<Value>),
    Map(Vec<(Value, Value)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: Ident,
    pub value: Value,
}

/// A syntax error: what was expected, where.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
    /// A second place that explains the error (the bracket left open).
    pub related: Option<(Span, String)>,
}

impl Kind {
    /// What a person would call this kind of value.
    pub fn describe(&self) -> String {
        match self {
            Kind::Bool(_) => "a boolean".into(),
            Kind::Number { integer: true, .. } => "an integer".into(),
            Kind::Number { .. } => "a number".into(),
            Kind::Str(_) => "a string".into(),
            Kind::Char(_) => "a character".into(),
            Kind::Ident(name) => format!("`{name}`"),
            Kind::Tuple { name: Some(n), .. } => format!("`{}(…)`", n.text),
            Kind::Tuple { .. } => "a tuple".into(),
            Kind::Struct { name: Some(n), .. } => format!("a `{}` struct", n.text),
            Kind::Struct { .. } => "a struct".into(),
            Kind::List(_) => "a list".into(),
            Kind::Map(_) => "a map".into(),
        }
    }
}

/// Parses one RON document.
pub fn parse(source: SourceId, text: &str) -> Result<Value, SyntaxError> {
    let mut p = Parser { src: source, text, pos: 0, depth: 0, multiline_string: None };
    p.skip_trivia()?;
    p.skip_attributes()?;
    if p.pos >= text.len() {
        return Err(p.error_here("the file is empty", Some("a topology file holds `Topology(...)`, an intent file `Team(...)`")));
    }
    let value = p.value()?;
    p.skip_trivia()?;
    if p.pos < text.len() {
        return Err(p.error_at(
            p.pos,
            p.next_token_end(),
            "unexpected text after the value",
            Some("a file holds exactly one value: is a `,` or a closing bracket misplaced?"),
        ));
    }
    Ok(value)
}

/// Deep nesting would overflow the stack; no hand-written file needs this much.
const MAX_DEPTH: usize = 128;

struct Parser<'a> {
    src: SourceId,
    text: &'a str,
    pos: usize,
    depth: usize,
    /// Where the last string that ran over a line end started: the likely
    /// culprit when the text after it makes no sense.
    multiline_string: Option<usize>,
}

impl<'a> Parser<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.src, start, end)
    }

    fn error_at(&self, start: usize, end: usize, message: &str, help: Option<&str>) -> SyntaxError {
        let mut error =
            SyntaxError { message: message.to_owned(), span: self.span(start, end), help: help.map(str::to_owned), related: None };
        // A string that swallowed a line end is the usual cause of nonsense
        // a few lines later: point at it.
        if let Some(string) = self.multiline_string.filter(|&s| s < start) {
            error.help = Some("a string above runs over a line end: is its closing `\"` missing?".to_owned());
            error.related = Some((self.span(string, string + 1), "this string runs over a line end".to_owned()));
        }
        error
    }

    fn error_here(&self, message: &str, help: Option<&str>) -> SyntaxError {
        self.error_at(self.pos, self.next_token_end(), message, help)
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    /// End of the token at `pos`, for underlining what is there.
    fn next_token_end(&self) -> usize {
        let rest = self.rest();
        match rest.chars().next() {
            None => self.pos,
            Some(c) if is_ident_char(c) => self.pos + rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len()),
            Some(c) => self.pos + c.len_utf8(),
        }
    }

    fn skip_trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with("//") {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if trimmed.starts_with("/*") {
                let start = self.pos;
                let mut depth = 0usize;
                let bytes = self.text.as_bytes();
                loop {
                    if self.pos + 1 >= bytes.len() {
                        return Err(self.error_at(start, start + 2, "this comment is never closed", Some("close it with `*/`")));
                    }
                    match (bytes[self.pos], bytes[self.pos + 1]) {
                        (b'/', b'*') => {
                            depth += 1;
                            self.pos += 2;
                        }
                        (b'*', b'/') => {
                            depth -= 1;
                            self.pos += 2;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => self.pos += 1,
                    }
                }
            } else {
                return Ok(());
            }
        }
    }

    fn skip_attributes(&mut self) -> Result<(), SyntaxError> {
        while self.rest().starts_with("#!") {
            let start = self.pos;
            match self.rest().find(']') {
                Some(end) => self.pos += end + 1,
                None => return Err(self.error_at(start, start + 2, "this attribute is never closed", Some("write `#![enable(...)]`"))),
            }
            self.skip_trivia()?;
        }
        Ok(())
    }

    fn eat(&mut self, c: char) -> Result<bool, SyntaxError> {
        self.skip_trivia()?;
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(true)
        } else {
            Ok(false)
        }
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        self.skip_trivia()?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here("values are nested too deeply", None));
        }
        let start = self.pos;
        let result = match self.peek() {
            None => Err(self.error_here("the file ends where a value was expected", Some("is a closing bracket missing?"))),
            Some('"') => self.string().map(Kind::Str),
            Some('r') if self.rest().starts_with("r\"") || self.rest().starts_with("r#") => self.raw_string().map(Kind::Str),
            Some('\'') => self.char_literal().map(Kind::Char),
            Some('[') => self.list(),
            Some('{') => self.map(),
            Some('(') => self.compound(None),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => self.number(),
            Some(c) if is_ident_start(c) => {
                let ident = self.ident();
                match ident.text.as_str() {
                    "true" => Ok(Kind::Bool(true)),
                    "false" => Ok(Kind::Bool(false)),
                    "inf" | "NaN" => Ok(Kind::Number { value: if ident.text == "inf" { f64::INFINITY } else { f64::NAN }, integer: false }),
                    _ => {
                        self.skip_trivia()?;
                        if self.peek() == Some('(') {
                            self.compound(Some(ident))
                        } else {
                            Ok(Kind::Ident(ident.text))
                        }
                    }
                }
            }
            Some(_) => {
                Err(self
                    .error_here("expected a value", Some("values are numbers, \"strings\", [lists], {maps}, Structs(...) or identifiers")))
            }
        };
        self.depth -= 1;
        Ok(Value { kind: result?, span: self.span(start, self.pos) })
    }

    fn ident(&mut self) -> Ident {
        let start = self.pos;
        let rest = self.rest();
        let len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        self.pos += len;
        Ident { text: rest[..len].to_owned(), span: self.span(start, self.pos) }
    }

    /// After `Name` (or nothing), at `(`: a struct if the first item is
    /// `ident:`, else a tuple.
    fn compound(&mut self, name: Option<Ident>) -> Result<Kind, SyntaxError> {
        let open = self.pos;
        self.pos += 1; // `(`
        self.skip_trivia()?;
        if self.is_field_start() {
            let mut fields = Vec::new();
            loop {
                self.skip_trivia()?;
                if self.eat(')')? {
                    break;
                }
                self.check_mismatched(open, ')')?;
                if !self.peek().is_some_and(is_ident_start) {
                    return Err(self.error_here("expected a field name or `)`", Some("fields are written `name: value`")));
                }
                let field_name = self.ident();
                self.skip_trivia()?;
                if !self.eat(':')? {
                    return Err(self
                        .error_here(&format!("expected `:` after field `{}`", field_name.text), Some("fields are written `name: value`")));
                }
                let value = self.value()?;
                fields.push(Field { name: field_name, value });
                if !self.eat(',')? {
                    if self.eat(')')? {
                        break;
                    }
                    return Err(self.missing_separator(open, ")"));
                }
            }
            Ok(Kind::Struct { name, fields })
        } else {
            let items = self.sequence(open, ')')?;
            Ok(Kind::Tuple { name, items })
        }
    }

    fn is_field_start(&self) -> bool {
        let rest = self.rest();
        if !rest.chars().next().is_some_and(is_ident_start) {
            return false;
        }
        let len = rest.find(|c: char| !is_ident_char(c)).unwrap_or(rest.len());
        let after = rest[len..].trim_start();
        after.starts_with(':') && !after.starts_with("::")
    }

    fn sequence(&mut self, open: usize, close: char) -> Result<Vec<Value>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            if self.eat(close)? {
                return Ok(items);
            }
            self.check_mismatched(open, close)?;
            items.push(self.value()?);
            if !self.eat(',')? {
                if self.eat(close)? {
                    return Ok(items);
                }
                return Err(self.missing_separator(open, &close.to_string()));
            }
        }
    }

    /// At a closing bracket that is not `close`: the `open` bracket was
    /// never closed.
    fn check_mismatched(&self, open: usize, close: char) -> Result<(), SyntaxError> {
        match self.peek() {
            Some(c @ (')' | ']' | '}')) if c != close => {
                let opener = &self.text[open..open + 1];
                let mut e = self.error_here(
                    &format!("expected `{close}` to close the `{opener}`, found `{c}`"),
                    Some(&format!("add `{close}` before this `{c}`")),
                );
                if e.related.is_none() {
                    e.related = Some((self.span(open, open + 1), format!("this `{opener}` is not closed")));
                }
                Err(e)
            }
            _ => Ok(()),
        }
    }

    fn missing_separator(&self, open: usize, close: &str) -> SyntaxError {
        if self.pos >= self.text.len() {
            let opener = &self.text[open..open + 1];
            return self.error_at(
                open,
                open + 1,
                &format!("this `{opener}` is never closed"),
                Some(&format!("add `{close}` where the value ends")),
            );
        }
        if let Err(e) = self.check_mismatched(open, close.chars().next().unwrap_or(')')) {
            return e;
        }
        self.error_here(&format!("expected `,` or `{close}`"), Some("is a comma missing after the previous item?"))
    }

    fn list(&mut self) -> Result<Kind, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        Ok(Kind::List(self.sequence(open, ']')?))
    }

    fn map(&mut self) -> Result<Kind, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let mut entries = Vec::new();
        loop {
            if self.eat('}')? {
                return Ok(Kind::Map(entries));
            }
            self.check_mismatched(open, '}')?;
            let key = self.value()?;
            if !self.eat(':')? {
                return Err(self.error_here("expected `:` after a map key", Some("map entries are written `key: value`")));
            }
            let value = self.value()?;
            entries.push((key, value));
            if !self.eat(',')? {
                if self.eat('}')? {
                    return Ok(Kind::Map(entries));
                }
                return Err(self.missing_separator(open, "}"));
            }
        }
    }

    fn number(&mut self) -> Result<Kind, SyntaxError> {
        let start = self.pos;
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_alphanumeric()
                    || c == '_'
                    || c == '.'
                    || ((c == '-' || c == '+') && (i == 0 || matches!(rest.as_bytes()[i - 1], b'e' | b'E') && !rest.starts_with("0x"))))
            })
            .map_or(rest.len(), |(i, _)| i);
        let token = &rest[..len];
        self.pos += len;
        let bad = |p: &Self| {
            p.error_at(
                start,
                start + len.max(1),
                &format!("`{token}` is not a number"),
                Some("write numbers like `12`, `0.75`, `1_000` or `2.5e3`"),
            )
        };
        let (sign, body) = match token.as_bytes().first() {
            Some(b'-') => (-1.0, &token[1..]),
            Some(b'+') => (1.0, &token[1..]),
            _ => (1.0, token),
        };
        if body == "inf" {
            return Ok(Kind::Number { value: sign * f64::INFINITY, integer: false });
        }
        let clean: String = body.chars().filter(|&c| c != '_').collect();
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if let Some(digits) = clean.strip_prefix(prefix) {
                return u64::from_str_radix(digits, radix)
                    .map(|v| Kind::Number { value: sign * v as f64, integer: true })
                    .map_err(|_| bad(self));
            }
        }
        if clean.is_empty() || !clean.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return Err(bad(self));
        }
        let integer = clean.bytes().all(|b| b.is_ascii_digit());
        clean.parse::<f64>().map(|v| Kind::Number { value: sign * v, integer }).map_err(|_| bad(self))
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error_at(start, start + 1, "this string is never closed", Some("add the closing `\"`")));
            };
            self.pos += c.len_utf8();
            match c {
                '"' => {
                    if out.contains('\n') {
                        self.multiline_string = Some(start);
                    }
                    return Ok(out);
                }
                '\\' => out.push(self.escape(start)?),
                c => out.push(c),
            }
        }
    }

    fn escape(&mut self, string_start: usize) -> Result<char, SyntaxError> {
        let at = self.pos - 1;
        let Some(c) = self.peek() else {
            return Err(self.error_at(string_start, string_start + 1, "this string is never closed", Some("add the closing `\"`")));
        };
        self.pos += c.len_utf8();
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            'u' => {
                let rest = self.rest();
                let (digits, used) = if let Some(inner) = rest.strip_prefix('{') {
                    let end = inner.find('}').unwrap_or(inner.len());
                    (&inner[..end], end + 2)
                } else {
                    (&rest[..rest.len().min(4)], 4)
                };
                let c = u32::from_str_radix(digits, 16).ok().and_then(char::from_u32);
                match c {
                    Some(c) => {
                        self.pos += used.min(rest.len());
                        c
                    }
                    None => return Err(self.error_at(at, self.pos, "bad unicode escape", Some("write `\\u{1F600}` or `\\u00e9`"))),
                }
            }
            _ => {
                return Err(self.error_at(
                    at,
                    self.pos,
                    &format!("unknown escape `\\{c}`"),
                    Some("escapes are \\n \\t \\r \\0 \\\\ \\\" \\' and \\u{…}"),
                ))
            }
        })
    }

    fn raw_string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // `r`
        let hashes = self.rest().len() - self.rest().trim_start_matches('#').len();
        self.pos += hashes;
        if self.peek() != Some('"') {
            return Err(self.error_here("expected `\"` to start a raw string", None));
        }
        self.pos += 1;
        let close = format!("\"{}", "#".repeat(hashes));
        match self.rest().find(&close) {
            Some(end) => {
                let s = self.rest()[..end].to_owned();
                self.pos += end + close.len();
                Ok(s)
            }
            None => Err(self.error_at(start, start + 1, "this raw string is never closed", Some(&format!("add the closing `{close}`")))),
        }
    }

    fn char_literal(&mut self) -> Result<char, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some('\\') => {
                self.pos += 1;
                self.escape(start)?
            }
            Some(c) if c != '\'' => {
                self.pos += c.len_utf8();
                c
            }
            _ => {
                return Err(self.error_at(
                    start,
                    self.pos,
                    "empty character literal",
                    Some("write a character as 'a', or a string as \"text\""),
                ))
            }
        };
        if self.peek() != Some('\'') {
            return Err(self.error_at(
                start,
                self.pos,
                "this character literal is never closed",
                Some("write a character as 'a', or a string as \"text\" (strings use double quotes)"),
            ));
        }
        self.pos += 1;
        Ok(c)
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Value {
        parse(SourceId(0), text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn err(text: &str) -> (String, usize, usize) {
        let e = parse(SourceId(0), text).unwrap_err();
        (e.message, e.span.start as usize, e.span.end as usize)
    }

    #[test]
    fn parses_structs_tuples_lists_maps_and_scalars() {
        let v = p(r##"
            #![enable(implicit_some)]
            // a comment
            Topology( /* nested /* comment */ */
                name: "a\"b\u{e9}",
                raw: r#"x"y"#,
                n: -1_000,
                f: 2.5e3,
                h: 0xff,
                ok: true,
                pair: ("a", 1,),
                some: Some(3),
                none: None,
                level: Cluster,
                list: [1, 2, 3,],
                map: {"cpu": 4, "ram": 8},
                empty: (),
                c: 'x',
            )
        "##);
        let Kind::Struct { name, fields } = v.kind else { panic!() };
        assert_eq!(name.unwrap().text, "Topology");
        let get = |n: &str| &fields.iter().find(|f| f.name.text == n).unwrap().value.kind;
        assert_eq!(get("name"), &Kind::Str("a\"bé".into()));
        assert_eq!(get("raw"), &Kind::Str("x\"y".into()));
        assert_eq!(get("n"), &Kind::Number { value: -1000.0, integer: true });
        assert_eq!(get("f"), &Kind::Number { value: 2500.0, integer: false });
        assert_eq!(get("h"), &Kind::Number { value: 255.0, integer: true });
        assert_eq!(get("ok"), &Kind::Bool(true));
        assert!(matches!(get("pair"), Kind::Tuple { name: None, items } if items.len() == 2));
        assert!(matches!(get("some"), Kind::Tuple { name: Some(n), .. } if n.text == "Some"));
        assert_eq!(get("none"), &Kind::Ident("None".into()));
        assert!(matches!(get("list"), Kind::List(items) if items.len() == 3));
        assert!(matches!(get("map"), Kind::Map(entries) if entries.len() == 2));
        assert!(matches!(get("empty"), Kind::Tuple { items, .. } if items.is_empty()));
        assert_eq!(get("c"), &Kind::Char('x'));
    }

    #[test]
    fn spans_cover_values() {
        let text = "A(x: \"abc\", y: [1, 2])";
        let Kind::Struct { fields, .. } = p(text).kind else { panic!() };
        assert_eq!(&text[fields[0].value.span.start as usize..fields[0].value.span.end as usize], "\"abc\"");
        assert_eq!(&text[fields[1].name.span.start as usize..fields[1].name.span.end as usize], "y");
        assert_eq!(&text[fields[1].value.span.start as usize..fields[1].value.span.end as usize], "[1, 2]");
    }

    #[test]
    fn reports_syntax_errors_where_they_are() {
        assert_eq!(err("A(x: 1 y: 2)").0, "expected `,` or `)`");
        assert_eq!(err("A(x: 1 y: 2)").1, 7);
        assert_eq!(err("A(x: \"abc)"), ("this string is never closed".into(), 5, 6));
        assert_eq!(err("[1, 2"), ("this `[` is never closed".into(), 0, 1));
        assert_eq!(err("A(x: 1.2.3)").0, "`1.2.3` is not a number");
        assert_eq!(err("").0, "the file is empty");
        assert_eq!(err("  // only a comment\n").0, "the file is empty");
        assert_eq!(err("A(x: 1) B").0, "unexpected text after the value");
        assert_eq!(err("A(x: @)").0, "expected a value");
        assert_eq!(err("/* open").0, "this comment is never closed");
        assert_eq!(err("A(x 1)").0, "expected `,` or `)`");
        assert_eq!(err("A(x: 'ab')").0, "this character literal is never closed");
        assert_eq!(err("\"\\q\"").0, "unknown escape `\\q`");
        assert_eq!(err("A(x: [1, 2)").0, "expected `]` to close the `[`, found `)`");
        assert_eq!(err("A(x: [A(y: 1),\n)").0, "expected `]` to close the `[`, found `)`");
        let e = parse(SourceId(0), "A(x: \"ab,\n y: \"c\")").unwrap_err();
        assert_eq!(e.related.unwrap().0.start, 5);
    }

    /// Every prefix of real files, and many byte-level mutations of them,
    /// parse or fail with an error: never a panic.
    #[test]
    fn never_panics_on_damaged_files() {
        let files = [
            include_str!("../../../topology/clusters.ron"),
            include_str!("../../../intents/search.ron"),
            include_str!("../../../topology/network.ron"),
        ];
        let noise = ['"', '(', ')', '[', ']', '{', '}', ',', ':', '/', '*', '\\', '\'', 'r', '#', '-', '.', 'e', '0', 'é', '\n'];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for text in files {
            for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let _ = parse(SourceId(0), &text[..end]);
            }
            for _ in 0..2_000 {
                let mut chars: Vec<char> = text.chars().collect();
                for _ in 0..3 {
                    let at = (next() % chars.len() as u64) as usize;
                    match next() % 3 {
                        0 => chars[at] = noise[(next() % noise.len() as u64) as usize],
                        1 => {
                            chars.remove(at);
                        }
                        _ => chars.insert(at, noise[(next() % noise.len() as u64) as usize]),
                    }
                }
                let mutated: String = chars.into_iter().collect();
                match parse(SourceId(0), &mutated) {
                    Err(e) => assert!(e.span.start <= e.span.end && e.span.end as usize <= mutated.len(), "{e:?}"),
                    Ok(value) => {
                        // Whatever parses is decoded without a panic too.
                        let (mut diags, mut partial) = (Vec::new(), crate::decode::Partial::default());
                        let mut d = crate::decode::Decoder::new(&mut diags, &mut partial);
                        let _ = crate::raw::topology(&mut d, &value);
                        let _ = crate::raw::team(&mut d, &value);
                    }
                }
            }
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        assert_eq!(err(&text).0, "values are nested too deeply");
    }
}
