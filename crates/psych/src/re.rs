//! A small backtracking regex engine with Onigmo's (Ruby's) semantics for the handful of
//! constructs `date_parse.c` uses: literals, classes (`\d \D \s \S`, `[:alpha:]`,
//! `[:alnum:]`, ranges, negation), groups (`(...)`, `(?:...)`, `(?-i:...)`), alternation,
//! greedy `* + ? {n} {n,m}`, and `\A \z \b`.
//!
//! Leftmost match, first-alternative priority, greedy quantifiers: the same match Ruby
//! finds. The machine runs on an explicit stack (no recursion). Inputs here are at most 128
//! bytes (`Date._parse`'s `limit`), which bounds the backtracking.

/// Ruby's `\d`: ASCII digits only.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// Ruby's `\s`: `[ \t\n\v\f\r]`.
pub(crate) fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// Onigmo's Unicode `[[:alpha:]]`: the Alphabetic property.
pub(crate) fn is_alpha(c: char) -> bool {
    c.is_alphabetic()
}

/// Common `No` (other number) characters: numeric but not `[[:alnum:]]` in Onigmo.
fn is_other_number(c: char) -> bool {
    matches!(c as u32,
        0xB2..=0xB3 | 0xB9 | 0xBC..=0xBE | 0x9F4..=0x9F9 | 0xBF0..=0xBF2 | 0xF2A..=0xF33
        | 0x1369..=0x137C | 0x17F0..=0x17F9 | 0x2070 | 0x2074..=0x2079 | 0x2080..=0x2089
        | 0x2150..=0x215F | 0x2189 | 0x2460..=0x249B | 0x24EA..=0x24FF | 0x2776..=0x2793
        | 0x2CFD | 0x3192..=0x3195 | 0x3220..=0x3229 | 0x3248..=0x324F | 0x3251..=0x325F
        | 0x3280..=0x3289 | 0x32B1..=0x32BF | 0x1F100..=0x1F10C)
}

/// Onigmo's Unicode `[[:alnum:]]`: Alphabetic or a decimal digit (`Nd`).
pub(crate) fn is_alnum(c: char) -> bool {
    c.is_alphabetic() || (c.is_numeric() && !is_other_number(c))
}

/// The word characters of Onigmo's `\b` (Unicode-aware, unlike Ruby's ASCII `\w`).
fn is_word(c: char) -> bool {
    is_alnum(c) || c == '_' || c.is_numeric()
}

#[derive(Debug, Clone)]
enum Item {
    Char(char),
    Range(char, char),
    Digit(bool),
    Space(bool),
    Alpha,
    Alnum,
}

#[derive(Debug, Clone)]
struct Class {
    items: Vec<Item>,
    negated: bool,
}

impl Class {
    fn matches(&self, c: char, ci: bool) -> bool {
        let one = |c: char| {
            self.items.iter().any(|i| match i {
                Item::Char(x) => *x == c,
                Item::Range(a, b) => (*a..=*b).contains(&c),
                Item::Digit(neg) => is_digit(c) != *neg,
                Item::Space(neg) => is_space(c) != *neg,
                Item::Alpha => is_alpha(c),
                Item::Alnum => is_alnum(c),
            })
        };
        let hit = one(c)
            || (ci
                && c.is_ascii_alphabetic()
                && (one(c.to_ascii_lowercase()) || one(c.to_ascii_uppercase())));
        hit != self.negated
    }
}

#[derive(Debug, Clone)]
enum Inst {
    Char(char, bool),
    Class(usize, bool),
    Split(usize, usize),
    Jmp(usize),
    Save(usize),
    Start,
    End,
    WordBoundary,
    Match,
}

/// A backtracking entry: a thread to resume, or a capture slot to restore.
enum Bt {
    Thread(usize, usize),
    Restore(usize, Option<usize>),
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) struct Regex {
    prog: Vec<Inst>,
    classes: Vec<Class>,
    groups: usize,
}

#[derive(Debug, Clone)]
enum Ast {
    Empty,
    Char(char, bool),
    Class(Class, bool),
    Start,
    End,
    WordBoundary,
    Group(Option<usize>, Box<Ast>),
    Concat(Vec<Ast>),
    Alt(Vec<Ast>),
    Repeat(Box<Ast>, usize, Option<usize>),
}

struct P<'a> {
    s: &'a [char],
    i: usize,
    groups: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }
    fn alt(&mut self, ci: bool) -> Ast {
        let mut alts = vec![self.concat(ci)];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.concat(ci));
        }
        if alts.len() == 1 {
            alts.pop().unwrap_or(Ast::Empty)
        } else {
            Ast::Alt(alts)
        }
    }
    fn concat(&mut self, ci: bool) -> Ast {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(ci);
            let atom = self.quantifier(atom);
            items.push(atom);
        }
        Ast::Concat(items)
    }
    fn quantifier(&mut self, atom: Ast) -> Ast {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                let mut j = self.i + 1;
                let mut a = 0usize;
                while let Some(d) = self.s.get(j).and_then(|c| c.to_digit(10)) {
                    a = a * 10 + d as usize;
                    j += 1;
                }
                let mut b = Some(a);
                if self.s.get(j) == Some(&',') {
                    j += 1;
                    let mut v = 0usize;
                    while let Some(d) = self.s.get(j).and_then(|c| c.to_digit(10)) {
                        v = v * 10 + d as usize;
                        j += 1;
                    }
                    b = Some(v);
                }
                self.i = j;
                (a, b)
            }
            _ => return atom,
        };
        self.i += 1;
        Ast::Repeat(Box::new(atom), min, max)
    }
    fn atom(&mut self, ci: bool) -> Ast {
        let Some(c) = self.peek() else {
            return Ast::Empty;
        };
        self.i += 1;
        match c {
            '(' => {
                let mut ci2 = ci;
                let mut capture = true;
                if self.peek() == Some('?') {
                    capture = false;
                    self.i += 1;
                    if self.peek() == Some('-') {
                        // (?-i:
                        self.i += 2;
                        ci2 = false;
                    }
                    // ':'
                    self.i += 1;
                }
                let idx = if capture {
                    self.groups += 1;
                    Some(self.groups)
                } else {
                    None
                };
                let inner = self.alt(ci2);
                self.i += 1; // ')'
                Ast::Group(idx, Box::new(inner))
            }
            '[' => Ast::Class(self.class(), ci),
            '\\' => {
                let e = self.peek().unwrap_or('\\');
                self.i += 1;
                match e {
                    'A' => Ast::Start,
                    'z' => Ast::End,
                    'b' => Ast::WordBoundary,
                    'd' => Ast::Class(class_of(Item::Digit(false)), false),
                    'D' => Ast::Class(class_of(Item::Digit(true)), false),
                    's' => Ast::Class(class_of(Item::Space(false)), false),
                    'S' => Ast::Class(class_of(Item::Space(true)), false),
                    other => Ast::Char(other, ci),
                }
            }
            other => Ast::Char(other, ci),
        }
    }
    fn class(&mut self) -> Class {
        let mut items = Vec::new();
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.i += 1;
        }
        let mut first = true;
        while let Some(c) = self.peek() {
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            self.i += 1;
            let item = match c {
                '[' if self.peek() == Some(':') => {
                    let rest: String = self.s[self.i..].iter().take(8).collect();
                    if rest.starts_with(":alpha:]") {
                        self.i += 8;
                        Item::Alpha
                    } else {
                        self.i += 8;
                        Item::Alnum
                    }
                }
                '\\' => {
                    let e = self.peek().unwrap_or('\\');
                    self.i += 1;
                    match e {
                        'd' => Item::Digit(false),
                        's' => Item::Space(false),
                        other => Item::Char(other),
                    }
                }
                other => {
                    if self.peek() == Some('-') && self.s.get(self.i + 1).is_some_and(|&n| n != ']')
                    {
                        let hi = self.s.get(self.i + 1).copied().unwrap_or(other);
                        self.i += 2;
                        Item::Range(other, hi)
                    } else {
                        Item::Char(other)
                    }
                }
            };
            items.push(item);
        }
        Class { items, negated }
    }
}

fn class_of(item: Item) -> Class {
    Class {
        items: vec![item],
        negated: false,
    }
}

struct Compiler {
    prog: Vec<Inst>,
    classes: Vec<Class>,
}

impl Compiler {
    fn emit(&mut self, i: Inst) -> usize {
        self.prog.push(i);
        self.prog.len() - 1
    }
    fn compile(&mut self, ast: &Ast) {
        // Patterns are tiny and fixed: recursion over the pattern (not the input) is bounded.
        match ast {
            Ast::Empty => {}
            Ast::Char(c, ci) => {
                self.emit(Inst::Char(*c, *ci));
            }
            Ast::Class(cl, ci) => {
                self.classes.push(cl.clone());
                let n = self.classes.len() - 1;
                self.emit(Inst::Class(n, *ci));
            }
            Ast::Start => {
                self.emit(Inst::Start);
            }
            Ast::End => {
                self.emit(Inst::End);
            }
            Ast::WordBoundary => {
                self.emit(Inst::WordBoundary);
            }
            Ast::Group(idx, inner) => {
                if let Some(g) = idx {
                    self.emit(Inst::Save(2 * g));
                }
                self.compile(inner);
                if let Some(g) = idx {
                    self.emit(Inst::Save(2 * g + 1));
                }
            }
            Ast::Concat(items) => {
                for i in items {
                    self.compile(i);
                }
            }
            Ast::Alt(alts) => {
                let mut jumps = Vec::new();
                for (k, a) in alts.iter().enumerate() {
                    if k + 1 < alts.len() {
                        let split = self.emit(Inst::Split(0, 0));
                        self.compile(a);
                        jumps.push(self.emit(Inst::Jmp(0)));
                        let next = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, next);
                    } else {
                        self.compile(a);
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Ast::Repeat(inner, min, max) => {
                for _ in 0..*min {
                    self.compile(inner);
                }
                match max {
                    None => {
                        let split = self.emit(Inst::Split(0, 0));
                        self.compile(inner);
                        self.emit(Inst::Jmp(split));
                        let end = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, end);
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.emit(Inst::Split(0, 0)));
                            self.compile(inner);
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.prog[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
        }
    }
}

impl Regex {
    /// Compile a pattern; `ci` is Onigmo's IGNORECASE (ASCII letters here).
    pub(crate) fn new(pattern: &str, ci: bool) -> Regex {
        let chars: Vec<char> = pattern.chars().collect();
        let mut p = P {
            s: &chars,
            i: 0,
            groups: 0,
        };
        let ast = p.alt(ci);
        let mut c = Compiler {
            prog: Vec::new(),
            classes: Vec::new(),
        };
        c.compile(&Ast::Group(Some(0), Box::new(ast)));
        c.emit(Inst::Match);
        Regex {
            prog: c.prog,
            classes: c.classes,
            groups: p.groups,
        }
    }

    /// The leftmost match in `s`: each group's char range (`None` when it did not take part).
    pub(crate) fn find(&self, s: &[char]) -> Option<Vec<Option<(usize, usize)>>> {
        // The backtracking state, allocated once for all start positions.
        let mut slots: Vec<Option<usize>> = vec![None; 2 * (self.groups + 1)];
        let mut stack: Vec<Bt> = Vec::new();
        for start in 0..=s.len() {
            if let Some(caps) = self.match_at(s, start, &mut slots, &mut stack) {
                return Some(caps);
            }
        }
        None
    }

    fn match_at(
        &self,
        s: &[char],
        start: usize,
        slots: &mut [Option<usize>],
        stack: &mut Vec<Bt>,
    ) -> Option<Vec<Option<(usize, usize)>>> {
        slots.fill(None);
        stack.clear();
        stack.push(Bt::Thread(0, start));
        let mut steps = 0usize;
        'outer: while let Some(bt) = stack.pop() {
            let (mut pc, mut pos) = match bt {
                Bt::Thread(pc, pos) => (pc, pos),
                Bt::Restore(slot, v) => {
                    if let Some(x) = slots.get_mut(slot) {
                        *x = v;
                    }
                    continue;
                }
            };
            loop {
                steps += 1;
                if steps > 5_000_000 {
                    return None;
                }
                match self.prog.get(pc) {
                    Some(Inst::Char(c, ci)) => {
                        let ok = s.get(pos).is_some_and(|&x| {
                            x == *c || (*ci && x.is_ascii() && x.eq_ignore_ascii_case(c))
                        });
                        if !ok {
                            continue 'outer;
                        }
                        pc += 1;
                        pos += 1;
                    }
                    Some(Inst::Class(n, ci)) => {
                        let ok = s.get(pos).is_some_and(|&x| {
                            self.classes.get(*n).is_some_and(|c| c.matches(x, *ci))
                        });
                        if !ok {
                            continue 'outer;
                        }
                        pc += 1;
                        pos += 1;
                    }
                    Some(Inst::Split(a, b)) => {
                        stack.push(Bt::Thread(*b, pos));
                        pc = *a;
                    }
                    Some(Inst::Jmp(a)) => pc = *a,
                    Some(Inst::Save(slot)) => {
                        let old = slots.get(*slot).copied().flatten();
                        stack.push(Bt::Restore(*slot, old));
                        if let Some(x) = slots.get_mut(*slot) {
                            *x = Some(pos);
                        }
                        pc += 1;
                    }
                    Some(Inst::Start) => {
                        if pos != 0 {
                            continue 'outer;
                        }
                        pc += 1;
                    }
                    Some(Inst::End) => {
                        if pos != s.len() {
                            continue 'outer;
                        }
                        pc += 1;
                    }
                    Some(Inst::WordBoundary) => {
                        let before = pos > 0 && s.get(pos - 1).is_some_and(|&c| is_word(c));
                        let after = s.get(pos).is_some_and(|&c| is_word(c));
                        if before == after {
                            continue 'outer;
                        }
                        pc += 1;
                    }
                    Some(Inst::Match) => {
                        let caps = (0..=self.groups)
                            .map(|g| match (slots.get(2 * g), slots.get(2 * g + 1)) {
                                (Some(&Some(a)), Some(&Some(b))) => Some((a, b)),
                                _ => None,
                            })
                            .collect();
                        return Some(caps);
                    }
                    None => continue 'outer,
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, ci: bool, s: &str) -> Option<Vec<Option<String>>> {
        let chars: Vec<char> = s.chars().collect();
        Regex::new(p, ci).find(&chars).map(|caps| {
            caps.into_iter()
                .map(|c| c.map(|(a, b)| chars[a..b].iter().collect()))
                .collect()
        })
    }

    #[test]
    fn basics() {
        assert_eq!(
            m("('?\\d+)-(\\d+)-('?-?\\d+)", false, "x 2014-09-08 y").unwrap()[1].as_deref(),
            Some("2014")
        );
        assert_eq!(
            m("\\b(jan|feb)\\S*", true, "12 FEBruary").unwrap()[1].as_deref(),
            Some("FEB")
        );
        assert!(m("\\A\\s*(\\d{1,2})\\s*\\z", false, " 123 ").is_none());
        assert_eq!(
            m("a{2,3}", false, "aaaa").unwrap()[0].as_deref(),
            Some("aaa")
        );
        assert_eq!(
            m("(a|ab)(c|bcd)", false, "abcd").unwrap()[0].as_deref(),
            Some("abcd")
        );
        assert_eq!(
            m("[^-\\d\\s]*x", false, "ab-x").unwrap()[0].as_deref(),
            Some("x")
        );
    }
}
