// Folio reader: a small client of the Folio JSON API (see API.md). No framework, no build step.
//
// Routes (hash-based, so the server only ever serves this one page):
//   #/                     newest articles        (?page=N)
//   #/search?q=words       search results         (&page=N)
//   #/articles/{slug}      one article, its author's contact card and related articles
//   #/authors/{slug}       an author's contact card and latest articles
//
// Only the article body (`html`) is inserted as HTML: the server sanitises it. Everything else
// goes through textContent; search snippets are rebuilt from text and <mark> elements.

const API = "/api/v1";
const PER_PAGE = 10; // #/?per_page=N overrides it (1…100)

const main = document.getElementById("main");
const statusRegion = document.getElementById("status");
const searchForm = document.getElementById("search-form");
const searchInput = document.getElementById("search-input");

let siteName = "Folio";
let renderToken = 0;

// ------------------------------------------------------------------ helpers

/** Creates an element: h("a", { href: "#/" , class: "x" }, "text", child, ...). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

class APIError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const detail = (body && (body.detail || body.title)) || `${response.status} ${response.statusText}`;
    throw new APIError(response.status, detail);
  }
  return body;
}

/** Single resources come as { "data": { ... } }; lists as { "data": [ ... ], "meta": ... }. */
function one(body) {
  return body && body.data && !Array.isArray(body.data) ? body.data : body;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** The date (and time) as published, in the article's own offset: "2023-09-18T10:56:00+04:00" → 18 Sep 2023, 10:56. */
function publishedParts(stamp) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(stamp || "");
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0)));
}

function timeElement(stamp, withTime = false) {
  const date = publishedParts(stamp);
  if (!date) return h("span", {}, stamp || "");
  return h("time", { datetime: stamp }, (withTime ? dateTimeFormat : dateFormat).format(date));
}

/** Search snippets are escaped text with <mark>…</mark>; rebuild them without innerHTML. */
function snippetNodes(snippet) {
  const decode = (s) => s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39);/gi, (_, e) => {
    const named = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[e.toLowerCase()];
    if (named) return named;
    const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : "";
  });
  const nodes = [];
  const parts = String(snippet).split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const part of parts) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) nodes.push(marked ? h("mark", {}, decode(part)) : document.createTextNode(decode(part)));
  }
  return nodes;
}

function authorLinks(authors) {
  const list = authors || [];
  const nodes = [];
  list.forEach((author, i) => {
    if (i > 0) nodes.push(i === list.length - 1 ? " and " : ", ");
    nodes.push(h("a", { href: `#/authors/${encodeURIComponent(author.slug)}` }, author.name));
  });
  return nodes;
}

function setStatus(text) {
  statusRegion.textContent = text;
}

/**
 * Shows a view: replaces main's content, sets the title, moves focus to the heading.
 * Returns false (and shows nothing) when a newer navigation has started since `token`.
 */
function show(token, title, ...children) {
  if (token !== renderToken) return false;
  main.replaceChildren(...children);
  document.title = title ? `${title} — ${siteName}` : siteName;
  main.removeAttribute("aria-busy");
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    // Keep the page where it was on first load; move focus on navigation.
    if (!show.first) heading.focus({ preventScroll: false });
  }
  show.first = false;
  window.scrollTo(0, 0);
  return true;
}
show.first = true;

function showError(error, what, token) {
  const notFound = error instanceof APIError && error.status === 404;
  if (!show(token, notFound ? "Not found" : "Error",
    h("section", { class: "message", "aria-labelledby": "error-title" },
      h("h1", { id: "error-title" }, notFound ? `${what} not found` : "Something went wrong"),
      h("p", {}, error.message || String(error)),
      h("p", {}, h("a", { href: "#/" }, "Back to the latest articles"))))) return;
  setStatus(notFound ? `${what} not found.` : `Could not load ${what.toLowerCase()}.`);
}

// ------------------------------------------------------------------ views

function articleSummary(item, { snippet } = {}) {
  const article = item.article || item; // search hits may wrap the summary
  const href = `#/articles/${encodeURIComponent(article.slug)}`;
  const meta = h("p", { class: "meta" }, timeElement(article.published_at));
  if (article.authors && article.authors.length) meta.append(" · ", ...authorLinks(article.authors));
  if (article.reading_time_minutes) meta.append(` · ${article.reading_time_minutes} min read`);
  const text = snippet && (item.snippet || article.snippet);
  return h("li", {},
    h("article", { class: "summary" },
      h("h2", {}, h("a", { href }, article.title)),
      meta,
      text ? h("p", { class: "snippet" }, ...snippetNodes(text)) : (article.excerpt ? h("p", {}, article.excerpt) : null)));
}

function pagination(meta, makeHref, label) {
  const p = (meta && meta.pagination) || {};
  if (!p.pages || p.pages <= 1) return null;
  const items = [];
  items.push(h("li", {}, p.prev ? h("a", { href: makeHref(p.prev), rel: "prev" }, "← Newer") : h("span", { class: "disabled", "aria-disabled": "true" }, "← Newer")));
  items.push(h("li", { class: "page-of" }, `Page ${p.page} of ${p.pages}`));
  items.push(h("li", {}, p.next ? h("a", { href: makeHref(p.next), rel: "next" }, "Older →") : h("span", { class: "disabled", "aria-disabled": "true" }, "Older →")));
  return h("nav", { class: "pagination", "aria-label": label }, h("ul", {}, items));
}

function pageParams(params) {
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  const perPage = Math.min(100, Math.max(1, parseInt(params.get("per_page") || "", 10) || PER_PAGE));
  // Carried into the pagination links only when it is not the default.
  const suffix = perPage === PER_PAGE ? "" : `&per_page=${perPage}`;
  return { page, perPage, suffix };
}

async function listView(params, token) {
  const { page, perPage, suffix } = pageParams(params);
  setStatus("Loading articles…");
  const body = await getJSON(`${API}/articles?page=${page}&per_page=${perPage}`);
  const total = body.meta?.pagination?.total ?? body.data.length;
  const title = page > 1 ? `Latest articles, page ${page}` : "Latest articles";
  const shown = show(token, page > 1 ? title : "",
    h("section", { "aria-labelledby": "list-title" },
      h("h1", { id: "list-title" }, title),
      body.data.length
        ? h("ol", { class: "article-list", id: "article-list" }, body.data.map((a) => articleSummary(a)))
        : h("p", {}, "No articles yet."),
      pagination(body.meta, (n) => `#/?page=${n}${suffix}`, "Article pages")));
  if (shown) setStatus(`${total} article${total === 1 ? "" : "s"}; page ${page}.`);
}

async function searchView(params, token) {
  const q = (params.get("q") || "").trim();
  const { page, perPage, suffix } = pageParams(params);
  searchInput.value = q;
  if (!q) return listView(new URLSearchParams(), token);
  setStatus(`Searching for “${q}”…`);
  const body = await getJSON(`${API}/search?q=${encodeURIComponent(q)}&page=${page}&per_page=${perPage}`);
  const total = body.meta?.pagination?.total ?? body.data.length;
  const shown = show(token, `Search: ${q}`,
    h("section", { "aria-labelledby": "search-title" },
      h("h1", { id: "search-title" }, "Search results for ", h("q", {}, q)),
      h("p", { class: "result-count" }, `${total} result${total === 1 ? "" : "s"}`),
      body.data.length
        ? h("ol", { class: "article-list", id: "search-results" }, body.data.map((a) => articleSummary(a, { snippet: true })))
        : h("p", {}, "Nothing matched. Try fewer or different words, or a prefix such as ", h("kbd", {}, "karabakh*"), "."),
      pagination(body.meta, (n) => `#/search?q=${encodeURIComponent(q)}&page=${n}${suffix}`, "Result pages")));
  if (shown) setStatus(`${total} result${total === 1 ? "" : "s"} for “${q}”.`);
}

function relatedList(items, id) {
  if (!items || !items.length) return h("p", { id }, "No related articles yet.");
  return h("ol", { class: "related-list", id },
    items.map((item) => {
      const a = item.article || item;
      return h("li", {},
        timeElement(a.published_at, true),
        h("a", { href: `#/articles/${encodeURIComponent(a.slug)}` }, a.title));
    }));
}

/** The author's contact card; on the author's own page the heading says "Contact" instead of the name. */
function contactCard(author, { onAuthorPage = false } = {}) {
  const slug = encodeURIComponent(author.slug);
  const lines = [];
  if (author.role) lines.push(h("p", { class: "role" }, author.role));
  if (author.organization) lines.push(h("p", { class: "org" }, author.organization));
  const contact = h("ul", { class: "contact" });
  if (author.email) {
    contact.append(h("li", {}, h("span", { class: "label" }, "E-mail "),
      h("a", { href: `mailto:${author.email}`, class: "email" }, author.email)));
  }
  if (author.phone) {
    const tel = author.phone_e164 || author.phone.replace(/[^\d+]/g, "");
    contact.append(h("li", {}, h("span", { class: "label" }, "Phone "),
      h("a", { href: `tel:${tel}`, class: "phone" }, author.phone)));
  }
  for (const link of author.links || []) {
    if (/^https?:\/\//i.test(link.url)) {
      contact.append(h("li", {}, h("a", { href: link.url, rel: "me noopener" }, link.rel || link.url)));
    }
  }
  return h("aside", { class: "card", id: "author-card", "aria-labelledby": `card-${author.slug}` },
    h("address", {},
      onAuthorPage
        ? h("h2", { id: `card-${author.slug}`, class: "card-name" }, "Contact")
        : h("h2", { id: `card-${author.slug}`, class: "card-name" }, h("a", { href: `#/authors/${slug}` }, author.name)),
      ...lines,
      contact.childElementCount ? contact : null),
    author.bio ? h("p", { class: "bio" }, author.bio) : null,
    h("p", { class: "card-actions" },
      h("a", { href: `${API}/authors/${slug}.vcf`, download: `${author.slug}.vcf`, type: "text/vcard", class: "button" },
        "Download contact (vCard)")));
}

async function articleView(slug, token) {
  setStatus("Loading article…");
  const article = one(await getJSON(`${API}/articles/${encodeURIComponent(slug)}`));
  const authors = article.authors || [];
  // The contact cards and the related feed load alongside each other.
  const cardsPromise = Promise.all(authors.map((a) =>
    getJSON(`${API}/authors/${encodeURIComponent(a.slug)}`).then(one).catch(() => null)));
  const relatedPromise = Array.isArray(article.related)
    ? Promise.resolve(article.related)
    : getJSON(`${API}/articles/${encodeURIComponent(article.slug)}/related?limit=5`).then((b) => b.data).catch(() => []);

  const body = h("div", { class: "article-body", id: "article-body" });
  body.innerHTML = article.html || ""; // trusted: sanitised by the server
  for (const link of body.querySelectorAll("a[href^='http']")) link.setAttribute("rel", "noopener");

  const meta = h("p", { class: "meta" }, timeElement(article.published_at, true));
  if (authors.length) meta.append(" · By ", ...authorLinks(authors));
  if (article.reading_time_minutes) meta.append(` · ${article.reading_time_minutes} min read`);

  const tags = article.tags && article.tags.length
    ? h("ul", { class: "tags", "aria-label": "Tags" }, article.tags.map((t) => h("li", {}, t.name)))
    : null;

  const source = article.canonical_url
    ? h("p", { class: "canonical" }, "Originally published at ",
      h("a", { href: article.canonical_url, rel: "noopener" }, hostOf(article.canonical_url)), ".")
    : null;

  const [cards, related] = await Promise.all([cardsPromise, relatedPromise]);
  const relatedSection = h("section", { class: "related", "aria-labelledby": "related-title" },
    h("h2", { id: "related-title" }, "Related articles"),
    relatedList(related, "related-list"));
  const more = h("button", { type: "button", class: "link-button" }, "Show more related articles");
  more.addEventListener("click", async () => {
    more.disabled = true;
    setStatus("Loading related articles…");
    try {
      const b = await getJSON(`${API}/articles/${encodeURIComponent(article.slug)}/related?limit=20`);
      relatedSection.querySelector("#related-list").replaceWith(relatedList(b.data, "related-list"));
      setStatus(`${b.data.length} related articles.`);
      more.remove();
      relatedSection.querySelector("#related-list a")?.focus();
    } catch (error) {
      more.disabled = false;
      setStatus(`Could not load related articles: ${error.message}`);
    }
  });
  if (related && related.length >= 5) relatedSection.append(more);

  const shown = show(token, article.title,
    h("div", { class: "article-layout" },
      h("article", { class: "article", "aria-labelledby": "article-title" },
        h("header", {}, h("h1", { id: "article-title" }, article.title), meta, tags),
        body,
        h("footer", {}, source)),
      h("div", { class: "sidebar" },
        ...cards.filter(Boolean).map((card) => contactCard(card)),
        relatedSection)));
  if (shown) setStatus(`Article loaded: ${article.title}.`);
}

async function authorView(slug, token) {
  setStatus("Loading author…");
  const author = one(await getJSON(`${API}/authors/${encodeURIComponent(slug)}`));
  const latest = author.latest_articles || [];
  const shown = show(token, author.name,
    h("section", { "aria-labelledby": "author-title", class: "author-page" },
      h("h1", { id: "author-title" }, author.name),
      contactCard(author, { onAuthorPage: true }),
      h("section", { "aria-labelledby": "latest-title" },
        h("h2", { id: "latest-title" }, `Latest articles (${author.article_count ?? latest.length})`),
        latest.length ? h("ol", { class: "article-list" }, latest.map((a) => articleSummary(a))) : h("p", {}, "None yet.")),
      h("p", {}, "Feeds: ",
        h("a", { href: `${API}/authors/${encodeURIComponent(author.slug)}/feed.json` }, "JSON Feed"), " · ",
        h("a", { href: `${API}/authors/${encodeURIComponent(author.slug)}/feed.atom` }, "Atom"))));
  if (shown) setStatus(`Author loaded: ${author.name}.`);
}

function hostOf(url) {
  try {
    return new URL(url).hostname.replace(/^www\./, "");
  } catch {
    return url;
  }
}

// ------------------------------------------------------------------ routing

async function route() {
  const token = ++renderToken;
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?");
  const params = new URLSearchParams(query);
  main.setAttribute("aria-busy", "true");
  let what = "Page";
  try {
    const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (segments.length === 0 || (segments.length === 1 && segments[0] === "articles")) {
      searchInput.value = "";
      await listView(params, token);
    } else if (segments[0] === "search") {
      what = "Search";
      await searchView(params, token);
    } else if (segments[0] === "articles" && segments.length === 2) {
      what = "Article";
      await articleView(segments[1], token);
    } else if (segments[0] === "authors" && segments.length === 2) {
      what = "Author";
      await authorView(segments[1], token);
    } else {
      throw new APIError(404, `No page at #${raw}.`);
    }
  } catch (error) {
    showError(error, what, token);
  }
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = searchInput.value.trim();
  if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
});

// "/" focuses the search box, as on many reading sites (not while typing).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  event.preventDefault();
  searchInput.focus();
  searchInput.select();
});

async function loadSite() {
  try {
    const site = one(await getJSON(`${API}/site`));
    if (site && site.name) {
      siteName = site.name;
      document.getElementById("site-name").textContent = site.name;
      if (!location.hash || location.hash === "#/") document.title = site.name;
    }
    const about = document.getElementById("site-about");
    const parts = [];
    if (site.description) parts.push(site.description);
    about.replaceChildren(...parts);
    if (site.url) about.append(" ", h("a", { href: site.url, rel: "noopener" }, hostOf(site.url)));
    if (site.contact?.email) about.append(" · ", h("a", { href: `mailto:${site.contact.email}` }, site.contact.email));
  } catch {
    // The site block is decoration; the reader works without it.
  }
}

window.addEventListener("hashchange", route);
loadSite();
route();
