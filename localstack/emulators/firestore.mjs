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
//     the new version no longer has would survive).
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
  if (write.has_update && !write.has_update_mask && !preconditioned) {
    const document = this.getDocument(write.update.name);
    if (document.metadata.hasExist) document.fields = {};
  }
  return originalWriteV1Document.call(this, date, write);
};

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

function patchService(P) {
  P.BeginTransaction = function (_call, callback) {
    callback(null, proto.BeginTransactionResponse.fromObject({ transaction: newTransaction() }));
  };

  const originalBatchGet = P.BatchGetDocuments.bind(P);
  P.BatchGetDocuments = function (call) {
    const request = call.request;
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
    callback(null, emptyProto.Empty.fromObject({}));
  };
}

/** Starts the patched emulator on 127.0.0.1:port; resolves to the server. */
export async function startFirestore(port) {
  const server = new FirestoreServer();
  state = server.state;
  for (const event of ["create-document", "update-document", "delete-document"])
    state.emitter.on(event, bump);
  state.emitter.on("clear-all-projects", () => versions.clear());
  await new Promise((resolve, reject) => {
    server.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) =>
      err ? reject(err) : resolve(),
    );
  });
  return server;
}
