// Promptwall admin console: plain JS, no dependencies. Charts are SVG drawn here.
"use strict";

const TOKEN_KEY = "promptwall.admin_token";
const ACTION_COLORS = { block: "#d64545", redact: "#e8912d", warn: "#e5c300", allow: "#3aa366" };
const PALETTE = ["#3451b2", "#d64545", "#3aa366", "#e8912d", "#8e44ad", "#16a2b8", "#b5651d", "#e056a0", "#5d6d7e", "#7fb800"];
const SVGNS = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function token() { return sessionStorage.getItem(TOKEN_KEY); }

async function api(path, method = "GET", body) {
  const headers = { Authorization: "Bearer " + token() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch("/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401) { sessionStorage.removeItem(TOKEN_KEY); route(); throw new Error("unauthorized"); }
  if (!r.ok) {
    let msg = r.statusText;
    try { msg = (await r.json()).message; } catch (_) { /* not JSON */ }
    throw new Error(msg);
  }
  return r.status === 204 ? null : r.json();
}

function fmtTime(ms) {
  if (ms == null) return "never";
  const d = new Date(ms);
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}
function ago(ms) {
  if (ms == null) return "never";
  const s = Math.max(0, (Date.now() - ms) / 1000);
  if (s < 90) return Math.round(s) + " s ago";
  if (s < 5400) return Math.round(s / 60) + " min ago";
  if (s < 129600) return Math.round(s / 3600) + " h ago";
  return Math.round(s / 86400) + " d ago";
}

// Stacked bars: one bar per time bucket, one segment per key.
function stackedChart(container, series, since, until, bucketMs, colors) {
  container.replaceChildren();
  const totals = {};
  for (const p of series) totals[p.key] = (totals[p.key] || 0) + p.count;
  const keys = Object.keys(totals).sort((a, b) => totals[b] - totals[a]);
  if (!keys.length) { container.append(el("div", { class: "empty" }, "No events in this period.")); return; }
  const shown = keys.slice(0, 8);
  const colorOf = (k, i) => (colors && colors[k]) || (shown.includes(k) ? PALETTE[shown.indexOf(k) % PALETTE.length] : "#aab3c5");
  const start = Math.floor(since / bucketMs) * bucketMs;
  const n = Math.max(1, Math.ceil((until - start) / bucketMs));
  const buckets = new Map();
  for (const p of series) {
    const key = shown.includes(p.key) ? p.key : "other";
    const b = buckets.get(p.t) || {};
    b[key] = (b[key] || 0) + p.count;
    buckets.set(p.t, b);
  }
  const stackKeys = keys.length > shown.length ? [...shown, "other"] : shown;
  let peak = 1;
  for (const b of buckets.values()) peak = Math.max(peak, Object.values(b).reduce((a, c) => a + c, 0));
  const rough = peak / 4, mag = Math.pow(10, Math.floor(Math.log10(rough)));
  const step = Math.max(1, [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= rough));
  const ticks = Math.max(1, Math.ceil(peak / step));
  const max = ticks * step;
  const W = 1000, H = 220, L = 44, B = 22, T = 8;
  const bw = (W - L) / n;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  for (let i = 0; i <= ticks; i++) {
    const y = T + (H - T - B) * (1 - i / ticks);
    root.append(svg("line", { x1: L, x2: W, y1: y, y2: y, stroke: "#e2e5eb" }));
    root.append(svg("text", { x: L - 6, y: y + 4, "text-anchor": "end", "font-size": 11, fill: "#6b7385" }, Math.round(step * i)));
  }
  for (let i = 0; i < n; i++) {
    const t = start + i * bucketMs;
    const b = buckets.get(t);
    const x = L + i * bw;
    if (b) {
      let y = H - B;
      for (const k of stackKeys) {
        const c = b[k] || 0;
        if (!c) continue;
        const h = (H - T - B) * c / max;
        y -= h;
        const r = svg("rect", { x: x + bw * 0.1, y, width: Math.max(1, bw * 0.8), height: h, fill: k === "other" ? "#aab3c5" : colorOf(k) });
        r.append(svg("title", {}, `${fmtTime(t)} ${k}: ${c}`));
        root.append(r);
      }
    }
    const every = Math.max(1, Math.ceil(n / 8));
    if (i % every === 0) {
      const d = new Date(t);
      const label = bucketMs >= 86400000 ? d.toISOString().slice(5, 10) : d.toISOString().slice(11, 16);
      root.append(svg("text", { x: x + bw / 2, y: H - 6, "text-anchor": "middle", "font-size": 11, fill: "#6b7385" }, label));
    }
  }
  container.append(root);
  const legend = el("div", { class: "legend" });
  for (const k of stackKeys) {
    const sw = el("i");
    sw.style.background = k === "other" ? "#aab3c5" : colorOf(k);
    legend.append(el("span", {}, sw, `${k} (${k === "other" ? keys.slice(shown.length).reduce((a, x) => a + totals[x], 0) : totals[k]})`));
  }
  container.append(legend);
}

function barList(container, items, color) {
  container.replaceChildren();
  if (!items.length) { container.append(el("div", { class: "empty" }, "Nothing yet.")); return; }
  const max = Math.max(...items.map((i) => i.count));
  for (const it of items) {
    const s = svg("svg", { viewBox: "0 0 100 12", preserveAspectRatio: "none" });
    s.append(svg("rect", { x: 0, y: 1, width: Math.max(0.5, 100 * it.count / max), height: 10, rx: 2, fill: color }));
    container.append(el("div", { class: "bar-row" }, el("span", { class: "label", title: it.key }, it.key), s, el("span", { class: "count" }, it.count)));
  }
}

async function showOverview() {
  const bucket = $("bucket").value;
  const s = await api("/admin/stats?bucket=" + bucket);
  $("total").textContent = `${s.total} events in this period`;
  stackedChart($("chart-action"), s.by_action, s.since, s.until, s.bucket_ms, ACTION_COLORS);
  stackedChart($("chart-category"), s.by_category, s.since, s.until, s.bucket_ms);
  stackedChart($("chart-site"), s.by_site, s.since, s.until, s.bucket_ms);
  barList($("top-detectors"), s.top_detectors, "#3451b2");
  barList($("top-rules"), s.top_rules, "#8e44ad");
  barList($("top-sites"), s.top_sites, "#16a2b8");
}

async function showDevices() {
  const [{ devices }, { groups }] = await Promise.all([api("/admin/devices"), api("/admin/policies")]);
  const active = Object.fromEntries(groups.map((g) => [g.group, g.active_version]));
  const rows = $("device-rows");
  rows.replaceChildren();
  if (!devices.length) rows.append(el("tr", {}, el("td", { colspan: 10, class: "empty" }, "No device enrolled yet.")));
  for (const d of devices) {
    const want = active[d.group];
    const pv = d.policy_version == null ? "—" : "v" + d.policy_version;
    const behind = want != null && d.policy_version != null && d.policy_version < want;
    const status = d.revoked ? el("span", { class: "pill revoked" }, "revoked")
      : behind ? el("span", { class: "pill stale" }, `behind (v${want} published)`)
      : el("span", { class: "pill ok" }, "active");
    rows.append(el("tr", {}, el("td", {}, d.device_id), el("td", {}, d.hostname), el("td", {}, d.group),
      el("td", { title: fmtTime(d.last_seen_ms) }, ago(d.last_seen_ms)), el("td", {}, d.agent_version),
      el("td", {}, pv), el("td", {}, d.queue_depth ?? "—"), el("td", {}, d.dropped_total ?? "—"), el("td", {}, status), el("td", {}, revokeButton(d), " ", reenrollButton(d))));
  }
}

function revokeButton(d) {
  if (d.revoked) return "";
  const b = el("button", { type: "button", class: "revoke", "data-device": d.device_id }, "Revoke");
  b.addEventListener("click", async () => {
    if (!confirm(`Revoke ${d.device_id}? Its credential stops working at once.`)) return;
    try {
      await api("/admin/devices/" + encodeURIComponent(d.device_id) + "/revoke", "POST", {});
      await showDevices();
    } catch (e) { $("error").textContent = "Could not revoke: " + e.message; }
  });
  return b;
}

// Enrolling with a taken device id gets a fresh id; this lets the next enrollment that proposes
// this id take it over (a reinstalled laptop), once, within a day.
function reenrollButton(d) {
  const b = el("button", { type: "button", class: "reenroll", "data-device": d.device_id }, "Allow re-enroll");
  b.addEventListener("click", async () => {
    if (!confirm(`Let the next enrollment with id ${d.device_id} (within 24 h) take it over? It gets a new credential and the token's group; a revocation is cleared.`)) return;
    try {
      const r = await api("/admin/devices/" + encodeURIComponent(d.device_id) + "/allow-reenroll", "POST", {});
      $("error").textContent = "";
      $("new-token").textContent = `${r.device_id} may be re-enrolled until ${fmtTime(r.until_ms)}.`;
    } catch (e) { $("error").textContent = "Could not allow re-enrollment: " + e.message; }
  });
  return b;
}

async function createEnrollmentToken(ev) {
  ev.preventDefault();
  const f = new FormData($("enroll-form"));
  try {
    const t = await api("/admin/enrollment-tokens", "POST", { group: String(f.get("group")).trim(), uses: Number(f.get("uses")) || 1 });
    $("new-token").textContent = `${t.token}  (group ${t.group}, ${t.uses} use(s), until ${fmtTime(t.expires_ms)}; shown once)`;
  } catch (e) { $("error").textContent = "Could not create a token: " + e.message; }
}

async function showPolicies() {
  const [{ groups }, { tokens }] = await Promise.all([api("/admin/policies"), api("/admin/tokens")]);
  // Uploads name the admin token by id; show its name.
  const who = Object.fromEntries(tokens.map((t) => [t.id, t.name]));
  const box = $("groups");
  box.replaceChildren();
  if (!groups.length) box.append(el("div", { class: "empty" }, "No group yet: create an enrollment token or publish a bundle."));
  for (const g of groups) {
    const h = await api("/admin/policies/" + encodeURIComponent(g.group));
    const card = el("div", { class: "card group", "data-group": g.group });
    card.append(el("h2", {}, `Group ${g.group} · ${g.devices} device(s)`));
    if (!h.active) {
      card.append(el("div", { class: "empty" }, "No bundle published for this group."));
    } else {
      card.append(el("p", {}, el("strong", { class: "current" }, `Current: v${h.active.version} “${h.active.policy_name}”`),
        ` signed with key ${h.active.key_id}, published ${fmtTime(h.active.uploaded_ms)}, valid until ${fmtTime(h.active.expires * 1000)}`));
      const cols = ["Version", "Policy", "Audience", "Signed with", "Published", "By", "Expires", "SHA-256", "Size"];
      const table = el("table", { class: "history" }, el("thead", {}, el("tr", {}, ...cols.map((t) => el("th", {}, t)))));
      const tb = el("tbody");
      for (const p of h.history) {
        const current = p.version === h.active.version;
        const by = p.uploaded_by ? (who[p.uploaded_by] ? `${who[p.uploaded_by]} (${p.uploaded_by.slice(0, 8)})` : p.uploaded_by.slice(0, 8) + " (revoked token)") : "—";
        tb.append(el("tr", current ? { class: "current" } : {}, el("td", {}, "v" + p.version + (current ? " (current)" : "")), el("td", {}, p.policy_name),
          el("td", {}, (p.audience || []).length ? p.audience.join(", ") : "—"), el("td", {}, p.key_id), el("td", {}, fmtTime(p.uploaded_ms)),
          el("td", {}, by), el("td", {}, fmtTime(p.expires * 1000)), el("td", { title: p.sha256 }, p.sha256.slice(0, 12) + "…"), el("td", {}, p.size + " B")));
      }
      table.append(tb);
      card.append(table);
      const details = el("details", {}, el("summary", {}, "Current bundle JSON"), el("pre", {}, JSON.stringify(h.active_bundle, null, 2)));
      card.append(details);
    }
    box.append(card);
  }
  await showKeys();
}

async function showKeys() {
  const { keys } = await api("/admin/keys");
  const rows = $("key-rows");
  rows.replaceChildren();
  if (!keys.length) rows.append(el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No trusted key: uploads are refused (start the server with --trusted-key or add one through the API).")));
  for (const k of keys) {
    let retire = "";
    if (k.source === "api" && k.state !== "retired") {
      retire = el("button", { type: "button", class: "revoke retire-key", "data-key": k.key_id }, "Retire");
      retire.addEventListener("click", async () => {
        if (!confirm(`Retire key ${k.key_id}? Uploads signed with it are refused from now on, on every replica.`)) return;
        try {
          await api("/admin/keys/" + encodeURIComponent(k.key_id) + "/retire", "POST", {});
          await showKeys();
        } catch (e) { $("error").textContent = "Could not retire: " + e.message; }
      });
    }
    rows.append(el("tr", { "data-key": k.key_id }, el("td", { title: k.public_key }, k.key_id), el("td", {}, k.source === "flag" ? "--trusted-key" : "API"),
      el("td", {}, el("span", { class: "pill " + k.state }, k.state)), el("td", {}, k.not_before_ms == null ? "—" : fmtTime(k.not_before_ms)),
      el("td", {}, k.not_after_ms == null ? "—" : fmtTime(k.not_after_ms)), el("td", {}, k.added_ms == null ? "at start" : fmtTime(k.added_ms)), el("td", {}, retire)));
  }
}

// The bundle's signed audience names its group: suggest it.
async function bundlePicked() {
  const f = $("upload-file").files[0];
  $("upload-result").textContent = "";
  if (!f) return;
  try {
    const b = JSON.parse(await f.text());
    const aud = ((b.audience && b.audience.groups) || []).filter((g) => g !== "*");
    if (aud.length === 1 && !$("upload-group").value) $("upload-group").value = aud[0];
  } catch (_) { /* the server says what is wrong with it */ }
}

async function uploadBundle(ev) {
  ev.preventDefault();
  const f = $("upload-file").files[0];
  const group = $("upload-group").value.trim();
  const out = $("upload-result");
  out.className = "";
  if (!f || !group) return;
  // The file's bytes as they are: the signature covers them.
  const r = await fetch("/api/v1/admin/policies/" + encodeURIComponent(group), {
    method: "POST", headers: { Authorization: "Bearer " + token(), "Content-Type": "application/json" }, body: f });
  if (r.status === 401) { sessionStorage.removeItem(TOKEN_KEY); route(); return; }
  let v = {};
  try { v = await r.json(); } catch (_) { /* not JSON */ }
  if (r.status === 201) {
    out.className = "ok";
    out.textContent = `Published v${v.version} to ${v.group} (signed with ${v.key_id}). Devices pick it up at their next poll.`;
    $("upload-form").reset();
    await showPolicies();
  } else {
    out.className = "error";
    out.textContent = `Refused (${v.error || r.status}): ${v.message || r.statusText}`;
  }
}

let eventCursor = null;
function eventQuery() {
  const f = new FormData($("event-filter"));
  const q = new URLSearchParams();
  for (const [k, v] of f.entries()) if (String(v).trim()) q.set(k, String(v).trim());
  return q;
}
async function showEvents(append) {
  const q = eventQuery();
  q.set("limit", "100");
  if (append && eventCursor) q.set("cursor", eventCursor);
  const v = await api("/admin/events?" + q.toString());
  const rows = $("event-rows");
  if (!append) rows.replaceChildren();
  if (!append && !v.events.length) rows.append(el("tr", {}, el("td", { colspan: 9, class: "empty" }, "No events match.")));
  for (const e of v.events) {
    const ents = Object.entries(e.entity_counts || {}).map(([k, n]) => `${k}×${n}`).join(", ");
    rows.append(el("tr", {}, el("td", {}, fmtTime(e.time_ms)), el("td", {}, e.device_id), el("td", {}, e.user), el("td", {}, e.site),
      el("td", {}, e.trigger + (e.choice ? ` → ${e.choice}` : "")), el("td", {}, el("span", { class: "pill " + e.action }, e.action)),
      el("td", {}, ents), el("td", {}, (e.rule_ids || []).join(", ")), el("td", {}, "v" + e.policy_version)));
  }
  eventCursor = v.next_cursor;
  $("more").hidden = !eventCursor;
}

async function downloadCsv(ev) {
  ev.preventDefault();
  const r = await fetch("/api/v1/admin/events.csv?" + eventQuery().toString(), { headers: { Authorization: "Bearer " + token() } });
  const blob = await r.blob();
  const a = el("a", { href: URL.createObjectURL(blob), download: "promptwall-events.csv" });
  document.body.append(a);
  a.click();
  a.remove();
}

const PAGES = { overview: showOverview, devices: showDevices, policies: showPolicies, events: () => showEvents(false) };

async function route() {
  $("error").textContent = "";
  const signedIn = !!token();
  $("login").hidden = signedIn;
  $("nav").hidden = !signedIn;
  const page = (location.hash || "#overview").slice(1);
  for (const p of document.querySelectorAll(".page")) p.hidden = !signedIn || p.id !== page;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === page);
  if (!signedIn || !PAGES[page]) return;
  try {
    await PAGES[page]();
    document.body.dataset.loaded = page;
  } catch (e) {
    if (e.message !== "unauthorized") $("error").textContent = "Could not load: " + e.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const t = $("token").value.trim();
    const r = await fetch("/api/v1/admin/devices", { headers: { Authorization: "Bearer " + t } });
    if (r.ok) {
      sessionStorage.setItem(TOKEN_KEY, t);
      $("token").value = "";
      $("login-error").textContent = "";
      route();
    } else {
      $("login-error").textContent = "That token was refused.";
    }
  });
  $("logout").addEventListener("click", () => { sessionStorage.removeItem(TOKEN_KEY); route(); });
  $("bucket").addEventListener("change", route);
  $("event-filter").addEventListener("submit", (ev) => { ev.preventDefault(); showEvents(false).catch((e) => { $("error").textContent = e.message; }); });
  $("more").addEventListener("click", () => showEvents(true).catch((e) => { $("error").textContent = e.message; }));
  $("csv").addEventListener("click", downloadCsv);
  $("enroll-form").addEventListener("submit", createEnrollmentToken);
  $("upload-file").addEventListener("change", bundlePicked);
  $("upload-form").addEventListener("submit", (ev) => uploadBundle(ev).catch((e) => { $("upload-result").className = "error"; $("upload-result").textContent = "Could not publish: " + e.message; }));
  window.addEventListener("hashchange", route);
  route();
});
