//! Unit tests of the view helpers: dates, durations, initials, letter groups.

use super::*;

#[test]
fn dates_and_durations() {
    let d = jiff::civil::date(2025, 8, 5);
    assert_eq!(date_display(d), "5 August 2025");
    assert_eq!(date_rfc2822(d), "Tue, 05 Aug 2025 00:00:00 +0000");
    assert_eq!(duration_display(91), "1 h 31 min");
    assert_eq!(duration_display(45), "45 min");
    assert_eq!(duration_display(120), "2 h");
    assert_eq!(duration_iso(91), "PT1H31M");
    assert_eq!(duration_iso(5), "PT5M");
}

#[test]
fn dates_in_another_language() {
    let strings = BTreeMap::from([
        ("date_format".to_owned(), "{day}. {month} {year}".to_owned()),
        (
            "months".to_owned(),
            "Januar Februar März April Mai Juni Juli August September Oktober \
             November Dezember"
                .to_owned(),
        ),
    ]);
    let d = jiff::civil::date(2025, 3, 5);
    assert_eq!(DateStyle::from_strings(&strings).display(d), "5. März 2025");
    assert_eq!(DateStyle::default().display(d), "5 March 2025");
    let mut short = strings.clone();
    short.insert("months".into(), "Jan Feb".into());
    assert_eq!(DateStyle::from_strings(&short).display(d), "5 March 2025");
}

#[test]
fn initials_of_names() {
    assert_eq!(initials("Grace Brewster Hopper"), "GH");
    assert_eq!(initials("émile"), "É");
    assert_eq!(initials("  "), "");
    assert_eq!(initials("(Ann) O'Neil"), "AO");
}

#[test]
fn letter_groups() {
    let names = [
        "apple",
        "Avocado",
        "42 things",
        "émile",
        "Eve",
        "banana",
        " zed",
        "Łukasz",
        "Lena",
        "Mia",
    ];
    let g = by_letter(
        names.into_iter().map(|s| (s.to_owned(), s)),
        &Collation::for_language("en"),
    );
    let letters: Vec<_> = g.iter().map(|g| g.letter.as_str()).collect();
    assert_eq!(letters, ["A", "B", "E", "L", "M", "Z", "#"]);
    assert_eq!(g[0].items, ["apple", "Avocado"]);
    assert_eq!(g[2].items, ["émile", "Eve"]);
    assert_eq!(g[3].items, ["Łukasz", "Lena"]);
    assert_eq!(g[6].id, "letter-other");
    let pl = by_letter(
        ["Łukasz", "Zed", "Lena"]
            .into_iter()
            .map(|s| (s.to_owned(), s)),
        &Collation::for_language("pl"),
    );
    let letters: Vec<_> = pl.iter().map(|g| g.letter.as_str()).collect();
    assert_eq!(letters, ["L", "Ł", "Z"]);
    assert_eq!(pl[1].id, "letter-u141");
    let sv = by_letter(
        ["Ölund", "Oscar"].into_iter().map(|s| (s.to_owned(), s)),
        &Collation::for_language("sv"),
    );
    let letters: Vec<_> = sv.iter().map(|g| g.letter.as_str()).collect();
    assert_eq!(letters, ["O", "Ö"]);
}
