import type { Adapter, AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider storage for the sandbox IdPs: in memory, so valid only while
 * a single process serves each IdP (a restart forgets sessions, codes and
 * tokens). Entries expire with their oidc-provider TTL and the store is
 * capped, oldest first, so a long-running sandbox does not grow unbounded.
 */
const MAX_ENTRIES = 10_000;

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

export function memoryAdapterFactory() {
  // One store per provider: models are namespaced by their name in the key.
  const store = new Map<string, Entry>();
  const grants = new Map<string, Set<string>>();
  const userCodes = new Map<string, string>();
  const uids = new Map<string, string>();

  /** The stored payload (mutable, for consume), unless expired. */
  const stored = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };
  /** A copy: callers never mutate the store behind its back. */
  const alive = (key: string): AdapterPayload | undefined => {
    const payload = stored(key);
    return payload && structuredClone(payload);
  };

  return (model: string): Adapter => {
    const key = (id: string): string => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        store.delete(key(id));
        store.set(key(id), {
          payload: structuredClone(payload),
          expiresAt: expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000,
        });
        if (store.size > MAX_ENTRIES) store.delete(store.keys().next().value!);
        if (payload.grantId) {
          const ids = grants.get(payload.grantId) ?? new Set<string>();
          grants.set(payload.grantId, ids.add(key(id)));
        }
        if (payload.userCode) userCodes.set(payload.userCode, id);
        if (payload.uid) uids.set(payload.uid, id);
      },
      async find(id) {
        return alive(key(id));
      },
      async findByUserCode(userCode) {
        const id = userCodes.get(userCode);
        return id === undefined ? undefined : alive(key(id));
      },
      async findByUid(uid) {
        const id = uids.get(uid);
        return id === undefined ? undefined : alive(key(id));
      },
      async consume(id) {
        const payload = stored(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const stored of grants.get(grantId) ?? []) store.delete(stored);
        grants.delete(grantId);
      },
    };
  };
}
