// castbook default theme: small progressive enhancements. Every page works without it.
(function () {
  "use strict";

  // On a phone the chapter list would push the transcript a screen down: start it
  // closed there (it stays open without JavaScript, and on wide screens).
  var toc = document.querySelector(".toc details");
  if (toc && window.matchMedia && window.matchMedia("(max-width: 63.99rem)").matches) {
    toc.open = false;
  }

  // Light/dark toggle: hidden without JavaScript (the page then follows
  // default-theme and the system). The choice is stored, and an inline script in
  // <head> applies it before the first paint.
  var toggle = document.querySelector(".scheme-toggle");
  if (toggle) {
    var root = document.documentElement;
    var systemDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");
    var isDark = function () {
      var t = root.getAttribute("data-theme");
      return t === "dark" || (t === "auto" && !!systemDark && systemDark.matches);
    };
    var sync = function () { toggle.setAttribute("aria-pressed", isDark() ? "true" : "false"); };
    // Again here, for sites whose Content-Security-Policy blocks the inline script.
    try {
      var stored = localStorage.getItem("castbook-scheme");
      if (stored === "light" || stored === "dark") root.setAttribute("data-theme", stored);
    } catch (e) { /* storage off */ }
    toggle.hidden = false;
    sync();
    toggle.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("castbook-scheme", next); } catch (e) { /* private mode */ }
      sync();
    });
    if (systemDark && systemDark.addEventListener) systemDark.addEventListener("change", sync);
  }

  var transcript = document.querySelector(".transcript");
  if (!transcript) return;
  var player = document.querySelector("audio.player");
  var turns = Array.prototype.slice.call(transcript.querySelectorAll(".turn"));

  /** Start second of a turn from its id: `t-00-41-12` (`t-00-41-12-2` for a second turn that second). */
  function idSeconds(id) {
    var m = /^t-(\d+)-(\d\d)-(\d\d)(?:-\d+)*$/.exec(id || "");
    return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : NaN;
  }

  /**
   * Start second of a turn: from its id, or from a `.ts[data-t]` inside it (a theme
   * writing its own turn markup may give its turns other ids).
   */
  function turnSeconds(turn) {
    var t = idSeconds(turn.id);
    if (isFinite(t)) return t;
    var ts = turn.querySelector(".ts[data-t]");
    return ts ? Number(ts.getAttribute("data-t")) : NaN;
  }

  /** Seconds a timestamp link points at: its `data-t` (chapters), or the turn its `#t-…` names. */
  function linkSeconds(link) {
    if (link.hasAttribute("data-t")) return Number(link.getAttribute("data-t"));
    var href = link.getAttribute("href") || "";
    return href.charAt(0) === "#" ? idSeconds(href.slice(1)) : NaN;
  }

  // Start second of each turn, in page order (never decreasing, for the search below).
  var starts = [];
  turns.forEach(function (turn, i) {
    var t = turnSeconds(turn);
    var prev = i > 0 ? starts[i - 1] : 0;
    starts.push(isFinite(t) ? Math.max(t, prev) : prev);
  });

  /** Seconds of a Media Fragments / Podlove time: `2472`, `41:12`, `00:41:12.5`, `npt:…`, `start,end`. */
  function parseTime(text) {
    var s = text;
    try {
      s = decodeURIComponent(text);
    } catch (e) {
      return NaN;
    }
    s = s.replace(/^npt:/, "").split(",")[0].trim();
    if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(s)) return NaN;
    return s.split(":").reduce(function (acc, part) {
      return acc * 60 + Number(part);
    }, 0);
  }

  /** The `t=` of a fragment (`#t=00:41:12`, `#t=2472`, `#a=b&t=…`), or NaN. */
  function hashTime(hash) {
    var m = /^#(?:[^&]*&)*t=([^&]*)/.exec(hash || "");
    return m ? parseTime(m[1]) : NaN;
  }

  /** Index of the turn being said at `seconds`: the last one starting at or before it. */
  function turnIndexAt(seconds) {
    var lo = 0;
    var hi = starts.length - 1;
    if (hi < 0) return -1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= seconds) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  var current = null;
  function highlight(turn, scroll) {
    if (current === turn) return;
    if (current) current.classList.remove("is-current");
    current = turn;
    if (!turn) return;
    turn.classList.add("is-current");
    if (scroll) turn.scrollIntoView({ block: "start" });
  }

  // Seeking before the audio's metadata is there: remember the time, fetch the
  // metadata (the player says preload="none" so pages stay light), apply it then.
  var pending = null;
  var requested = false;
  if (player) {
    player.addEventListener("loadedmetadata", function () {
      if (pending !== null) {
        player.currentTime = pending;
        pending = null;
      }
    });
    // Follow along: the turn being played is highlighted (not scrolled to, so
    // reading elsewhere while listening is not interrupted).
    player.addEventListener("timeupdate", function () {
      if (player.paused) return;
      var i = turnIndexAt(player.currentTime);
      if (i >= 0) highlight(turns[i], false);
    });
  }

  // Once playing, the player stays at hand: when its place in the header scrolls out
  // of view it docks to the bottom of the window, and goes back when its place shows
  // again. The slot keeps the player's height so nothing above the reader moves.
  if (player && "IntersectionObserver" in window) {
    var slot = document.createElement("div");
    slot.className = "player-slot";
    player.parentNode.insertBefore(slot, player);
    slot.appendChild(player);
    var slotVisible = true;
    var dock = function (on) {
      if (on === player.classList.contains("docked")) return;
      slot.style.minHeight = on ? slot.offsetHeight + "px" : "";
      player.classList.toggle("docked", on);
      document.body.classList.toggle("player-docked", on);
    };
    new IntersectionObserver(function (entries) {
      slotVisible = entries[entries.length - 1].isIntersecting;
      if (slotVisible) dock(false);
      else if (!player.paused) dock(true);
    }).observe(slot);
    player.addEventListener("play", function () {
      if (!slotVisible) dock(true);
    });
  }

  /** Moves the player to `seconds`; plays when `play` (only ever after a click). */
  function seek(seconds, play) {
    if (player.readyState >= 1) {
      // A hash change right after a timestamp click asks for where the player already
      // is: do not jump back the fraction of a second it has played since.
      if (play || Math.abs(player.currentTime - seconds) >= 1) player.currentTime = seconds;
    } else {
      pending = seconds;
      if (!play && !requested) {
        requested = true;
        player.preload = "metadata";
        player.load();
      }
    }
    if (play) {
      requested = true;
      var playing = player.play();
      if (playing && playing.catch) playing.catch(function () {});
    }
  }

  // A click on any timestamp (a turn's, a chapter's, the chapter list's) seeks the
  // player there and plays; the link still goes to its anchor, which scrolls there.
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[data-t], .turn a.ts") : null;
    if (!link) return;
    var seconds = linkSeconds(link);
    if (!isFinite(seconds)) return;
    var i = turnIndexAt(seconds);
    if (i >= 0) highlight(turns[i], false);
    if (player) seek(seconds, true);
  });

  // A deep link: `#t=00:41:12` or `#t=2472` (the Podlove form) scrolls to the turn
  // said then and cues the player there; a turn's or chapter's own anchor cues the
  // player at its start. Nothing plays by itself: browsers forbid it, and rightly.
  function followHash() {
    var seconds = hashTime(location.hash);
    var byTime = isFinite(seconds);
    if (!byTime) {
      var id = location.hash.slice(1);
      var target = null;
      try {
        target = id ? document.getElementById(decodeURIComponent(id)) : null;
      } catch (e) {
        target = null;
      }
      if (!target || !target.matches) return;
      if (target.matches(".turn")) {
        seconds = turnSeconds(target);
      } else if (target.matches(".chapter")) {
        var stamp = target.querySelector(".ts[data-t]");
        seconds = stamp ? Number(stamp.getAttribute("data-t")) : NaN;
      }
      if (!isFinite(seconds)) return;
    }
    var i = turnIndexAt(seconds);
    if (i >= 0) highlight(turns[i], byTime);
    if (player) seek(seconds, false);
  }
  window.addEventListener("hashchange", followHash);
  followHash();

  // "Copy link to this moment": one button per turn. The link is the turn's anchor,
  // which works without JavaScript too, and cues the player when there is one.
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }

  function copied(button, ok, url) {
    if (!ok) {
      // Neither clipboard works (an old browser, a denied permission): show the
      // link so it can be copied by hand.
      window.prompt("Copy this link:", url);
      return;
    }
    button.classList.add("copied");
    button.textContent = "Copied";
    status.textContent = "Link copied";
    setTimeout(function () {
      button.classList.remove("copied");
      button.textContent = "Copy link";
    }, 2000);
  }

  turns.forEach(function (turn) {
    var who = turn.querySelector(".who");
    var ts = who && who.querySelector(".ts");
    if (!who || !turn.id) return;
    // The speaker comes first in `.who` (`.speaker` in a theme's own turn markup).
    var speaker = who.querySelector(".speaker") || (who.firstElementChild !== ts ? who.firstElementChild : null);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "Copy link";
    button.setAttribute(
      "aria-label",
      "Copy link to this moment" + (ts ? " (" + ts.textContent + (speaker ? ", " + speaker.textContent : "") + ")" : "")
    );
    who.appendChild(button);
  });

  transcript.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy-link") : null;
    if (!button) return;
    var turn = button.closest(".turn");
    var url = location.href.split("#")[0] + "#" + turn.id;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        function () {
          copied(button, true, url);
        },
        function () {
          copied(button, fallbackCopy(url), url);
        }
      );
    } else {
      copied(button, fallbackCopy(url), url);
    }
  });
})();
