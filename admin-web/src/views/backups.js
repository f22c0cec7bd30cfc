// Backups: the latest verified backup of each tier, the last health check, recent recoveries (the
// "recovery" section of getDashboardData), and entity recovery with a dry-run preview first
// (recoverWallet / recoverChat / recoverSupportTicket / recoverAiSession).
import { html, nothing } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import * as fmt from "../format.js";
import { facts, pill, scroll, section } from "./ui.js";

const KINDS = [
  { id: "wallet", fn: "recoverWallet", field: "userId", label: "Wallet (by user id)", sla: "30 s" },
  {
    id: "chat",
    fn: "recoverChat",
    field: "chatId",
    label: "Chat with its messages (by chat id)",
    sla: "10 s",
  },
  {
    id: "supportTicket",
    fn: "recoverSupportTicket",
    field: "ticketId",
    label: "Support ticket (by ticket id)",
    sla: "60 s",
  },
  {
    id: "aiSession",
    fn: "recoverAiSession",
    field: "sessionId",
    label: "AI session (by session id)",
    sla: "15 s",
  },
];

export const backups = {
  id: "backups",
  title: "Backups",
  render(results, ctx) {
    return html` ${section(
        results,
        "recovery",
        (d) =>
          html` <div class="grid tiers" data-testid="backup-tiers">
              ${(d.tiers ?? []).map((t) => tierCard(t, healthOf(d, t.tier)))}
            </div>
            <div class="grid two">
              <section class="card">
                <h2>Backup health</h2>
                ${health(d.health)}
              </section>
              <section class="card">
                <h2>Recent recoveries</h2>
                ${recoveries(d.recentRecoveries ?? [])}
              </section>
            </div>`,
      )}
      <section class="card">
        <h2>Recover an entity</h2>
        ${recoveryForm(results, ctx)}
      </section>`;
  },
};

const healthOf = (d, tier) =>
  Array.isArray(d.health?.tiers) ? d.health.tiers.find((t) => t.tier === tier) : undefined;

function tierCard(t, h) {
  return html`<section class="card tier" data-tier=${t.tier}>
    <h2>
      ${t.tier}
      ${pill(t.backupId ? (t.fresh ? "fresh" : "stale") : "missing", t.backupId ? (t.fresh ? "fresh" : "stale") : "none")}
      ${h ? pill(h.status) : nothing}
    </h2>
    ${
      t.backupId
        ? facts([
            ["Latest verified", html`<span class="mono small">${t.backupId}</span>`],
            [
              "Snapshot",
              html`${fmt.when(t.snapshotTime)}
                <span class="muted">(${fmt.ago(t.snapshotTime)})</span>`,
            ],
            ["Documents", fmt.count(t.documents)],
            ["Size", fmt.bytes(t.bytes)],
            ["Consistency", fmt.text(t.consistency)],
          ])
        : html`<p class="muted">No verified backup yet.</p>`
    }
    ${facts([["Kept", `${fmt.count(t.keep)} · ${t.storageClass}`]])}
    ${
      h?.problems?.length
        ? html`<ul class="problems">
            ${h.problems.map((p) => html`<li>${pill(p.severity)} ${p.message}</li>`)}
          </ul>`
        : nothing
    }
  </section>`;
}

function health(h) {
  if (!h) return html`<p class="muted">No health data.</p>`;
  return html`<p>
      ${pill(h.status)}
      ${h.checkedAt ? html`<span class="muted">checked ${fmt.ago(h.checkedAt)}</span>` : html`<span class="muted">monitorBackupHealth has not run yet</span>`}
    </p>
    ${
      Array.isArray(h.tiers)
        ? scroll(
            html`<table class="data">
              <thead>
                <tr>
                  <th>Tier</th>
                  <th>Status</th>
                  <th>Verified</th>
                  <th class="num">Shards checked</th>
                  <th>Counts</th>
                </tr>
              </thead>
              <tbody>
                ${h.tiers.map(
                  (t) =>
                    html`<tr>
                      <td>${t.tier}</td>
                      <td>${pill(t.status)}</td>
                      <td>${t.verified ? "yes" : "no"}</td>
                      <td class="num">${fmt.count(t.shardsChecked)}</td>
                      <td class="small">
                        ${(t.counts ?? []).filter((c) => !c.plausible).map((c) => html`<span class="chip">${c.collection}: ${fmt.count(c.backup)} vs ${fmt.count(c.live)} live</span> `)}
                        ${(t.counts ?? []).every((c) => c.plausible) ? "plausible" : nothing}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )
        : nothing
    }`;
}

function recoveries(list) {
  if (!list.length) return html`<p class="muted">No recoveries yet.</p>`;
  return scroll(
    html`<table class="data" data-testid="recent-recoveries">
      <thead>
        <tr>
          <th>When</th>
          <th>What</th>
          <th>Status</th>
          <th class="num">Writes</th>
          <th class="num">Time</th>
        </tr>
      </thead>
      <tbody>
        ${repeat(
          list,
          (r) => r.archiveId,
          (r) =>
            html`<tr>
              <td title=${fmt.when(r.createdAt)}>${fmt.ago(r.createdAt)}</td>
              <td>
                ${r.kind} <span class="mono small">${r.owner}</span>
                <div class="muted small">from ${r.sourceId ?? "—"}</div>
              </td>
              <td>${pill(r.status)}</td>
              <td class="num">${fmt.count(r.writes)}</td>
              <td class="num">
                ${fmt.count(r.elapsedMs)} ms
                ${r.withinSla === false ? pill("failed", "over SLA") : nothing}
              </td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

// The preview of the last dry run, kept until a real recovery or another preview replaces it.
let preview = null;

function readForm(form) {
  const f = Object.fromEntries(new FormData(form).entries());
  const kind = KINDS.find((k) => k.id === f.kind);
  const data = { [kind.field]: f.owner.trim() };
  if (f.backupId.trim()) data.backupId = f.backupId.trim();
  return { kind, data };
}

function recoveryForm(results, ctx) {
  const run = async (event, dryRun) => {
    const form = event.target.closest("form");
    if (!form.reportValidity()) return;
    const { kind, data } = readForm(form);
    const owner = data[kind.field];
    if (dryRun) {
      const result = await ctx.act({
        id: "recovery",
        run: () => ctx.call(kind.fn, { ...data, dryRun: true }),
        done: (res) =>
          `Dry run for ${kind.id} ${owner}: ${summaryText(res.summary)} — nothing written`,
      });
      if (result) preview = { kind, data, result };
      ctx.redraw();
      return;
    }
    const result = await ctx.act({
      id: "recovery",
      confirm: {
        title: `Restore ${kind.id} ${owner}?`,
        body: html`<p>
            The current state is archived first (the recovery can be undone), then replaced by the
            backup
            ${data.backupId ? html`<span class="mono">${data.backupId}</span>` : "(latest verified)"}.
          </p>
          ${
            preview && preview.kind === kind && preview.data[kind.field] === owner
              ? html`<p>Preview: ${summaryText(preview.result.summary)}.</p>`
              : html`<p class="error-text">No dry run was done for this entity.</p>`
          }`,
        confirmLabel: "Restore",
        danger: true,
      },
      run: () => ctx.call(kind.fn, { ...data, dryRun: false }),
      done: (res) =>
        `Restored ${kind.id} ${owner}: ${summaryText(res.summary)}, ${res.elapsedMs} ms of ${res.slaMs} ms SLA; archive ${res.archive?.archiveId ?? "—"}`,
    });
    if (result) preview = { kind, data, result };
    ctx.redraw();
  };
  return html`<form
      class="stack"
      data-testid="recovery-form"
      @submit=${(e) => {
        e.preventDefault();
        run(e, true);
      }}
    >
      <label
        >What
        <select name="kind">
          ${KINDS.map((k) => html`<option value=${k.id}>${k.label} — SLA ${k.sla}</option>`)}
        </select></label
      >
      <label
        >Id
        <input name="owner" required maxlength="128" class="mono" placeholder="e.g. the user's uid"
      /></label>
      <label
        >Backup
        <input
          name="backupId"
          maxlength="64"
          class="mono"
          placeholder="latest verified (or e.g. hourly-20260131T140000Z)"
      /></label>
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${ctx.busy("recovery")}>
          Preview (dry run)
        </button>
        <button
          type="button"
          class="danger"
          ?disabled=${ctx.busy("recovery")}
          @click=${(e) => run(e, false)}
        >
          Restore…
        </button>
      </div>
    </form>
    ${preview ? previewPanel(preview) : nothing}`;
}

const summaryText = (s) =>
  s
    ? `${s.added} to add, ${s.changed} to change, ${s.removed} to remove, ${s.unchanged} unchanged`
    : "—";

function previewPanel({ kind, data, result }) {
  const changes = result.changes ?? [];
  return html`<div class="result" data-testid="recovery-preview">
    <h3>
      ${result.dryRun ? "Dry run" : "Restored"}: ${kind.id}
      <span class="mono">${data[kind.field]}</span> ${pill(result.status)}
    </h3>
    ${facts([
      [
        "Source",
        result.source
          ? html`${result.source.type} <span class="mono small">${result.source.id}</span> as of
              ${fmt.when(result.source.asOf)}`
          : "—",
      ],
      ["Changes", summaryText(result.summary)],
      [
        "Time",
        html`${fmt.count(result.elapsedMs)} ms of ${fmt.count(result.slaMs)} ms SLA
        ${pill(result.withinSla ? "within-sla" : "failed", result.withinSla ? "within SLA" : "over SLA")}`,
      ],
      [
        "Archive",
        result.archive
          ? html`<span class="mono small">${result.archive.archiveId}</span>`
          : undefined,
      ],
      [
        result.dryRun ? "Would write" : "Written",
        result.restore
          ? `${fmt.count(result.restore.writes)} document(s)${result.dryRun ? "" : ` in ${fmt.count(result.restore.commits)} commit(s), ${result.restore.mode}`}`
          : undefined,
      ],
    ])}
    ${
      changes.length
        ? scroll(
            html`<table class="data">
              <thead>
                <tr>
                  <th>Collection</th>
                  <th>Document</th>
                  <th>Change</th>
                  <th>Fields</th>
                </tr>
              </thead>
              <tbody>
                ${changes.map(
                  (c) =>
                    html`<tr>
                      <td>${c.collection}</td>
                      <td class="mono small">${c.id}</td>
                      <td>${c.change}</td>
                      <td class="small">${(c.fields ?? []).join(", ")}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`,
          )
        : html`<p class="muted">No differences.</p>`
    }
    ${result.changesTruncated ? html`<p class="muted small">More changes than shown.</p>` : nothing}
  </div>`;
}
