// Regions: status and latency of every region, how the health-check vantages agree on it, manual
// drain (forceFailover) with an optional bulk move of pinned users, clearing a drain, recent region
// events and running failovers.
// Statuses come from getRegionStatuses; the admin detail (last error, drain author, events,
// failovers) from the "routing" section of getDashboardData when this build has it.
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import * as fmt from "../format.js";
import { facts, formData, loading, pill, scroll, unavailable } from "./ui.js";

export const regions = {
  id: "regions",
  title: "Regions",
  calls: () => ({ regionStatuses: ["getRegionStatuses", {}] }),
  render(results, ctx) {
    const statuses = results.regionStatuses?.regions;
    if (!statuses)
      return results.dashboard ? unavailable("Region statuses could not be loaded.") : loading();
    const admin = adminSection(results);
    const detail = new Map((admin?.regions ?? []).map((r) => [r.id, r]));
    const agreement = new Map((admin?.vantageAgreement ?? []).map((a) => [a.region, a]));
    const list = statuses.map((r) => ({
      ...r,
      ...(detail.get(r.id) ?? {}),
      agreement: agreement.get(r.id),
    }));
    return html` <div class="grid regions" data-testid="regions">
        ${repeat(
          list,
          (r) => r.id,
          (r) => regionCard(r, list, ctx),
        )}
      </div>
      ${
        admin
          ? html` <div class="grid two">
              <section class="card">
                <h2>Running failovers</h2>
                ${failovers(admin.runningFailovers ?? [])}
              </section>
              <section class="card">
                <h2>Recent region events</h2>
                ${events(admin.recentEvents ?? [])}
              </section>
            </div>`
          : html`<p class="muted small">
              Region events and failover progress appear when the routing section of
              getDashboardData is available (${sectionReason(results)}).
            </p>`
      }`;
  },
};

function adminSection(results) {
  const s = results.dashboard?.sections?.routing;
  return s?.available ? s.data : null;
}

function sectionReason(results) {
  const s = results.dashboard?.sections?.routing;
  return s?.reason ?? "not reported";
}

function regionCard(r, all, ctx) {
  const drain = r.manualOverride;
  const others = all.filter((o) => o.id !== r.id);
  return html`<section class="card region" data-region=${r.id}>
    <h2>
      ${r.id} ${r.primary ? html`<span class="muted small">primary</span>` : nothing}
      ${pill(r.status)}
    </h2>
    <p class="muted">${r.name ?? r.city ?? ""} · ${r.gcpRegion ?? ""}</p>
    ${facts([
      ["Health", html`${pill(r.healthStatus)}`],
      ["Last latency", fmt.ms(r.lastLatencyMs)],
      ["Median latency", fmt.ms(r.medianLatencyMs)],
      ["Last check", html`<span title=${fmt.when(r.lastCheckAt)}>${fmt.ago(r.lastCheckAt)}</span>`],
      ["Status since", fmt.when(r.statusChangedAt)],
      [
        "Failures in a row",
        r.consecutiveFailures === undefined ? undefined : fmt.count(r.consecutiveFailures),
      ],
      [
        "Last error",
        r.lastError ? html`<span class="error-text">${r.lastError}</span>` : undefined,
      ],
      ["Vantages", vantages(r.agreement)],
    ])}
    ${
      drain
        ? html`<div class="drain" data-testid="drain">
            ${pill("draining")} until ${fmt.when(drain.until)}
            ${drain.reason ? html`<div class="small">“${drain.reason}”${drain.by ? ` — ${drain.by}` : ""}</div>` : nothing}
            <button
              class="secondary"
              ?disabled=${ctx.busy(`clear-${r.id}`)}
              @click=${() => clearDrain(r, ctx)}
            >
              End drain
            </button>
          </div>`
        : drainForm(r, others, ctx)
    }
  </section>`;
}

// How the health checkers in each region see this one: the quorum's agreement and each vantage's
// own status (a stale or partitioned vantage is shown struck through: it does not vote).
function vantages(a) {
  if (!a?.seenBy?.length) return undefined;
  return html`<span data-testid="vantages"
    >${a.agreeing}/${a.live} agree
    ${a.seenBy.map(
      (v) =>
        html` <span
          class=${v.live ? "small" : "small muted stale"}
          title=${v.partitioned ? "partitioned: reaches no region" : v.live ? "" : "stale"}
          >${v.live ? v.vantage : html`<s>${v.vantage}</s>`} ${pill(v.status)}</span
        >`,
    )}</span
  >`;
}

function drainForm(r, others, ctx) {
  const submit = (event) => {
    event.preventDefault();
    const f = formData(event);
    const data = {
      fromRegion: r.id,
      reason: f.reason.trim(),
      durationMinutes: Number(f.durationMinutes),
    };
    if (f.toRegion) data.toRegion = f.toRegion;
    ctx.act({
      id: `drain-${r.id}`,
      confirm: {
        title: `Drain ${r.id}?`,
        body: html`<p>
            New traffic leaves ${r.id} for ${data.durationMinutes} minutes; health checks will not
            undo it.
          </p>
          ${data.toRegion ? html`<p><strong>Every user pinned to ${r.id} is moved to ${data.toRegion} now.</strong></p>` : nothing}`,
        confirmLabel: `Drain ${r.id}`,
        danger: true,
      },
      run: () => ctx.call("forceFailover", data),
      done: (res) =>
        `${res.region} is ${res.status} until ${fmt.when(res.drainingUntil)}` +
        (res.operation
          ? `; failover ${res.operation.id}: ${fmt.count(res.operation.moved)} users moved`
          : ""),
    });
  };
  return html`<details class="control">
    <summary>Drain / fail over…</summary>
    <form @submit=${submit} class="stack" data-testid="drain-form">
      <label
        >Reason <input name="reason" required maxlength="500" placeholder="e.g. provider incident"
      /></label>
      <label
        >Duration (minutes)
        <input name="durationMinutes" type="number" min="1" max="10080" value="60" required
      /></label>
      <label
        >Move pinned users to
        <select name="toRegion">
          <option value="">— nobody now (they move on their next request)</option>
          ${others.map((o) => html`<option value=${o.id} ?disabled=${o.status !== "healthy" && o.status !== "degraded"}>${o.id} (${o.status})</option>`)}
        </select></label
      >
      <button type="submit" class="danger" ?disabled=${ctx.busy(`drain-${r.id}`)}>
        Drain ${r.id}
      </button>
    </form>
  </details>`;
}

function clearDrain(r, ctx) {
  ctx.act({
    id: `clear-${r.id}`,
    confirm: {
      title: `End the drain of ${r.id}?`,
      body: html`<p>${r.id} takes traffic again as soon as it is healthy.</p>`,
      confirmLabel: "End drain",
    },
    run: () => ctx.call("forceFailover", { fromRegion: r.id, clear: true }),
    done: (res) =>
      `${res.region}: drain ${res.cleared ? "ended" : "was not in force"}, now ${res.status}`,
  });
}

function failovers(list) {
  if (!list.length) return html`<p class="muted">None running.</p>`;
  return scroll(
    html`<table class="data">
      <thead>
        <tr>
          <th>Operation</th>
          <th>From → to</th>
          <th class="num">Moved</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        ${list.map(
          (o) =>
            html`<tr>
              <td class="mono small">${o.id}</td>
              <td>${o.fromRegion} → ${o.toRegion}</td>
              <td class="num">${fmt.count(o.moved)}</td>
              <td>${fmt.ago(o.startedAt)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

function events(list) {
  if (!list.length) return html`<p class="muted">No events yet.</p>`;
  return scroll(
    html`<table class="data" data-testid="region-events">
      <thead>
        <tr>
          <th>When</th>
          <th>Region</th>
          <th>Event</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          list,
          (e) => e.id,
          (e) =>
            html`<tr>
              <td title=${fmt.when(e.at)}>${fmt.ago(e.at)}</td>
              <td>${e.regionId}</td>
              <td>${e.type}</td>
              <td class="small">${eventDetail(e)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

function eventDetail(e) {
  switch (e.type) {
    case "status-changed":
      return `${e.from} → ${e.to}${e.reason ? `: ${e.reason}` : ""}`;
    case "draining-started":
      return `until ${fmt.when(e.until)}${e.reason ? `: ${e.reason}` : ""}${e.by ? ` (${e.by})` : ""}`;
    case "failover-started":
    case "failover-completed":
      return `to ${e.toRegion}${e.moved !== undefined ? `, ${fmt.count(e.moved)} moved` : ""}`;
    default:
      return e.reason ?? e.by ?? "";
  }
}
