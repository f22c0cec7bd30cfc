// Overview: overall health per service, the open alerts, and one tile per domain — all from the one
// getDashboardData call.
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import * as fmt from "../format.js";
import { loading, pill, scroll, section, stat, unavailable } from "./ui.js";

export const overview = {
  id: "overview",
  title: "Overview",
  // Region statuses come from the public getter too, so the tile works without the routing section.
  calls: () => ({ regionStatuses: ["getRegionStatuses", {}] }),
  render(results) {
    if (!results.dashboard) return loading();
    return html` <div class="grid two">
        <section class="card" aria-labelledby="ov-health">
          <h2 id="ov-health">Service health</h2>
          ${section(results, "monitoring", (m) => healthTable(m.health))}
        </section>
        <section class="card" aria-labelledby="ov-alerts">
          <h2 id="ov-alerts">Open alerts</h2>
          ${section(results, "monitoring", (m) => alertList(m.openAlerts))}
        </section>
      </div>
      <div class="grid tiles">
        ${
          results.dashboard.sections?.routing?.available || !results.regionStatuses
            ? tile("Regions", "routing", results, regionsTile, "regions")
            : html`<section class="card tile" data-tile="regions">
                <h2><a href="#/regions">Regions</a></h2>
                ${regionsTile(results.regionStatuses)}
              </section>`
        }
        ${tile("Scaling", "scaling", results, scalingTile)} ${tile("CDN", "cdn", results, cdnTile)}
        ${tile("Costs", "cost", results, budgetsTile, "costs")}
        ${tile("Backups", "recovery", results, backupsTile, "backups")}
      </div>
      <p class="muted small">Generated ${fmt.when(results.dashboard.generatedAt)}</p>`;
  },
};

export function healthTable(health) {
  if (!health) return unavailable("No health summary yet.");
  return html` <p>
      Overall ${pill(health.overall)}
      <span class="muted">evaluated ${fmt.ago(health.evaluatedAt)}</span>
      ${health.stale ? html` ${pill("stale", "stale: the health check has not run for over 3 min")}` : nothing}
    </p>
    ${scroll(
      html`<table class="data" data-testid="health-table">
        <thead>
          <tr>
            <th>Service</th>
            <th>Status</th>
            <th class="num">p50</th>
            <th class="num">p95</th>
            <th class="num">p99</th>
            <th class="num">Errors</th>
            <th class="num">Samples</th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            health.services ?? [],
            (s) => s.service,
            (s) =>
              html`<tr data-service=${s.service}>
                <td>${s.service}</td>
                <td>${pill(s.status)}</td>
                <td class="num">${unitValue(s.p50, s.unit)}</td>
                <td class="num">${unitValue(s.p95, s.unit)}</td>
                <td class="num">${unitValue(s.p99, s.unit)}</td>
                <td class="num">${fmt.ratio(s.errorRate)}</td>
                <td class="num">${fmt.count(s.samples)}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
    )}
    ${health.configProblems?.length ? html`<p class="error-text">Threshold problems: ${health.configProblems.join("; ")}</p>` : nothing}`;
}

export const unitValue = (v, unit) =>
  unit === "%" || unit === "percent" ? fmt.percent(v) : fmt.ms(v);

function alertList(openAlerts) {
  if (!openAlerts) return unavailable("No alert data.");
  const items = openAlerts.items ?? [];
  const by = openAlerts.bySeverity ?? {};
  return html` <p class="severity-counts">
      ${Object.entries(by).map(([severity, n]) => html`${pill(severity, `${n} ${severity}`)} `)}
      ${items.length === 0 ? html`<span class="muted" data-testid="no-alerts">No open alerts.</span>` : nothing}
    </p>
    <ul class="alerts" data-testid="overview-alerts">
      ${repeat(
        items,
        (a) => a.id,
        (a) =>
          html`<li>
            ${pill(a.severity)} <strong>${a.source}</strong> <span>${a.message}</span>
            <span class="muted small"
              >since ${fmt.ago(a.openedAt)}${a.count > 1 ? `, ${fmt.count(a.count)}×` : ""}</span
            >
          </li>`,
      )}
    </ul>
    ${openAlerts.more ? html`<p class="muted small">and ${fmt.count(openAlerts.more)} more — see <a href="#/monitoring">Monitoring</a></p>` : nothing}`;
}

function tile(title, sectionName, results, body, view = sectionName) {
  return html`<section class="card tile" data-tile=${view}>
    <h2><a href="#/${view}">${title}</a></h2>
    ${section(results, sectionName, body)}
  </section>`;
}

function regionsTile(d) {
  return html`<ul class="plain">
    ${(d.regions ?? []).map(
      (r) =>
        html`<li>
          ${pill(r.status)} <strong>${r.id}</strong>
          <span class="muted">${fmt.ms(r.medianLatencyMs)} median</span>
        </li>`,
    )}
  </ul>`;
}

function scalingTile(d) {
  const services = d.services ?? [];
  return html`${stat("Bursts active", fmt.count(d.burstsActive))}
    <p class="muted small">${services.length} services · actuator ${d.actuator}</p>`;
}

function cdnTile(d) {
  if (d.status) return html`<p class="muted">${d.status}</p>`;
  return html`${stat("Assets", fmt.count(d.assets), html`${fmt.bytes(d.bytes)}`)}
  ${d.failed ? html`<p>${pill("failed", `${fmt.count(d.failed)} failed`)}</p>` : nothing}`;
}

function budgetsTile(d) {
  const worst = [...(d.services ?? [])].sort((a, b) => Number(b.percent) - Number(a.percent))[0];
  return html`${stat(`Spent in ${d.period}`, fmt.money(d.totalSpentMinor))}
  ${worst ? html`<p>${pill(worst.state)} ${worst.service} at ${fmt.percent(Number(worst.percent))}</p>` : nothing}`;
}

function backupsTile(d) {
  return html`<ul class="plain">
      ${(d.tiers ?? []).map(
        (t) =>
          html`<li>
            ${pill(t.fresh ? "fresh" : "stale")} <strong>${t.tier}</strong>
            <span class="muted">${t.snapshotTime ? fmt.ago(t.snapshotTime) : "none yet"}</span>
          </li>`,
      )}
    </ul>
    <p class="small">Health ${pill(d.health?.status)}</p>`;
}
