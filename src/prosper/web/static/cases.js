// Prosper case pages: the alert queue, one alert and the register, over /v1/ with the API key
// kept in this browser tab (the main page's slot). Server data is inserted as text only.
"use strict";

const S = JSON.parse(document.getElementById("strings").textContent);
const T = (key) => S[key] || key;
const KEY_SLOT = "prosper.apiKey";
const RANK = { screener: 1, reviewer: 2, admin: 3 };
let me = null;

function $(id) { return document.getElementById(id); }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(method, path, body, contentType) {
  const headers = { "X-API-Key": sessionStorage.getItem(KEY_SLOT) || "" };
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    payload = (typeof body === "string" || body instanceof ArrayBuffer) ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (err) {
    return { ok: false, status: 0, data: { message: String(err) } };
  }
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  return { ok: response.ok, status: response.status, data };
}

function errorBox(result) {
  const d = result.data || {};
  const field = d.field ? ` (${d.field})` : "";
  return el("p", { class: "error", role: "alert" },
    `${T("error")} ${result.status}: ${d.message || "request failed"}${field}`);
}

function stateBadge(state) {
  return el("span", { class: `state s-${state}`, title: state }, T(state));
}

function fmt(x) { return typeof x === "number" ? x.toFixed(2) : ""; }

// ------------------------------------------------------------------ sign in

async function signIn(key) {
  sessionStorage.setItem(KEY_SLOT, key);
  const result = await api("GET", "/v1/whoami");
  if (!result.ok) {
    sessionStorage.removeItem(KEY_SLOT);
    $("login-error").textContent = result.status === 401 ? T("bad_key") : errorBox(result).textContent;
    $("login-error").hidden = false;
    return;
  }
  me = result.data;
  $("who-name").textContent = me.name;
  $("who-role").textContent = me.role;
  $("who").hidden = false;
  $("login").hidden = true;
  $("app").hidden = false;
  await route();
}

function signOut() {
  sessionStorage.removeItem(KEY_SLOT);
  location.hash = "";
  location.reload();
}

// ------------------------------------------------------------------ queue

async function loadQueue() {
  const params = new URLSearchParams();
  if ($("f-state").value) params.set("state", $("f-state").value);
  if ($("f-list").value) params.set("list", $("f-list").value);
  if ($("f-score").value) params.set("min_score", $("f-score").value);
  if ($("f-age").value) params.set("older_than_days", $("f-age").value);
  const result = await api("GET", `/v1/alerts?${params}`);
  const out = $("queue-out");
  if (!result.ok) { out.replaceChildren(errorBox(result)); return; }
  if (!result.data.length) { out.replaceChildren(el("p", { class: "muted" }, T("alerts_none"))); return; }
  const rows = result.data.map((a) =>
    el("tr", { class: "clickable", "data-id": a.id, onclick: () => { location.hash = `alert/${a.id}`; } },
      el("td", {}, el("a", { href: `#alert/${a.id}` }, String(a.id))),
      el("td", {}, stateBadge(a.state)),
      el("td", {}, a.party_id),
      el("td", {}, a.entity_name),
      el("td", {}, a.source),
      el("td", {}, fmt(a.score)),
      el("td", { class: "nowrap" }, a.created_at)));
  out.replaceChildren(el("table", { id: "queue-table" },
    el("thead", {}, el("tr", {}, ["id", "state", "party", "entry", "list", "score", "opened"].map((k) => el("th", {}, T(k))))),
    el("tbody", {}, rows)));
}

function bars(title, counts) {
  const max = Math.max(1, ...Object.values(counts));
  return el("div", {}, el("h3", {}, title),
    Object.entries(counts).map(([label, n]) => {
      const fill = el("span", { class: "fill" });
      fill.style.width = `${Math.round((n / max) * 240)}px`;  // CSSOM: allowed by the CSP
      return el("div", { class: "bar" }, el("span", { class: "label" }, T(label)), fill, String(n));
    }));
}

async function loadReport() {
  const out = $("report-out");
  if (RANK[me.role] < RANK.reviewer) { out.replaceChildren(); return; }
  const result = await api("GET", "/v1/alerts/report");
  if (!result.ok) { out.replaceChildren(errorBox(result)); return; }
  const r = result.data;
  out.replaceChildren(el("div", { class: "side", id: "report" },
    bars(T("by_state"), r.by_state), bars(T("open_by_age"), r.open_by_age),
    bars(T("by_list"), r.by_list),
    el("p", {}, `${T("median_hours")}: ${r.time_to_decision_hours.median ?? "—"}`)));
}

// ------------------------------------------------------------------ one alert

function facts(pairs) {
  return el("dl", {}, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "" &&
    !(Array.isArray(v) && !v.length)).map(([k, v]) =>
    [el("dt", {}, T(k)), el("dd", {}, Array.isArray(v) ? v.join("; ") : String(v))]).flat());
}

async function openAlert(id) {
  $("queue").hidden = true;
  $("register").hidden = true;
  $("alert").hidden = false;
  const out = $("alert-out");
  const result = await api("GET", `/v1/alerts/${id}`);
  if (!result.ok) { out.replaceChildren(errorBox(result)); return; }
  const a = result.data;
  $("alert-h").replaceChildren(`${T("id")} ${a.id} `, stateBadge(a.state));
  const p = a.party;
  const e = a.entry || { name: a.entity_name, source: a.source };
  const side = el("div", { class: "side", id: "side" },
    el("div", {}, el("h3", {}, `${T("party")} ${p.id}`), facts([["name", p.name], ["type", p.type],
      ["countries", p.countries], ["aliases", p.aliases], ["dob", p.dob], ["identifiers", p.identifiers],
      ["tags", p.tags]])),
    el("div", {}, el("h3", {}, `${T("entry")} ${a.entity_id}`), facts([["name", e.name], ["type", e.type],
      ["list", `${a.source} (${a.list_code})`], ["countries", e.countries], ["aliases", e.aliases],
      ["dob", e.dates_of_birth], ["programs", e.programs], ["remarks", e.remarks]])));
  const why = el("div", {}, el("h3", {}, T("explanation")),
    el("p", {}, `${T("score")} ${fmt(a.score)} — ${a.matched_name} · ${T("why_opened")}: ${a.opened_because}`
      + (a.via ? ` · ${T("via_owner")}: ${a.via}` : "")),
    el("table", { id: "explanation" }, el("tbody", {}, a.explanation.map((x) =>
      el("tr", {}, el("td", {}, x.feature), el("td", {}, fmt(x.score)), el("td", {}, x.detail))))));
  const history = el("div", {}, el("h3", {}, T("history")),
    el("table", { id: "history" },
      el("thead", {}, el("tr", {}, ["when", "who", "action", "state", "reason"].map((k) => el("th", {}, T(k))))),
      el("tbody", {}, a.events.map((ev) => el("tr", {}, el("td", { class: "nowrap" }, ev.at),
        el("td", {}, ev.actor), el("td", {}, ev.action), el("td", {}, ev.to_state), el("td", {}, ev.reason))))));
  out.replaceChildren(side, why, history, decideBox(a));
}

function decideBox(a) {
  if (["true_match", "false_positive", "closed"].includes(a.state)) return null;
  if (RANK[me.role] < RANK.reviewer) return el("p", { class: "muted", id: "viewer-only" }, T("viewer_only"));
  const reason = el("textarea", { id: "reason", rows: 3, "aria-label": T("reason"), placeholder: T("reason_needed") });
  const msg = el("div", { "aria-live": "polite" });
  async function send(path, body) {
    if (!reason.value.trim()) { msg.replaceChildren(el("p", { class: "error" }, T("reason_needed"))); return; }
    const result = await api("POST", path, { ...body, reason: reason.value });
    if (!result.ok) { msg.replaceChildren(errorBox(result)); return; }
    await openAlert(a.id);
  }
  const pending = a.state === "pending"
    ? el("p", { class: "stale" }, `${T("four_eyes")} ${T(a.proposed)} — ${T("proposed_by")} ${a.proposed_by}`) : null;
  return el("div", { class: "decide" }, el("h3", {}, T("decide_heading")), pending, reason,
    el("div", { class: "buttons" },
      el("button", { type: "button", id: "btn-true", onclick: () => send(`/v1/alerts/${a.id}/decide`, { as: "true_match" }) }, T("as_true")),
      el("button", { type: "button", id: "btn-false", onclick: () => send(`/v1/alerts/${a.id}/decide`, { as: "false_positive" }) }, T("as_false")),
      a.state === "open" ? el("button", { type: "button", id: "btn-escalate", onclick: () => send(`/v1/alerts/${a.id}/escalate`, {}) }, T("escalate")) : null),
    msg);
}

// ------------------------------------------------------------------ register

async function loadRegister() {
  const result = await api("GET", "/v1/parties?limit=50");
  const out = $("register-out");
  if (!result.ok) { out.replaceChildren(errorBox(result)); return; }
  $("register-total").textContent = `${result.data.total} ${T("parties_total")}`;
  out.replaceChildren(el("table", { id: "register-table" },
    el("thead", {}, el("tr", {}, ["id", "name", "type", "countries", "tags"].map((k) => el("th", {}, k === "id" ? "ID" : T(k))))),
    el("tbody", {}, result.data.parties.map((p) => el("tr", {}, el("td", {}, p.id), el("td", {}, p.name),
      el("td", {}, p.type), el("td", {}, p.countries.join(", ")), el("td", {}, p.tags.join(", ")))))));
}

async function importFile(event) {
  event.preventDefault();
  const file = $("import-file").files[0];
  if (!file) return;
  const ext = file.name.split(".").pop().toLowerCase();
  const result = await api("POST", `/v1/parties/import?format=${encodeURIComponent(ext)}`,
    await file.arrayBuffer(), "application/octet-stream");
  const out = $("import-out");
  if (result.status === 422 && result.data && result.data.rows) {
    out.replaceChildren(el("p", { class: "error", role: "alert" }, T("not_imported")),
      el("table", { id: "import-errors" },
        el("thead", {}, el("tr", {}, ["row", "field", "message"].map((k) => el("th", {}, T(k))))),
        el("tbody", {}, result.data.rows.map((r) => el("tr", {}, el("td", {}, String(r.row)),
          el("td", {}, r.field), el("td", {}, r.message))))));
    return;
  }
  if (!result.ok) { out.replaceChildren(errorBox(result)); return; }
  const d = result.data;
  const s = d.screening || {};
  out.replaceChildren(el("p", { class: "ok", id: "import-ok" },
    `${T("imported")}: ${d.rows} — +${d.inserted} / ~${d.updated} / =${d.unchanged}; ` +
    `${T("queue")}: +${s.opened || 0}`));
  await Promise.all([loadRegister(), loadQueue(), loadReport()]);
}

// ------------------------------------------------------------------ routing

async function route() {
  const m = location.hash.match(/^#alert\/(\d+)$/);
  if (m) { await openAlert(Number(m[1])); return; }
  $("alert").hidden = true;
  $("queue").hidden = false;
  $("register").hidden = false;
  await Promise.all([loadQueue(), loadReport(), loadRegister()]);
}

$("login-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn($("api-key").value.trim()); });
$("sign-out").addEventListener("click", signOut);
$("filters").addEventListener("submit", (ev) => { ev.preventDefault(); loadQueue(); });
$("import-form").addEventListener("submit", importFile);
$("back").addEventListener("click", (ev) => { ev.preventDefault(); location.hash = ""; });
window.addEventListener("hashchange", () => { if (me) route(); });
const saved = sessionStorage.getItem(KEY_SLOT);
if (saved) signIn(saved);
