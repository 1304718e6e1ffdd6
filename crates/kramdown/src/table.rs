//! Tables: `parse_table` from parser/kramdown/table.rb.

use crate::block::Parser;
use crate::scan;
use crate::span::PSet;
use crate::text::{MText, Src, VText, is_strip, is_ws};
use crate::tree::{Align, Kind, NodeId};

/// `TABLE_PIPE_CHECK` `(?:\||.*?[^\\\n]\|)` at the start of `b`.
fn pipe_check(b: &[u8]) -> bool {
    if b.first() == Some(&b'|') {
        return true;
    }
    let mut i = 1;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        let prev = b.get(i - 1).copied().unwrap_or(0);
        if prev == b'\n' {
            return false;
        }
        if c == b'|' && prev != b'\\' {
            return true;
        }
        if c == b'\n' {
            return false;
        }
        i += 1;
    }
    false
}

/// `TABLE_LINE` at p (a line containing an unescaped pipe).
fn table_line(t: &VText, p: usize) -> bool {
    let e = t.line_end(p);
    if t.at(e) != Some(b'\n') {
        return false;
    }
    if t.at(p) == Some(b'|') {
        return true;
    }
    if let Some(sl) = t.contiguous(p, e) {
        return memchr::memchr_iter(b'|', sl)
            .any(|k| k > 0 && sl.get(k - 1).is_some_and(|&b| b != b'\\'));
    }
    let mut prev = t.at(p).unwrap_or(0);
    for i in p + 1..e {
        let c = t.at(i).unwrap_or(0);
        if c == b'|' && prev != b'\\' {
            return true;
        }
        prev = c;
    }
    false
}

/// `TABLE_SEP_LINE` / `TABLE_FSEP_LINE` at p: (group 1 range, end).
fn sep_line(t: &VText, p: usize, ch: u8) -> Option<((usize, usize), usize)> {
    let e = t.line_end(p);
    if t.at(e) != Some(b'\n') {
        return None;
    }
    let mut has = false;
    let mut last_non_sp = p;
    for i in p..e {
        let c = t.at(i)?;
        if !(matches!(c, b'+' | b'|' | b':' | b' ' | b'\t') || c == ch) {
            return None;
        }
        if c == ch {
            has = true;
        }
        if c != b' ' && c != b'\t' {
            last_non_sp = i + 1;
        }
    }
    if !has {
        return None;
    }
    Some(((p, last_non_sp), e + 1))
}

fn strip_bytes(b: &[u8]) -> bool {
    b.iter().all(|&c| is_strip(c))
}

fn mstrip(m: &MText) -> MText {
    let mut x = m.clone();
    x.strip();
    x
}

pub(crate) fn p_table(p: &mut Parser) -> bool {
    let pos0 = p.cur_pos();
    // TABLE_START
    let start = |t: &VText| {
        let q = scan::opt_space(t, pos0);
        matches!(t.at(q), Some(b) if !is_ws(b)) && table_line(t, q)
    };
    if !p.cur_ref().is_some_and(start) {
        return false;
    }
    let t = p.cur_text();
    if !p.after_block_boundary_pub() {
        return false;
    }
    let table = p.new_block_el_pub(Kind::Table, 0..0);
    let first_line = {
        let e = t.line_end(pos0);
        t.bytes(pos0, e)
    };
    let leading_pipe = first_line.iter().find(|&&c| !is_ws(c)) == Some(&b'|');
    let mut pos = pos0;
    if let Some((_, e)) = sep_line(&t, pos, b'-') {
        pos = e;
    }
    let mut rows: Vec<NodeId> = Vec::new();
    let mut has_footer = false;
    let mut columns = 0usize;
    let mut alignment: Vec<Align> = Vec::new();
    let mut containers: Vec<(Kind, Vec<NodeId>)> = Vec::new();
    let add_container = |containers: &mut Vec<(Kind, Vec<NodeId>)>,
                         rows: &mut Vec<NodeId>,
                         kind: Kind,
                         force: bool,
                         has_footer: bool| {
        if !has_footer || kind != Kind::Tbody || force {
            containers.push((kind, std::mem::take(rows)));
        }
    };
    while pos < t.len() {
        if !table_line(&t, pos) {
            break;
        }
        if let Some(((a, b), e)) = sep_line(&t, pos, b'-') {
            pos = e;
            if rows.is_empty() {
            } else if alignment.is_empty() && !has_footer {
                add_container(&mut containers, &mut rows, Kind::Thead, false, has_footer);
                alignment = hsep_align(&t.bytes(a, b));
            } else {
                add_container(&mut containers, &mut rows, Kind::Tbody, false, has_footer);
            }
            continue;
        }
        if let Some((_, e)) = sep_line(&t, pos, b'=') {
            pos = e;
            if !rows.is_empty() {
                add_container(&mut containers, &mut rows, Kind::Tbody, true, has_footer);
            }
            has_footer = true;
            continue;
        }
        // TABLE_ROW_LINE /^(.*?)[ \t]*\n/
        let le = t.line_end(pos);
        if t.at(le) != Some(b'\n') {
            break;
        }
        let mut ce = le;
        while ce > pos && matches!(t.at(ce - 1), Some(b' ') | Some(b'\t')) {
            ce -= 1;
        }
        let line = t.mtext(pos, ce);
        pos = le + 1;
        let cells = split_row(p, &line);
        let mut cells = cells;
        if leading_pipe && cells.first().is_some_and(|c| strip_bytes(&c.bytes)) {
            cells.remove(0);
        }
        if cells.last().is_some_and(|c| strip_bytes(&c.bytes)) {
            cells.pop();
        }
        let tr = p.node(Kind::Tr);
        let sp = line.to_base(0)..line.to_base_end(line.bytes.len());
        p.nm(tr).span = sp;
        for c in &cells {
            let td = p.node(Kind::Td);
            let m = mstrip(c);
            let sp = if c.map.is_empty() {
                0..0
            } else {
                c.to_base(0)..c.to_base_end(c.bytes.len())
            };
            p.nm(td).span = sp;
            if !m.bytes.is_empty() {
                let rt = p.node(Kind::RawText);
                p.nm(rt).mtext = Some(Box::new(m));
                p.push(td, rt);
            } else {
                // Element.new(:raw_text, "") still exists in kramdown; it parses to nothing
            }
            p.push(tr, td);
        }
        columns = columns.max(cells.len());
        rows.push(tr);
    }
    // before_block_boundary?
    if !scan::block_boundary(&*t, pos) {
        return false;
    }
    // pipe check over the whole table source
    let l_src = t.mtext(pos0, pos.saturating_sub(1));
    let root = p.node(Kind::Root);
    p.parse_spans_into(root, l_src, PSet::CodeAndHtml, Kind::RawText);
    let kids = p.n(root).children.clone();
    let mut pipe_on_line = false;
    for c in kids {
        let n = p.n(c);
        let val: Vec<u8> = match n.kind {
            Kind::RawText => n
                .mtext
                .as_ref()
                .map(|m| m.bytes.clone())
                .unwrap_or_default(),
            _ => n.value.as_bytes().to_vec(),
        };
        let lines = ruby_split_nl(&val);
        if n.kind == Kind::Codespan {
            if lines.len() > 2 || (lines.len() == 2 && !pipe_on_line) {
                break;
            } else if lines.len() == 2 && pipe_on_line {
                pipe_on_line = false;
            }
        } else {
            if lines.len() > 1 && !pipe_on_line && !lines.first().is_some_and(|l| pipe_check(l)) {
                break;
            }
            pipe_on_line = (if lines.len() > 1 { false } else { pipe_on_line })
                || lines.last().is_some_and(|l| pipe_check(l));
        }
    }
    if !pipe_on_line {
        return false;
    }
    if !rows.is_empty() {
        add_container(
            &mut containers,
            &mut rows,
            if has_footer { Kind::Tfoot } else { Kind::Tbody },
            false,
            has_footer,
        );
    }
    if !containers.iter().any(|(k, _)| *k == Kind::Tbody) {
        p.warnings
            .push("Found table without body - ignoring it".into());
        return false;
    }
    for (kind, rs) in containers {
        let c = p.node(kind);
        for r in rs {
            let have = p.n(r).children.len();
            for _ in have..columns {
                let td = p.node(Kind::Td);
                p.push(r, td);
            }
            p.push(c, r);
        }
        let sp = {
            let ch = &p.n(c).children;
            match (ch.first(), ch.last()) {
                (Some(&a), Some(&b)) => p.n(a).span.start..p.n(b).span.end,
                _ => 0..0,
            }
        };
        p.nm(c).span = sp;
        p.push(table, c);
    }
    if alignment.len() > columns {
        alignment.truncate(columns);
    } else {
        while alignment.len() < columns {
            alignment.push(Align::Default);
        }
    }
    let sp = t.to_base(pos0)..t.to_base_end(pos);
    {
        let n = p.nm(table);
        n.rare_mut().alignment = alignment;
        n.span = sp;
    }
    p.set_cur_pos(pos);
    let tree = p.cur_tree();
    p.push(tree, table);
    true
}

/// Ruby `str.split("\n")` (trailing empty strings removed).
fn ruby_split_nl(b: &[u8]) -> Vec<&[u8]> {
    let mut v: Vec<&[u8]> = b.split(|&c| c == b'\n').collect();
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// `TABLE_HSEP_ALIGN` scanned over the separator.
fn hsep_align(b: &[u8]) -> Vec<Align> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // [ \t]?(:?)-+(:?)[ \t]?  (unanchored scan)
        let start = i;
        let mut k = i;
        if matches!(b.get(k), Some(b' ') | Some(b'\t')) {
            k += 1;
        }
        let left = b.get(k) == Some(&b':');
        if left {
            k += 1;
        }
        let ds = k;
        while b.get(k) == Some(&b'-') {
            k += 1;
        }
        if k == ds {
            // try without the optional leading blank / colon: scan moves on
            i = start + 1;
            continue;
        }
        let right = b.get(k) == Some(&b':');
        if right {
            k += 1;
        }
        if matches!(b.get(k), Some(b' ') | Some(b'\t')) {
            k += 1;
        }
        out.push(match (left, right) {
            (false, false) => Align::Default,
            (true, false) => Align::Left,
            (false, true) => Align::Right,
            (true, true) => Align::Center,
        });
        i = k;
    }
    out
}

/// Split a row into cells (the `@src[1].split(/(<code.*?>.*?<\/code>)/)` loop).
fn split_row(p: &mut Parser, line: &MText) -> Vec<MText> {
    let b = &line.bytes;
    // split at <code.*?>.*?</code> (no newlines in a row)
    let mut pieces: Vec<(bool, usize, usize)> = Vec::new();
    let mut st = 0;
    let mut i = 0;
    while i < b.len() {
        if b.get(i..i + 5) == Some(b"<code")
            && let Some(gt) = (i + 5..b.len()).find(|&k| b.get(k) == Some(&b'>'))
            && let Some(ce) = (gt + 1..b.len()).find(|&k| b.get(k..k + 7) == Some(b"</code>"))
        {
            pieces.push((false, st, i));
            pieces.push((true, i, ce + 7));
            i = ce + 7;
            st = i;
            continue;
        }
        i += 1;
    }
    pieces.push((false, st, b.len()));
    // Ruby split drops trailing empty strings
    while pieces.last().is_some_and(|&(_, a, e)| a == e) {
        pieces.pop();
    }
    let mut cells: Vec<MText> = Vec::new();
    let append = |cells: &mut Vec<MText>, m: MText| {
        if let Some(l) = cells.last_mut() {
            l.append(&m);
        } else {
            cells.push(m);
        }
    };
    for (is_code, a, e) in pieces {
        if is_code {
            append(&mut cells, line.sub(a, e));
            continue;
        }
        let sub = line.sub(a, e);
        let root = p.node(Kind::Root);
        p.parse_spans_into(root, sub, PSet::OnlyCode, Kind::RawText);
        let kids = p.n(root).children.clone();
        for c in kids {
            let n = p.n(c);
            if n.kind == Kind::RawText {
                let m = n.mtext.as_deref().cloned().unwrap_or_default();
                let parts = split_pipes(&m);
                let mut it = parts.into_iter();
                if let Some(f) = it.next() {
                    append(&mut cells, f);
                }
                cells.extend(it);
            } else {
                // codespan: rebuild its source
                let v = n.value.clone();
                let mut maxrun = 0;
                let mut run = 0;
                for ch in v.bytes() {
                    if ch == b'`' {
                        run += 1;
                        maxrun = maxrun.max(run);
                    } else {
                        run = 0;
                    }
                }
                let delim = "`".repeat(maxrun + 1);
                let sp = if delim.len() > 1 { " " } else { "" };
                let s = format!("{delim}{sp}{v}{sp}{delim}");
                let mut m = MText::default();
                m.push_synth(s.as_bytes(), n.span.start);
                append(&mut cells, m);
            }
        }
    }
    cells
}

/// `value.split(/(?<!\\)\|/, -1).map { |t| t.gsub(/\\\|/, '|') }`.
fn split_pipes(m: &MText) -> Vec<MText> {
    let b = &m.bytes;
    let mut out = Vec::new();
    let mut st = 0;
    for i in 0..b.len() {
        if b.get(i) == Some(&b'|') && !(i > 0 && b.get(i - 1) == Some(&b'\\')) {
            out.push(unescape_pipes(&m.sub(st, i)));
            st = i + 1;
        }
    }
    out.push(unescape_pipes(&m.sub(st, b.len())));
    out
}

fn unescape_pipes(m: &MText) -> MText {
    let b = &m.bytes;
    if !b.windows(2).any(|w| w == b"\\|") {
        return m.clone();
    }
    let mut out = MText::default();
    let mut st = 0;
    let mut i = 0;
    while i + 1 < b.len() {
        if b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'|') {
            out.append(&m.sub(st, i));
            st = i + 1;
            i += 2;
            continue;
        }
        i += 1;
    }
    out.append(&m.sub(st, b.len()));
    out
}
