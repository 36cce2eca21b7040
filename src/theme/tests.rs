use super::*;

fn render(theme: &Theme, name: &str, ctx: &tera::Context) -> anyhow::Result<String> {
    let mut tera = theme.tera.clone();
    tera.global_context().insert(BASE_PATH_VAR, "/archive/");
    tera.global_context()
        .insert(ORIGIN_VAR, &Some("https://example.com"));
    tera.global_context()
        .insert("ui", &theme.strings("en", &BTreeMap::new()).0);
    tera.render(name, ctx).map_err(|e| theme.describe_error(&e))
}

#[test]
fn embedded_lists_match_the_theme_folders() {
    for (name, files) in BUNDLED {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes")
            .join(name);
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&dir).unwrap();
                rel.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = files.iter().map(|(p, _)| (*p).to_owned()).collect();
        embedded.sort();
        assert_eq!(
            embedded, on_disk,
            "update the embedded list of themes/{name}/ in src/theme.rs"
        );
        for (path, bytes) in *files {
            assert_eq!(
                std::fs::read(dir.join(path)).unwrap(),
                *bytes,
                "{name}/{path} is stale"
            );
        }
    }
    // Every theme folder in the repository is bundled.
    let folders = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes"))
        .unwrap()
        .count();
    assert_eq!(folders, BUNDLED.len());
}

#[test]
fn magazine_theme_layers_over_the_default() {
    let theme = bundled_theme("magazine").unwrap().unwrap();
    assert!(theme.has_template("episode.html") && theme.has_template("default/index.html"));
    assert!(theme.assets.iter().any(|a| a.path == "magazine.css"));
    assert!(theme.assets.iter().any(|a| a.path == "style.css"));
    assert!(bundled_theme("nope").is_none());
    let root = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.output.html.theme = "nope".into();
    let err = load(root.path(), &config).unwrap_err().to_string();
    assert!(err.contains("default, magazine"), "{err}");
    config.output.html.theme = "magazine".into();
    assert!(
        load(root.path(), &config)
            .unwrap()
            .has_template("index.html")
    );
}

#[test]
fn default_theme_loads_with_every_page_template() {
    let theme = default_theme().unwrap();
    for name in [
        "base.html",
        "index.html",
        "episodes.html",
        "episode.html",
        "people.html",
        "person.html",
        "topics.html",
        "topic.html",
        "podcast.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "default/base.html",
    ] {
        assert!(theme.has_template(name), "{name}");
    }
    let paths: Vec<&str> = theme.assets.iter().map(|a| a.path.as_str()).collect();
    assert!(
        paths.contains(&"castbook.js") && paths.contains(&"style.css"),
        "{paths:?}"
    );
    assert!(paths.is_sorted());
}

#[test]
fn an_override_replaces_a_template_and_keeps_the_rest() {
    let theme = with_overrides(&[
        ("templates/404.html", "custom 404 {{ url(path=\"x/\") }}"),
        ("static/extra.css", "body{}"),
        ("static/style.css", "/* mine */"),
    ])
    .unwrap();
    let out = render(&theme, "404.html", &tera::Context::new()).unwrap();
    assert_eq!(out, "custom 404 /archive/x/");
    assert!(theme.has_template("episode.html"));
    let style = theme.assets.iter().find(|a| a.path == "style.css").unwrap();
    assert_eq!(&*style.bytes, b"/* mine */");
    assert!(theme.assets.iter().any(|a| a.path == "extra.css"));
}

/// The `site` and `page` values base.html reads.
fn page_context() -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert(
        "site",
        &serde_json::json!({
            "title": "T", "language": "en", "color_scheme": "auto", "authors": [],
            "brand": {"style": null, "logo": null, "favicon": null, "social_image": null},
            "extra_css": [], "extra_js": [], "generator": "castbook",
            "live_reload": null,
            "urls": {"home": "/", "episodes": "/episodes/", "guests": "/guests/",
                     "hosts": "/hosts/", "topics": "/topics/", "search": "/search/",
                     "feed": "/feed.xml"},
        }),
    );
    ctx.insert(
        "page",
        &serde_json::json!({"kind": "404", "section": "", "title": "x", "url": "/404.html",
                            "canonical": null, "description": null, "og_type": "website",
                            "audio": null, "json_ld": null}),
    );
    ctx
}

#[test]
fn an_override_of_base_can_extend_the_default_base() {
    let base = "{% extends \"default/base.html\" %}{% block head %}<meta name=\"x-custom\" content=\"1\">{% endblock head %}";
    let theme = with_overrides(&[
        ("templates/base.html", base),
        (
            "templates/probe.html",
            "{% extends \"base.html\" %}{% block main %}MAIN{% endblock main %}",
        ),
    ])
    .unwrap();
    let ctx = page_context();
    let out = render(&theme, "probe.html", &ctx).unwrap();
    assert!(
        out.contains("<meta name=\"x-custom\" content=\"1\">"),
        "{out}"
    );
    assert!(
        out.contains("MAIN") && out.contains("<!DOCTYPE html>"),
        "{out}"
    );
    let out = render(&theme, "404.html", &ctx).unwrap();
    assert!(
        out.contains("x-custom"),
        "default pages use the overridden base: {out}"
    );
    assert!(out.contains("Page not found"), "{out}");
}

#[test]
fn a_component_in_an_override_wins_over_the_default_one() {
    let theme = with_overrides(&[
        (
            "templates/partials/c.html",
            "{% component badge(text) %}[{{ text }}]{% endcomponent badge %}",
        ),
        (
            "templates/uses.html",
            "{% include \"partials/c.html\" %}{{<badge text=\"hi\"/>}}",
        ),
    ])
    .unwrap();
    let out = render(&theme, "uses.html", &tera::Context::new()).unwrap();
    assert_eq!(out, "[hi]");
}

#[test]
fn syntax_errors_name_the_file_and_line() {
    let err = with_overrides(&[("templates/topic.html", "line one\n{% if %}\n")])
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("themes/custom/templates/topic.html:2:"),
        "{err}"
    );
}

#[test]
fn unknown_functions_fail_at_load() {
    let err = with_overrides(&[("templates/topic.html", "{{ nope() }}")])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("nope") && err.contains("themes/custom/templates/topic.html"),
        "{err}"
    );
}

#[test]
fn missing_parents_name_the_child() {
    let err = with_overrides(&[("templates/x.html", "{% extends \"gone.html\" %}")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("themes/custom/templates/x.html"), "{err}");
    assert!(err.contains("gone.html"), "{err}");
}

#[test]
fn render_errors_name_the_file_and_line() {
    let theme = with_overrides(&[("templates/x.html", "ok\n\n  {{ missing.field }}")]).unwrap();
    let err = render(&theme, "x.html", &tera::Context::new())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("themes/custom/templates/x.html:3:"),
        "{err}"
    );
}

#[test]
fn url_and_asset_functions() {
    let theme = with_overrides(&[(
        "templates/u.html",
        "{{ url(path=\"/episodes/\") }}|{{ url(path=\"feed.xml\", absolute=true) }}|{{ asset(path=\"style.css\") }}",
    )])
    .unwrap();
    let out = render(&theme, "u.html", &tera::Context::new()).unwrap();
    let parts: Vec<&str> = out.split('|').collect();
    assert_eq!(parts[0], "/archive/episodes/");
    assert_eq!(parts[1], "https://example.com/archive/feed.xml");
    assert!(parts[2].starts_with("/archive/style.css?v="), "{out}");
    let bad = with_overrides(&[("templates/u.html", "{{ asset(path=\"nope.css\") }}")]).unwrap();
    assert!(render(&bad, "u.html", &tera::Context::new()).is_err());
}

#[test]
fn load_reads_the_site_theme_folder() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("themes/brand/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("404.html"), "brand 404").unwrap();
    std::fs::write(root.path().join("themes/brand/notes.txt"), "ignored").unwrap();
    let mut config = Config::default();
    config.output.html.theme = "brand".into();
    let theme = load(root.path(), &config).unwrap();
    assert_eq!(
        render(&theme, "404.html", &tera::Context::new()).unwrap(),
        "brand 404"
    );

    config.output.html.theme = "absent".into();
    let err = load(root.path(), &config).unwrap_err().to_string();
    assert!(err.contains("themes/absent/"), "{err}");
    config.output.html.theme = "../etc".into();
    assert!(load(root.path(), &config).is_err());
    config.output.html.theme = "default".into();
    assert!(load(root.path(), &config).is_ok());
}

#[test]
fn copy_out_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("themes/default");
    let written = copy_default_theme(&dest).unwrap();
    assert_eq!(written.len(), DEFAULT_THEME.len());
    std::fs::write(dest.join("static/style.css"), "mine").unwrap();
    std::fs::remove_file(dest.join("templates/404.html")).unwrap();
    let again = copy_default_theme(&dest).unwrap();
    assert_eq!(again, vec![dest.join("templates/404.html")]);
    assert_eq!(
        std::fs::read_to_string(dest.join("static/style.css")).unwrap(),
        "mine"
    );
    // A copied-out theme loads as the site's overlay.
    let config = Config::default();
    assert!(load(dir.path(), &config).is_ok());
}

#[test]
fn turn_views_follow_whole_word_mentions() {
    assert!(mentions_word("{% for t in c.turns %}", "turns"));
    assert!(mentions_word("turns", "turns"));
    assert!(!mentions_word("{# returns the list #} turnstile", "turns"));
    let theme = with_overrides(&[("templates/x.html", "{# it returns #}")]).unwrap();
    assert!(!theme.wants_turn_views());
}

#[test]
fn every_ui_string_a_template_reads_is_in_every_language() {
    let theme = bundled_theme("magazine").unwrap().unwrap();
    let en: Vec<String> = theme
        .strings("en", &BTreeMap::new())
        .0
        .into_keys()
        .collect();
    for lang in theme.languages() {
        let keys: Vec<String> = theme.i18n[lang].keys().cloned().collect();
        assert_eq!(keys, en, "[{lang}] of i18n.toml has other keys than [en]");
    }
    assert!(theme.languages().len() >= 3, "{:?}", theme.languages());
    for (_, files) in BUNDLED {
        for (path, bytes) in *files {
            let text = String::from_utf8_lossy(bytes);
            for (i, _) in text.match_indices("ui.") {
                let key: String = text[i + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if path.starts_with("templates/") && text[..i].ends_with(['{', ' ', '[', '(']) {
                    assert!(en.contains(&key), "{path}: ui.{key} is not in [en]");
                }
            }
        }
    }
}

#[test]
fn strings_fall_back_to_english_and_take_overrides() {
    let theme = default_theme().unwrap();
    let (s, unknown) = theme.strings("de-AT", &BTreeMap::new());
    assert_eq!(s["episodes"], "Folgen");
    assert!(unknown.is_empty());
    let (s, _) = theme.strings("pt", &BTreeMap::new());
    assert_eq!(s["episodes"], "Episodes");
    let overrides = BTreeMap::from([
        ("episodes".to_owned(), "Shows".to_owned()),
        ("nonsense".to_owned(), "x".to_owned()),
    ]);
    let (s, unknown) = theme.strings("fr", &overrides);
    assert_eq!(s["episodes"], "Shows");
    assert_eq!(s["guests"], "Invités");
    assert_eq!(unknown.len(), 1);
    assert!(unknown[0].contains("`output.html.strings.nonsense`"));
}

#[test]
fn a_broken_i18n_file_names_itself() {
    let err = with_overrides(&[("i18n.toml", "[en]\nepisodes = 3\n")])
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("themes/custom/i18n.toml:"), "{err}");
}
