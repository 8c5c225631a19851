/* Signpost shortlist: "Save to my list" on activity pages and the "My list" page.
   An enhancement only: without JavaScript the button stays hidden and the My list page
   explains what to do instead. The list is kept in this browser (localStorage) and never
   sent anywhere. Licence: MIT, as Signpost. */
(function () {
  "use strict";
  var KEY = "signpost-shortlist";

  function load() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (x) { return typeof x === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function store(ids) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(ids));
      return true;
    } catch (e) {
      return false;
    }
  }

  function saveButtons() {
    var buttons = document.querySelectorAll(".shortlist-save");
    Array.prototype.forEach.call(buttons, function (button) {
      var id = button.getAttribute("data-id");
      var status = document.createElement("span");
      status.className = "shortlist-status";
      status.setAttribute("role", "status");
      button.parentNode.appendChild(status);
      function show() {
        var saved = load().indexOf(id) !== -1;
        button.textContent = saved ? "Remove from my list" : "Save to my list";
        button.setAttribute("aria-pressed", saved ? "true" : "false");
      }
      button.addEventListener("click", function () {
        var ids = load();
        var at = ids.indexOf(id);
        if (at === -1) {
          ids.push(id);
        } else {
          ids.splice(at, 1);
        }
        if (store(ids)) {
          status.textContent = at === -1 ? " Saved to your list." : " Taken off your list.";
        } else {
          status.textContent = " Your browser could not save the list.";
        }
        show();
      });
      show();
      button.hidden = false;
    });
  }

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text) { e.textContent = text; }
    return e;
  }

  function myList(app) {
    var params = new URLSearchParams(window.location.search);
    var shared = params.get("ids");
    if (shared !== null) {
      var fromLink = shared.split(",").filter(function (x) { return /^[a-z0-9-]+$/.test(x); });
      store(fromLink);
    }
    var list = app.querySelector("#my-list-items");
    var empty = app.querySelector("#my-list-empty");
    var link = app.querySelector("#my-list-link");
    var copy = app.querySelector("#my-list-copy");
    var print = app.querySelector("#my-list-print");
    var copied = app.querySelector("#my-list-copied");
    var index = {};

    function linkFor(ids) {
      var url = new URL(window.location.href);
      url.search = ids.length ? "?ids=" + ids.join(",") : "";
      url.hash = "";
      return url.toString();
    }

    function render() {
      var ids = load().filter(function (id) { return index[id]; });
      list.textContent = "";
      ids.forEach(function (id) {
        var a = index[id];
        var li = el("li", "my-list__item");
        var h = el("h2", "my-list__name");
        var name = el("a", null, a.name);
        name.href = a.url;
        h.appendChild(name);
        li.appendChild(h);
        a.when.forEach(function (w) { li.appendChild(el("p", "my-list__when", "On " + w)); });
        if (a.where.length) { li.appendChild(el("p", "my-list__where", a.where.join("; "))); }
        var remove = el("button", "button button--secondary my-list__remove", "Remove " + a.name);
        remove.type = "button";
        remove.addEventListener("click", function () {
          store(load().filter(function (x) { return x !== id; }));
          render();
        });
        li.appendChild(remove);
        list.appendChild(li);
      });
      empty.hidden = ids.length > 0;
      link.value = linkFor(ids);
    }

    copy.addEventListener("click", function () {
      link.select();
      var done = function () { copied.textContent = "The link is copied. Paste it in an email or a message."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link.value).then(done, function () {
          copied.textContent = "Select the link above and copy it.";
        });
      } else {
        copied.textContent = "Select the link above and copy it.";
      }
    });
    print.addEventListener("click", function () { window.print(); });

    fetch(app.getAttribute("data-index"))
      .then(function (r) { return r.json(); })
      .then(function (all) {
        all.forEach(function (a) { index[a.id] = a; });
        render();
        app.hidden = false;
        var nojs = document.getElementById("my-list-nojs");
        if (nojs) { nojs.hidden = true; }
      })
      .catch(function () {
        empty.hidden = false;
        empty.textContent = "Sorry, your list could not be shown. Please try again.";
        app.hidden = false;
      });
  }

  function start() {
    saveButtons();
    var app = document.getElementById("my-list-app");
    if (app) { myList(app); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
