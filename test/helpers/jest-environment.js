import vm from 'node:vm';
import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's node environment, with one fix: it hands the test realm the host's
 * `structuredClone`, whose results are objects of the HOST realm. Libraries that
 * check `value.constructor === Object` (oidc-provider clones client metadata and
 * JWT payloads this way) then reject plain objects — only under jest. Here a clone
 * is rebuilt as plain objects and arrays of the test realm.
 */
export default class PasserelleEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    const hostClone = structuredClone;
    const rehome = vm.runInContext(
      `(function rehome(value, seen) {
      if (value === null || typeof value !== 'object') return value;
      if (seen.has(value)) return seen.get(value);
      if (Array.isArray(value)) {
        const out = [];
        seen.set(value, out);
        for (const item of value) out.push(rehome(item, seen));
        return out;
      }
      const proto = Object.getPrototypeOf(value);
      const plain = proto === null || (Object.getPrototypeOf(proto) === null && proto.constructor && proto.constructor.name === 'Object');
      if (!plain) return value;
      const out = proto === null ? Object.create(null) : {};
      seen.set(value, out);
      for (const key of Object.keys(value)) out[key] = rehome(value[key], seen);
      return out;
    })`,
      this.getVmContext(),
    );
    this.global.structuredClone = (value, options) => rehome(hostClone(value, options), new Map());
  }
}
