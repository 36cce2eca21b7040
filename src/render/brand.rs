//! `[brand]` → CSS custom properties and head tags, checked.
//!
//! Every value here lands in the `<html style>` attribute or a URL attribute, so a
//! value that could end a declaration or smuggle markup is refused with a warning
//! naming its key (and ignored: the build still succeeds with the theme's value).
//! Colours are parsed, not passed through, so their contrast can be checked against
//! the palette of the bundled themes (see [`LIGHT`] and [`DARK`]).

use serde::Serialize;

use crate::config::{BrandConfig, CONFIG_FILE};
use crate::diag::Diagnostic;
use crate::site::urls::SiteUrls;

/// An opaque sRGB colour, 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// The colours of one scheme of the bundled themes that text sits on or is drawn in.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    /// `--bg`.
    pub bg: Rgb,
    /// `--fg`.
    pub fg: Rgb,
    /// `--muted` (dates, footer).
    pub muted: Rgb,
    /// `--faint` (counts, turn timestamps, the copy-link button): the weakest text.
    pub faint: Rgb,
    /// `--surface` (cards, topic pills, code), a background text and links sit on.
    pub surface: Rgb,
    /// `--highlight` (the turn a `#t=` link leads to), another such background.
    pub highlight: Rgb,
}

/// The light scheme of `themes/default/static/style.css` (a test keeps them in step).
pub const LIGHT: Palette = Palette {
    bg: Rgb(0xfb, 0xfa, 0xf7),
    fg: Rgb(0x1d, 0x21, 0x26),
    muted: Rgb(0x56, 0x5c, 0x64),
    faint: Rgb(0x62, 0x68, 0x6f),
    surface: Rgb(0xf2, 0xef, 0xe9),
    highlight: Rgb(0xff, 0xf3, 0xc4),
};

/// The dark scheme of `themes/default/static/style.css`.
pub const DARK: Palette = Palette {
    bg: Rgb(0x15, 0x17, 0x1a),
    fg: Rgb(0xe7, 0xe5, 0xe0),
    muted: Rgb(0xa7, 0xad, 0xb5),
    faint: Rgb(0x9b, 0xa1, 0xa9),
    surface: Rgb(0x1d, 0x20, 0x24),
    highlight: Rgb(0x3a, 0x32, 0x20),
};

impl Palette {
    /// The backgrounds text may sit on in this scheme, with `bg` in place of `--bg`.
    fn backgrounds(&self, bg: Rgb) -> [(&'static str, Rgb); 3] {
        [
            ("background", bg),
            ("surface", self.surface),
            ("highlighted turn", self.highlight),
        ]
    }
}

/// The background of `backgrounds` on which `fg` has the lowest contrast, and that ratio.
fn worst(fg: Rgb, backgrounds: &[(&'static str, Rgb)]) -> (&'static str, Rgb, f64) {
    backgrounds
        .iter()
        .map(|&(name, bg)| (name, bg, contrast(fg, bg)))
        .fold(
            ("", fg, f64::INFINITY),
            |w, b| if b.2 < w.2 { b } else { w },
        )
}

/// WCAG 2 AA minimum for body-size text.
pub const AA_TEXT: f64 = 4.5;
/// WCAG 2 AA minimum for non-text UI (the accent's underlines and borders).
pub const AA_UI: f64 = 3.0;

/// The CSS named colours castbook accepts: a common subset, enough for a brand.
const NAMED: &[(&str, Rgb)] = &[
    ("black", Rgb(0, 0, 0)),
    ("white", Rgb(255, 255, 255)),
    ("red", Rgb(255, 0, 0)),
    ("green", Rgb(0, 128, 0)),
    ("blue", Rgb(0, 0, 255)),
    ("yellow", Rgb(255, 255, 0)),
    ("orange", Rgb(255, 165, 0)),
    ("purple", Rgb(128, 0, 128)),
    ("navy", Rgb(0, 0, 128)),
    ("teal", Rgb(0, 128, 128)),
    ("maroon", Rgb(128, 0, 0)),
    ("olive", Rgb(128, 128, 0)),
    ("gray", Rgb(128, 128, 128)),
    ("grey", Rgb(128, 128, 128)),
    ("silver", Rgb(192, 192, 192)),
    ("crimson", Rgb(220, 20, 60)),
    ("tomato", Rgb(255, 99, 71)),
    ("gold", Rgb(255, 215, 0)),
    ("darkred", Rgb(139, 0, 0)),
    ("darkgreen", Rgb(0, 100, 0)),
    ("darkblue", Rgb(0, 0, 139)),
    ("darkorange", Rgb(255, 140, 0)),
    ("rebeccapurple", Rgb(102, 51, 153)),
    ("indigo", Rgb(75, 0, 130)),
    ("seagreen", Rgb(46, 139, 87)),
    ("steelblue", Rgb(70, 130, 180)),
    ("firebrick", Rgb(178, 34, 34)),
    ("ivory", Rgb(255, 255, 240)),
    ("linen", Rgb(250, 240, 230)),
    ("whitesmoke", Rgb(245, 245, 245)),
];

/// Parses `#rgb`, `#rrggbb`, `rgb(r, g, b)` / `rgb(r g b)` (0–255 each) or a named
/// colour from [`NAMED`]; anything else (alpha, `hsl()`, `var()`) is `None`.
pub fn parse_color(text: &str) -> Option<Rgb> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(hex) = t.strip_prefix('#') {
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize| u8::from_str_radix(hex.get(i..=i)?, 16).ok();
        let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        return match hex.len() {
            3 => Some(Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
            6 => Some(Rgb(pair(0)?, pair(2)?, pair(4)?)),
            _ => None,
        };
    }
    if let Some(args) = t.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) {
        let parts: Vec<u8> = args
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<u8>().ok())
            .collect::<Option<_>>()?;
        return match parts[..] {
            [r, g, b] => Some(Rgb(r, g, b)),
            _ => None,
        };
    }
    NAMED.iter().find(|(n, _)| *n == t).map(|(_, c)| *c)
}

fn linear(channel: u8) -> f64 {
    let c = f64::from(channel) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn gamma(c: f64) -> u8 {
    let c = c.clamp(0.0, 1.0);
    let s = if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    // In 0..=255 after the clamp, so the cast cannot truncate.
    (s * 255.0).round() as u8
}

/// WCAG 2 relative luminance.
pub fn luminance(c: Rgb) -> f64 {
    0.2126 * linear(c.0) + 0.7152 * linear(c.1) + 0.0722 * linear(c.2)
}

/// WCAG 2 contrast ratio, 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

fn to_oklab(c: Rgb) -> [f64; 3] {
    let (r, g, b) = (linear(c.0), linear(c.1), linear(c.2));
    let l = (0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b).cbrt();
    let m = (0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b).cbrt();
    let s = (0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b).cbrt();
    [
        0.210_454_255_3 * l + 0.793_617_785 * m - 0.004_072_046_8 * s,
        1.977_998_495_1 * l - 2.428_592_205 * m + 0.450_593_709_9 * s,
        0.025_904_037_1 * l + 0.782_771_766_2 * m - 0.808_675_766 * s,
    ]
}

fn from_oklab([ll, a, b]: [f64; 3]) -> Rgb {
    let l = (ll + 0.396_337_777_4 * a + 0.215_803_757_3 * b).powi(3);
    let m = (ll - 0.105_561_345_8 * a - 0.063_854_172_8 * b).powi(3);
    let s = (ll - 0.089_484_177_5 * a - 1.291_485_548 * b).powi(3);
    Rgb(
        gamma(4.076_741_662_1 * l - 3.307_711_591_3 * m + 0.230_969_929_2 * s),
        gamma(-1.268_438_004_6 * l + 2.609_757_401_1 * m - 0.341_319_396_5 * s),
        gamma(-0.004_196_086_3 * l - 0.703_418_614_7 * m + 1.707_614_701 * s),
    )
}

/// CSS `color-mix(in oklab, a share, b)` for opaque colours (`share` of `a`, 0–1),
/// clamped to sRGB: how the themes derive link colours from the accent.
pub fn mix_oklab(a: Rgb, b: Rgb, share: f64) -> Rgb {
    let (x, y) = (to_oklab(a), to_oklab(b));
    from_oklab([
        x[0] * share + y[0] * (1.0 - share),
        x[1] * share + y[1] * (1.0 - share),
        x[2] * share + y[2] * (1.0 - share),
    ])
}

/// Link colour on the light scheme: `--link` in style.css.
pub fn light_link(accent: Rgb) -> Rgb {
    mix_oklab(accent, Rgb(0, 0, 0), 0.78)
}

/// Link colour on the dark scheme.
pub fn dark_link(accent: Rgb) -> Rgb {
    mix_oklab(accent, Rgb(255, 255, 255), 0.55)
}

/// `[brand]` as templates see it in `site.brand`.
#[derive(Debug, Serialize, Default, Hash)]
pub struct BrandView {
    /// Logo URL (site-relative paths are resolved against `site-url`).
    pub logo: Option<String>,
    /// Favicon URL.
    pub favicon: Option<String>,
    /// MIME type of the favicon, from its extension (`image/svg+xml`), when known.
    pub favicon_type: Option<&'static str>,
    /// Absolute (or root-relative) URL of the default `og:image`.
    pub social_image: Option<String>,
    /// The accent colour as `#rrggbb`.
    pub accent: Option<String>,
    /// Body font stack.
    pub font: Option<String>,
    /// Heading and interface font stack.
    pub heading_font: Option<String>,
    /// `--accent: …; --font-body: …` for the `<html style>` attribute.
    pub style: Option<String>,
}

/// Checks `[brand]` and builds its view; problems and weak contrast become warnings.
pub fn view(brand: &BrandConfig, urls: &SiteUrls, diags: &mut Vec<Diagnostic>) -> BrandView {
    let mut warn = |key: &str, msg: String| {
        diags.push(Diagnostic::warning(
            CONFIG_FILE,
            format!("`brand.{key}` {msg}"),
        ));
    };
    let mut color = |key: &str, value: &Option<String>| -> Option<Rgb> {
        let v = value.as_deref()?;
        let c = parse_color(v);
        if c.is_none() {
            warn(
                key,
                format!(
                    "= {v:?} is not a colour castbook understands (use #rgb, #rrggbb, \
                     rgb(r, g, b) or a basic colour name); it is ignored"
                ),
            );
        }
        c
    };
    let accent = color("accent", &brand.accent);
    let background = color("background", &brand.background);
    let text = color("text", &brand.text);
    let mut font = |key: &str, value: &Option<String>| -> Option<String> {
        let v = value.as_deref()?.trim();
        if font_ok(v) {
            Some(v.to_owned())
        } else {
            warn(
                key,
                format!(
                    "= {v:?} is not a plain CSS font list (no `;`, braces, `<`, `>`, \
                     backslashes or `url(`); it is ignored"
                ),
            );
            None
        }
    };
    let body_font = font("font", &brand.font);
    let heading_font = font("heading-font", &brand.heading_font);
    let mut url = |key: &str, value: &Option<String>, absolute: bool| -> Option<String> {
        let v = value.as_deref()?.trim();
        if v.starts_with("https://") || v.starts_with("http://") {
            if v.contains(['"', '<', '>', ' ']) {
                warn(key, format!("= {v:?} is not a usable URL and is ignored"));
                return None;
            }
            Some(v.to_owned())
        } else if crate::markdown::is_safe_url(v) && !v.is_empty() {
            // `static/` is copied to the output root, so `static/logo.svg` is `/logo.svg`.
            let rel = v.strip_prefix("static/").unwrap_or(v);
            Some(if absolute {
                urls.absolute_or_path(rel)
            } else {
                urls.path(rel)
            })
        } else {
            warn(key, format!("= {v:?} is not a usable URL and is ignored"));
            None
        }
    };
    let logo = url("logo", &brand.logo, false);
    let favicon = url("favicon", &brand.favicon, false);
    // Crawlers want an absolute og:image; root-relative is the best without site-url.
    let social_image = url("social-image", &brand.social_image, true);

    check_contrast(accent, background, text, diags);

    let mut style = Vec::new();
    if let Some(a) = accent {
        style.push(format!("--accent: {}", a.hex()));
    }
    if let Some(b) = background {
        style.push(format!("--brand-bg: {}", b.hex()));
    }
    if let Some(t) = text {
        style.push(format!("--brand-fg: {}", t.hex()));
    }
    if let Some(f) = &body_font {
        style.push(format!("--font-body: {f}"));
    }
    if let Some(f) = &heading_font {
        style.push(format!("--font-ui: {f}"));
    }
    BrandView {
        favicon_type: favicon.as_deref().and_then(icon_type),
        logo,
        favicon,
        social_image,
        accent: accent.map(Rgb::hex),
        font: body_font,
        heading_font,
        style: (!style.is_empty()).then(|| style.join("; ")),
    }
}

/// A font list is safe in a `style` attribute when it cannot end the declaration,
/// open a block or fetch anything.
fn font_ok(v: &str) -> bool {
    !v.is_empty()
        && !v.contains([';', '{', '}', '<', '>', '\\', '\n', '\r', '!'])
        && !v.to_ascii_lowercase().contains("url(")
        && v.matches('"').count().is_multiple_of(2)
        && v.matches('\'').count().is_multiple_of(2)
}

fn icon_type(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// Warns, naming the key, where a brand colour would leave text or the accent's
/// marks below WCAG AA on either colour scheme. `background` and `text` apply to
/// the light scheme only (the dark one keeps the theme's colours).
fn check_contrast(
    accent: Option<Rgb>,
    background: Option<Rgb>,
    text: Option<Rgb>,
    diags: &mut Vec<Diagnostic>,
) {
    let light_bg = background.unwrap_or(LIGHT.bg);
    let light_fg = text.unwrap_or(LIGHT.fg);
    let mut warn = |key: &str, what: String, ratio: f64, min: f64| {
        diags.push(Diagnostic::warning(
            CONFIG_FILE,
            format!(
                "`brand.{key}`: {what} has a contrast of {ratio:.2}:1, below WCAG AA's \
                 {min}:1; pick a darker or lighter colour"
            ),
        ));
    };
    if background.is_some() || text.is_some() {
        let key = if text.is_some() { "text" } else { "background" };
        let r = contrast(light_fg, light_bg);
        if r < AA_TEXT {
            warn(key, "body text on the background".into(), r, AA_TEXT);
        }
        if text.is_none() {
            // The faintest grey (counts, timestamps) is the first to fail.
            let r = contrast(LIGHT.faint, light_bg);
            if r < AA_TEXT {
                warn(key, "muted text (dates, counts) on it".into(), r, AA_TEXT);
            }
        }
    }
    if let Some(a) = accent {
        // Links sit on the page, on cards and pills, and in a highlighted turn: the
        // weakest of those is what a reader gets.
        let light = LIGHT.backgrounds(light_bg);
        let dark = DARK.backgrounds(DARK.bg);
        let checks = [
            (
                "links in the light scheme",
                light_link(a),
                &light[..],
                AA_TEXT,
            ),
            ("links in the dark scheme", dark_link(a), &dark[..], AA_TEXT),
            ("the accent on the light background", a, &light[..1], AA_UI),
            ("the accent on the dark background", a, &dark[..1], AA_UI),
        ];
        for (what, fg, backgrounds, min) in checks {
            let (name, bg, r) = worst(fg, backgrounds);
            if r < min {
                let on = if name == "background" {
                    String::new()
                } else {
                    format!(", on the {name}")
                };
                warn(
                    "accent",
                    format!("{what} ({} on {}{on})", fg.hex(), bg.hex()),
                    r,
                    min,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
