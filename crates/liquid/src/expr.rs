//! Expressions (`Liquid::Expression`, `VariableLookup`, `RangeLookup`), the strict
//! lexer/parser (`Liquid::Lexer`, `Liquid::Parser`) and `Liquid::Variable`'s two parses.

use crate::syntax::{self, ruby_inspect, strip};

/// A parsed expression, as `Expression.parse` returns it.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A range with literal ends (computed at parse time).
    Range(i64, i64),
    /// A range with a variable end (`RangeLookup`).
    RangeLookup(Box<Expr>, Box<Expr>),
    Lookup(Box<Lookup>),
    /// `blank` / `empty` as a whole condition operand (`Condition`'s method literals).
    MethodLiteral(MethodLit),
    /// `blank` / `empty` elsewhere: Jekyll patches `Expression::LITERALS` with its own
    /// `Liquid::Expression::MethodLiteral` objects (liquid_expr_method_literal.rb).
    ExprLiteral(MethodLit),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodLit {
    Blank,
    Empty,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    /// The first segment: a name, or an expression (`[expr]`).
    pub name: Expr,
    pub lookups: Vec<Expr>,
    /// Bit i set: lookup i is `size`/`first`/`last` (a command).
    pub commands: Vec<bool>,
}

impl Expr {
    pub fn parse(markup: &str) -> Expr {
        let m = strip(markup);
        if !m.is_empty()
            && ((m.starts_with('"') && m.ends_with('"'))
                || (m.starts_with('\'') && m.ends_with('\'')))
        {
            return Expr::Str(if m.len() >= 2 {
                m[1..m.len() - 1].to_string()
            } else {
                String::new()
            });
        }
        if syntax::INTEGER.is_match(m) {
            return match m.parse::<i64>() {
                Ok(i) => Expr::Int(i),
                Err(_) => Expr::Float(m.parse::<f64>().unwrap_or(0.0)),
            };
        }
        if let Some((a, b)) = range_parts(m) {
            let s = Expr::parse(a);
            let e = Expr::parse(b);
            if s.is_lookup() || e.is_lookup() {
                return Expr::RangeLookup(Box::new(s), Box::new(e));
            }
            return Expr::Range(literal_to_i(&s), literal_to_i(&e));
        }
        if syntax::FLOAT.is_match(m) {
            return Expr::Float(ruby_to_f(m));
        }
        match m {
            "" | "nil" | "null" => Expr::Nil,
            "true" => Expr::Bool(true),
            "false" => Expr::Bool(false),
            "blank" => Expr::ExprLiteral(MethodLit::Blank),
            "empty" => Expr::ExprLiteral(MethodLit::Empty),
            _ => Expr::Lookup(Box::new(Lookup::parse(m))),
        }
    }

    /// `Condition.parse_expression`: `blank`/`empty` exactly are method literals.
    pub fn parse_condition(markup: &str) -> Expr {
        match markup {
            "blank" => Expr::MethodLiteral(MethodLit::Blank),
            "empty" => Expr::MethodLiteral(MethodLit::Empty),
            _ => Expr::parse(markup),
        }
    }

    fn is_lookup(&self) -> bool {
        matches!(self, Expr::Lookup(_) | Expr::RangeLookup(..))
    }
}

fn literal_to_i(e: &Expr) -> i64 {
    match e {
        Expr::Int(i) => *i,
        Expr::Float(f) => f.trunc() as i64,
        Expr::Str(s) => ruby_to_i(s),
        _ => 0,
    }
}

/// Ruby `String#to_i`.
pub fn ruby_to_i(s: &str) -> i64 {
    let t = syntax::lstrip(s).as_bytes();
    let mut i = 0;
    let mut neg = false;
    if i < t.len() && (t[i] == b'-' || t[i] == b'+') {
        neg = t[i] == b'-';
        i += 1;
    }
    let mut v: i64 = 0;
    let mut prev_digit = false;
    while i < t.len() {
        if t[i].is_ascii_digit() {
            v = v.saturating_mul(10).saturating_add((t[i] - b'0') as i64);
            prev_digit = true;
        } else if t[i] == b'_' && prev_digit && i + 1 < t.len() && t[i + 1].is_ascii_digit() {
            prev_digit = false;
        } else {
            break;
        }
        i += 1;
    }
    if neg { -v } else { v }
}

/// Ruby `String#to_f` (the prefix that is a decimal number).
pub fn ruby_to_f(s: &str) -> f64 {
    let t = syntax::lstrip(s).as_bytes();
    let mut i = 0;
    if i < t.len() && (t[i] == b'-' || t[i] == b'+') {
        i += 1;
    }
    let ds = i;
    while i < t.len() && t[i].is_ascii_digit() {
        i += 1;
    }
    if i == ds {
        return 0.0;
    }
    if i + 1 < t.len() && t[i] == b'.' && t[i + 1].is_ascii_digit() {
        i += 1;
        while i < t.len() && t[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < t.len() && (t[i] == b'e' || t[i] == b'E') {
        let mut j = i + 1;
        if j < t.len() && (t[j] == b'-' || t[j] == b'+') {
            j += 1;
        }
        if j < t.len() && t[j].is_ascii_digit() {
            while j < t.len() && t[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    std::str::from_utf8(&t[..i])
        .ok()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0.0)
}

/// `RANGES_REGEX = /\A\(\s*(?>(\S+)\s*\.\.)\s*(\S+)\s*\)\z/` with its atomic group.
fn range_parts(m: &str) -> Option<(&str, &str)> {
    let b = m.as_bytes();
    if b.first() != Some(&b'(') {
        return None;
    }
    let mut i = 1;
    while i < b.len() && syntax::is_ws(b[i]) {
        i += 1;
    }
    let run_start = i;
    let mut run_end = i;
    while run_end < b.len() && !syntax::is_ws(b[run_end]) {
        run_end += 1;
    }
    if run_end == run_start {
        return None;
    }
    // Greedy \S+ backtracking: the longest k such that \s*\.\. follows.
    let mut k = run_end;
    let mut dots_at = None;
    while k > run_start {
        let mut j = k;
        if k == run_end {
            while j < b.len() && syntax::is_ws(b[j]) {
                j += 1;
            }
        }
        if j + 1 < b.len() && b[j] == b'.' && b[j + 1] == b'.' {
            dots_at = Some((k, j + 2));
            break;
        }
        k -= 1;
    }
    let (first_end, mut r) = dots_at?;
    while r < b.len() && syntax::is_ws(b[r]) {
        r += 1;
    }
    // (\S+)\s*\)\z
    if b.last() != Some(&b')') || b.len() < r + 2 {
        return None;
    }
    let inner = &m[r..m.len() - 1];
    let inner_t = syntax::rstrip(inner);
    if inner_t.is_empty() || inner_t.bytes().any(syntax::is_ws) {
        return None;
    }
    Some((&m[run_start..first_end], inner_t))
}

impl Lookup {
    pub fn parse(markup: &str) -> Lookup {
        let mut parts = syntax::VARIABLE_PARSER
            .find_iter(markup)
            .map(|m| m.as_str());
        let name = match parts.next() {
            Some(n) if n.starts_with('[') && n.ends_with(']') => Expr::parse(&n[1..n.len() - 1]),
            Some(n) => Expr::Str(n.to_string()),
            None => Expr::Nil,
        };
        let mut lookups = Vec::new();
        let mut commands = Vec::new();
        for p in parts {
            if p.starts_with('[') && p.ends_with(']') {
                lookups.push(Expr::parse(&p[1..p.len() - 1]));
                commands.push(false);
            } else {
                commands.push(matches!(p, "size" | "first" | "last"));
                lookups.push(Expr::Str(p.to_string()));
            }
        }
        Lookup {
            name,
            lookups,
            commands,
        }
    }
}

// ---------------------------------------------------------------------------
// The strict lexer and parser.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Comparison,
    Str,
    Number,
    Id,
    DotDot,
    Pipe,
    Dot,
    Colon,
    Comma,
    OpenSquare,
    CloseSquare,
    OpenRound,
    CloseRound,
    Question,
    Dash,
    End,
}

impl Tok {
    fn name(self) -> &'static str {
        match self {
            Tok::Comparison => "comparison",
            Tok::Str => "string",
            Tok::Number => "number",
            Tok::Id => "id",
            Tok::DotDot => "dotdot",
            Tok::Pipe => "pipe",
            Tok::Dot => "dot",
            Tok::Colon => "colon",
            Tok::Comma => "comma",
            Tok::OpenSquare => "open_square",
            Tok::CloseSquare => "close_square",
            Tok::OpenRound => "open_round",
            Tok::CloseRound => "close_round",
            Tok::Question => "question",
            Tok::Dash => "dash",
            Tok::End => "end_of_string",
        }
    }
}

/// A strict-parse failure: the message of the `Liquid::SyntaxError` (without prefix).
#[derive(Debug, Clone, PartialEq)]
pub struct StrictError(pub String);

pub fn lex(input: &str) -> Result<Vec<(Tok, &str)>, StrictError> {
    let b = input.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && syntax::is_ws(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let rest = &b[i..];
        let start = i;
        let c = b[i];
        // COMPARISON_OPERATOR = /==|!=|<>|<=?|>=?|contains(?=\s)/
        let cmp = if rest.starts_with(b"==") || rest.starts_with(b"!=") || rest.starts_with(b"<>") {
            2
        } else if c == b'<' || c == b'>' {
            if rest.get(1) == Some(&b'=') { 2 } else { 1 }
        } else if rest.starts_with(b"contains") && rest.get(8).is_some_and(|&x| syntax::is_ws(x)) {
            8
        } else {
            0
        };
        if cmp > 0 {
            i += cmp;
            out.push((Tok::Comparison, &input[start..i]));
            continue;
        }
        if (c == b'\'' || c == b'"')
            && let Some(p) = rest[1..].iter().position(|&x| x == c)
        {
            i += p + 2;
            out.push((Tok::Str, &input[start..i]));
            continue;
        }
        // NUMBER_LITERAL = /-?\d+(\.\d+)?/
        {
            let mut j = i;
            if j < b.len() && b[j] == b'-' {
                j += 1;
            }
            let ds = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j > ds {
                if j + 1 < b.len() && b[j] == b'.' && b[j + 1].is_ascii_digit() {
                    j += 1;
                    while j < b.len() && b[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                i = j;
                out.push((Tok::Number, &input[start..i]));
                continue;
            }
        }
        // IDENTIFIER = /[a-zA-Z_][\w-]*\??/
        if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i + 1;
            while j < b.len() && (syntax::is_word(b[j]) || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j] == b'?' {
                j += 1;
            }
            i = j;
            out.push((Tok::Id, &input[start..i]));
            continue;
        }
        if rest.starts_with(b"..") {
            i += 2;
            out.push((Tok::DotDot, &input[start..i]));
            continue;
        }
        let t = match c {
            b'|' => Tok::Pipe,
            b'.' => Tok::Dot,
            b':' => Tok::Colon,
            b',' => Tok::Comma,
            b'[' => Tok::OpenSquare,
            b']' => Tok::CloseSquare,
            b'(' => Tok::OpenRound,
            b')' => Tok::CloseRound,
            b'?' => Tok::Question,
            b'-' => Tok::Dash,
            _ => {
                let ch = input[i..].chars().next().unwrap_or('?');
                return Err(StrictError(format!("Unexpected character {ch}")));
            }
        };
        i += 1;
        out.push((t, &input[start..i]));
    }
    out.push((Tok::End, ""));
    Ok(out)
}

pub struct StrictParser<'a> {
    toks: Vec<(Tok, &'a str)>,
    p: usize,
}

impl<'a> StrictParser<'a> {
    pub fn new(input: &'a str) -> Result<Self, StrictError> {
        Ok(StrictParser {
            toks: lex(input)?,
            p: 0,
        })
    }

    fn cur(&self) -> (Tok, &'a str) {
        self.toks.get(self.p).copied().unwrap_or((Tok::End, ""))
    }

    pub fn consume(&mut self, t: Option<Tok>) -> Result<&'a str, StrictError> {
        let (k, s) = self.cur();
        if let Some(t) = t
            && k != t
        {
            return Err(StrictError(format!(
                "Expected {} but found {}",
                t.name(),
                k.name()
            )));
        }
        self.p += 1;
        Ok(s)
    }

    pub fn consume_if(&mut self, t: Tok) -> Option<&'a str> {
        let (k, s) = self.cur();
        if k == t && self.p < self.toks.len() {
            self.p += 1;
            Some(s)
        } else {
            None
        }
    }

    pub fn id_is(&mut self, s: &str) -> bool {
        let (k, v) = self.cur();
        if k == Tok::Id && v == s && self.p < self.toks.len() {
            self.p += 1;
            true
        } else {
            false
        }
    }

    pub fn look(&self, t: Tok, ahead: usize) -> bool {
        self.toks.get(self.p + ahead).is_some_and(|x| x.0 == t)
    }

    /// `Parser#expression`, returning the markup string Ruby rebuilds. Nested
    /// brackets and parentheses are handled with an explicit stack.
    pub fn expression(&mut self) -> Result<String, StrictError> {
        // Frames: what to do after an inner expression completes.
        enum K {
            Square,     // after expr: expect ']' then variable_lookups
            LookupSq,   // inside variable_lookups: expect ']' then continue lookups
            RangeFirst, // after first: expect '..', then parse last
            RangeLast(String),
        }
        let mut stack: Vec<(K, String)> = Vec::new();
        let mut result: String;
        'outer: loop {
            // Parse the start of an expression.
            let (k, s) = self.cur();
            match k {
                Tok::Id => {
                    self.p += 1;
                    let mut acc = s.to_string();
                    // variable_lookups
                    loop {
                        if self.look(Tok::OpenSquare, 0) {
                            self.p += 1;
                            acc.push('[');
                            stack.push((K::LookupSq, acc));
                            continue 'outer;
                        } else if self.look(Tok::Dot, 0) {
                            self.p += 1;
                            acc.push('.');
                            acc.push_str(self.consume(Some(Tok::Id))?);
                        } else {
                            break;
                        }
                    }
                    result = acc;
                }
                Tok::OpenSquare => {
                    self.p += 1;
                    stack.push((K::Square, "[".to_string()));
                    continue 'outer;
                }
                Tok::Str | Tok::Number => {
                    self.p += 1;
                    result = s.to_string();
                }
                Tok::OpenRound => {
                    self.p += 1;
                    stack.push((K::RangeFirst, String::new()));
                    continue 'outer;
                }
                _ => {
                    let tok = if k == Tok::End {
                        "[:end_of_string]".to_string()
                    } else {
                        format!("[:{}, {}]", k.name(), ruby_inspect(s))
                    };
                    return Err(StrictError(format!("{tok} is not a valid expression")));
                }
            }
            // Unwind completed frames.
            loop {
                let Some((kind, mut acc)) = stack.pop() else {
                    return Ok(result);
                };
                match kind {
                    K::Square | K::LookupSq => {
                        acc.push_str(&result);
                        acc.push_str(self.consume(Some(Tok::CloseSquare))?);
                        // variable_lookups
                        loop {
                            if self.look(Tok::OpenSquare, 0) {
                                self.p += 1;
                                acc.push('[');
                                stack.push((K::LookupSq, acc));
                                continue 'outer;
                            } else if self.look(Tok::Dot, 0) {
                                self.p += 1;
                                acc.push('.');
                                acc.push_str(self.consume(Some(Tok::Id))?);
                            } else {
                                break;
                            }
                        }
                        result = acc;
                    }
                    K::RangeFirst => {
                        self.consume(Some(Tok::DotDot))?;
                        stack.push((K::RangeLast(result), String::new()));
                        continue 'outer;
                    }
                    K::RangeLast(first) => {
                        self.consume(Some(Tok::CloseRound))?;
                        result = format!("({first}..{result})");
                    }
                }
            }
        }
    }

    /// `Parser#argument`.
    pub fn argument(&mut self) -> Result<String, StrictError> {
        let mut s = String::new();
        if self.look(Tok::Id, 0) && self.look(Tok::Colon, 1) {
            s.push_str(self.consume(None)?);
            s.push_str(self.consume(None)?);
            s.push(' ');
        }
        s.push_str(&self.expression()?);
        Ok(s)
    }
}

// ---------------------------------------------------------------------------
// Liquid::Variable

#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    pub name: String,
    pub args: Vec<Expr>,
    pub kwargs: Vec<(String, Expr)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub name: Option<Expr>,
    pub filters: Vec<Filter>,
}

fn filter_from(name: &str, args: &[String]) -> Filter {
    let mut f = Filter {
        name: name.to_string(),
        args: Vec::new(),
        kwargs: Vec::new(),
    };
    for a in args {
        if let Some(c) = syntax::JUST_TAG_ATTRIBUTES.captures(a) {
            let k = c.get(1).map_or("", |m| m.as_str()).to_string();
            let v = Expr::parse(c.get(2).map_or("", |m| m.as_str()));
            if let Some(e) = f.kwargs.iter_mut().find(|e| e.0 == k) {
                e.1 = v;
            } else {
                f.kwargs.push((k, v));
            }
        } else {
            f.args.push(Expr::parse(a));
        }
    }
    f
}

impl Variable {
    /// Warn mode: strict first; on failure the strict error is returned as a warning
    /// and the lax parse is used.
    pub fn parse(markup: &str) -> (Variable, Option<StrictError>) {
        match Self::strict(markup) {
            Ok(v) => (v, None),
            Err(e) => (Self::lax(markup), Some(e)),
        }
    }

    pub fn strict(markup: &str) -> Result<Variable, StrictError> {
        let mut p = StrictParser::new(markup)?;
        let mut v = Variable {
            name: None,
            filters: Vec::new(),
        };
        if p.look(Tok::End, 0) {
            return Ok(v);
        }
        v.name = Some(Expr::parse(&p.expression()?));
        while p.consume_if(Tok::Pipe).is_some() {
            let name = p.consume(Some(Tok::Id))?;
            let mut args = Vec::new();
            if p.consume_if(Tok::Colon).is_some() {
                args.push(p.argument()?);
                while p.consume_if(Tok::Comma).is_some() {
                    args.push(p.argument()?);
                }
            }
            v.filters.push(filter_from(name, &args));
        }
        p.consume(Some(Tok::End))?;
        Ok(v)
    }

    pub fn lax(markup: &str) -> Variable {
        let mut v = Variable {
            name: None,
            filters: Vec::new(),
        };
        let Some(c) = syntax::MARKUP_WITH_QF.captures(markup) else {
            return v;
        };
        v.name = Some(Expr::parse(c.get(1).map_or("", |m| m.as_str())));
        let rest = c.get(2).map_or("", |m| m.as_str());
        if let Some(fm) = syntax::FILTER_MARKUP.captures(rest) {
            let fs = fm.get(1).map_or("", |m| m.as_str());
            for f in syntax::FILTER_PARSER.find_iter(fs) {
                let f = f.as_str();
                let Some(name) = syntax::WORD_RUN.find(f) else {
                    continue;
                };
                let args: Vec<String> = syntax::FILTER_ARGS
                    .captures_iter(f)
                    .filter_map(|c| c.get(1).map(|m| m.as_str().to_string()))
                    .collect();
                v.filters.push(filter_from(name.as_str(), &args));
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions() {
        assert_eq!(Expr::parse(" 12 "), Expr::Int(12));
        assert_eq!(Expr::parse("'a'"), Expr::Str("a".into()));
        assert_eq!(Expr::parse("(1..3)"), Expr::Range(1, 3));
        assert_eq!(Expr::parse("1.5"), Expr::Float(1.5));
        assert_eq!(Expr::parse("nil"), Expr::Nil);
        assert!(matches!(Expr::parse("a.b[0]"), Expr::Lookup(_)));
        assert!(matches!(Expr::parse("(1..n)"), Expr::RangeLookup(..)));
    }

    #[test]
    fn strict_messages() {
        let e = Variable::strict("a = b").unwrap_err();
        assert_eq!(e.0, "Unexpected character =");
        let e = Variable::strict("a b").unwrap_err();
        assert_eq!(e.0, "Expected end_of_string but found id");
        let e = Variable::strict("| a").unwrap_err();
        assert_eq!(e.0, "[:pipe, \"|\"] is not a valid expression");
        let v = Variable::strict("a.b | append: 'x', y: 1").unwrap();
        assert_eq!(v.filters[0].args.len(), 1);
        assert_eq!(v.filters[0].kwargs.len(), 1);
    }
}
