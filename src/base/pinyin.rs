//! Pinyin: whether a slug is the pinyin of a Chinese source name, as the finews generator
//! (xpinyin) writes it.

use pinyin::{ToPinyin, ToPinyinMulti};

/// Whether `slug` is the pinyin of `name` as the site's generator writes it (xpinyin: syllables
/// joined without separators, other characters kept), accepting any reading of a polyphonic
/// character and `v`/`u`/`ü` for `ü`.
pub fn pinyin_matches(name: &str, slug: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    let slug = slug.as_bytes();
    // Depth-first over (character, slug position), each state once: O(chars × slug × readings).
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![(0usize, 0usize)];
    while let Some((ci, si)) = stack.pop() {
        if !seen.insert((ci, si)) {
            continue;
        }
        if ci == chars.len() {
            if si == slug.len() {
                return true;
            }
            continue;
        }
        let c = chars[ci];
        match c.to_pinyin_multi() {
            Some(multi) => {
                for reading in multi {
                    for variant in spellings(reading.plain()) {
                        if slug[si..].starts_with(variant.as_bytes()) {
                            stack.push((ci + 1, si + variant.len()));
                        }
                    }
                }
            }
            None => {
                let mut buf = [0u8; 4];
                let lit = c.encode_utf8(&mut buf).as_bytes();
                if slug[si..].starts_with(lit) {
                    stack.push((ci + 1, si + lit.len()));
                }
            }
        }
    }
    false
}

fn spellings(reading: &str) -> Vec<String> {
    if reading.contains('ü') {
        vec![
            reading.replace('ü', "v"),
            reading.replace('ü', "u"),
            reading.to_string(),
        ]
    } else {
        vec![reading.to_string()]
    }
}

/// The slug the generator would most likely write for `name` (each character's most common
/// reading; `ü` as `v`, as xpinyin writes it).
pub fn pinyin_slug(name: &str) -> String {
    name.chars()
        .map(|c| match c.to_pinyin() {
            Some(p) => p.plain().replace('ü', "v"),
            None => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_as_the_generator_writes_it() {
        // Slugs from xpinyin 0.7.6 (`Pinyin().get_pinyin(name)` without `-`).
        for (name, slug) in [
            ("中国消费者报", "zhongguoxiaofeizhebao"),
            ("21财经", "21caijing"),
            ("36氪", "36ke"),
            ("安信国际证券(香港)", "anxinguojizhengquan(xianggang)"),
            (
                "21世纪经济报道 21财经APP",
                "21shijijingjibaodao 21caijingAPP",
            ),
            (
                "21世纪经济报道  南财理财通",
                "21shijijingjibaodao  nancailicaitong",
            ),
            ("Career In 投行PEVC", "Career In touxingPEVC"),
            ("东财滚动新闻", "dongcaigundongxinwen"),
            ("银行", "yinxing"),
            ("重庆", "zhongqing"),
            ("站长消息", "zhanchangxiaoxi"),
            ("TechWeb", "TechWeb"),
        ] {
            assert!(pinyin_matches(name, slug), "{name} → {slug}");
        }
        // Other readings of polyphonic characters are accepted too.
        assert!(pinyin_matches("银行", "yinhang"));
        assert!(pinyin_matches("重庆", "chongqing"));
        assert!(!pinyin_matches("中国消费者报", "zhongguoxiaofeizhe"));
        assert!(!pinyin_matches("天风研究", "zhongguoxiaofeizhebao"));
        assert_eq!(pinyin_slug("中国消费者报"), "zhongguoxiaofeizhebao");
    }
}
