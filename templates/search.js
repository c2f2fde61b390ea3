// The site's search: every unit of every edition, searched in each language's own index (built
// by Pagefind into bundles under pagefind/<lang>/, with its Chinese word segmenter), all served by
// the site itself. A result opens its page at the unit, in the edition the reader is reading when
// that edition has it; the other editions that have it are linked beside it.
(function () {
  "use strict";
  var box = document.querySelector(".site-search");
  var script = document.currentScript;
  if (!box || !script) {
    return;
  }
  var root = new URL("../", script.src); // assets/search.js is one folder below the site's root
  var input = box.querySelector("input");
  var panel = box.querySelector(".search-panel");
  var status = box.querySelector(".search-status");
  var list = box.querySelector(".search-results");
  var SHOWN = 8; // results per language
  var WAIT = 150; // ms of no typing before a search starts

  function message(name, count) {
    var text = box.querySelector('[data-message="' + name + '"]').textContent;
    return text.replace("{count}", String(count));
  }

  // Where this page is: its document and edition, when it is an edition's page.
  var here = (function () {
    var path = window.location.href.split(/[?#]/)[0];
    var match = path.slice(root.href.length).match(/^([^/]+)\/([^/]+)\.html$/);
    return match ? { document: match[1], edition: decodeURIComponent(match[2]) } : {};
  })();

  var site = null; // the languages and their search libraries, loaded at the first search
  function load() {
    if (!site) {
      site = fetch(new URL("pagefind/languages.json", root))
        .then(function (response) {
          if (!response.ok) {
            throw new Error("no search index");
          }
          return response.json();
        })
        .then(function (languages) {
          return Promise.all(languages.map(function (language) {
            // A language's index comes in bundles (an edit makes one again): the first
            // bundle's library searches them all.
            var bundles = language.bundles.map(function (bundle) {
              return new URL("pagefind/" + language.lang + "/" + bundle + "/", root).href;
            });
            return import(bundles[0] + "pagefind.js").then(function (pagefind) {
              return pagefind.init().then(function () {
                return Promise.all(bundles.slice(1).map(function (bundle) {
                  return pagefind.mergeIndex(bundle);
                }));
              }).then(function () {
                return { lang: language.lang, name: language.name, pagefind: pagefind };
              });
            });
          }));
        })
        .then(function (indexes) {
          // The page's own language first.
          var lang = document.documentElement.lang;
          return indexes.filter(function (i) { return i.lang === lang; })
            .concat(indexes.filter(function (i) { return i.lang !== lang; }));
        });
      site.catch(function () { site = null; });
    }
    return site;
  }

  function names(indexes) {
    var found = {};
    indexes.forEach(function (index) { found[index.lang] = index.name; });
    return found;
  }

  function editionLabel(edition, languageNames) {
    return edition.split("+").map(function (lang) { return languageNames[lang] || lang; })
      .join(" · ");
  }

  function pageUrl(meta, edition) {
    var url = new URL(meta.document + "/" + edition + ".html", root);
    return url.href + (meta.anchor ? "#" + meta.anchor : "");
  }

  // Pagefind's excerpt as nodes: its text, and <mark> around the words found; nothing else
  // of it becomes markup.
  function excerpt(html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var paragraph = document.createElement("p");
    paragraph.className = "search-excerpt";
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(document.createTextNode(node.textContent));
      }
    });
    return paragraph;
  }

  function link(href, text, lang) {
    var anchor = document.createElement("a");
    anchor.href = href;
    anchor.textContent = text;
    if (lang) {
      anchor.lang = lang;
    }
    return anchor;
  }

  // A record's document, unit and editions (kept as Pagefind filters: see render/search.py).
  function about(data) {
    var filters = data.filters || {};
    function first(key) { return (filters[key] || [""])[0]; }
    return { document: first("document"), anchor: first("anchor"), title: first("title"),
      section: first("section"), editions: filters.edition || [] };
  }

  function resultItem(data, lang, languageNames) {
    var meta = about(data);
    var editions = meta.editions;
    // The edition being read, else the result's own language alone, else the first.
    var chosen = [here.document === meta.document ? here.edition : "", lang, editions[0]]
      .filter(function (edition) { return editions.indexOf(edition) >= 0; })[0];
    var item = document.createElement("li");
    item.lang = lang;
    var title = link(pageUrl(meta, chosen), meta.title);
    title.className = "search-title";
    item.appendChild(title);
    if (meta.section) {
      var section = document.createElement("span");
      section.className = "search-section";
      section.textContent = meta.section;
      item.appendChild(document.createTextNode(" "));
      item.appendChild(section);
    }
    item.appendChild(excerpt(data.excerpt));
    var others = editions.filter(function (edition) { return edition !== chosen; });
    if (others.length) {
      var also = document.createElement("p");
      also.className = "search-also";
      also.lang = document.documentElement.lang;
      also.appendChild(document.createTextNode(message("also") + " "));
      others.forEach(function (edition, position) {
        if (position) {
          also.appendChild(document.createTextNode(", "));
        }
        var single = edition.indexOf("+") < 0;
        also.appendChild(link(pageUrl(meta, edition), editionLabel(edition, languageNames),
          single ? edition : ""));
      });
      item.appendChild(also);
    }
    return item;
  }

  function show(groups, indexes) {
    var languageNames = names(indexes);
    var total = 0;
    list.textContent = "";
    groups.forEach(function (group) {
      total += group.count;
      if (!group.results.length) {
        return;
      }
      var section = document.createElement("div");
      section.className = "search-language";
      var heading = document.createElement("p");
      heading.className = "search-language-name";
      heading.lang = group.lang;
      heading.textContent = group.name;
      var ordered = document.createElement("ol");
      ordered.setAttribute("aria-label", group.name);
      group.results.forEach(function (data) {
        ordered.appendChild(resultItem(data, group.lang, languageNames));
      });
      section.appendChild(heading);
      section.appendChild(ordered);
      if (group.rest.length) {
        section.appendChild(moreButton(group, ordered, languageNames));
      }
      list.appendChild(section);
    });
    status.textContent = total ? message("found", total) : message("none");
  }

  // The next results of a language, on demand: each costs a fragment to fetch.
  function moreButton(group, ordered, languageNames) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "search-more";
    button.textContent = message("more");
    button.addEventListener("click", function () {
      var next = group.rest.splice(0, SHOWN);
      Promise.all(next.map(function (result) { return result.data(); })).then(function (found) {
        var first = null;
        found.forEach(function (data) {
          var item = resultItem(data, group.lang, languageNames);
          first = first || item;
          ordered.appendChild(item);
        });
        if (!group.rest.length) {
          button.remove();
        }
        if (first) {
          first.querySelector("a").focus(); // the reader goes on from the first new result
        }
      });
    });
    return button;
  }

  // The query as words of the index's language. Pagefind segments a query in the language of
  // the page (its <html lang>), not of the index: on an English page a Chinese query would
  // reach the Chinese index unsegmented, and find other units than on a Chinese page.
  function words(term, lang) {
    if (typeof Intl === "undefined" || !Intl.Segmenter || !/^(zh|ja|th)(-|$)/i.test(lang)) {
      return term;
    }
    var segments = Array.from(new Intl.Segmenter(lang, { granularity: "word" }).segment(term));
    var found = segments.filter(function (s) { return s.isWordLike; })
      .map(function (s) { return s.segment; });
    return found.length ? found.join(" ") : term;
  }

  var asked = 0; // the latest search: an answer to an earlier one is dropped
  function search(term) {
    var number = ++asked;
    if (!term.trim()) {
      panel.hidden = true;
      status.textContent = "";
      list.textContent = "";
      return;
    }
    panel.hidden = false;
    load()
      .then(function (indexes) {
        return Promise.all(indexes.map(function (index) {
          return index.pagefind.search(words(term, index.lang)).then(function (found) {
            return Promise.all(found.results.slice(0, SHOWN).map(function (result) {
              return result.data();
            })).then(function (results) {
              return { lang: index.lang, name: index.name, count: found.results.length,
                results: results, rest: found.results.slice(SHOWN) };
            });
          });
        })).then(function (groups) {
          if (number === asked) {
            show(groups, indexes);
          }
        });
      })
      .catch(function () {
        if (number === asked) {
          list.textContent = "";
          status.textContent = message("failed");
        }
      });
  }

  var timer = null;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { search(input.value); }, WAIT);
  });
  input.addEventListener("focus", function () {
    load().catch(function () {}); // start loading while the reader types
    if (input.value.trim()) {
      panel.hidden = false;
    }
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden) {
      panel.hidden = true;
      input.focus();
    }
  });
  list.addEventListener("click", function (event) {
    if (event.target.closest("a")) {
      panel.hidden = true; // the unit is shown, not covered by the results
    }
  });
  document.addEventListener("click", function (event) {
    if (!box.contains(event.target)) {
      panel.hidden = true;
    }
  });
  box.hidden = false;
})();
