//! `castbook serve` against hostile clients (issue #8); filled in by the next commit.
