//! Parts of views too costly to make for every page on every build (rendered
//! transcripts, Markdown, JSON-LD): a [`Lazy`] holds the *input* of such a part and
//! makes the part only when its page is rendered. It hashes as its input, so a page's
//! fingerprint is known without making it. An input hashes everything its `make`
//! reads; where that is the bulk of an episode's turns, it hashes the episode's
//! [`crate::model::SourceKey`] (which identifies those turns) instead.

use std::hash::{Hash, Hasher};

use serde::{Serialize, Serializer};
use tera::Value;

use crate::markdown;
use crate::model::SourceKey;

/// A part of a view made from `input` only when serialized for a template.
pub(crate) struct Lazy<I> {
    input: I,
    make: fn(&I) -> String,
    /// HTML, inserted unescaped; else text, escaped like any string.
    html: bool,
}

impl<I> Lazy<I> {
    /// HTML made by `make` from `input`.
    pub(crate) fn html(input: I, make: fn(&I) -> String) -> Lazy<I> {
        Lazy {
            input,
            make,
            html: true,
        }
    }

    /// Text made by `make` from `input`.
    pub(crate) fn text(input: I, make: fn(&I) -> String) -> Lazy<I> {
        Lazy {
            input,
            make,
            html: false,
        }
    }
}

impl<I: Hash> Hash for Lazy<I> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.html.hash(state);
        self.input.hash(state);
    }
}

impl<I> Serialize for Lazy<I> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let made = (self.make)(&self.input);
        if self.html {
            Value::safe_string(&made).serialize(s)
        } else {
            s.serialize_str(&made)
        }
    }
}

/// Markdown source rendered to HTML; `id` prefixes its footnote ids.
#[derive(Hash)]
pub(crate) struct Markdown<'a> {
    pub(crate) source: &'a str,
    pub(crate) id: &'a str,
}

impl Markdown<'_> {
    /// The HTML of `source`, made when rendered.
    pub(crate) fn lazy(self) -> Lazy<Self> {
        Lazy::html(self, |m| markdown::to_html(m.source, m.id))
    }
}

/// The first `words` words of Markdown source, as plain text.
#[derive(Hash)]
pub(crate) struct Excerpt<'a> {
    pub(crate) source: &'a str,
    pub(crate) words: usize,
}

impl Excerpt<'_> {
    /// The excerpt, made when rendered.
    pub(crate) fn lazy(self) -> Lazy<Self> {
        Lazy::text(self, |e| markdown::excerpt(e.source, e.words))
    }
}

/// Content read from an episode's own inputs, at a position within them: hashes as
/// (the episode's source key, the position) when the key is known, which identifies
/// the content without reading it, else as the content itself.
pub(crate) struct Sourced<T> {
    /// The episode's source key.
    pub(crate) key: SourceKey,
    /// Where in the episode (chapter, turn): what `content` is, given the key.
    pub(crate) at: (usize, usize),
    /// The content (often references into the episode), determined by the inputs alone.
    pub(crate) content: T,
}

impl<T: Hash> Hash for Sourced<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        if self.key.is_unknown() {
            self.content.hash(state);
        } else {
            (self.key, self.at).hash(state);
        }
    }
}

/// A part of a view (any serializable shape) made from `input` only when the page
/// renders; it hashes as `input`, so `make` must read nothing else.
pub(crate) struct Deferred<I, V> {
    input: I,
    make: fn(&I) -> V,
}

impl<I, V> Deferred<I, V> {
    /// `make(&input)`, made when serialized.
    pub(crate) fn new(input: I, make: fn(&I) -> V) -> Self {
        Deferred { input, make }
    }
}

impl<I: Hash, V> Hash for Deferred<I, V> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.input.hash(state);
    }
}

impl<I, V: Serialize> Serialize for Deferred<I, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.make)(&self.input).serialize(s)
    }
}
