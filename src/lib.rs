pub mod diagnostic;
pub mod loader;
pub mod source;
pub mod yaml;
