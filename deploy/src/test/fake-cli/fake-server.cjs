#!/usr/bin/env node
// The fake CLIs as one long-running loopback server (DeployScriptTest starts it): the gcloud/firebase
// shims send each call here (fake-client), so a deploy of every function costs a few hundred HTTP
// requests instead of a few hundred node starts. Same code (fake.cjs run()), same state file, same log.
// Request body: NUL-separated CLI, FAKE_CLI_STATE, FAKE_CLI_LOG, FAKE_PROBE_BASE, FAKE_CLI_DROP_FLAG,
// then the arguments. Answer: "CODE STDERR_BYTES\n", stderr, stdout. Prints "listening PORT" when ready.
'use strict';
const http = require('http');
const { run } = require('./fake.cjs');

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    let r;
    try {
      const parts = Buffer.concat(chunks).toString('utf8').split('\0');
      if (parts[parts.length - 1] === '') parts.pop();
      const [cli, state, log, probe, drop, ...args] = parts;
      r = run(cli, args, { FAKE_CLI_STATE: state, FAKE_CLI_LOG: log, FAKE_PROBE_BASE: probe, FAKE_CLI_DROP_FLAG: drop });
    } catch (e) {
      r = { code: 70, out: '', err: `fake CLI server: ${e.stack || e}\n` };
    }
    const err = Buffer.from(r.err || '', 'utf8');
    res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
    res.end(Buffer.concat([Buffer.from(`${r.code} ${err.length}\n`), err, Buffer.from(r.out || '', 'utf8')]));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.stdin.on('end', () => process.exit(0));   // the test closes our stdin (or dies): stop
process.stdin.resume();
