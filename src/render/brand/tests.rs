use super::*;

#[test]
fn parses_the_accepted_colour_forms() {
    assert_eq!(parse_color("#d9480f"), Some(Rgb(0xd9, 0x48, 0x0f)));
    assert_eq!(parse_color(" #FFF "), Some(Rgb(255, 255, 255)));
    assert_eq!(parse_color("#0a0"), Some(Rgb(0, 0xaa, 0)));
    assert_eq!(parse_color("rgb(10, 20, 30)"), Some(Rgb(10, 20, 30)));
    assert_eq!(parse_color("rgb(10 20 30)"), Some(Rgb(10, 20, 30)));
    assert_eq!(parse_color("RebeccaPurple"), Some(Rgb(102, 51, 153)));
    for bad in [
        "#12",
        "#12345",
        "#ggg",
        "rgb(1,2)",
        "rgb(1,2,300)",
        "hsl(0 0% 0%)",
        "red; background: url(x)",
        "var(--x)",
        "",
        "#fff}",
        "rgb(1,2,3",
    ] {
        assert_eq!(parse_color(bad), None, "{bad}");
    }
}

#[test]
fn contrast_matches_known_ratios() {
    let white = Rgb(255, 255, 255);
    let black = Rgb(0, 0, 0);
    assert!((contrast(white, black) - 21.0).abs() < 1e-9);
    assert!((contrast(white, white) - 1.0).abs() < 1e-9);
    // #767676 on white is the classic 4.54:1.
    let r = contrast(Rgb(0x76, 0x76, 0x76), white);
    assert!((r - 4.54).abs() < 0.01, "{r}");
    // The theme's own palette passes AA.
    assert!(contrast(LIGHT.fg, LIGHT.bg) > 7.0);
    assert!(contrast(LIGHT.muted, LIGHT.bg) >= AA_TEXT);
    assert!(contrast(DARK.muted, DARK.bg) >= AA_TEXT);
}

#[test]
fn oklab_mix_round_trips_and_darkens() {
    let c = Rgb(0xd9, 0x48, 0x0f);
    assert_eq!(mix_oklab(c, Rgb(0, 0, 0), 1.0), c);
    assert_eq!(mix_oklab(c, Rgb(0, 0, 0), 0.0), Rgb(0, 0, 0));
    assert!(luminance(light_link(c)) < luminance(c));
    assert!(luminance(dark_link(c)) > luminance(c));
}

#[test]
fn palette_constants_match_the_stylesheet() {
    let css = include_str!("../../../themes/default/static/style.css");
    for (name, p) in [("light", LIGHT), ("dark", DARK)] {
        for (var, c) in [
            ("--bg", p.bg),
            ("--fg", p.fg),
            ("--muted", p.muted),
            ("--faint", p.faint),
            ("--surface", p.surface),
            ("--highlight", p.highlight),
        ] {
            let decl = format!("{var}: {};", c.hex());
            let decl_var = format!("{}, {});", var.replace("--", "--brand-"), c.hex());
            assert!(
                css.contains(&decl) || css.contains(&decl_var),
                "{name} {var} {} not in style.css",
                c.hex()
            );
        }
    }
}

#[test]
fn the_palette_meets_aa_wherever_text_sits() {
    // What axe-core checks in the browser tests, for every pair a page can show:
    // each text colour, and the default accent's links, on each background.
    let accent = Rgb(0xb5, 0x44, 0x1c);
    for (name, p, link) in [
        ("light", LIGHT, light_link(accent)),
        ("dark", DARK, dark_link(accent)),
    ] {
        for (what, fg) in [
            ("fg", p.fg),
            ("muted", p.muted),
            ("faint", p.faint),
            ("link", link),
        ] {
            let (bg_name, bg, r) = worst(fg, &p.backgrounds(p.bg));
            assert!(
                r >= AA_TEXT,
                "{name} {what} {} on {bg_name} {}: {r:.2}:1",
                fg.hex(),
                bg.hex()
            );
        }
    }
}

#[test]
fn links_are_checked_on_every_background_they_sit_on() {
    // #ff66cc gives light links of 4.65:1 on the page but 4.23:1 on cards.
    let w = warnings(BrandConfig {
        accent: Some("#ff66cc".into()),
        ..BrandConfig::default()
    });
    let link = "warning: book.toml: `brand.accent`: links in the light scheme (#b74792 on \
                #f2efe9, on the surface) has a contrast of 4.23:1, below WCAG AA's 4.5:1; \
                pick a darker or lighter colour";
    assert!(w.iter().any(|l| l == link), "{w:#?}");
}

fn warnings(brand: BrandConfig) -> Vec<String> {
    let urls = SiteUrls::new("https://pod.example.com/", None);
    let mut d = Vec::new();
    view(&brand, &urls, &mut d);
    d.iter().map(|d| d.headline()).collect()
}

#[test]
fn good_brand_passes_quietly_and_reaches_the_style() {
    let brand = BrandConfig {
        accent: Some("#d9480f".into()),
        background: Some("#fffdf8".into()),
        font: Some("\"Inter\", system-ui, sans-serif".into()),
        heading_font: Some("Georgia, serif".into()),
        logo: Some("static/logo.svg".into()),
        favicon: Some("static/icon.svg".into()),
        social_image: Some("static/card.png".into()),
        ..BrandConfig::default()
    };
    assert!(warnings(brand.clone()).is_empty());
    let urls = SiteUrls::new("https://pod.example.com/a/", None);
    let v = view(&brand, &urls, &mut Vec::new());
    assert_eq!(
        v.style.as_deref(),
        Some(
            "--accent: #d9480f; --brand-bg: #fffdf8; --font-body: \"Inter\", system-ui, \
             sans-serif; --font-ui: Georgia, serif"
        )
    );
    assert_eq!(v.logo.as_deref(), Some("/a/logo.svg"));
    assert_eq!(v.favicon_type, Some("image/svg+xml"));
    assert_eq!(
        v.social_image.as_deref(),
        Some("https://pod.example.com/a/card.png")
    );
}

#[test]
fn low_contrast_and_unsafe_values_warn_naming_the_key() {
    let w = warnings(BrandConfig {
        accent: Some("#ffff66".into()),
        ..BrandConfig::default()
    });
    assert!(
        !w.is_empty() && w.iter().all(|w| w.contains("`brand.accent`")),
        "{w:?}"
    );
    assert!(w.iter().any(|w| w.contains("light scheme")), "{w:?}");

    let w = warnings(BrandConfig {
        background: Some("#333".into()),
        ..BrandConfig::default()
    });
    assert!(w.iter().any(|w| w.contains("`brand.background`")), "{w:?}");

    let w = warnings(BrandConfig {
        accent: Some("red; background: url(x)".into()),
        font: Some("x}body{color:red".into()),
        heading_font: Some("\"Inter".into()),
        logo: Some("javascript:alert(1)".into()),
        favicon: Some("https://x/\"><script>".into()),
        ..BrandConfig::default()
    });
    for key in ["accent", "font", "heading-font", "logo", "favicon"] {
        assert!(
            w.iter().any(|w| w.contains(&format!("`brand.{key}`"))),
            "{key}: {w:?}"
        );
    }
}
