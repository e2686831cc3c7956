//! The model as a file: free MPS or CPLEX LP, written from exactly the
//! variables, objective and constraints a backend gets (after
//! `backend::prepare`), so that anyone can solve it with another solver
//! and compare.
//!
//! good_lp stores each constraint as `expression ≤ 0` (or `= 0`); it is
//! written as `Σ a·x ≤ −constant`. Terms are written in variable order,
//! numbers in Rust's shortest round-trip form: the same model gives the
//! same bytes, and no precision is lost.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use good_lp::{IntoAffineExpression, Variable};

use crate::backend::Prepared;

/// A model file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Free-format MPS.
    Mps,
    /// CPLEX LP.
    Lp,
}

impl Format {
    /// The format a file name asks for by its extension.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "mps" => Some(Format::Mps),
            "lp" => Some(Format::Lp),
            _ => None,
        }
    }
}

/// A column of the model, with what a file needs of it.
struct Column {
    name: String,
    min: f64,
    max: f64,
    integer: bool,
}

/// A row: `Σ terms (≤ | =) rhs`, terms by column index.
struct Row {
    name: String,
    terms: Vec<(usize, f64)>,
    equality: bool,
    rhs: f64,
}

struct Flat {
    columns: Vec<Column>,
    objective: Vec<(usize, f64)>,
    rows: Vec<Row>,
}

/// Numbers as Rust prints them (shortest form that reads back exactly),
/// without negative zero.
fn num(x: f64) -> String {
    format!("{}", x + 0.0)
}

/// A name every LP and MPS reader accepts: letters, digits and a few
/// punctuation marks; brackets become parentheses; the rest `_`. Never
/// starts with a digit or a period. Made unique with a `~n` suffix.
fn clean(name: &str, fallback: &str, seen: &mut HashSet<String>) -> String {
    let mut out: String = name
        .chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c if c.is_ascii_alphanumeric() || "_.|@()#,/{}".contains(c) => c,
            _ => '_',
        })
        .collect();
    if out.is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        out.insert(0, '_');
    }
    let mut unique = out.clone();
    let mut n = 2;
    while !seen.insert(unique.clone()) {
        unique = format!("{out}~{n}");
        n += 1;
    }
    unique
}

fn flatten(p: &Prepared) -> Flat {
    let mut seen = HashSet::new();
    let mut index: HashMap<Variable, usize> = HashMap::new();
    let mut columns = Vec::with_capacity(p.vars.len());
    for (i, (var, def)) in p.vars.iter_variables_with_def().enumerate() {
        index.insert(var, i);
        columns.push(Column {
            name: clean(def.get_name(), &format!("x{i}"), &mut seen),
            min: def.get_min(),
            max: def.get_max(),
            integer: def.is_integer(),
        });
    }
    let terms = |e: &good_lp::Expression| -> Vec<(usize, f64)> {
        let mut t: Vec<(usize, f64)> =
            e.linear_coefficients().filter(|(_, a)| *a != 0.0).filter_map(|(v, a)| index.get(&v).map(|&i| (i, a))).collect();
        t.sort_by_key(|&(i, _)| i);
        t
    };
    let objective = terms(&p.objective);
    let mut seen_rows = HashSet::from(["cost".to_owned()]);
    let rows = p
        .constraints
        .iter()
        .enumerate()
        .map(|(i, c)| Row {
            name: clean(c.name().unwrap_or(""), &format!("r{i}"), &mut seen_rows),
            terms: terms(c.expression()),
            equality: c.is_equality(),
            rhs: -c.expression().constant(),
        })
        .collect();
    Flat { columns, objective, rows }
}

/// Writes the prepared problem as a model file to `out` (streamed: a
/// large model's file is gigabytes).
pub fn write(p: &Prepared, format: Format, out: &mut dyn Write) -> io::Result<()> {
    let flat = flatten(p);
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    match format {
        Format::Mps => mps(&flat, &mut out)?,
        Format::Lp => lp(&flat, &mut out)?,
    }
    out.flush()
}

fn mps(f: &Flat, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"NAME headroom\nOBJSENSE\n    MIN\nROWS\n N  cost\n")?;
    for r in &f.rows {
        writeln!(out, " {}  {}", if r.equality { 'E' } else { 'L' }, r.name)?;
    }
    // Column-major: each column's entries, the objective first.
    let mut by_column: Vec<Vec<(&str, f64)>> = vec![Vec::new(); f.columns.len()];
    for &(j, a) in &f.objective {
        by_column[j].push(("cost", a));
    }
    for r in &f.rows {
        for &(j, a) in &r.terms {
            by_column[j].push((&r.name, a));
        }
    }
    out.write_all(b"COLUMNS\n")?;
    let mut in_integers = false;
    for (j, c) in f.columns.iter().enumerate() {
        if c.integer != in_integers {
            writeln!(out, "    MARKER  'MARKER'  '{}'", if c.integer { "INTORG" } else { "INTEND" })?;
            in_integers = c.integer;
        }
        if by_column[j].is_empty() {
            // A column in no row still exists (its bounds may matter).
            writeln!(out, "    {}  cost  0", c.name)?;
        }
        for (row, a) in &by_column[j] {
            writeln!(out, "    {}  {}  {}", c.name, row, num(*a))?;
        }
    }
    if in_integers {
        out.write_all(b"    MARKER  'MARKER'  'INTEND'\n")?;
    }
    out.write_all(b"RHS\n")?;
    for r in f.rows.iter().filter(|r| r.rhs != 0.0) {
        writeln!(out, "    rhs  {}  {}", r.name, num(r.rhs))?;
    }
    out.write_all(b"BOUNDS\n")?;
    for c in &f.columns {
        // Every bound is written, integer columns included: readers differ
        // on the default bounds of integer columns.
        let name = &c.name;
        match (c.min.is_finite(), c.max.is_finite()) {
            (true, true) if c.min == c.max => {
                writeln!(out, " FX bnd  {name}  {}", num(c.min))?;
            }
            (true, true) => {
                writeln!(out, " LO bnd  {name}  {}\n UP bnd  {name}  {}", num(c.min), num(c.max))?;
            }
            (true, false) => {
                writeln!(out, " LO bnd  {name}  {}\n PL bnd  {name}", num(c.min))?;
            }
            (false, true) => {
                writeln!(out, " MI bnd  {name}\n UP bnd  {name}  {}", num(c.max))?;
            }
            (false, false) => {
                writeln!(out, " FR bnd  {name}")?;
            }
        }
    }
    out.write_all(b"ENDATA\n")
}

/// `a x + b y − c z`, a few terms per line (LP readers limit line length).
fn lp_terms(out: &mut dyn Write, terms: &[(usize, f64)], columns: &[Column]) -> io::Result<()> {
    if terms.is_empty() {
        out.write_all(b" 0")?;
    }
    for (k, &(j, a)) in terms.iter().enumerate() {
        if k > 0 && k % 8 == 0 {
            out.write_all(b"\n   ")?;
        }
        let sign = if a < 0.0 { '-' } else { '+' };
        write!(out, " {sign} {} {}", num(a.abs()), columns[j].name)?;
    }
    Ok(())
}

fn lp(f: &Flat, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"\\ headroom planning model\nMinimize\n cost:")?;
    lp_terms(out, &f.objective, &f.columns)?;
    out.write_all(b"\nSubject To\n")?;
    for r in &f.rows {
        write!(out, " {}:", r.name)?;
        lp_terms(out, &r.terms, &f.columns)?;
        writeln!(out, " {} {}", if r.equality { "=" } else { "<=" }, num(r.rhs))?;
    }
    out.write_all(b"Bounds\n")?;
    for c in &f.columns {
        let name = &c.name;
        match (c.min.is_finite(), c.max.is_finite()) {
            (true, true) if c.min == c.max => writeln!(out, " {name} = {}", num(c.min))?,
            (true, true) => writeln!(out, " {} <= {name} <= {}", num(c.min), num(c.max))?,
            (true, false) if c.min == 0.0 => {} // the default
            (true, false) => writeln!(out, " {name} >= {}", num(c.min))?,
            (false, true) => writeln!(out, " -inf <= {name} <= {}", num(c.max))?,
            (false, false) => writeln!(out, " {name} free")?,
        }
    }
    let integers: Vec<&str> = f.columns.iter().filter(|c| c.integer).map(|c| c.name.as_str()).collect();
    if !integers.is_empty() {
        out.write_all(b"General\n")?;
        for chunk in integers.chunks(8) {
            writeln!(out, " {}", chunk.join(" "))?;
        }
    }
    out.write_all(b"End\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::{constraint, variable, ProblemVariables};

    fn small() -> Prepared {
        let mut vars = ProblemVariables::new();
        let x = vars.add(variable().min(0).max(4).integer().name("order[c1|m|2027Q1]"));
        let y = vars.add(variable().min(0).name("z[s@eu<-t|c1|2027Q1]"));
        let one = vars.add(variable().min(1).max(1).name("objective_constant"));
        let constraints =
            vec![constraint!(2 * x + y >= 3).set_name("cover[s]".into()), constraint!(x - y == 1).set_name("cover[s]".into())];
        Prepared { vars, objective: 3 * x + 0.5 * y + 100 * one, constraints }
    }

    #[test]
    fn mps_by_hand() {
        let mut bytes = Vec::new();
        write(&small(), Format::Mps, &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let expected = "NAME headroom\nOBJSENSE\n    MIN\nROWS\n N  cost\n L  cover(s)\n E  cover(s)~2\nCOLUMNS\n    MARKER  'MARKER'  'INTORG'\n    order(c1|m|2027Q1)  cost  3\n    order(c1|m|2027Q1)  cover(s)  -2\n    order(c1|m|2027Q1)  cover(s)~2  1\n    MARKER  'MARKER'  'INTEND'\n    z(s@eu__t|c1|2027Q1)  cost  0.5\n    z(s@eu__t|c1|2027Q1)  cover(s)  -1\n    z(s@eu__t|c1|2027Q1)  cover(s)~2  -1\n    objective_constant  cost  100\nRHS\n    rhs  cover(s)  -3\n    rhs  cover(s)~2  1\nBOUNDS\n LO bnd  order(c1|m|2027Q1)  0\n UP bnd  order(c1|m|2027Q1)  4\n LO bnd  z(s@eu__t|c1|2027Q1)  0\n PL bnd  z(s@eu__t|c1|2027Q1)\n FX bnd  objective_constant  1\nENDATA\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn lp_by_hand() {
        let mut bytes = Vec::new();
        write(&small(), Format::Lp, &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let expected = "\\ headroom planning model\nMinimize\n cost: + 3 order(c1|m|2027Q1) + 0.5 z(s@eu__t|c1|2027Q1) + 100 objective_constant\nSubject To\n cover(s): - 2 order(c1|m|2027Q1) - 1 z(s@eu__t|c1|2027Q1) <= -3\n cover(s)~2: + 1 order(c1|m|2027Q1) - 1 z(s@eu__t|c1|2027Q1) = 1\nBounds\n 0 <= order(c1|m|2027Q1) <= 4\n objective_constant = 1\nGeneral\n order(c1|m|2027Q1)\nEnd\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn names_are_cleaned_and_unique() {
        let mut seen = HashSet::new();
        assert_eq!(clean("a b", "x", &mut seen), "a_b");
        assert_eq!(clean("a_b", "x", &mut seen), "a_b~2");
        assert_eq!(clean("1st", "x", &mut seen), "_1st");
        assert_eq!(clean("", "x7", &mut seen), "x7");
    }
}
