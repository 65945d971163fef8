// Runtime fixes for CongoDB (@push.rocks/smartmongo 2.2.0), the test-only MongoDB server.
// Loaded by server.js before the server starts; each fix replaces one method of the pinned
// release and says which MongoDB behaviour it restores. Nothing here runs in production.
import { MemoryStorageAdapter } from '@push.rocks/smartmongo/dist_ts/congodb/storage/MemoryStorageAdapter.js';
import { UpdateEngine } from '@push.rocks/smartmongo/dist_ts/congodb/engine/UpdateEngine.js';
import { IndexEngine } from '@push.rocks/smartmongo/dist_ts/congodb/engine/IndexEngine.js';
import { ObjectId, EJSON } from 'bson';

// ---------------------------------------------------------------------------------------------
// Fix 1: an update's deep clone turned Binary (Guid), Decimal128, Long and other BSON values of
// the touched document into plain objects. BSON values are immutable here: keep the instance.
const cloneValue = UpdateEngine.deepClone;
UpdateEngine.deepClone = function deepClone(value) {
  if (value !== null && typeof value === 'object' && typeof value._bsontype === 'string'
      && value._bsontype !== 'ObjectId' && value._bsontype !== 'Timestamp') {
    return value;
  }
  return cloneValue.call(this, value);
};

// ---------------------------------------------------------------------------------------------
// Fix 2: the memory store keyed documents by `_id.toHexString()` and forced every _id into an
// ObjectId, so string, number or Guid _ids failed. Key by a canonical text of any BSON value.

/** A text that is equal for values MongoDB considers equal (numbers of any width alike). */
function canonical(value) {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number') return 'n:' + value;
  if (typeof value === 'bigint') return 'n:' + Number(value);
  if (typeof value === 'string') return 's:' + value;
  if (typeof value === 'boolean') return 'b:' + value;
  if (value instanceof Date) return 'd:' + value.getTime();
  switch (value._bsontype) {
    case 'ObjectId': return 'o:' + value.toHexString();
    case 'Long': return 'n:' + value.toNumber();
    case 'Int32': case 'Double': return 'n:' + value.valueOf();
    case 'Decimal128': return 'n:' + Number(value.toString());
    case 'Binary': return 'x:' + value.sub_type + ':' + Buffer.from(value.buffer).toString('base64');
    default: break;
  }
  if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
  if (typeof value === 'object' && !value._bsontype) {
    return '{' + Object.keys(value).map(k => JSON.stringify(k) + ':' + canonical(value[k])).join(',') + '}';
  }
  return 'e:' + EJSON.stringify(value, { relaxed: false });
}

/** ObjectIds keep the original hex key, so code that still calls toHexString() agrees. */
function idKey(id) {
  return id instanceof ObjectId ? id.toHexString() : 'k:' + canonical(id);
}

const proto = MemoryStorageAdapter.prototype;

proto.insertOne = async function insertOne(dbName, collName, doc) {
  const collection = this.ensureCollection(dbName, collName);
  const storedDoc = { ...doc };
  if (storedDoc._id === undefined || storedDoc._id === null) {
    storedDoc._id = new ObjectId();
  }
  const key = idKey(storedDoc._id);
  if (collection.has(key)) {
    throw duplicateKey(dbName, collName, '_id_', { _id: storedDoc._id });
  }
  uniqueIndexes(this, dbName, collName).forEach(index => index.check(storedDoc, key));
  uniqueIndexes(this, dbName, collName).forEach(index => index.add(storedDoc, key));
  collection.set(key, storedDoc);
  return storedDoc;
};

proto.findById = async function findById(dbName, collName, id) {
  return this.ensureCollection(dbName, collName).get(idKey(id)) || null;
};

proto.updateById = async function updateById(dbName, collName, id, doc) {
  const collection = this.ensureCollection(dbName, collName);
  const key = idKey(id);
  const old = collection.get(key);
  if (!old) {
    return false;
  }
  const indexes = uniqueIndexes(this, dbName, collName);
  indexes.forEach(index => index.check(doc, key));
  indexes.forEach(index => { index.remove(old); index.add(doc, key); });
  collection.set(key, doc);
  return true;
};

proto.deleteById = async function deleteById(dbName, collName, id) {
  const collection = this.ensureCollection(dbName, collName);
  const key = idKey(id);
  const old = collection.get(key);
  if (!old) {
    return false;
  }
  uniqueIndexes(this, dbName, collName).forEach(index => index.remove(old));
  return collection.delete(key);
};

// The index engine (used by createIndexes/listIndexes) also calls doc._id.toHexString(): give it
// a view of the store whose documents carry an _id it can key.
for (const method of ['initialize', 'createIndex']) {
  const original = IndexEngine.prototype[method];
  IndexEngine.prototype[method] = function patched(...args) {
    if (!this.patchedStorage) {
      this.storage = keyedView(this.storage);
      this.patchedStorage = true;
    }
    return original.apply(this, args);
  };
}

function keyedView(storage) {
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'findAll') {
        return async (dbName, collName) => (await target.findAll(dbName, collName))
          .map(doc => ({ ...doc, _id: { toHexString: () => idKey(doc._id) } }));
      }
      const value = target[property];
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Fix 3: unique secondary indexes were created and listed but never enforced. Keep a hash of the
// key values of every unique index per collection (built lazily, dropped when indexes change) and
// refuse a write that would duplicate one with MongoDB's error code 11000.

const uniqueCache = new WeakMap();

function uniqueIndexes(storage, dbName, collName) {
  let perStorage = uniqueCache.get(storage);
  if (!perStorage) {
    perStorage = new Map();
    uniqueCache.set(storage, perStorage);
  }
  const ns = dbName + '.' + collName;
  let indexes = perStorage.get(ns);
  if (indexes) {
    return indexes;
  }
  const specs = (storage.indexes.get(dbName)?.get(collName) || [])
    .filter(spec => spec.unique && spec.name !== '_id_');
  const collection = storage.ensureCollection(dbName, collName);
  indexes = specs.map(spec => new UniqueIndex(dbName, collName, spec));
  for (const [key, doc] of collection) {
    indexes.forEach(index => { index.check(doc, key); index.add(doc, key); });
  }
  perStorage.set(ns, indexes);
  return indexes;
}

function forgetIndexes(storage, dbName, collName) {
  const perStorage = uniqueCache.get(storage);
  if (!perStorage) return;
  if (collName === undefined) {
    for (const ns of [...perStorage.keys()]) {
      if (ns.startsWith(dbName + '.')) perStorage.delete(ns);
    }
  } else {
    perStorage.delete(dbName + '.' + collName);
  }
}

class UniqueIndex {
  constructor(dbName, collName, spec) {
    this.dbName = dbName;
    this.collName = collName;
    this.name = spec.name;
    this.fields = Object.keys(spec.key);
    this.sparse = Boolean(spec.sparse);
    this.entries = new Map();
  }

  /** The index key of a document; null when a sparse index skips it. */
  keyOf(doc) {
    const values = this.fields.map(field => field.split('.').reduce((v, part) => (v == null ? undefined : v[part]), doc));
    if (this.sparse && values.every(v => v === undefined)) {
      return null;
    }
    return values.map(canonical).join('|');
  }

  check(doc, idKeyText) {
    const key = this.keyOf(doc);
    if (key === null) return;
    const owner = this.entries.get(key);
    if (owner !== undefined && owner !== idKeyText) {
      const keyValue = Object.fromEntries(this.fields.map(f => [f, doc[f] ?? null]));
      throw duplicateKey(this.dbName, this.collName, this.name, keyValue);
    }
  }

  add(doc, idKeyText) {
    const key = this.keyOf(doc);
    if (key !== null) this.entries.set(key, idKeyText);
  }

  remove(doc) {
    const key = this.keyOf(doc);
    if (key !== null) this.entries.delete(key);
  }
}

function duplicateKey(dbName, collName, indexName, keyValue) {
  const error = new Error(
    `E11000 duplicate key error collection: ${dbName}.${collName} index: ${indexName} dup key: ${EJSON.stringify(keyValue)}`);
  error.code = 11000;
  error.codeName = 'DuplicateKey';
  return error;
}

for (const method of ['saveIndex', 'dropIndex', 'dropCollection']) {
  const original = proto[method];
  proto[method] = async function patched(dbName, collName, ...rest) {
    const result = await original.call(this, dbName, collName, ...rest);
    forgetIndexes(this, dbName, collName);
    return result;
  };
}

for (const method of ['dropDatabase']) {
  const original = proto[method];
  proto[method] = async function patched(dbName, ...rest) {
    const result = await original.call(this, dbName, ...rest);
    forgetIndexes(this, dbName);
    return result;
  };
}

const renameCollection = proto.renameCollection;
proto.renameCollection = async function patched(dbName, oldName, newName) {
  await renameCollection.call(this, dbName, oldName, newName);
  forgetIndexes(this, dbName, oldName);
  forgetIndexes(this, dbName, newName);
};

// ---------------------------------------------------------------------------------------------
// Fix 4: hello/isMaster answered an awaitable hello (the driver's heartbeat: `topologyVersion` +
// `maxAwaitTimeMS`) at once, and with a new topologyVersion.processId each time, so every
// connected driver re-sent its heartbeat immediately and client and server each spun on a core.
// MongoDB keeps one processId per process and, when the client already knows the current
// topologyVersion, holds the answer for maxAwaitTimeMS (a standalone's topology never changes).
import { HelloHandler } from '@push.rocks/smartmongo/dist_ts/congodb/server/handlers/HelloHandler.js';
import { Long } from 'bson';

const processId = new ObjectId();
const helloHandle = HelloHandler.prototype.handle;
HelloHandler.prototype.handle = async function handle(context) {
  const response = await helloHandle.call(this, context);
  response.topologyVersion = { processId, counter: Long.fromNumber(0) };
  const known = context.command?.topologyVersion;
  const wait = Number(context.command?.maxAwaitTimeMS ?? 0);
  if (known && wait > 0 && String(known.processId) === String(processId)) {
    // Capped like MongoDB's own limit on the wait; unref'd so a pending heartbeat never keeps the process up.
    await new Promise(resolve => setTimeout(resolve, Math.min(wait, 60_000)).unref());
    response.localTime = new Date();
  }
  return response;
};
