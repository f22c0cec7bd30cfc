// Starts @firestore-emulator/server on loopback, with the fixes below so code that is correct on
// real Firestore also behaves correctly here. Google's emulator cannot be downloaded on machines
// without general internet access; this package is what the local stack and the tests use.
//
// What the package lacks and this file adds, each with Firestore's documented semantics:
//   - query cursors (startAt/startAfter/endAt/endBefore), offset, and ordering/filtering on
//     __name__ (the package ignores cursors, so paginated reads would loop forever);
//   - the implicit final ordering by document name;
//   - transaction isolation: reads inside a transaction are remembered and the commit fails with
//     ABORTED if any of them changed meanwhile (the package hands out one dummy transaction id and
//     commits blindly, so concurrent read-modify-write would silently lose updates);
//   - all-or-nothing commits: exists-preconditions are checked before any write is applied;
//   - set() without a mask replaces the whole document (the package merges into it, so a field
//     the new version no longer has would survive);
//   - reads at a read time (point-in-time reads), from a bounded version history: see "version
//     history" below for the bound.
// Still missing (see README): ListDocuments, ListCollectionIds, BatchWrite (BulkWriter),
// collection-group queries, dotted field paths, security rules, update_time preconditions.
import { createRequire } from "node:module";
import path from "node:path";
import crypto from "node:crypto";

const require = createRequire(import.meta.url);
const serverPkg = path.dirname(require.resolve("@firestore-emulator/server/package.json"));
const requireFromServer = createRequire(path.join(serverPkg, "package.json"));
const { FirestoreServer, FirestoreState, FirestoreStateDocument } =
  requireFromServer("./dist/index.js");
// The same @grpc/grpc-js and proto modules the package itself loads.
const grpc = requireFromServer("@grpc/grpc-js");
const proto = requireFromServer("@firestore-emulator/proto/dist/google/firestore/v1/firestore.js");
const queryProto = requireFromServer("@firestore-emulator/proto/dist/google/firestore/v1/query.js");
const writeProto = requireFromServer("@firestore-emulator/proto/dist/google/firestore/v1/write.js");
const emptyProto = requireFromServer("@firestore-emulator/proto/dist/google/protobuf/empty.js");
const documentProto = requireFromServer(
  "@firestore-emulator/proto/dist/google/firestore/v1/document.js",
);
const ABORTED = 10;
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

// The package does not export its value converter or field classes; a scratch state converts
// wire values with the package's own code, which also hands us the reference field class.
const scratch = new FirestoreState();
const SCRATCH_DOC = "projects/scratch/databases/(default)/documents/c/d";
function convertValues(values) {
  // Pass the Value messages themselves: toObject() would list every oneof alternative.
  const fields = new Map(values.map((v, i) => [`v${i}`, v]));
  scratch.writeV1Document(
    new Date(),
    new writeProto.Write({ update: new documentProto.Document({ name: SCRATCH_DOC, fields }) }),
  );
  const doc = scratch.getDocument(SCRATCH_DOC);
  return values.map((_, i) => doc.getField(`v${i}`));
}
const ReferenceField = (() => {
  const doc = new FirestoreState();
  doc.writeV1Document(
    new Date(),
    writeProto.Write.fromObject({
      update: { name: SCRATCH_DOC, fields: { r: { reference_value: SCRATCH_DOC } } },
    }),
  );
  return doc.getDocument(SCRATCH_DOC).getField("r").constructor;
})();

// ---- performance: O(1) document lookup --------------------------------------------------------
// The package looks documents up through an immer produce() over the collection's whole document
// map, which copies the map on every insert (O(n) per new document, O(n²) to load a collection)
// and deep-freezes state. Same behaviour, without the copying: a plain map, mutated in place.
requireFromServer("immer").setAutoFreeze(false);
const FirestoreStateCollection = requireFromServer("./dist/index.js").FirestoreStateCollection;
FirestoreStateCollection.prototype.getDocument = function (documentName) {
  let document = this.documents[documentName];
  if (!document) {
    if (Object.isFrozen(this.documents)) this.documents = { ...this.documents };
    document = new FirestoreStateDocument(this.emitter, this.database, this, documentName, {}, {});
    this.documents[documentName] = document;
  }
  return document;
};

// ---- __name__ and reference ordering ----------------------------------------------------------

const compareSegments = (a, b) => {
  const as = a.split("/");
  const bs = b.split("/");
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    if (as[i] !== bs[i]) return as[i] < bs[i] ? -1 : 1;
  }
  return as.length - bs.length;
};
const refProto = ReferenceField.prototype;
refProto.lt = function (o) {
  return o instanceof ReferenceField && compareSegments(this.value, o.value) < 0;
};
refProto.lte = function (o) {
  return o instanceof ReferenceField && compareSegments(this.value, o.value) <= 0;
};
refProto.gt = function (o) {
  return o instanceof ReferenceField && compareSegments(this.value, o.value) > 0;
};
refProto.gte = function (o) {
  return o instanceof ReferenceField && compareSegments(this.value, o.value) >= 0;
};

const originalGetField = FirestoreStateDocument.prototype.getField;
FirestoreStateDocument.prototype.getField = function (fieldPath) {
  if (fieldPath === "__name__") return new ReferenceField(this.getPath());
  return originalGetField.call(this, fieldPath);
};

// Firestore's order of value types, for comparing values of different types.
const TYPE_RANK = {
  null_value: 0,
  boolean_value: 1,
  integer_value: 2,
  double_value: 2,
  timestamp_value: 3,
  string_value: 4,
  bytes_value: 5,
  reference_value: 6,
  geo_point_value: 7,
  array_value: 8,
  map_value: 9,
};
const compareValues = (a, b) => {
  if (a.eq(b)) return 0;
  if (a.lt(b)) return -1;
  if (b.lt(a)) return 1;
  const ra = TYPE_RANK[a.type] ?? 10;
  const rb = TYPE_RANK[b.type] ?? 10;
  if (ra !== rb) return ra - rb;
  if (ra === 2) return Number(a.value) - Number(b.value); // integer vs double
  return 0;
};

// ---- queries: implicit __name__ order, cursors, offset, limit ---------------------------------

const originalQuery = FirestoreState.prototype.v1Query;
FirestoreState.prototype.v1Query = function (parent, query) {
  const stripped = queryProto.StructuredQuery.deserializeBinary(query.serializeBinary());
  stripped.offset = 0;
  stripped.limit = undefined;
  stripped.start_at = undefined;
  stripped.end_at = undefined;
  // The package sorts the whole collection before filtering; the results are sorted below after
  // filtering instead (same order, far less work on large collections).
  stripped.order_by = [];
  let docs = originalQuery.call(this, parent, stripped);

  const orders = query.order_by.map((o) => ({
    field: o.field.field_path,
    desc: o.direction === 2,
  }));
  if (!orders.some((o) => o.field === "__name__")) {
    const lastDesc = orders.length > 0 && orders[orders.length - 1].desc;
    orders.push({ field: "__name__", desc: lastDesc });
  }
  // orderBy(field) only returns documents that have the field.
  docs = docs.filter((d) => orders.every((o) => d.getField(o.field) !== undefined));
  const keyOf = (d) => orders.map((o) => d.getField(o.field));
  const compareKeys = (ka, kb) => {
    for (let i = 0; i < orders.length; i++) {
      const c = compareValues(ka[i], kb[i]);
      if (c !== 0) return orders[i].desc ? -c : c;
    }
    return 0;
  };
  docs = docs.map((d) => ({ d, k: keyOf(d) })).sort((x, y) => compareKeys(x.k, y.k));

  const cursorCompare = (entry, cursor) => {
    const values = convertValues(cursor.values);
    for (let i = 0; i < values.length && i < orders.length; i++) {
      const c = compareValues(entry.k[i], values[i]);
      if (c !== 0) return orders[i].desc ? -c : c;
    }
    return 0;
  };
  if (query.has_start_at) {
    const before = query.start_at.before;
    docs = docs.filter((e) => {
      const c = cursorCompare(e, query.start_at);
      return before ? c >= 0 : c > 0;
    });
  }
  if (query.has_end_at) {
    const before = query.end_at.before;
    docs = docs.filter((e) => {
      const c = cursorCompare(e, query.end_at);
      return before ? c < 0 : c <= 0;
    });
  }
  let result = docs.map((e) => e.d);
  if (query.offset > 0) result = result.slice(query.offset);
  if (query.has_limit) result = result.slice(0, query.limit.value);
  return result;
};

// ---- set() replaces the document ---------------------------------------------------------------

// A write with a document but no update mask (the clients' set() without merge) is a full
// replacement in Firestore; the package merges field by field. Clear the old fields first.
const originalWriteV1Document = FirestoreState.prototype.writeV1Document;
FirestoreState.prototype.writeV1Document = function (date, write) {
  const preconditioned = write.has_current_document && write.current_document.has_exists;
  const target = write.has_delete ? write.delete : write.has_update ? write.update.name : null;
  const before = target && this === state ? this.getDocument(target) : null;
  const previous = before && before.metadata.hasExist ? before.toV1DocumentObject() : null;
  if (write.has_update && !write.has_update_mask && !preconditioned) {
    const document = this.getDocument(write.update.name);
    if (document.metadata.hasExist) document.fields = {};
  }
  const result = originalWriteV1Document.call(this, date, write);
  if (before) history.record(before.getPath(), previous, date.getTime() * 1000);
  return result;
};

// ---- version history: reads at a read time --------------------------------------------------
// Firestore answers reads at a past read time (read-only transactions with read_time, batchGet and
// runQuery with read_time): any time within the last hour, whole minutes up to 7 days back with
// point-in-time recovery. The package ignores read_time. Here every write keeps the version it
// replaced, bounded per document: the last HISTORY_VERSIONS superseded versions (env
// FIRESTORE_EMULATOR_HISTORY_VERSIONS, default 32) and nothing older than 7 days. A document
// written once costs one timestamp. A read older than what is kept fails with FAILED_PRECONDITION,
// as Firestore's does beyond its retention, instead of answering with a wrong state.
const FAILED_PRECONDITION = 9;
const INVALID_ARGUMENT = 3;
const MICROS_PER_MINUTE = 60_000_000;
const HOUR_MICROS = 60 * MICROS_PER_MINUTE;
const RETENTION_MICROS = 7 * 24 * HOUR_MICROS;
export const HISTORY_VERSIONS = Number(process.env.FIRESTORE_EMULATOR_HISTORY_VERSIONS ?? 32);
const grpcError = (code, message) => Object.assign(new Error(message), { code, details: message });

const history = {
  // path -> { since: µs of the current version, prev: [{ since, doc|null }] oldest first,
  //           keptFrom: µs before which this document's state is no longer known (0: all known) }
  timelines: new Map(),
  record(path, previous, atMicros) {
    let t = this.timelines.get(path);
    if (!t) {
      t = { since: atMicros, prev: null, keptFrom: 0 };
      this.timelines.set(path, t);
      if (previous === null) return; // created: before this it did not exist
    }
    (t.prev ??= []).push({ since: t.since, doc: previous });
    t.since = atMicros;
    while (t.prev.length > HISTORY_VERSIONS) {
      t.prev.shift();
      t.keptFrom = t.prev.length > 0 ? t.prev[0].since : t.since;
    }
  },
  clear() {
    this.timelines.clear();
  },
  /** The document object at readMicros, null when it did not exist, or throws. */
  at(path, readMicros, nowMicros) {
    const t = this.timelines.get(path);
    if (!t || readMicros >= t.since) return undefined; // the current version
    if (readMicros < t.keptFrom || nowMicros - readMicros > RETENTION_MICROS) {
      throw grpcError(
        FAILED_PRECONDITION,
        `read_time is older than the emulator keeps ${path}: it keeps the last ` +
          `${HISTORY_VERSIONS} versions of a document, up to 7 days`,
      );
    }
    const prev = t.prev ?? [];
    for (let i = prev.length - 1; i >= 0; i--) {
      if (readMicros >= prev[i].since) return prev[i].doc;
    }
    return null; // before its first write
  },
};

const micros = (timestamp) =>
  Number(timestamp.seconds) * 1_000_000 + Math.floor(Number(timestamp.nanos ?? 0) / 1000);

/** Firestore's read-time rule: any time within the hour, a whole minute older, up to 7 days. */
function checkReadTime(timestamp) {
  const now = Date.now() * 1000;
  const read = micros(timestamp);
  if (now - read > RETENTION_MICROS) {
    throw grpcError(FAILED_PRECONDITION, "read_time is older than the version retention (7 days)");
  }
  if (now - read > HOUR_MICROS && (Number(timestamp.seconds) % 60 !== 0 || timestamp.nanos)) {
    throw grpcError(
      INVALID_ARGUMENT,
      "read_time older than one hour must be a whole minute (point-in-time recovery)",
    );
  }
  return read;
}

/** A live document as it was at readMicros: its document object, or null if it did not exist. */
function documentAt(path, readMicros) {
  const then = history.at(path, readMicros, Date.now() * 1000);
  if (then !== undefined) return then;
  const document = state.getDocument(path);
  return document.metadata.hasExist ? document.toV1DocumentObject() : null;
}

/** Runs a structured query against the documents as they were at readMicros. */
function queryAt(parent, query, readMicros) {
  const collections = new Set(query.from.map((c) => c.collection_id));
  const descendants = query.from.some((c) => c.all_descendants);
  const inScope = (p) => {
    if (!p.startsWith(parent + "/")) return false;
    const rest = p.slice(parent.length + 1).split("/");
    return (descendants || rest.length === 2) && collections.has(rest[rest.length - 2]);
  };
  const then = new FirestoreState();
  for (const p of history.timelines.keys()) {
    if (!inScope(p)) continue;
    const doc = documentAt(p, readMicros);
    if (!doc) continue;
    const updated = new Date(Math.floor(micros(doc.update_time) / 1000));
    then.writeV1Document(
      updated,
      writeProto.Write.fromObject({ update: { name: doc.name, fields: doc.fields } }),
    );
  }
  return then.v1Query(parent, query).map((d) => d.toV1DocumentObject());
}

// ---- transactions ------------------------------------------------------------------------------

let state = null;
// Counts successful writes, so tests can check that a refused request wrote nothing.
export const stats = { commits: 0, writes: 0 };
// Writes per document path, for "no document takes more than ~1 write/s" measurements.
export const writesPerDocument = new Map();
const versions = new Map(); // document path -> version (bumped on every change)
let clock = 0;
const transactions = new Map(); // hex id -> Map(path -> version read)
const bump = ({ document }) => versions.set(document.getPath(), ++clock);
const versionOf = (p) => versions.get(p) ?? 0;
const newTransaction = () => {
  const id = crypto.randomBytes(12);
  transactions.set(id.toString("hex"), new Map());
  return id;
};
const txKey = (bytes) => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString("hex") : null);
const remember = (tx, docPath) => {
  const reads = transactions.get(tx);
  if (reads && !reads.has(docPath)) reads.set(docPath, versionOf(docPath));
};

// grpc-js binds the implementation's methods when the service is added, so patch it right then.
const originalAddService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, implementation) {
  if (typeof implementation.Commit === "function") patchService(implementation);
  return originalAddService.call(this, service, implementation);
};

// A transaction begun read-only at a read time reads at that time: hex id -> read time (µs).
const readTimes = new Map();
const readOnlyAt = (options) =>
  options && options.has_read_only && options.read_only.has_read_time
    ? options.read_only.read_time
    : null;
/** The read time a read request asks for (its own, or its transaction's), in µs, or null. */
function readTimeOf(request) {
  if (request.has_read_time) return checkReadTime(request.read_time);
  if (request.has_new_transaction) {
    const t = readOnlyAt(request.new_transaction);
    return t ? checkReadTime(t) : null;
  }
  return readTimes.get(txKey(request.transaction)) ?? null;
}
const timestampOf = (readMicros) => ({
  seconds: Math.floor(readMicros / 1_000_000),
  nanos: (readMicros % 1_000_000) * 1000,
});

function patchService(P) {
  P.BeginTransaction = function (call, callback) {
    let readTime = null;
    try {
      const t = readOnlyAt(call.request.options);
      readTime = t ? checkReadTime(t) : null;
    } catch (err) {
      callback(err);
      return;
    }
    const id = newTransaction();
    if (readTime !== null) readTimes.set(id.toString("hex"), readTime);
    callback(null, proto.BeginTransactionResponse.fromObject({ transaction: id }));
  };

  const originalBatchGet = P.BatchGetDocuments.bind(P);
  P.BatchGetDocuments = function (call) {
    const request = call.request;
    let readTime;
    try {
      readTime = readTimeOf(request);
      if (readTime !== null) {
        const answers = request.documents.map((p) => [p, documentAt(p, readTime)]);
        if (request.has_new_transaction) {
          const id = newTransaction();
          readTimes.set(id.toString("hex"), readTime);
          call.write(proto.BatchGetDocumentsResponse.fromObject({ transaction: id }));
        }
        for (const [p, doc] of answers) {
          call.write(
            proto.BatchGetDocumentsResponse.fromObject({
              found: doc ?? undefined,
              missing: doc ? undefined : p,
              read_time: timestampOf(readTime),
            }),
          );
        }
        call.end();
        return;
      }
    } catch (err) {
      call.emit("error", err);
      return;
    }
    let tx = txKey(request.transaction);
    let fresh = null;
    if (request.has_new_transaction) {
      fresh = newTransaction();
      tx = fresh.toString("hex");
    }
    if (tx) {
      for (const p of request.documents) remember(tx, state.getDocument(p).getPath());
    }
    if (fresh) {
      // Answer with our own id instead of the package's dummy one.
      const write = call.write.bind(call);
      call.write = (response) => {
        if (response.transaction && response.transaction.length > 0) response.transaction = fresh;
        return write(response);
      };
    }
    return originalBatchGet(call);
  };

  const originalRunQuery = P.RunQuery.bind(P);
  P.RunQuery = function (call) {
    const request = call.request;
    try {
      const readTime = readTimeOf(request);
      if (readTime !== null) {
        const docs = queryAt(request.parent, request.structured_query, readTime);
        let transaction;
        if (request.has_new_transaction) {
          transaction = newTransaction();
          readTimes.set(transaction.toString("hex"), readTime);
        }
        const at = timestampOf(readTime);
        if (docs.length === 0) {
          call.write(proto.RunQueryResponse.fromObject({ done: true, read_time: at, transaction }));
        }
        docs.forEach((document, i) =>
          call.write(
            proto.RunQueryResponse.fromObject({
              document,
              done: i === docs.length - 1,
              read_time: at,
              transaction: i === 0 ? transaction : undefined,
            }),
          ),
        );
        call.end();
        return;
      }
    } catch (err) {
      call.emit("error", err);
      return;
    }
    let tx = txKey(request.transaction);
    let fresh = null;
    if (request.has_new_transaction) {
      fresh = newTransaction();
      tx = fresh.toString("hex");
    }
    const write = call.write.bind(call);
    call.write = (response) => {
      if (tx && response.has_document) remember(tx, response.document.name);
      if (fresh) response.transaction = fresh;
      return write(response);
    };
    return originalRunQuery(call);
  };

  const originalCommit = P.Commit.bind(P);
  P.Commit = function (call, callback) {
    const request = call.request;
    const tx = txKey(request.transaction);
    if (tx) {
      const reads = transactions.get(tx);
      transactions.delete(tx);
      readTimes.delete(tx);
      if (!reads) {
        callback({
          code: 3,
          message: "transaction is invalid or has expired",
          details: "transaction is invalid or has expired",
        });
        return;
      }
      for (const [p, v] of reads) {
        if (versionOf(p) !== v) {
          const message = `the transaction lost a race: ${p} changed after it was read (ABORTED, retry)`;
          callback({ code: ABORTED, message, details: message });
          return;
        }
      }
    }
    // All or nothing: check every exists-precondition before applying any write.
    for (const write of request.writes) {
      if (!write.has_current_document || !write.current_document.has_exists) continue;
      const target = write.has_delete ? write.delete : write.has_update ? write.update.name : null;
      if (!target) continue;
      const exists = state.getDocument(target).metadata.hasExist;
      if (write.current_document.exists && !exists) {
        callback({
          code: NOT_FOUND,
          message: `no entity to update: ${target}`,
          details: `no entity to update: ${target}`,
        });
        return;
      }
      if (!write.current_document.exists && exists) {
        callback({
          code: ALREADY_EXISTS,
          message: `entity already exists: ${target}`,
          details: `entity already exists: ${target}`,
        });
        return;
      }
    }
    return originalCommit(call, (err, response) => {
      if (!err) {
        stats.commits += 1;
        stats.writes += request.writes.length;
        for (const write of request.writes) {
          const target = write.has_delete
            ? write.delete
            : write.has_update
              ? write.update.name
              : write.has_transform
                ? write.transform.document
                : null;
          if (target) writesPerDocument.set(target, (writesPerDocument.get(target) ?? 0) + 1);
        }
      }
      callback(err, response);
    });
  };

  P.Rollback = function (call, callback) {
    transactions.delete(txKey(call.request.transaction));
    readTimes.delete(txKey(call.request.transaction));
    callback(null, emptyProto.Empty.fromObject({}));
  };
}

/** Starts the patched emulator on 127.0.0.1:port; resolves to the server. */
export async function startFirestore(port) {
  const server = new FirestoreServer();
  state = server.state;
  for (const event of ["create-document", "update-document", "delete-document"])
    state.emitter.on(event, bump);
  state.emitter.on("clear-all-projects", () => {
    versions.clear();
    history.clear();
  });
  await new Promise((resolve, reject) => {
    server.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    );
  });
  return server;
}
