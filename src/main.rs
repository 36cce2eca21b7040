//! castbook binary (being wired).
fn main() {}
