// The web edition's language control, which keeps the reader's place. Its segments link to the
// editions' pages; on a bilingual page they show one language or both in place instead (the
// choice is in the URL, ?show=…, and remembered in localStorage: no cookie, no third party).
// After any switch, here or to another edition's page, the unit being read starts just below
// the toolbar.
(function () {
  "use strict";
  var root = document.documentElement;
  var SHOW = "folio-show";
  var PLACE = "folio-place";
  var ANCHORS = "#text .pair[id], #text .unit[id], #text :is(h1, h2, h3, h4, h5, h6)[id]";
  var toolbar = document.querySelector(".toolbar");

  function toolbarBottom() {
    return toolbar ? toolbar.getBoundingClientRect().bottom : 0;
  }

  // Links to a unit (#u6) stop just below the toolbar, whatever its height.
  function measureToolbar() {
    if (toolbar) {
      root.style.setProperty("--toolbar-height", toolbar.offsetHeight + "px");
    }
  }

  // The unit being read: the first one still in view below the toolbar.
  function currentPlace() {
    var hidden = toolbarBottom();
    var anchors = document.querySelectorAll(ANCHORS);
    for (var i = 0; i < anchors.length; i++) {
      var box = anchors[i].getBoundingClientRect();
      if (box.bottom > hidden && box.height > 0) {
        return { id: anchors[i].id, top: box.top, reading: window.scrollY > 0 };
      }
    }
    return null;
  }

  // Once reading has begun, the unit starts just below the toolbar; at the head of the page
  // (nothing scrolled yet), it stays where it was.
  function restore(place) {
    var element = place && document.getElementById(place.id);
    if (!element) {
      return;
    }
    var target = place.reading ? toolbarBottom() + 1 : place.top;
    window.scrollBy(0, element.getBoundingClientRect().top - target);
    if (place.reading) {
      // The toolbar sticks only once the masthead is out of view: measure again.
      window.scrollBy(0, element.getBoundingClientRect().top - (toolbarBottom() + 1));
    }
  }

  function remember(storage, key, value) {
    try {
      storage.setItem(key, value);
    } catch (error) {
      // Storage is off (a private window): the control still works, unremembered.
    }
  }

  function recall(storage, key) {
    try {
      return storage.getItem(key);
    } catch (error) {
      return null;
    }
  }

  var segments = Array.prototype.slice.call(document.querySelectorAll("a[data-switch]"));
  var bilingual = document.body.classList.contains("edition-2");
  var choices = segments.map(function (link) { return link.dataset.show; });

  // On a bilingual page: show one language or both, mark the segment, say it in the URL.
  function show(choice, place) {
    root.setAttribute("data-show", choice);
    segments.forEach(function (link) {
      if (link.dataset.show === choice) {
        link.setAttribute("aria-current", choice === "both" ? "page" : "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var url = new URL(window.location.href);
    if (choice === "both") {
      url.searchParams.delete("show");
    } else {
      url.searchParams.set("show", choice);
    }
    window.history.replaceState(window.history.state, "", url.href);
    restore(place);
  }

  segments.forEach(function (link) {
    link.addEventListener("click", function (event) {
      var place = currentPlace();
      if (bilingual) {
        event.preventDefault();
        show(link.dataset.show, place);
        remember(window.localStorage, SHOW, link.dataset.show);
        return;
      }
      if (link.dataset.show === "both") {
        remember(window.localStorage, SHOW, "both"); // asked for both: show both
      }
      if (place) {
        remember(window.sessionStorage, PLACE, JSON.stringify(place));
        link.href = link.href.split("#")[0] + "#" + place.id;
      }
    });
  });

  measureToolbar();
  window.addEventListener("resize", measureToolbar);

  if (bilingual) {
    var asked = new URL(window.location.href).searchParams.get("show");
    var saved = recall(window.localStorage, SHOW);
    var first = choices.indexOf(asked) >= 0 ? asked : saved;
    show(choices.indexOf(first) >= 0 ? first : "both", null);
  }

  var arrived = null;
  try {
    arrived = JSON.parse(recall(window.sessionStorage, PLACE));
    window.sessionStorage.removeItem(PLACE);
  } catch (error) {
    arrived = null;
  }
  if (arrived && window.location.hash === "#" + arrived.id) {
    // After the fonts: until they load, every unit's height is still changing.
    window.addEventListener("load", function () {
      document.fonts.ready.then(function () {
        measureToolbar();
        restore(arrived);
      });
    });
  }
})();
