/* Live reload for `signpost serve` only (never in a built site). MIT */
(function () {
  "use strict";
  var s = document.currentScript, busy = 0, wait = 500, gen, url, ctl;
  if (!s || !window.fetch || !window.AbortController) return;
  gen = s.getAttribute("data-generation");
  url = new URL("changes?since=" + encodeURIComponent(gen), s.src);
  function poll() {
    if (busy || document.hidden) return;
    busy = 1;
    ctl = new AbortController();
    fetch(url, { cache: "no-store", signal: ctl.signal }).then(function (r) {
      if (!r.ok) throw r;
      return r.json();
    }).then(function (d) {
      busy = 0; wait = 500;
      if (String(d.generation) !== gen) location.reload(); else poll();
    }, function () { // retry later: the server may be restarting
      busy = 0; setTimeout(poll, wait);
      wait = Math.min(wait * 2, 8000);
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { if (ctl) ctl.abort(); } else poll();
  });
  poll();
})();
