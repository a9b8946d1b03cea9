// Promptwall admin console: the false-alarm review queue (issue 18). Loaded after app.js, whose
// helpers (el, api, $, fmtTime, ago, barList, PAGES) it uses. Reports are grouped by detector and
// keyed value hash (the server never holds a value); an admin approves an exception (that value,
// that detector on some sites, or a pattern; scoped and optionally expiring) or dismisses.
// Approved exceptions reach devices only once signed into a bundle: the page says how.
"use strict";

function scopeFrom(form) {
  const list = (name) => String(form.get(name) || "").split(",").map((s) => s.trim()).filter(Boolean);
  const days = Number(form.get("days"));
  return { groups: list("groups"), sites: list("sites"), users: list("users"), ...(days > 0 ? { expires_in_days: days } : {}), note: String(form.get("note") || "").trim() };
}

async function decide(path, body) {
  try {
    await api(path, "POST", body);
    $("error").textContent = "";
    await showFalseAlarms();
  } catch (e) { $("error").textContent = "Could not save: " + e.message; }
}

function approveForm(g) {
  const form = el("form", { class: "fa-approve", "data-hash": g.value_hash },
    el("select", { name: "kind", title: "what to except" },
      el("option", { value: "value" }, "this value"),
      el("option", { value: "site" }, "this detector on the sites below"),
      el("option", { value: "pattern" }, "values matching a pattern")),
    el("input", { name: "pattern", placeholder: "pattern (regex, whole value)" }),
    el("input", { name: "sites", placeholder: "sites (comma-separated)", value: g.sites.join(", ") }),
    el("input", { name: "groups", placeholder: "groups (all)" }),
    el("input", { name: "users", placeholder: "users (all)" }),
    el("input", { name: "days", type: "number", min: "1", placeholder: "expires in days", title: "expires in days (never when empty)" }),
    el("input", { name: "note", placeholder: "note" }),
    el("button", { type: "submit", "data-action": "approve" }, "Approve"),
    el("button", { type: "button", "data-action": "dismiss" }, "Dismiss"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    const scope = scopeFrom(f);
    const kind = f.get("kind");
    const body = { detector: g.detector, ...scope };
    if (kind === "value") body.value_hash = g.value_hash;
    else if (kind === "pattern") body.pattern = String(f.get("pattern") || "");
    if (kind !== "site" && !String(f.get("sites") || "").trim()) delete body.sites;
    if (kind === "value" && scope.sites.join(",") === g.sites.join(",")) delete body.sites; // the value everywhere unless narrowed
    decide("/admin/false-alarms/approve", body);
  });
  form.querySelector("[data-action=dismiss]").addEventListener("click", () => decide("/admin/false-alarms/dismiss", { detector: g.detector, value_hash: g.value_hash }));
  return form;
}

async function showFalseAlarms() {
  const q = await api("/admin/false-alarms");
  const rates = $("fa-rates");
  rates.replaceChildren();
  if (!q.detectors.length) rates.append(el("div", { class: "empty" }, "No reports yet."));
  for (const d of q.detectors) {
    const pct = (d.rate * 100).toFixed(d.rate < 0.1 ? 1 : 0) + " %";
    rates.append(el("tr", { "data-detector": d.detector }, el("td", {}, d.detector), el("td", {}, d.type), el("td", {}, d.reports),
      el("td", {}, d.findings), el("td", { class: "rate" }, d.findings ? pct : "—")));
  }
  const rows = $("fa-rows");
  rows.replaceChildren();
  if (!q.groups.length) rows.append(el("tr", {}, el("td", { colspan: 7, class: "empty" }, "No false-alarm reports.")));
  for (const g of q.groups) {
    const status = el("span", { class: "pill " + (g.status === "approved" ? "ok" : g.status === "dismissed" ? "revoked" : "stale") }, g.status);
    const reasons = el("ul", { class: "reasons" }, ...g.sample_reasons.map((r) => el("li", {}, r)));
    const action = g.status === "open" ? approveForm(g) : withdrawButton(g.review_id);
    rows.append(el("tr", { "data-hash": g.value_hash },
      el("td", {}, g.detector, el("div", { class: "muted" }, g.type)),
      el("td", {}, el("code", { title: g.value_hash }, g.value_hash.slice(0, 12) + "…")),
      el("td", {}, `${g.reports} report(s), ${g.devices} device(s)`, el("div", { class: "muted" }, g.sites.join(", "))),
      el("td", { title: fmtTime(g.first_ms) + " – " + fmtTime(g.last_ms) }, ago(g.last_ms)),
      el("td", {}, reasons),
      el("td", {}, status),
      el("td", {}, action)));
  }
  const ex = $("fa-exceptions");
  ex.replaceChildren();
  const approved = q.reviews.filter((r) => r.status === "approved");
  if (!approved.length) ex.append(el("tr", {}, el("td", { colspan: 5, class: "empty" }, "No approved exceptions.")));
  for (const r of approved) {
    const e = r.exception || {};
    const what = e.value_hash ? "value " + e.value_hash.slice(0, 12) + "…" : e.pattern ? "pattern " + e.pattern : "on " + (e.sites || []).join(", ");
    const scope = [(e.groups || []).length ? "groups " + e.groups.join(", ") : "", (e.sites || []).length && !what.startsWith("on ") ? "sites " + e.sites.join(", ") : "", (e.users || []).length ? "users " + e.users.join(", ") : ""].filter(Boolean).join("; ") || "everyone";
    ex.append(el("tr", { "data-exception": r.id }, el("td", {}, el("code", {}, r.id)), el("td", {}, e.detector, " — ", what), el("td", {}, scope),
      el("td", {}, r.expires_ms ? fmtTime(r.expires_ms) : "never"), el("td", {}, withdrawButton(r.id))));
  }
}

function withdrawButton(id) {
  if (!id) return "";
  const b = el("button", { type: "button", class: "revoke", "data-action": "withdraw" }, "Withdraw");
  b.addEventListener("click", () => decide("/admin/false-alarms/" + encodeURIComponent(id) + "/withdraw", {}));
  return b;
}

PAGES["false-alarms"] = showFalseAlarms;
