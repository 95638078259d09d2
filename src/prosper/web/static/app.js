// Prosper web page: calls the /v1/ API with the key kept in sessionStorage.
// Everything from the server is inserted as text (textContent), never as HTML.
"use strict";

const STRINGS = JSON.parse(document.getElementById("strings").textContent);
const T = (key) => STRINGS[key] || key;
const KEY_SLOT = "prosper.apiKey";
const AUDIT_PAGE = 20;
let auditOffset = 0;
let me = null;

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

function $(id) { return document.getElementById(id); }

function show(container, ...nodes) {
  container.replaceChildren(...nodes.flat().filter((n) => n));
}

async function api(method, path, body, contentType) {
  const headers = { "X-API-Key": sessionStorage.getItem(KEY_SLOT) || "" };
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    payload = typeof body === "string" ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (err) {
    return { ok: false, status: 0, data: { message: String(err) } };
  }
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (response.status === 401 && path !== "/v1/whoami") signOut();
  return { ok: response.ok, status: response.status, data };
}

function errorBox(result) {
  const d = result.data || {};
  const field = d.field ? ` (${d.field})` : "";
  return el("p", { class: "error", role: "alert" },
    `${T("error")} ${result.status}: ${d.message || "request failed"}${field}`);
}

function verdictBadge(verdict) {
  // the label in the page's language; the contract's code stays in the title and the class
  const label = STRINGS[`v_${verdict}`] || verdict;
  return el("span", { class: `verdict v-${verdict}`, title: verdict }, label);
}

function fmtScore(x) { return typeof x === "number" ? x.toFixed(2) : ""; }

// ------------------------------------------------------------------ sign in / out

async function signIn(key) {
  sessionStorage.setItem(KEY_SLOT, key);
  const result = await api("GET", "/v1/whoami");
  if (!result.ok) {
    sessionStorage.removeItem(KEY_SLOT);
    const box = $("login-error");
    box.textContent = result.status === 401 ? T("bad_key") : errorBox(result).textContent;
    box.hidden = false;
    return false;
  }
  me = result.data;
  $("who-name").textContent = me.name;
  $("who-role").textContent = me.role;
  $("who").hidden = false;
  $("login").hidden = true;
  $("app").hidden = false;
  $("login-error").hidden = true;
  selectTab("screen", false);
  return true;
}

function signOut() {
  sessionStorage.removeItem(KEY_SLOT);
  me = null;
  $("who").hidden = true;
  $("app").hidden = true;
  $("login").hidden = false;
  $("api-key").value = "";
  $("api-key").focus();
}

// ------------------------------------------------------------------ tabs (ARIA tabs pattern)

const TABS = ["screen", "check", "audit", "lists"];

function selectTab(name, focus) {
  for (const tab of TABS) {
    const selected = tab === name;
    const button = $(`tab-${tab}`);
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${tab}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
  if (name === "audit") loadAudit();
  if (name === "lists") loadLists();
}

function setupTabs() {
  for (const tab of TABS) {
    const button = $(`tab-${tab}`);
    button.addEventListener("click", () => selectTab(tab, false));
    button.addEventListener("keydown", (event) => {
      const i = TABS.indexOf(tab);
      let next = null;
      if (event.key === "ArrowRight") next = TABS[(i + 1) % TABS.length];
      else if (event.key === "ArrowLeft") next = TABS[(i + TABS.length - 1) % TABS.length];
      else if (event.key === "Home") next = TABS[0];
      else if (event.key === "End") next = TABS[TABS.length - 1];
      if (next) { event.preventDefault(); selectTab(next, true); }
    });
  }
}

// ------------------------------------------------------------------ screening

function explanationList(items) {
  return el("ul", { class: "why" },
    (items || []).map((e) => el("li", {}, el("code", {}, e.feature), ` ${fmtScore(e.score)} — ${e.detail}`)));
}

function hitsTable(hits) {
  return el("table", { class: "hits" },
    el("thead", {}, el("tr", {},
      [T("score"), T("listed_name"), T("matched_name"), T("list"), T("programs"), T("countries"), T("why")]
        .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, hits.map((h) => el("tr", { class: h.match ? "is-match" : "" },
      el("td", {}, fmtScore(h.score), " ",
        el("span", { class: h.match ? "flag" : "soft" }, h.match ? T("match") : T("possible"))),
      el("td", {}, h.name, el("br"), el("small", {}, h.entity_id)),
      el("td", {}, h.matched_name || ""),
      el("td", {}, listingCell(h)),
      el("td", {}, (h.programs || []).join(", ")),
      el("td", {}, (h.countries || []).join(", ")),
      el("td", {}, explanationList(h.explanation))))));
}

// One party, all its listings: each list with its Entity List / MEU licence requirement,
// review policy and footnote.
function listingCell(h) {
  const listings = h.listings && h.listings.length ? h.listings : [{ source: h.source, list_code: h.list_code }];
  return el("ul", { class: "listings" }, listings.map((x) => {
    const p = x.policy;
    const terms = p && (p.license_requirement || p.license_policy)
      ? el("small", {}, el("br"), [p.license_requirement, p.license_policy,
        (p.footnotes || []).join(", ")].filter(Boolean).join(" · "))
      : null;
    return el("li", {}, `${x.source} ${x.list_code || ""}`, terms);
  }));
}

// Lists older than their allowed age: shown with every screening result and decision.
function warningsBox(warnings) {
  if (!warnings || !warnings.length) return null;
  return el("div", { class: "alert warnings", role: "alert" },
    el("p", {}, el("strong", {}, T("stale_lists"))),
    el("ul", {}, warnings.map((w) => el("li", {}, w))));
}

async function runScreen(event) {
  event.preventDefault();
  const out = $("screen-result");
  const body = { name: $("screen-name").value.trim(), limit: 10 };
  const type = $("screen-type").value;
  if (type) body.type = type;
  const country = $("screen-country").value.trim();
  if (country) body.countries = [country.toUpperCase()];
  const threshold = $("screen-threshold").value;
  if (threshold !== "") body.threshold = Number(threshold);
  show(out, el("p", { class: "muted" }, T("screening")));
  const result = await api("POST", "/v1/screen", body);
  if (!result.ok) { show(out, errorBox(result)); return; }
  const hits = result.data.hits || [];
  const matched = hits.filter((h) => h.match).length;
  const summary = hits.length
    ? el("p", { class: matched ? "alert" : "" }, `${hits.length} ${T("hits_found")}`,
        matched ? [" — ", el("strong", {}, `${matched} ${T("match")}`)] : [])
    : el("p", { class: "ok" }, T("no_hits"));
  show(out, warningsBox(result.data.warnings), summary, hits.length ? hitsTable(hits) : null);
}

// ------------------------------------------------------------------ check

const ROLES = ["exporter", "purchaser", "intermediate_consignee", "ultimate_consignee", "end_user"];
const KINDS = ["integrated_circuit", "computer", "hbm", "model_weights", "software", "technology", "other"];
let rowSeq = 0;

function select(id, values, chosen) {
  return el("select", { id }, values.map((v) => el("option", { value: v, selected: v === chosen }, v)));
}

function field(labelText, control) {
  return el("div", { class: "cell" }, el("label", { for: control.id }, labelText), control);
}

function addPartyRow(role) {
  const n = ++rowSeq;
  const row = el("div", { class: "row party" },
    field(T("role"), select(`p-role-${n}`, ROLES, role || "end_user")),
    field(T("party_name"), el("input", { id: `p-name-${n}`, maxlength: 500 })),
    field(T("country"), el("input", { id: `p-country-${n}`, maxlength: 2, size: 4 })),
    field(T("type"), select(`p-type-${n}`, ["organization", "person"], "organization")));
  row.append(el("button", { type: "button", class: "remove", "aria-label": `${T("remove")} ${n}`,
    onclick: () => row.remove() }, T("remove")));
  $("tx-parties").append(row);
}

function addItemRow() {
  const n = ++rowSeq;
  const row = el("div", { class: "row item" },
    field(T("description"), el("input", { id: `i-desc-${n}`, maxlength: 500 })),
    field(T("kind"), select(`i-kind-${n}`, KINDS, "integrated_circuit")),
    field(T("quantity"), el("input", { id: `i-qty-${n}`, type: "number", min: 0 })),
    field(T("eccn"), el("input", { id: `i-eccn-${n}`, maxlength: 20, size: 10 })),
    field(T("tpp"), el("input", { id: `i-tpp-${n}`, type: "number", min: 0, step: "any" })),
    field(T("us_origin"), el("input", { id: `i-us-${n}`, type: "checkbox" })));
  row.append(el("button", { type: "button", class: "remove", "aria-label": `${T("remove")} ${n}`,
    onclick: () => row.remove() }, T("remove")));
  $("tx-items").append(row);
}

function formToDocument() {
  const val = (id) => $(id).value.trim();
  const doc = {};
  if (val("tx-id")) doc.id = val("tx-id");
  if (val("tx-origin")) doc.origin_country = val("tx-origin").toUpperCase();
  if (val("tx-destination")) doc.destination_country = val("tx-destination").toUpperCase();
  doc.parties = [];
  for (const row of document.querySelectorAll("#tx-parties .row")) {
    const n = row.querySelector("select").id.split("-").pop();
    const name = val(`p-name-${n}`);
    if (!name) continue;
    const party = { role: $(`p-role-${n}`).value, name, type: $(`p-type-${n}`).value };
    if (val(`p-country-${n}`)) party.country = val(`p-country-${n}`).toUpperCase();
    doc.parties.push(party);
  }
  doc.items = [];
  for (const row of document.querySelectorAll("#tx-items .row")) {
    const n = row.querySelector("input").id.split("-").pop();
    const description = val(`i-desc-${n}`);
    if (!description) continue;
    const item = { description, kind: $(`i-kind-${n}`).value, us_origin: $(`i-us-${n}`).checked };
    if (val(`i-qty-${n}`)) item.quantity = Number(val(`i-qty-${n}`));
    if (val(`i-eccn-${n}`)) item.eccn = val(`i-eccn-${n}`);
    if (val(`i-tpp-${n}`)) item.tpp = Number(val(`i-tpp-${n}`));
    doc.items.push(item);
  }
  $("tx-document").value = JSON.stringify(doc, null, 2);
  $("tx-document").focus();
}

function findingsTable(findings, caption) {
  return el("table", { class: "findings" },
    el("caption", {}, caption || T("findings")),
    el("thead", {}, el("tr", {},
      [T("verdict"), T("subject"), T("regime"), T("rule"), T("summary"), T("citation")]
        .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, (findings || []).map((f) => el("tr", {},
      el("td", {}, verdictBadge(f.verdict)),
      el("td", {}, f.subject || ""),
      el("td", {}, f.regime),
      el("td", {}, el("code", {}, f.rule_id || "")),
      el("td", {}, f.summary || "",
        f.review_policy ? el("div", { class: "muted" }, `${T("review_policy")}: ${f.review_policy}`) : null,
        (f.conditions || []).length
          ? el("ul", { class: "conditions", "aria-label": T("conditions") }, f.conditions.map((c) => el("li", {}, c)))
          : null),
      el("td", { class: "citation" }, f.citation || "")))));
}

function canonical(value) {
  // JSON with object keys sorted, so that key order never makes two findings differ.
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function differing(findings, others) {
  // Findings of one reading that the other reading does not have word for word.
  const seen = new Set((others || []).map(canonical));
  return (findings || []).filter((f) => !seen.has(canonical(f)));
}

function divergenceBlock(decision) {
  const div = decision.divergence;
  if (!div) return el("p", { class: "divergence same" }, el("strong", {}, `${T("divergence")}: `), T("no_divergence"));
  return el("div", { class: "divergence differs" },
    el("h4", {}, T("divergence")),
    Object.entries(div).map(([reading, block]) => {
      const only = differing(block.findings, decision.findings);
      const missing = differing(decision.findings, block.findings);
      return el("div", {},
        el("p", {}, reading === "literal" ? T("literal_gives") : `${T("other_reading")} (${reading})`, " ",
          verdictBadge(block.verdict)),
        only.length ? findingsTable(only, `${T("differs_in")} (${reading})`) : null,
        missing.length ? findingsTable(missing, `${T("differs_in")} (${decision.mode})`) : null);
    }));
}

function partiesBlock(parties) {
  const rows = (parties || []).filter((p) => (p.hits || []).length);
  if (!rows.length) return null;
  return el("div", {}, el("h4", {}, T("party_hits")),
    rows.map((p) => el("div", {}, el("p", {}, `#${p.index} ${p.role}: ${p.name || ""} `, verdictBadge(p.verdict)),
      hitsTable(p.hits))));
}

function renderDecision(d) {
  const audit = d.audit;
  return el("article", { class: "decision", "aria-label": T("verdict") },
    el("h3", {}, `${d.id || ""} ${T("verdict")}: `, verdictBadge(d.verdict)),
    el("p", { class: "muted" }, `${T("as_of_short")} ${d.as_of} · ${T(d.mode)}`),
    divergenceBlock(d),
    findingsTable(d.findings),
    partiesBlock(d.parties),
    audit ? el("p", { class: "audit-ref" }, `${T("recorded_as")} ${audit.record_id} `,
      el("code", {}, audit.hash), " ",
      el("button", { type: "button", id: "open-audit-record", onclick: () => openRecordFromCheck(audit.record_id) },
        T("open_record"))) : null);
}

async function runCheck(event) {
  event.preventDefault();
  const out = $("check-result");
  const text = $("tx-document").value;
  const type = text.trim().startsWith("{") ? "application/json" : "application/yaml";
  const params = new URLSearchParams({ mode: $("check-mode").value });
  if ($("check-as-of").value) params.set("as_of", $("check-as-of").value);
  show(out, el("p", { class: "muted" }, T("checking")));
  const result = await api("POST", `/v1/check?${params}`, text, type);
  if (!result.ok) { show(out, errorBox(result)); return; }
  show(out, renderDecision(result.data));
}

function readUpload() {
  const file = $("tx-file").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => { $("tx-document").value = String(reader.result); };
  reader.readAsText(file);
}

// ------------------------------------------------------------------ audit

async function loadAudit() {
  const out = $("audit-list");
  if (me && me.role === "screener") { show(out, el("p", { class: "muted" }, T("needs_reviewer"))); return; }
  show(out, el("p", { class: "muted" }, T("loading")));
  const result = await api("GET", `/v1/audit?limit=${AUDIT_PAGE}&offset=${auditOffset}`);
  if (!result.ok) { show(out, errorBox(result)); return; }
  const records = result.data.records || [];
  $("audit-newer").disabled = auditOffset === 0;
  $("audit-older").disabled = records.length < AUDIT_PAGE;
  if (!records.length) { show(out, tamperBanner(auditProblems(result.data)), el("p", {}, T("no_records"))); return; }
  show(out, tamperBanner(auditProblems(result.data)), el("table", { class: "audit" },
    el("thead", {}, el("tr", {}, [T("record"), T("when"), T("actor"), "ID", T("verdict"), T("hash"), ""]
      .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, records.map((r) => el("tr", { class: r.integrity && !r.integrity.ok ? "tampered" : null },
      el("td", {}, String(r.id), r.integrity && !r.integrity.ok ? el("strong", { class: "tampered-flag" }, ` ${T("tampered")}`) : null),
      el("td", {}, (r.created_at || "").replace("T", " ").slice(0, 19)),
      el("td", {}, r.actor),
      el("td", {}, (r.output && r.output.id) || (r.input && r.input.id) || ""),
      el("td", {}, r.output && r.output.verdict ? verdictBadge(r.output.verdict) : ""),
      el("td", {}, el("code", {}, (r.hash || "").slice(0, 19) + "…")),
      el("td", {}, el("button", { type: "button", class: "open-record", "data-id": r.id,
        onclick: () => openRecord(r.id) }, `${T("open")} ${r.id}`)))))));
}

// Every problem the server found on this page of the audit log: the log's own (a deleted
// tail) and each record's (edited, forged, cut from its chain).
function auditProblems(page) {
  const own = (page.integrity && page.integrity.problems) || [];
  const each = (page.records || []).flatMap((r) => (r.integrity && r.integrity.problems) || []);
  return own.concat(each);
}

function tamperBanner(problems) {
  if (!problems || !problems.length) return null;
  return el("div", { class: "tamper-banner", role: "alert" },
    el("p", {}, el("strong", {}, `✘ ${T("tampered_banner")}`)),
    el("ul", {}, problems.map((p) => el("li", {}, p))));
}

async function openRecord(id) {
  const out = $("audit-record");
  const result = await api("GET", `/v1/audit/${encodeURIComponent(id)}`);
  if (result.status === 409) { show(out, tamperBanner([(result.data && result.data.message) || "409"])); out.focus(); return; }
  if (!result.ok) { show(out, errorBox(result)); return; }
  const r = result.data;
  show(out, el("article", { class: "record", "aria-label": `${T("record")} ${r.id}` },
    el("h3", {}, `${T("record")} ${r.id} `, r.output && r.output.verdict ? verdictBadge(r.output.verdict) : ""),
    el("dl", {},
      el("dt", {}, T("when")), el("dd", {}, r.created_at),
      el("dt", {}, T("actor")), el("dd", {}, r.actor),
      el("dt", {}, T("hash")), el("dd", {}, el("code", {}, r.hash)),
      el("dt", {}, T("prev_hash")), el("dd", {}, el("code", {}, r.prev_hash))),
    r.output && r.output.findings ? renderDecision(r.output) : null,
    el("details", {}, el("summary", {}, T("record_input")), el("pre", {}, JSON.stringify(r.input, null, 2))),
    el("details", {}, el("summary", {}, T("record_output")), el("pre", {}, JSON.stringify(r.output, null, 2)))));
  out.focus();
}

function openRecordFromCheck(id) {
  selectTab("audit", true);
  openRecord(id);
}

async function verifyChain() {
  const out = $("verify-result");
  show(out, el("p", { class: "muted" }, T("verifying")));
  const result = await api("POST", "/v1/audit/verify");
  if (!result.ok) { show(out, errorBox(result)); return; }
  const r = result.data;
  if (r.ok) show(out, el("p", { class: "ok", role: "status" }, `✔ ${T("chain_ok")} (${r.checked} ${T("records_checked")})`));
  else show(out, el("div", { class: "alert", role: "alert" }, el("p", {}, `✘ ${T("chain_broken")}`),
    el("ul", {}, (r.problems || []).map((p) => el("li", {}, typeof p === "string" ? p : `${p.record_id ?? ""}: ${p.reason}`)))));
}

// ------------------------------------------------------------------ lists

async function loadLists() {
  const out = $("lists-result");
  show(out, el("p", { class: "muted" }, T("loading")));
  const result = await api("GET", "/v1/lists");
  if (!result.ok) { show(out, errorBox(result)); return; }
  show(out, el("table", { class: "lists" },
    el("thead", {}, el("tr", {}, [T("source"), T("published"), T("age"), T("entities"), T("version")]
      .map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, (result.data.sources || []).map((s) => el("tr", {},
      el("td", {}, el("strong", {}, s.source), el("br"), el("small", {}, s.label || "")),
      el("td", { class: "nowrap" }, s.published || "", s.origin ? el("div", { class: "muted" }, s.origin) : null),
      el("td", { class: s.age_days > 30 ? "stale" : "" }, s.age_days === null ? "" : `${s.age_days} ${T("days")}`,
        s.age_days > 30 ? el("div", { class: "muted" }, T("stale")) : null,
        s.refresh ? el("div", { class: s.refresh.ok ? "muted" : "stale", title: s.refresh.message || "" },
          `${T("last_update")}: ${T("refresh_" + s.refresh.result)} (${s.refresh.at.slice(0, 16).replace("T", " ")} UTC)`) : null),
      el("td", {}, s.entity_count === null ? "" : String(s.entity_count)),
      el("td", {}, el("code", {}, (s.version || "").slice(0, 23))))))));
}

// ------------------------------------------------------------------ start

function start() {
  setupTabs();
  $("login-form").addEventListener("submit", (event) => { event.preventDefault(); signIn($("api-key").value.trim()); });
  $("sign-out").addEventListener("click", signOut);
  $("screen-form").addEventListener("submit", runScreen);
  $("check-form").addEventListener("submit", runCheck);
  $("tx-file").addEventListener("change", readUpload);
  $("add-party").addEventListener("click", () => addPartyRow());
  $("add-item").addEventListener("click", addItemRow);
  $("fill-document").addEventListener("click", formToDocument);
  $("verify").addEventListener("click", verifyChain);
  $("audit-newer").addEventListener("click", () => { auditOffset = Math.max(0, auditOffset - AUDIT_PAGE); loadAudit(); });
  $("audit-older").addEventListener("click", () => { auditOffset += AUDIT_PAGE; loadAudit(); });
  addPartyRow("exporter");
  addPartyRow("end_user");
  addItemRow();
  const saved = sessionStorage.getItem(KEY_SLOT);
  if (saved) signIn(saved); else $("api-key").focus();
}

start();
