// The web edition's two controls, which keep the reader's place: the languages shown on a
// bilingual page (remembered in localStorage: no cookie, no third party) and the switch to
// another edition (it opens at the unit being read, at the same height on the screen).
(function () {
  "use strict";
  var root = document.documentElement;
  var SHOW = "folio-show";
  var PLACE = "folio-place";
  var ANCHORS = "#text .pair[id], #text .unit[id], #text :is(h1, h2, h3, h4, h5, h6)[id]";

  // The first unit still in view below the toolbar, and how far its top is from the top of
  // the window.
  function currentPlace() {
    var toolbar = document.querySelector(".toolbar");
    var hidden = toolbar ? toolbar.getBoundingClientRect().bottom : 0;
    var anchors = document.querySelectorAll(ANCHORS);
    for (var i = 0; i < anchors.length; i++) {
      var box = anchors[i].getBoundingClientRect();
      if (box.bottom > hidden && box.height > 0) {
        return { id: anchors[i].id, top: box.top };
      }
    }
    return null;
  }

  function restore(place) {
    var element = place && document.getElementById(place.id);
    if (element) {
      window.scrollBy(0, element.getBoundingClientRect().top - place.top);
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

  var group = document.querySelector(".show");
  var buttons = group ? Array.prototype.slice.call(group.querySelectorAll("button")) : [];

  function show(choice, keepPlace) {
    var place = keepPlace ? currentPlace() : null;
    root.setAttribute("data-show", choice);
    buttons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.show === choice));
    });
    restore(place);
  }

  if (group) {
    var choices = buttons.map(function (button) { return button.dataset.show; });
    var saved = recall(window.localStorage, SHOW);
    show(choices.indexOf(saved) >= 0 ? saved : "both", false);
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        show(button.dataset.show, true);
        remember(window.localStorage, SHOW, button.dataset.show);
      });
    });
    group.hidden = false;
  }

  document.querySelectorAll("a[data-switch]").forEach(function (link) {
    link.addEventListener("click", function () {
      var place = currentPlace();
      if (place) {
        remember(window.sessionStorage, PLACE, JSON.stringify(place));
        link.href = link.href.split("#")[0] + "#" + place.id;
      }
    });
  });

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
      document.fonts.ready.then(function () { restore(arrived); });
    });
  }
})();
