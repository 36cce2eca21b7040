// castbook default theme: small progressive enhancements. Every page works without it.
(function () {
  "use strict";

  // On a phone the chapter list would push the transcript a screen down: start it
  // closed there (it stays open without JavaScript, and on wide screens).
  var toc = document.querySelector(".toc details");
  if (toc && window.matchMedia && window.matchMedia("(max-width: 63.99rem)").matches) {
    toc.open = false;
  }

  // On an episode with audio, a timestamp link also seeks the player there.
  var transcript = document.querySelector(".transcript[data-audio]");
  var player = document.querySelector("audio.player");
  if (transcript && player) {
    transcript.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.ts[data-t]") : null;
      if (!link) return;
      var seconds = Number(link.getAttribute("data-t"));
      if (!isFinite(seconds)) return;
      player.currentTime = seconds;
      var playing = player.play();
      if (playing && playing.catch) playing.catch(function () {});
    });
  }
})();
