#!/usr/bin/env node
// Test double for the gcloud and firebase CLIs (see DeployScriptTest). Every call is appended to
// $FAKE_CLI_LOG (JSON lines: cli, argv, code); state lives in $FAKE_CLI_STATE (JSON). A flag that is
// not in flags.json for that exact command is refused the way gcloud refuses it (exit 2, "unrecognized
// arguments"); describe of a missing thing is NOT_FOUND, create of an existing thing ALREADY_EXISTS.
// Service URLs point at $FAKE_PROBE_BASE (a loopback server the test runs), tags as /TAG---SERVICE.
// Run as `node fake.cjs gcloud ARGS…` (one process per call), or loaded by fake-server.cjs, which answers
// the calls of the thin gcloud/firebase shims without starting node each time.
'use strict';
const fs = require('fs');
const path = require('path');

const TABLES = JSON.parse(fs.readFileSync(path.join(__dirname, 'flags.json'), 'utf8'));
// One call's context: set by run() (a call from the command line, or one request to fake-server.cjs).
let cli, argv, env, STATE, LOG, PROBE_BASE, state;

function load() {
  try { return JSON.parse(fs.readFileSync(STATE, 'utf8')); } catch (e) { return {}; }
}

/** The end of one call: what the real CLI would print and exit with. Thrown by finish(), caught by run(). */
class Done {
  constructor(code, out, err) { this.code = code; this.out = out; this.err = err; }
}

function finish(code, out, err) {
  fs.writeFileSync(STATE, JSON.stringify(state, null, 1));
  fs.appendFileSync(LOG, JSON.stringify({ cli, argv, code }) + '\n');
  throw new Done(code, out ? (out.endsWith('\n') ? out : out + '\n') : '', err ? (err.endsWith('\n') ? err : err + '\n') : '');
}

// ------------------------------------------------------------------ argument parsing against the tables

function parse(table, globals, listFlags) {
  // The longest command path that names a table entry, e.g. "scheduler jobs update http".
  let words = [];
  let i = 0;
  let command = null;
  let cmdLen = 0;
  while (i < argv.length && !argv[i].startsWith('-')) { words.push(argv[i]); i++; }
  for (let n = words.length; n > 0; n--) {
    if (table[words.slice(0, n).join(' ')]) { command = words.slice(0, n).join(' '); cmdLen = n; break; }
  }
  if (!command) {
    finish(2, '', `ERROR: (${cli}) Invalid choice: '${words.join(' ')}'.\nThis fake knows: ${Object.keys(table).join(', ')}`);
  }
  const spec = table[command];
  const allowed = Object.assign({}, globals, spec.list ? listFlags : {}, spec.flags);
  // FAKE_CLI_DROP_FLAG="functions deploy --update-labels" removes one flag from a table: what the real CLI
  // would do with a flag it does not have (the tests use it to prove a bad flag in the plan fails the deploy).
  const drop = (env.FAKE_CLI_DROP_FLAG || '').split(' ');
  if (drop.length > 1 && drop.slice(0, -1).join(' ') === command) delete allowed[drop[drop.length - 1]];
  const positional = words.slice(cmdLen);
  const flags = {};
  const unknown = [];
  for (let j = words.length; j < argv.length; j++) {
    const a = argv[j];
    if (!a.startsWith('-')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    let name = eq >= 0 ? a.slice(0, eq) : a;
    let value = eq >= 0 ? a.slice(eq + 1) : undefined;
    let kind = allowed[name];
    let negated = false;
    if (!kind && name.startsWith('--no-') && allowed['--' + name.slice(5)] === 'bool+no') {
      kind = 'bool+no'; negated = true; name = '--' + name.slice(5);
    }
    if (!kind) { unknown.push(a); continue; }
    if (kind === 'value') {
      if (value === undefined) {
        if (j + 1 >= argv.length) finish(2, '', `ERROR: (${cli}.${command.replace(/ /g, '.')}) argument ${name}: expected one argument`);
        value = argv[++j];
      }
      flags[name] = value;
    } else {
      if (value !== undefined) finish(2, '', `ERROR: (${cli}.${command.replace(/ /g, '.')}) argument ${name}: ignored explicit argument '${value}'`);
      flags[name] = !negated;
    }
  }
  const where = `${cli}.${command.replace(/ /g, '.')}`;
  if (unknown.length) {
    finish(2, '', `ERROR: (${where}) unrecognized arguments:\n  ${unknown.join('\n  ')}\n\nTo search the help text of ${cli} commands, run:\n  ${cli} help -- SEARCH_TERMS`);
  }
  const want = spec.positional;
  if ((want >= 0 && positional.length !== want) || (want === -1 && positional.length === 0)) {
    finish(2, '', `ERROR: (${where}) expected ${want === -1 ? 'at least one' : want} positional argument(s), got ${positional.length}: ${positional.join(' ')}`);
  }
  for (const r of spec.required || []) {
    if (flags[r] === undefined) finish(2, '', `ERROR: (${where}) argument ${r}: Must be specified.`);
  }
  return { command, where, positional, flags };
}

// ------------------------------------------------------------------ output helpers

// A gcloud resource key: dotted, a segment may be quoted ('run.googleapis.com/startup-cpu-boost').
function keyPath(key) {
  const segs = [];
  const re = /'([^']*)'|"([^"]*)"|([^.]+)/g;
  let m;
  while ((m = re.exec(key))) segs.push(m[1] !== undefined ? m[1] : m[2] !== undefined ? m[2] : m[3]);
  return segs;
}

function pick(obj, dotted) {
  return keyPath(dotted).reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function splitKeys(list) {
  // "a.b,c.'x.y/z'" -> ["a.b", "c.'x.y/z'"] (commas inside quotes stay)
  const out = [];
  let cur = '', q = null;
  for (const ch of list) {
    if (q) { if (ch === q) q = null; cur += ch; } else if (ch === "'" || ch === '"') { q = ch; cur += ch; } else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out.map(k => k.trim()).filter(Boolean);
}

// --flatten=KEY: one record per element of the list at KEY (the element replaces the list), as gcloud does.
function flatten(records, key) {
  const segs = keyPath(key);
  const out = [];
  for (const r of records) {
    const list = pick(r, key);
    if (!Array.isArray(list)) { out.push(r); continue; }
    for (const item of list) {
      const copy = JSON.parse(JSON.stringify(r));
      let o = copy;
      for (let i = 0; i < segs.length - 1; i++) o = o[segs[i]];
      o[segs[segs.length - 1]] = item;
      out.push(copy);
    }
  }
  return out;
}

function print(value, flags) {
  let f = flags['--format'];
  if (flags['--sort-by'] && Array.isArray(value)) {
    const desc = flags['--sort-by'].startsWith('~');
    const key = flags['--sort-by'].replace(/^~/, '');
    value = value.slice().sort((a, b) => { const x = String(pick(a, key)), y = String(pick(b, key)); return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1); });
  }
  if (flags['--flatten']) value = flatten(Array.isArray(value) ? value : [value], flags['--flatten']);
  if (!f) return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (f === 'json') return JSON.stringify(value, null, 2);
  const m = /^value\((.+)\)$/.exec(f);
  if (m) {
    const keys = splitKeys(m[1]);
    const row = r => keys.map(k => { const v = pick(r, k); return v === undefined || v === null ? '' : String(v); }).join('\t');
    return Array.isArray(value) ? value.map(row).join('\n') : row(value);
  }
  finish(2, '', `ERROR: (${cli}) this fake supports --format=json and --format=value(a.b,c.'d/e') only (got ${f})`);
}

function notFound(where, what) {
  finish(1, '', `ERROR: (${where}) NOT_FOUND: Resource '${what}' was not found`);
}
function alreadyExists(where, what) {
  finish(1, '', `ERROR: (${where}) ALREADY_EXISTS: Resource '${what}' already exists`);
}
// IAM refuses a binding for a service account that does not exist (checked for the fake's own project accounts).
function memberMustExist(where, member) {
  const sa = /^serviceAccount:(.+)$/.exec(member || '');
  if (sa && sa[1].endsWith('.iam.gserviceaccount.com') && !state.serviceAccounts[sa[1]]) {
    finish(1, '', `ERROR: (${where}) INVALID_ARGUMENT: Service account ${sa[1]} does not exist.`);
  }
}
function needProject(where, flags) {
  if (!flags['--project']) finish(1, '', `ERROR: (${where}) The required property [project] is not currently set.`);
  return flags['--project'];
}
function needRegion(where, flags) {
  if (!flags['--region']) finish(1, '', `ERROR: (${where}) Required region: pass --region.`);
  return flags['--region'];
}
function now() {
  state.seq++;
  return new Date(Date.UTC(2025, 0, 1, 0, 0, state.seq)).toISOString();
}

// ------------------------------------------------------------------ Cloud Run traffic model

function serviceView(name) {
  const s = state.services[name];
  return {
    apiVersion: 'serving.knative.dev/v1', kind: 'Service',
    metadata: { name, labels: s.labels || {} },
    status: {
      url: `${PROBE_BASE}/${name}`,
      latestCreatedRevisionName: s.revisions[s.revisions.length - 1].name,
      latestReadyRevisionName: s.revisions[s.revisions.length - 1].name,
      traffic: s.traffic.map(t => Object.assign({}, t,
        t.latestRevision ? { revisionName: s.revisions[s.revisions.length - 1].name } : {},
        t.tag ? { url: `${PROBE_BASE}/${t.tag}---${name}` } : {}))
    }
  };
}

function newRevision(name, cpuBoost, suffix) {
  const s = state.services[name];
  const rev = suffix ? `${name}-${suffix}` : `${name}-${String(s.revisions.length + 1).padStart(5, '0')}-${(state.seq + 1).toString(36)}x`;
  if (s.revisions.some(r => r.name === rev)) return null;
  s.revisions.push({ name: rev, created: now(), cpuBoost: !!cpuBoost });
  return rev;
}

// A revision as `gcloud run revisions describe/list` prints it (Cloud Run Admin API v1 shape): startup CPU boost
// is the run.googleapis.com/startup-cpu-boost annotation.
function revisionView(service, r) {
  return {
    apiVersion: 'serving.knative.dev/v1', kind: 'Revision',
    metadata: { name: r.name, creationTimestamp: r.created, labels: { 'serving.knative.dev/service': service },
      annotations: r.cpuBoost ? { 'run.googleapis.com/startup-cpu-boost': 'true' } : {} },
    status: { conditions: [{ type: 'Ready', status: 'True' }] }
  };
}

function splitTraffic(where, s, wanted) {
  // wanted: revision -> percent. Unnamed revisions keep the rest, in proportion (as Cloud Run does).
  const revs = new Set(s.revisions.map(r => r.name));
  for (const r of Object.keys(wanted)) if (!revs.has(r)) finish(1, '', `ERROR: (${where}) Revision [${r}] not found.`);
  const sum = Object.values(wanted).reduce((a, b) => a + b, 0);
  if (sum > 100) finish(1, '', `ERROR: (${where}) Traffic percentages add up to ${sum} > 100`);
  const view = serviceView(s.name).status.traffic.filter(t => t.percent > 0 && !(t.revisionName in wanted));
  const othersTotal = view.reduce((a, t) => a + t.percent, 0);
  if (sum < 100 && othersTotal === 0) finish(1, '', `ERROR: (${where}) Traffic must add up to 100 (no other revision to give ${100 - sum}% to)`);
  const tags = s.traffic.filter(t => t.tag).map(t => ({ tag: t.tag, revisionName: t.revisionName || serviceView(s.name).status.latestCreatedRevisionName }));
  const next = [];
  Object.entries(wanted).forEach(([r, p]) => next.push({ revisionName: r, percent: p }));
  let left = 100 - sum;
  view.forEach((t, k) => {
    const p = k === view.length - 1 ? left : Math.round((100 - sum) * t.percent / othersTotal);
    left -= p;
    next.push({ revisionName: t.revisionName, percent: p });
  });
  s.traffic = merge(next.filter(t => t.percent > 0), tags);
}

function merge(targets, tags) {
  const out = targets.map(t => Object.assign({}, t));
  for (const tg of tags) {
    const hit = out.find(t => t.revisionName === tg.revisionName && !t.tag);
    if (hit) hit.tag = tg.tag; else out.push({ revisionName: tg.revisionName, percent: 0, tag: tg.tag });
  }
  return out;
}

function pairs(v) {
  const out = {};
  for (const kv of v.split(',')) {
    const eq = kv.indexOf('=');
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

// ------------------------------------------------------------------ gcloud commands

function gcloud() {
  const { command, where, positional, flags } = parse(TABLES.gcloud, TABLES.gcloudGlobal, TABLES.gcloudList);
  const name = positional[0];
  switch (command) {
    case 'services enable': {
      needProject(where, flags);
      positional.forEach(a => { if (!state.apis.includes(a)) state.apis.push(a); });
      return finish(0, '', 'Operation finished successfully.');
    }
    case 'iam service-accounts describe': {
      const sa = state.serviceAccounts[name];
      return sa ? finish(0, print(sa, flags)) : notFound(where, `projects/${flags['--project']}/serviceAccounts/${name}`);
    }
    case 'iam service-accounts create': {
      const project = needProject(where, flags);
      const email = `${name}@${project}.iam.gserviceaccount.com`;
      if (state.serviceAccounts[email]) alreadyExists(where, email);
      state.serviceAccounts[email] = { email, displayName: flags['--display-name'] || '' };
      return finish(0, '', `Created service account [${name}].`);
    }
    case 'iam roles describe': {
      const project = needProject(where, flags);
      const role = state.customRoles[`projects/${project}/roles/${name}`];
      return role ? finish(0, print(role, flags)) : notFound(where, `projects/${project}/roles/${name}`);
    }
    case 'iam roles create':
    case 'iam roles update': {
      const project = needProject(where, flags);
      const id = `projects/${project}/roles/${name}`;
      if (!/^[a-zA-Z0-9_.]{3,64}$/.test(name)) finish(1, '', `ERROR: (${where}) INVALID_ARGUMENT: Role ID ${name} is invalid.`);
      const creating = command.endsWith('create');
      if (creating && state.customRoles[id]) alreadyExists(where, id);
      if (!creating && !state.customRoles[id]) notFound(where, id);
      const role = state.customRoles[id] || { name: id, includedPermissions: [] };
      if (flags['--permissions'] !== undefined) role.includedPermissions = flags['--permissions'].split(',').filter(Boolean);
      if (flags['--add-permissions']) flags['--add-permissions'].split(',').forEach(x => { if (!role.includedPermissions.includes(x)) role.includedPermissions.push(x); });
      if (flags['--remove-permissions']) { const rm = flags['--remove-permissions'].split(','); role.includedPermissions = role.includedPermissions.filter(x => !rm.includes(x)); }
      for (const perm of role.includedPermissions) {
        if (!/^[a-z]+\.[a-zA-Z]+\.[a-zA-Z]+$/.test(perm)) finish(1, '', `ERROR: (${where}) INVALID_ARGUMENT: Permission ${perm} is not valid.`);
      }
      if (flags['--title'] !== undefined) role.title = flags['--title'];
      if (flags['--stage'] !== undefined) role.stage = flags['--stage'];
      state.customRoles[id] = role;
      return finish(0, print(role, Object.assign({ '--format': 'json' }, flags)), creating ? `Created role [${name}].` : '');
    }
    case 'iam service-accounts add-iam-policy-binding': {
      if (!state.serviceAccounts[name]) notFound(where, `projects/-/serviceAccounts/${name}`);
      if (!flags['--member'] || !flags['--role']) finish(2, '', `ERROR: (${where}) --member and --role are required`);
      memberMustExist(where, flags['--member']);
      const list = state.saIam[name] || (state.saIam[name] = []);
      if (!list.some(b => b.member === flags['--member'] && b.role === flags['--role'])) list.push({ member: flags['--member'], role: flags['--role'] });
      return finish(0, 'Updated IAM policy for serviceAccount [' + name + '].');
    }
    case 'projects add-iam-policy-binding': {
      const member = flags['--member'];
      if (!member || !flags['--role']) finish(2, '', `ERROR: (${where}) --member and --role are required`);
      memberMustExist(where, member);
      if (flags['--role'].startsWith('projects/') && !state.customRoles[flags['--role']]) {
        finish(1, '', `ERROR: (${where}) INVALID_ARGUMENT: Role (${flags['--role']}) does not exist in the resource's hierarchy.`);
      }
      if (!state.projectIam.some(b => b.member === member && b.role === flags['--role'])) {
        state.projectIam.push({ member, role: flags['--role'] });
      }
      return finish(0, 'Updated IAM policy for project [' + name + '].');
    }
    case 'kms keyrings describe':
    case 'kms keyrings create': {
      const id = `${flags['--location']}/${name}`;
      if (command.endsWith('describe')) return state.keyRings[id] ? finish(0, print({ name: id }, flags)) : notFound(where, id);
      if (state.keyRings[id]) alreadyExists(where, id);
      state.keyRings[id] = { created: now() };
      return finish(0);
    }
    case 'kms keys describe':
    case 'kms keys create': {
      const ring = `${flags['--location']}/${flags['--keyring']}`;
      const id = `${ring}/${name}`;
      if (command.endsWith('describe')) return state.keys[id] ? finish(0, print({ name: id }, flags)) : notFound(where, id);
      if (!state.keyRings[ring]) notFound(where, ring);
      if (state.keys[id]) alreadyExists(where, id);
      state.keys[id] = { purpose: flags['--purpose'] };
      return finish(0);
    }
    case 'storage service-agent': {
      const project = needProject(where, flags);
      if (flags['--authorize-cmek']) {
        const m = /locations\/([^/]+)\/keyRings\/([^/]+)\/cryptoKeys\/([^/]+)$/.exec(flags['--authorize-cmek']);
        if (!m || !state.keys[`${m[1]}/${m[2]}/${m[3]}`]) notFound(where, flags['--authorize-cmek']);
        if (!state.cmekAuthorized.includes(flags['--authorize-cmek'])) state.cmekAuthorized.push(flags['--authorize-cmek']);
        return finish(0, `Authorized project ${project} to encrypt and decrypt with key:\n${flags['--authorize-cmek']}`);
      }
      return finish(0, `service-123@gs-project-accounts.iam.gserviceaccount.com`);
    }
    case 'storage buckets describe': {
      const b = state.buckets[name];
      return b ? finish(0, print(b, flags)) : finish(1, '', `ERROR: (${where}) ${name} not found: 404.`);
    }
    case 'storage buckets create':
    case 'storage buckets update': {
      for (const url of positional) {
        const creating = command.endsWith('create');
        if (!url.startsWith('gs://')) finish(1, '', `ERROR: (${where}) Expected a bucket URL, got ${url}`);
        if (creating && state.buckets[url]) finish(1, '', `ERROR: (${where}) HTTPError 409: Your previous request to create the named bucket succeeded and you already own it.`);
        if (!creating && !state.buckets[url]) finish(1, '', `ERROR: (${where}) ${url} not found: 404.`);
        if (flags['--default-encryption-key'] && !state.cmekAuthorized.includes(flags['--default-encryption-key'])) {
          finish(1, '', `ERROR: (${where}) HTTPError 403: The Cloud Storage service agent is not authorized to use key ${flags['--default-encryption-key']}`);
        }
        if (flags['--lifecycle-file']) {
          try { JSON.parse(fs.readFileSync(flags['--lifecycle-file'], 'utf8')).rule.forEach(() => {}); } catch (e) {
            finish(1, '', `ERROR: (${where}) invalid lifecycle file ${flags['--lifecycle-file']}: ${e.message}`);
          }
        }
        const b = state.buckets[url] || (state.buckets[url] = { name: url, iam: [] });
        const settings = {};
        for (const [k, v] of Object.entries(flags)) {
          if (!['--project', '--quiet', '--format'].includes(k)) settings[k] = k === '--lifecycle-file' ? JSON.parse(fs.readFileSync(v, 'utf8')) : v;
        }
        Object.assign(b, settings);
      }
      return finish(0);
    }
    case 'storage buckets add-iam-policy-binding': {
      const b = state.buckets[name];
      if (!b) finish(1, '', `ERROR: (${where}) ${name} not found: 404.`);
      if (!b.iam.some(x => x.member === flags['--member'] && x.role === flags['--role'])) b.iam.push({ member: flags['--member'], role: flags['--role'] });
      if (flags['--member'] === 'allUsers' && b['--public-access-prevention'] === true) {
        finish(1, '', `ERROR: (${where}) HTTPError 412: Public access prevention is enforced on ${name}.`);
      }
      return finish(0);
    }
    case 'secrets describe': {
      const s = state.secrets[name];
      return s ? finish(0, print({ name: `projects/${flags['--project']}/secrets/${name}` }, flags)) : notFound(where, `projects/${flags['--project']}/secrets/${name}`);
    }
    case 'secrets create': {
      if (state.secrets[name]) alreadyExists(where, `secrets/${name}`);
      state.secrets[name] = { versions: [], iam: [], replication: flags['--replication-policy'] };
      return finish(0, '', `Created secret [${name}].`);
    }
    case 'secrets add-iam-policy-binding': {
      const s = state.secrets[name];
      if (!s) notFound(where, `secrets/${name}`);
      if (!s.iam.some(x => x.member === flags['--member'] && x.role === flags['--role'])) s.iam.push({ member: flags['--member'], role: flags['--role'] });
      return finish(0);
    }
    case 'secrets versions describe': {
      const s = state.secrets[flags['--secret']];
      if (!s || s.versions.length === 0) notFound(where, `secrets/${flags['--secret']}/versions/${name}`);
      return finish(0, print({ name: `${s.versions.length}`, state: 'ENABLED' }, flags));
    }
    case 'secrets versions add': {
      const s = state.secrets[name];
      if (!s) notFound(where, `secrets/${name}`);
      s.versions.push({ created: now() });
      return finish(0, '', `Created version [${s.versions.length}] of the secret [${name}].`);
    }
    case 'firestore databases update': {
      if (flags['--enable-pitr'] !== undefined) state.firestore.pitr = flags['--enable-pitr'];
      return finish(0);
    }
    case 'firestore fields ttls update': {
      if (!flags['--collection-group']) finish(2, '', `ERROR: (${where}) --collection-group is required`);
      if (!!flags['--enable-ttl'] === !!flags['--disable-ttl']) finish(2, '', `ERROR: (${where}) Exactly one of (--disable-ttl | --enable-ttl) must be specified.`);
      const cg = flags['--collection-group'];
      const existing = Object.keys(state.firestore.ttl).find(k => k.startsWith(cg + '/') && k !== `${cg}/${name}`);
      if (flags['--enable-ttl'] && existing) finish(1, '', `ERROR: (${where}) FAILED_PRECONDITION: ${cg} already has TTL field ${existing}; only one per collection group`);
      if (flags['--enable-ttl']) state.firestore.ttl[`${cg}/${name}`] = true; else delete state.firestore.ttl[`${cg}/${name}`];
      return finish(0);
    }
    case 'firestore indexes fields update': {
      if (!flags['--collection-group']) finish(2, '', `ERROR: (${where}) --collection-group is required`);
      if (flags['--disable-indexes']) state.firestore.exempt[`${flags['--collection-group']}/${name}`] = true;
      return finish(0);
    }
    case 'functions deploy': return functionsDeploy(where, name, flags);
    case 'functions describe': {
      const project = needProject(where, flags);
      const region = needRegion(where, flags);
      const f = state.functions[name];
      if (!f || f.region !== region) notFound(where, `projects/${project}/locations/${region}/functions/${name}`);
      return finish(0, print(functionView(name), flags));
    }
    case 'functions list': {
      let fns = Object.keys(state.functions).filter(n => !flags['--regions'] || flags['--regions'].split(',').includes(state.functions[n].region));
      if (flags['--filter']) {
        const m = /^labels\.([a-z0-9_-]+)=(.*)$/.exec(flags['--filter']);
        if (!m) finish(2, '', `ERROR: (${where}) this fake supports --filter=labels.KEY=VALUE only`);
        fns = fns.filter(n => (state.functions[n].labels || {})[m[1]] === m[2]);
      }
      return finish(0, print(fns.map(functionView), Object.assign({ '--format': 'json' }, flags)));
    }
    case 'functions delete': {
      const f = state.functions[name];
      if (!f || f.region !== needRegion(where, flags)) notFound(where, `functions/${name}`);
      delete state.services[f.service];
      delete state.functions[name];
      return finish(0, '', `Deleted [${name}].`);
    }
    case 'functions add-invoker-policy-binding': {
      const f = state.functions[name];
      if (!f || f.region !== needRegion(where, flags)) notFound(where, `functions/${name}`);
      const list = state.invokers[name] || (state.invokers[name] = []);
      if (!flags['--member']) finish(2, '', `ERROR: (${where}) argument --member: Must be specified.`);
      memberMustExist(where, flags['--member']);
      if (!list.includes(flags['--member'])) list.push(flags['--member']);
      return finish(0);
    }
    case 'run services describe': {
      needRegion(where, flags);
      if (!state.services[name]) notFound(where, `namespaces/${flags['--project']}/services/${name}`);
      return finish(0, print(serviceView(name), flags));
    }
    case 'run services update-traffic': {
      needRegion(where, flags);
      const s = state.services[name];
      if (!s) notFound(where, `services/${name}`);
      const exclusive = ['--to-latest', '--to-revisions', '--to-tags'].filter(k => flags[k] !== undefined);
      if (exclusive.length > 1) finish(2, '', `ERROR: (${where}) argument ${exclusive[1]}: At most one of --to-latest | --to-revisions | --to-tags can be specified.`);
      const tagOps = ['--clear-tags', '--set-tags', '--update-tags', '--remove-tags'].filter(k => flags[k] !== undefined);
      if (tagOps.includes('--clear-tags') && tagOps.length > 1 || tagOps.includes('--set-tags') && tagOps.length > 1) {
        finish(2, '', `ERROR: (${where}) argument ${tagOps[1]}: conflicting tag flags`);
      }
      // Tags first (so --to-tags can use a tag set in the same call), then traffic.
      const latest = serviceView(name).status.latestCreatedRevisionName;
      let tags = s.traffic.filter(t => t.tag).map(t => ({ tag: t.tag, revisionName: t.revisionName || latest }));
      if (flags['--clear-tags']) tags = [];
      if (flags['--remove-tags']) { const rm = flags['--remove-tags'].split(','); tags = tags.filter(t => !rm.includes(t.tag)); }
      for (const key of ['--set-tags', '--update-tags']) {
        if (flags[key] === undefined) continue;
        if (key === '--set-tags') tags = [];
        for (const [tag, rev] of Object.entries(pairs(flags[key]))) {
          if (!s.revisions.some(r => r.name === rev)) finish(1, '', `ERROR: (${where}) Revision [${rev}] not found.`);
          tags = tags.filter(t => t.tag !== tag).concat([{ tag, revisionName: rev }]);
        }
      }
      const targets = s.traffic.filter(t => t.percent > 0).map(t => ({ revisionName: t.latestRevision ? undefined : t.revisionName, latestRevision: t.latestRevision, percent: t.percent }));
      s.traffic = targets.map(t => t.latestRevision ? { latestRevision: true, percent: t.percent } : { revisionName: t.revisionName, percent: t.percent });
      s.traffic = merge(s.traffic.filter(t => !t.latestRevision), tags).concat(s.traffic.filter(t => t.latestRevision));
      if (flags['--to-latest']) s.traffic = merge([], tags).concat([{ latestRevision: true, percent: 100 }]);
      if (flags['--to-revisions']) {
        const wanted = {};
        for (const [rev, p] of Object.entries(pairs(flags['--to-revisions']))) wanted[rev === 'LATEST' ? latest : rev] = Number(p);
        splitTraffic(where, s, wanted);
      }
      if (flags['--to-tags']) {
        const wanted = {};
        for (const [tag, p] of Object.entries(pairs(flags['--to-tags']))) {
          const t = tags.find(x => x.tag === tag);
          if (!t) finish(1, '', `ERROR: (${where}) Tag [${tag}] not found.`);
          wanted[t.revisionName] = Number(p);
        }
        splitTraffic(where, s, wanted);
      }
      return finish(0, print(serviceView(name).status.traffic, { '--format': 'json' }));
    }
    case 'run revisions list': {
      needRegion(where, flags);
      const s = state.services[flags['--service']];
      const revs = s ? s.revisions.map(r => revisionView(s.name, r)).reverse() : [];
      return finish(0, print(revs, Object.assign({ '--format': 'json' }, flags)));
    }
    case 'run revisions describe': {
      needRegion(where, flags);
      for (const s of Object.values(state.services)) {
        const r = s.revisions.find(x => x.name === name);
        if (r) return finish(0, print(revisionView(s.name, r), Object.assign({ '--format': 'json' }, flags)));
      }
      return notFound(where, `namespaces/${flags['--project']}/revisions/${name}`);
    }
    case 'run services update': {
      // A configuration change: a new revision copied from the latest one with the change applied. --no-traffic
      // first binds LATEST-bound traffic to the revision that is latest now, so the new one gets none.
      needRegion(where, flags);
      const s = state.services[name];
      if (!s) notFound(where, `namespaces/${flags['--project']}/services/${name}`);
      const latest = s.revisions[s.revisions.length - 1];
      if (flags['--no-traffic']) s.traffic = s.traffic.map(t => t.latestRevision ? { revisionName: latest.name, percent: t.percent } : t);
      const boost = flags['--cpu-boost'] !== undefined ? flags['--cpu-boost'] : latest.cpuBoost;
      const rev = newRevision(name, boost, flags['--revision-suffix']);
      if (!rev) finish(1, '', `ERROR: (${where}) Revision named [${name}-${flags['--revision-suffix']}] already exists.`);
      if (flags['--tag']) {
        // The tag moves to the new revision: an old 0% tag entry goes, a serving entry just loses the tag.
        s.traffic = s.traffic.filter(t => !(t.tag === flags['--tag'] && !(t.percent > 0)));
        s.traffic.forEach(t => { if (t.tag === flags['--tag']) delete t.tag; });
        s.traffic.push({ revisionName: rev, percent: 0, tag: flags['--tag'] });
      }
      return finish(0, '', `Deploying...\n  Creating Revision... done\nService [${name}] revision [${rev}] has been deployed${flags['--no-traffic'] ? ' and is serving 0 percent of traffic' : ''}.`);
    }
    case 'scheduler jobs describe': {
      const id = `${flags['--location']}/${name}`;
      return state.jobs[id] ? finish(0, print(state.jobs[id], flags)) : notFound(where, `projects/${flags['--project']}/locations/${id}`);
    }
    case 'scheduler jobs create http':
    case 'scheduler jobs update http': {
      const project = needProject(where, flags);
      if (!flags['--location']) finish(1, '', `ERROR: (${where}) Required location: pass --location.`);
      const id = `${flags['--location']}/${name}`;
      const full = `projects/${project}/locations/${flags['--location']}/jobs/${name}`;
      const creating = command.includes('create');
      if (creating && state.jobs[id]) finish(1, '', `ERROR: (${where}) ALREADY_EXISTS: Job ${full} already exists.`);
      if (!creating && !state.jobs[id]) notFound(where, full);
      const job = state.jobs[id] || { name: full };
      for (const [k, v] of Object.entries(flags)) if (!['--project', '--location', '--quiet', '--format'].includes(k)) job[k] = v;
      state.jobs[id] = job;
      return finish(0, print(job, flags));
    }
    case 'scheduler jobs list': {
      const jobs = Object.entries(state.jobs).filter(([id]) => id.startsWith(`${flags['--location']}/`)).map(([, j]) => j);
      return finish(0, print(jobs, Object.assign({ '--format': 'json' }, flags)));
    }
    case 'scheduler jobs delete': {
      const id = `${flags['--location']}/${name}`;
      if (!state.jobs[id]) notFound(where, id);
      delete state.jobs[id];
      return finish(0);
    }
    case 'tasks queues describe': {
      const id = `${flags['--location']}/${name}`;
      return state.queues[id] ? finish(0, print(state.queues[id], flags)) : notFound(where, `projects/${flags['--project']}/locations/${id}`);
    }
    case 'tasks queues create':
    case 'tasks queues update': {
      const project = needProject(where, flags);
      if (!flags['--location']) finish(1, '', `ERROR: (${where}) Required location: pass --location.`);
      const id = `${flags['--location']}/${name}`;
      const full = `projects/${project}/locations/${flags['--location']}/queues/${name}`;
      const creating = command.endsWith('create');
      if (creating && state.queues[id]) finish(1, '', `ERROR: (${where}) ALREADY_EXISTS: Queue ${full} already exists.`);
      if (!creating && !state.queues[id]) notFound(where, full);
      const queue = state.queues[id] || { name: full };
      for (const [k, v] of Object.entries(flags)) if (!['--project', '--location', '--quiet', '--format'].includes(k)) queue[k] = v;
      state.queues[id] = queue;
      return finish(0, print(queue, flags));
    }
    case 'logging read': {
      const svc = /resource\.labels\.service_name="([^"]+)"/.exec(name);
      const rev = /resource\.labels\.revision_name="([^"]+)"/.exec(name);
      const entries = state.logs.filter(l => (!svc || l.service === svc[1]) && (!rev || !l.revision || l.revision === rev[1])).map(l => ({ resource: { labels: { revision_name: l.revision } }, httpRequest: { status: l.status } }));
      return finish(0, print(entries, Object.assign({ '--format': 'json' }, flags)));
    }
    case 'auth print-identity-token':
      return finish(0, 'fake-identity-token');
    default:
      return finish(2, '', `ERROR: (${where}) not implemented by the fake`);
  }
}

function functionView(name) {
  const f = state.functions[name];
  const s = state.services[f.service];
  return {
    name: `projects/${f.project}/locations/${f.region}/functions/${name}`,
    environment: 'GEN_2', labels: f.labels, state: 'ACTIVE',
    url: `https://${f.region}-${f.project}.cloudfunctions.net/${name}`,
    buildConfig: { runtime: f.runtime, entryPoint: f.entryPoint, serviceAccount: f.buildServiceAccount },
    serviceConfig: {
      // The revision Cloud Functions created last (not one made through the Cloud Run Admin API since).
      service: `projects/${f.project}/locations/${f.region}/services/${f.service}`,
      revision: f.revision, serviceAccountEmail: f.serviceAccount,
      // v2 API: "On GetFunction, true will be returned if the latest revision is serving 100% of traffic."
      allTrafficOnLatestRevision: serviceView(f.service).status.traffic.some(t => t.percent === 100
        && t.revisionName === s.revisions[s.revisions.length - 1].name),
      availableMemory: f.memory, timeoutSeconds: f.timeout, secretEnvironmentVariables: f.secrets
    }
  };
}

function functionsDeploy(where, name, flags) {
  const project = needProject(where, flags);
  const region = needRegion(where, flags);
  const existing = state.functions[name];
  if (!existing) {
    for (const k of ['--runtime', '--entry-point', '--source']) if (!flags[k]) finish(1, '', `ERROR: (${where}) ${k} is required when creating a function`);
    if (!flags['--trigger-http']) finish(1, '', `ERROR: (${where}) You must specify a trigger when deploying a new function.`);
  }
  if (flags['--source'] && !fs.existsSync(flags['--source'])) finish(1, '', `ERROR: (${where}) Directory does not exist: ${flags['--source']}`);
  if (flags['--env-vars-file'] && !fs.existsSync(flags['--env-vars-file'])) finish(1, '', `ERROR: (${where}) env vars file does not exist: ${flags['--env-vars-file']}`);
  if (flags['--service-account'] && !state.serviceAccounts[flags['--service-account']]) {
    finish(1, '', `ERROR: (${where}) INVALID_ARGUMENT: Service account ${flags['--service-account']} does not exist.`);
  }
  for (const ref of (flags['--set-secrets'] || '').split(',').filter(Boolean)) {
    const secret = ref.slice(ref.indexOf('=') + 1).split(':')[0];
    if (!state.secrets[secret] || state.secrets[secret].versions.length === 0) finish(1, '', `ERROR: (${where}) FAILED_PRECONDITION: Secret projects/${project}/secrets/${secret} has no enabled version.`);
  }
  const service = name.toLowerCase().replace(/_/g, '-');
  const f = existing || { project, region, service, labels: {} };
  if (flags['--update-labels']) Object.assign(f.labels, pairs(flags['--update-labels']));
  if (flags['--clear-labels']) f.labels = {};
  Object.assign(f, {
    runtime: flags['--runtime'] || f.runtime, entryPoint: flags['--entry-point'] || f.entryPoint,
    memory: flags['--memory'] || f.memory, timeout: flags['--timeout'] || f.timeout,
    serviceAccount: flags['--service-account'] || f.serviceAccount,
    buildServiceAccount: flags['--build-service-account'] || f.buildServiceAccount,
    secrets: flags['--set-secrets'] || f.secrets, public: flags['--allow-unauthenticated'] === true
  });
  state.functions[name] = f;
  if (!state.services[service]) state.services[service] = { name: service, revisions: [], traffic: [{ latestRevision: true, percent: 100 }] };
  // Cloud Functions builds the revision from the function's serviceConfig, which has no startup-CPU-boost field:
  // the fake assumes the Cloud Run annotation is not carried over (undocumented; the plan works either way).
  const rev = newRevision(service, false);
  f.revision = rev;
  const s = state.services[service];
  // Traffic (Cloud Functions v2 API, ServiceConfig.allTrafficOnLatestRevision; gcloud sends it only with
  // --serve-all-traffic-latest-revision): without it the service's traffic configuration is honoured, so traffic
  // bound to LATEST (a new service's, or after --to-latest) moves to the new revision and traffic pinned to
  // revision names stays where it is. With it the new revision serves 100%.
  if (flags['--serve-all-traffic-latest-revision']) s.traffic = s.traffic.filter(t => t.tag && t.percent === 0).concat([{ latestRevision: true, percent: 100 }]);
  return finish(0, '', `Deploying function ${name} (revision ${rev})... done.`);
}

// ------------------------------------------------------------------ firebase commands

function firebase() {
  const { command, where, positional, flags } = parse(TABLES.firebase, TABLES.firebaseGlobal, {});
  const project = flags['--project'] || flags['-P'];
  if (!project) finish(1, '', `Error: No project active, but project aliases are available. Run firebase use --add or pass --project`);
  switch (command) {
    case 'deploy':
      state.firebaseDeploys.push({ project, only: flags['--only'] || 'all', at: now() });
      return finish(0, `✔  Deploy complete! (${flags['--only'] || 'all'})`);
    case 'hosting:sites:get':
      return state.hostingSites[positional[0]] ? finish(0, JSON.stringify(state.hostingSites[positional[0]]))
        : finish(1, '', `Error: Request to https://firebasehosting.googleapis.com/v1beta1/projects/${project}/sites/${positional[0]} had HTTP Error: 404, Requested entity was not found.`);
    case 'hosting:sites:create':
      if (state.hostingSites[positional[0]]) finish(1, '', `Error: Request had HTTP Error: 409, ALREADY_EXISTS: Site ${positional[0]} already exists`);
      state.hostingSites[positional[0]] = { name: `projects/${project}/sites/${positional[0]}` };
      return finish(0, `✔  Site ${positional[0]} has been created.`);
    default:
      return finish(2, '', `Error: ${where} not implemented by the fake`);
  }
}

/** Runs one call of `cli` with these arguments and environment: {code, out, err}. */
function run(cliName, args, environment) {
  cli = cliName; argv = args; env = environment;
  STATE = env.FAKE_CLI_STATE; LOG = env.FAKE_CLI_LOG; PROBE_BASE = env.FAKE_PROBE_BASE || 'http://127.0.0.1:9';
  if (!STATE || !LOG) return new Done(3, '', 'fake CLI: FAKE_CLI_STATE and FAKE_CLI_LOG must be set\n');
  state = Object.assign({
    seq: 0, apis: [], serviceAccounts: {}, saIam: {}, projectIam: [], customRoles: {}, keyRings: {}, keys: {},
    cmekAuthorized: [], buckets: {}, secrets: {}, firestore: { pitr: false, ttl: {}, exempt: {} }, functions: {},
    services: {}, jobs: {}, queues: {}, invokers: {}, hostingSites: {}, firebaseDeploys: [], logs: []
  }, load());
  try {
    if (cli === 'gcloud') gcloud(); else if (cli === 'firebase') firebase(); else finish(3, '', 'unknown fake ' + cli);
    return new Done(70, '', `fake ${cli}: the command returned without an answer (a bug in fake.cjs)\n`);
  } catch (e) {
    if (e instanceof Done) return e;
    throw e;
  }
}

module.exports = { run };

if (require.main === module) {
  const r = run(process.argv[2], process.argv.slice(3), process.env);
  process.stdout.write(r.out);
  process.stderr.write(r.err);
  process.exitCode = r.code;
}
