//! The bottom layer: source text and positions, paths, hashing, atomic file writes, "did you
//! mean" suggestions and pinyin. Nothing here knows about Jekyll, rules or output.

pub mod chunked;
pub mod fs;
pub mod hash;
pub mod paths;
pub mod pinyin;
pub mod suggest;
pub mod text;
