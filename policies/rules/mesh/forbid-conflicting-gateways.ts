import type { KubeObject } from '../../../constructs';
import { asArray, describe, field, LONG_RUNNING_KINDS, mapSelectorMatches, podTemplateOf, podLabels, stringMap } from '../../engine/kube';
import { listenerHostsOverlap } from '../../../constructs/mesh/gateway';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

interface Listener {
  readonly gateway: KubeObject;
  readonly selector: Record<string, string>;
  readonly port: number;
  readonly host: string;
}

function selectorText(selector: Record<string, string>): string {
  return Object.keys(selector).sort().map((k) => `${k}=${selector[k]}`).join(',');
}

/** A server host without its namespace part (`ns/host`, `./host`), lower-cased as DNS compares. */
function bareHost(host: string): string {
  const slash = host.indexOf('/');
  return (slash >= 0 ? host.slice(slash + 1) : host).toLowerCase();
}

function listenersOf(gateway: KubeObject): Listener[] {
  const selector = stringMap(field(gateway, 'spec.selector'));
  const out: Listener[] = [];
  for (const server of asArray(field(gateway, 'spec.servers'))) {
    const port = field(server, 'port.number');
    if (typeof port !== 'number') continue;
    for (const host of asArray(field(server, 'hosts'))) if (typeof host === 'string') out.push({ gateway, selector, port, host: bareHost(host) });
  }
  return out;
}

/**
 * True when two Gateway selectors pick the same gateway pods: equal selectors, or one pod template of the target
 * that both select (Istio applies a Gateway to matching pods in every namespace unless told otherwise).
 */
function sameProxies(a: Record<string, string>, b: Record<string, string>, pods: readonly Record<string, string>[]): boolean {
  if (selectorText(a) === selectorText(b)) return true;
  return pods.some((labels) => mapSelectorMatches(a, labels) && mapSelectorMatches(b, labels));
}

function gatewayPods(target: TargetView): Record<string, string>[] {
  return target.memo('mesh:pod-labels', () => [...LONG_RUNNING_KINDS, 'Pod'].flatMap((k) => target.ofKind(k))
    .map((w) => podTemplateOf(w)).filter((t): t is NonNullable<typeof t> => t !== undefined).map(podLabels));
}

/** No two Gateway servers on the same gateway pods claim the same port and host. */
export const forbidConflictingGateways = defineRule({
  id: 'forbid-conflicting-gateways',
  area: 'mesh',
  description: 'No two Gateways on the same gateway pods claim one port with overlapping hosts (equal, or a wildcard covering the other), nor one Gateway a host twice.',
  rationale: 'Istio builds one listener per port on the gateway proxy and keeps only one server per host there: the other Gateway\'s routes, TLS certificate or both are dropped without an error, and its host answers 404 or with the wrong certificate (Istio IST0145, Kiali KIA0301).',
  remediation: 'Give each host, wildcards included, one Gateway per gateway deployment (list several hosts on one server if they share the certificate, or put a wildcard and its dedicated names in one Gateway), or bind the second Gateway to another ingress gateway by its selector.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['Gateway'],
  relational: true,
  reads: ['Gateway', ...LONG_RUNNING_KINDS, 'Pod'],
  estateContext: 'none',
  config: {},
  check({ object, target }) {
    const own = listenersOf(object);
    if (own.length === 0) return notApplicable('the Gateway has no server with a port and hosts');
    const all = target.memo('mesh:gateway-listeners', () => target.ofKind('Gateway').flatMap(listenersOf));
    const pods = gatewayPods(target);
    const messages = new Set<string>();
    const seen = new Set<string>();
    for (const l of own) {
      const key = `${l.port} ${l.host}`;
      if (seen.has(key)) messages.add(`port ${l.port} host ${l.host} is declared twice in this Gateway`);
      seen.add(key);
      for (const other of all) {
        if (other.gateway === object || other.port !== l.port || !listenerHostsOverlap(other.host, l.host)) continue;
        if (!sameProxies(l.selector, other.selector, pods)) continue;
        const where = `${describe(other.gateway)} on the same gateway pods (selector ${selectorText(l.selector) || 'none'})`;
        messages.add(other.host === l.host
          ? `port ${l.port} host ${l.host} is also claimed by ${where}: one of them is dropped`
          : `port ${l.port} host ${l.host} overlaps host ${other.host} of ${where}: the names both cover go to one of them only`);
      }
    }
    return violations([...messages]);
  },
});
