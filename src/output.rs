//! Output: stage the site beside DEST, then swap it in whole.
