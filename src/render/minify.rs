//! HTML minification with minify-html, behind the `minify` cargo feature.
//!
//! Settings follow Zola's: CSS minified, JS left alone (minify-html's JS minifier
//! is known to break scripts), closing tags and `<html>`/`<head>` kept so the output
//! stays valid and readable by simple tools.

/// Whether this build can minify at all.
#[cfg(feature = "minify")]
pub(super) const AVAILABLE: bool = true;
/// Whether this build can minify at all.
#[cfg(not(feature = "minify"))]
pub(super) const AVAILABLE: bool = false;

#[cfg(feature = "minify")]
static CFG: std::sync::LazyLock<minify_html::Cfg> = std::sync::LazyLock::new(|| {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = false;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    cfg
});

/// Minifies one HTML document.
#[cfg(feature = "minify")]
pub(super) fn html(src: &[u8]) -> Vec<u8> {
    minify_html::minify(src, &CFG)
}

/// Without the feature, documents pass through unchanged.
#[cfg(not(feature = "minify"))]
pub(super) fn html(src: &[u8]) -> Vec<u8> {
    src.to_vec()
}
