//! The document and site model: a file read the way Jekyll reads it — its front matter (YAML),
//! its date, its body (Markdown with HTML), the facts the rules read from it — and the site
//! around it (`_config.yml`, pages, static files, posts, URLs).

pub mod article;
pub mod body;
pub mod date;
pub mod document;
pub mod kramdown_body;
pub mod markup;
pub mod site;
pub mod yaml;
