// CDN: stored assets and bytes by type, processing failures, cache hit ratio and egress from the
// latest metrics window (getCdnStats), cache purges of one asset or everything, and takedowns
// (takedownAsset: the asset's objects deleted at the origin, its URLs purged, the record kept as taken down).
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import * as fmt from "../format.js";
import { facts, formData, loading, pill, scroll, stat, unavailable } from "./ui.js";

const PURGE_ALL_CONFIRMATION = "purge-all-cache";

export const cdn = {
  id: "cdn",
  title: "CDN",
  calls: () => ({ cdnStats: ["getCdnStats", { failures: 10 }] }),
  render(results, ctx) {
    const s = results.cdnStats;
    return html` ${s ? stats(s, ctx) : results.dashboard ? unavailable("getCdnStats did not answer (see the error above).") : loading()}
      <div class="grid two">
        <section class="card">
          <h2>Purge one asset</h2>
          ${purgeOneForm(ctx)}${lastPurge(results.lastPurge)}
        </section>
        <section class="card">
          <h2>Purge everything</h2>
          ${purgeAllForm(ctx)}
        </section>
      </div>
      <section class="card">
        <h2>Take an asset down</h2>
        ${takedownForm(ctx)}${lastTakedown(results.lastTakedown)}
      </section>`;
  },
};

function stats(s, ctx) {
  const egress = s.egress ?? {};
  const types = Object.entries(s.byType ?? {});
  const hour = s.lastHourBandwidth;
  return html` <div class="grid tiles" data-testid="cdn-stats">
      ${stat("Assets ready", fmt.count(s.assets), html`${fmt.count(s.variants)} variants`)}
      ${stat("Stored", fmt.bytes(s.bytes))}
      ${stat("Cache hit ratio", fmt.ratio(egress.hitRatio), html`${fmt.count(egress.cacheHits)} of ${fmt.count(egress.requests)} requests`)}
      ${stat("Egress (window)", fmt.bytes(egress.bytes), html`source ${egress.source ?? "—"}`)}
      ${stat("Processing / failed", html`${fmt.count(s.processing)} / <span class=${s.failed ? "error-text" : ""}>${fmt.count(s.failed)}</span>`)}
    </div>
    <p class="muted small">
      Metrics window ${fmt.clock(s.windowStart)}–${fmt.clock(s.windowEnd)}, computed
      ${fmt.ago(s.computedAt)}.
    </p>
    <div class="grid two">
      <section class="card">
        <h2>By asset type</h2>
        ${scroll(
          html`<table class="data" data-testid="cdn-by-type">
            <thead>
              <tr>
                <th>Type</th>
                <th class="num">Assets</th>
                <th class="num">Variants</th>
                <th class="num">Bytes</th>
                <th class="num">Processing</th>
                <th class="num">Failed</th>
              </tr>
            </thead>
            <tbody>
              ${types.map(
                ([type, t]) =>
                  html`<tr>
                    <td>${type}</td>
                    <td class="num">${fmt.count(t.assets)}</td>
                    <td class="num">${fmt.count(t.variants)}</td>
                    <td class="num">${fmt.bytes(t.bytes)}</td>
                    <td class="num">${fmt.count(t.processing)}</td>
                    <td class="num">${fmt.count(t.failed)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )}
      </section>
      <section class="card">
        <h2>Bandwidth, last hour</h2>
        ${hour ? bandwidth(hour) : html`<p class="muted">No hourly bandwidth record yet.</p>`}
      </section>
    </div>
    <section class="card">
      <h2>Recent processing failures</h2>
      ${
        (s.recentFailures ?? []).length === 0
          ? html`<p class="muted">None.</p>`
          : scroll(
              html`<table class="data">
                <thead>
                  <tr>
                    <th>Asset</th>
                    <th>Type</th>
                    <th>Owner</th>
                    <th>Reason</th>
                    <th>When</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  ${repeat(
                    s.recentFailures,
                    (f) => f.assetId,
                    (f) =>
                      html`<tr>
                        <td class="mono small">${f.assetId}</td>
                        <td>${f.type}</td>
                        <td class="mono small">${f.owner ?? ""}</td>
                        <td class="small">${f.reason ?? ""}</td>
                        <td>${fmt.ago(f.at)}</td>
                        <td>
                          <button class="link" @click=${() => purgeOne(f.assetId, ctx)}>
                            Purge
                          </button>
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`,
            )
      }
    </section>`;
}

function bandwidth(hour) {
  const byType = hour.byType ?? hour.bytesByType;
  const byRegion = hour.byRegion ?? hour.bytesByRegion;
  return html`${facts([
    ["Hour", fmt.when(hour.hourStart)],
    ["Bytes", fmt.bytes(hour.bytes ?? hour.totalBytes)],
    ["Cost", hour.costMinor !== undefined ? fmt.moneyExact(hour.costMinor) : undefined],
  ])}
  ${byType ? html`<p class="small">${Object.entries(byType).map(([k, v]) => html`<span class="chip">${k} ${fmt.bytes(typeof v === "number" ? v : v?.bytes)}</span> `)}</p>` : nothing}
  ${byRegion ? html`<p class="small">${Object.entries(byRegion).map(([k, v]) => html`<span class="chip">${k} ${fmt.bytes(typeof v === "number" ? v : v?.bytes)}</span> `)}</p>` : nothing}`;
}

function purgeOne(assetId, ctx) {
  return ctx.act({
    id: "purge-one",
    keep: "lastPurge",
    confirm: {
      title: `Purge ${assetId} from the CDN?`,
      body: html`<p>
        Every cached URL of this asset is invalidated; the next requests go to Cloud Storage.
      </p>`,
      confirmLabel: "Purge",
      danger: true,
    },
    run: () => ctx.call("purgeCache", { assetId }),
    done: (res) =>
      `Purged ${res.assetId}: ${fmt.count(res.urls)} URLs invalidated through ${res.adapter} (purge ${res.purgeId})`,
  });
}

function purgeOneForm(ctx) {
  const submit = (event) => {
    event.preventDefault();
    purgeOne(formData(event).assetId.trim(), ctx);
  };
  return html`<form class="inline" @submit=${submit} data-testid="purge-form">
    <label
      >Asset id
      <input name="assetId" required maxlength="128" pattern="[A-Za-z0-9_.~-]+" class="mono"
    /></label>
    <button type="submit" class="danger" ?disabled=${ctx.busy("purge-one")}>Purge</button>
  </form>`;
}

function lastPurge(result) {
  if (!result) return nothing;
  return html`<div class="result" data-testid="last-purge">
    ${pill("completed", "purged")} <span class="mono small">${result.assetId}</span>
    ${facts([
      ["URLs", fmt.count(result.urls)],
      ["Adapter", result.adapter],
      ["Purge id", html`<span class="mono small">${result.purgeId}</span>`],
      [
        "Operations",
        Array.isArray(result.operations)
          ? fmt.count(result.operations.length)
          : fmt.text(result.operations),
      ],
    ])}
  </div>`;
}

function purgeAllForm(ctx) {
  const submit = (event) => {
    event.preventDefault();
    const f = formData(event);
    ctx.act({
      id: "purge-all",
      confirm: {
        title: "Purge the whole CDN cache?",
        body: html`<p>
            <strong>Every cached object is invalidated.</strong> Origin traffic and egress cost
            spike until the cache is warm again. A full purge is rate-limited.
          </p>
          <p>Reason: “${f.reason}”</p>`,
        confirmLabel: "Purge everything",
        danger: true,
      },
      run: () =>
        ctx.call("purgeAllCache", { confirm: PURGE_ALL_CONFIRMATION, reason: f.reason.trim() }),
      done: (res) => `Whole cache purged through ${res.adapter} (purge ${res.purgeId})`,
    });
  };
  return html`<form class="stack" @submit=${submit}>
    <label
      >Reason <input name="reason" required maxlength="500" placeholder="e.g. leaked private image"
    /></label>
    <button type="submit" class="danger" ?disabled=${ctx.busy("purge-all")}>
      Purge everything…
    </button>
  </form>`;
}

function takedownForm(ctx) {
  const submit = (event) => {
    event.preventDefault();
    const f = formData(event);
    const assetId = f.assetId.trim();
    ctx.act({
      id: "takedown",
      keep: "lastTakedown",
      confirm: {
        title: `Take ${assetId} down?`,
        body: html`<p>
            <strong>Every stored object of this asset is deleted</strong> (all variants and any kept
            original) and its URLs are purged from the CDN. This cannot be undone; the record stays,
            marked taken down.
          </p>
          <p>Reason: “${f.reason}”</p>`,
        confirmLabel: "Take down",
        danger: true,
      },
      run: () => ctx.call("takedownAsset", { assetId, reason: f.reason.trim() }),
      done: (res) =>
        res.alreadyTakenDown
          ? `${res.assetId} was already taken down`
          : `Taken down ${res.assetId}: ${fmt.count(res.objectsDeleted)} objects deleted`,
    });
  };
  return html`<form class="inline" @submit=${submit} data-testid="takedown-form">
    <label
      >Asset id
      <input name="assetId" required maxlength="128" pattern="[A-Za-z0-9_.~:-]+" class="mono"
    /></label>
    <label
      >Reason <input name="reason" required maxlength="500" placeholder="e.g. abuse report #123"
    /></label>
    <button type="submit" class="danger" ?disabled=${ctx.busy("takedown")}>Take down…</button>
  </form>`;
}

function lastTakedown(result) {
  if (!result) return nothing;
  return html`<div class="result" data-testid="last-takedown">
    ${pill("completed", "taken down")} <span class="mono small">${result.assetId}</span>
    ${facts([
      ["Objects deleted", fmt.count(result.objectsDeleted)],
      ["Already taken down", result.alreadyTakenDown ? "yes" : "no"],
      [
        "Purge id",
        result.purgeId
          ? html`<span class="mono small">${result.purgeId}</span>`
          : "— (nothing was on the CDN)",
      ],
    ])}
  </div>`;
}
