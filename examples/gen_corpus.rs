//! Generate a corpus shaped like the finews site, for benchmarks:
//!
//!     cargo run --release --example gen_corpus -- --posts 100000 --out /tmp/corpus [--seed 1]
//!
//! Like the real sample (../shared/corpus/finews/): ~85% rolling-news posts (`emnews`, 150–900
//! bytes of text, an eastmoney source autolink, the back-link footer), ~15% media posts (3–12 KB
//! of scraped HTML with `<p>`, `<span>`/`<a>` stock links, images, an attribution line, the
//! aggregator's source link, category = the pinyin of the source name), a few site-news posts;
//! dates spread over 2021–2022 in `+0800`. About 2% of posts get one injected defect (a date
//! without zone, relative back links, an unclosed `<p>`, a wrong tag, a wrong attribution, an
//! empty title, an empty autolink), and the counts are printed. Deterministic from the seed.

use std::io::Write;
use std::path::PathBuf;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const CHARS: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理世车";

const SOURCES: &[&str] = &[
    "中国消费者报",
    "上海证券报",
    "证券时报",
    "中国基金报",
    "每日经济新闻",
    "澎湃新闻",
    "界面新闻",
    "财联社",
    "湖南日报",
    "北京日报",
    "中新网",
    "新华社",
    "央视财经",
    "天风研究",
    "东北证券",
    "中国商报网",
    "大江网",
    "21财经",
    "36氪",
];

fn text(rng: &mut Rng, chars: usize) -> String {
    let pool: Vec<char> = CHARS.chars().collect();
    let mut s = String::with_capacity(chars * 3);
    for i in 0..chars {
        if i > 0 && i % (12 + (rng.below(20) as usize)) == 0 {
            s.push(if rng.below(4) == 0 { '。' } else { '，' });
        }
        s.push(*rng.pick(&pool));
    }
    s.push('。');
    s
}

#[derive(Default)]
struct Counts {
    posts: usize,
    defects: Vec<(&'static str, usize)>,
}

impl Counts {
    fn add(&mut self, what: &'static str) {
        match self.defects.iter_mut().find(|(w, _)| *w == what) {
            Some(slot) => slot.1 += 1,
            None => self.defects.push((what, 1)),
        }
    }
}

fn main() {
    let mut posts = 10_000usize;
    let mut out = PathBuf::from("corpus");
    let mut seed = 1u64;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--posts" => posts = value.parse().unwrap_or(posts),
            "--out" => out = PathBuf::from(value),
            "--seed" => seed = value.parse().unwrap_or(seed),
            other => {
                eprintln!(
                    "unknown argument `{other}`; usage: gen_corpus --posts N --out DIR [--seed S]"
                );
                std::process::exit(2);
            }
        }
        i += 2;
    }
    if let Err(e) = generate(posts, &out, seed) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn generate(posts: usize, out: &std::path::Path, seed: u64) -> std::io::Result<()> {
    let dir = out.join("_posts");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        out.join("_config.yml"),
        "title: 金融消息\nurl: https://finews.withounder.com\ntimezone: Asia/Shanghai\n",
    )?;
    std::fs::write(out.join("CNAME"), "finews.zning.me")?;
    std::fs::write(out.join("postlint.yaml"), "extends: finews\n")?;
    std::fs::write(
        out.join("emnews.md"),
        "---\nlayout: default\ntitle: \"东财滚动新闻\"\npermalink: /emnews/\n---\n",
    )?;
    std::fs::write(
        out.join("index.md"),
        "---\nlayout: default\ntitle: \"首页\"\npermalink: /\n---\n",
    )?;
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut counts = Counts::default();
    for n in 0..posts {
        let day = rng.below(730);
        let (y, m, d) = civil(day);
        let (hh, mm, ss) = (rng.below(24), rng.below(60), rng.below(60));
        let id = format!("{y:04}{m:02}{d:02}{:010}", n);
        let date = format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}");
        let defect = if rng.below(50) == 0 {
            rng.below(7) + 1
        } else {
            0
        };
        let kind = rng.below(100);
        let mut zone = " +0800";
        let mut title = {
            let n = 10 + rng.below(20) as usize;
            text(&mut rng, n)
        }
        .trim_end_matches('。')
        .to_string();
        if defect == 1 {
            zone = "";
            counts.add("DT002 date without zone");
        }
        if defect == 6 {
            title.clear();
            counts.add("FM005 empty title");
        }
        let (category, tag, body) = if kind < 84 {
            let mut body = format!("\n{}", {
                let n = 30 + rng.below(170) as usize;
                text(&mut rng, n)
            });
            if rng.below(3) == 0 {
                body.push_str(&format!("（{}）", rng.pick(SOURCES)));
            }
            let host = *rng.pick(&["finance", "stock", "hk", "futures", "forex", "mss"]);
            if defect == 7 {
                body.push_str("\n\n<>\n");
                counts.add("LK005 empty autolink");
            } else {
                body.push_str(&format!(
                    "\n\n<http://{host}.eastmoney.com/news/{},{id}.html>\n",
                    1000 + rng.below(9000)
                ));
            }
            if defect == 2 {
                body.push_str("\n[返回东财滚动新闻](../emnews/)\n[返回首页](../)\n");
                counts.add("LK004 relative back links (2 each)");
            } else {
                body.push_str("\n[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)\n");
            }
            ("emnews".to_string(), "东财滚动新闻".to_string(), body)
        } else if kind < 99 {
            let source = *rng.pick(SOURCES);
            let slug = postlint::testing::pinyin_slug(source);
            let mut body = String::new();
            let paras = 3 + rng.below(14);
            for p in 0..paras {
                let mut para = {
                    let n = 60 + rng.below(200) as usize;
                    text(&mut rng, n)
                };
                if rng.below(3) == 0 {
                    let code = 600_000 + rng.below(99_999);
                    para.push_str(&format!("<span id=\"stock_1.{code}\"><a href=\"http://quote.eastmoney.com/unify/r/1.{code}\" class=\"keytip\" data-code=\"1,{code}\">股票</a></span><span id=\"quote_1.{code}\"></span>"));
                }
                if defect == 3 && p == 0 {
                    body.push_str(&format!("<p>{para}"));
                    counts.add("HT001 unclosed <p>");
                } else {
                    body.push_str(&format!("<p>{para}</p>"));
                }
                if rng.below(6) == 0 {
                    body.push_str(&format!("<center><img src=\"https://dfscdn.dfcfw.com/download/D{}_w800h{}.jpg\" alt=\"Image\" width=\"552\" /></center>", rng.next() % 1_000_000_000_000, 300 + rng.below(300)));
                }
            }
            let credit = if defect == 5 {
                counts.add("SA002 attribution names another source");
                "天风研究"
            } else {
                source
            };
            body.push_str(&format!("\n <p class=\"em_media\">（文章来源：{credit}）</p>\n\n<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW{id}>\n\n"));
            let mut tag = format!("{source}新闻");
            if defect == 4 {
                tag = "其他媒体新闻".into();
                counts.add("TX002 tag of another source");
            }
            body.push_str(&format!("[返回{source}新闻](//finews.withounder.com/category/{slug}.html)｜[返回首页](//finews.withounder.com/)\n"));
            (slug, tag, body)
        } else {
            (
                "sitenews".to_string(),
                "站长消息".to_string(),
                format!("\n{}\n", text(&mut rng, 20)),
            )
        };
        let post = format!(
            "---\nlayout: post\ntitle: \"{title}\"\ndate: {date}{zone}\ncategories: {category}\ntags: {tag}\n---\n{body}"
        );
        let mut f = std::fs::File::create(dir.join(format!("{y:04}-{m:02}-{d:02}-{id}.md")))?;
        f.write_all(post.as_bytes())?;
        counts.posts += 1;
    }
    println!("wrote {} posts to {}", counts.posts, out.display());
    counts.defects.sort();
    for (what, n) in &counts.defects {
        println!("  {n:>6}  {what}");
    }
    Ok(())
}

/// Day `n` after 2021-01-01 as (year, month, day).
fn civil(n: u64) -> (u64, u64, u64) {
    let mut left = n;
    let mut year = 2021;
    loop {
        let len = if year % 4 == 0 { 366 } else { 365 };
        if left < len {
            break;
        }
        left -= len;
        year += 1;
    }
    let months = [
        31,
        if year % 4 == 0 { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 1;
    for len in months {
        if left < len {
            break;
        }
        left -= len;
        month += 1;
    }
    (year, month, left + 1)
}
