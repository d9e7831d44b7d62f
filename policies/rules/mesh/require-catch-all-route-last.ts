import { canonicalJson } from '../../../constructs/internal';
import { routeLabel } from '../../engine/istio';
import { asArray, field, isObject } from '../../engine/kube';
import { defineRule, violations } from '../../engine/types';

/**
 * True when one match condition of an HTTP rule takes every request: an empty condition, or one whose only field is
 * a URI prefix "/" or regex ".*" (Istio's analyzer treats these as match-all too).
 */
function matchesEverything(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  const keys = Object.keys(condition).filter((k) => k !== 'name' && k !== 'ignoreUriCase');
  if (keys.length === 0) return true;
  if (keys.length !== 1 || keys[0] !== 'uri') return false;
  const uri = condition.uri;
  return isObject(uri) && Object.keys(uri).length === 1 && (uri.prefix === '/' || uri.regex === '.*');
}

/** A rule without matches, or with one condition that takes every request. */
function isCatchAll(rule: unknown): boolean {
  const match = field(rule, 'match');
  if (match === undefined) return true;
  const list = asArray(match);
  return list.length === 0 || list.some(matchesEverything);
}

/** A VirtualService's catch-all rule is its last: nothing after it, and mesh traffic always finds a rule. */
export const requireCatchAllRouteLast = defineRule({
  id: 'require-catch-all-route-last',
  area: 'mesh',
  description: 'In a VirtualService, no rule or match follows a catch-all or a match an earlier rule already takes; a mesh-bound one ends its HTTP rules with a catch-all.',
  rationale: 'Istio takes the first rule that matches, so a rule after a catch-all never applies (a canary match placed after the default route sends nobody to gray: Istio IST0130, IST0131); a mesh VirtualService whose rules all match something answers 404 to every other request to the Service.',
  remediation: 'Put the specific rules (headers, lanes, communities) first and one rule without match last; remove rules and conditions that an earlier one already covers.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['VirtualService'],
  relational: false,
  estateContext: 'none',
  config: {
    requireCatchAll: { type: 'boolean', default: true, description: 'Require a catch-all HTTP rule last in mesh-bound VirtualServices.' },
  },
  check({ object, config }) {
    const messages: string[] = [];
    for (const protocol of ['http', 'tcp']) {
      const rules = asArray(field(object, `spec.${protocol}`));
      const earlier = new Map<string, string>();
      let catchAll: string | undefined;
      rules.forEach((rule, i) => {
        const name = field(rule, 'name');
        const here = routeLabel({ protocol, rule: i + 1, ...(typeof name === 'string' ? { ruleName: name } : {}) });
        if (catchAll !== undefined) {
          messages.push(`${here} is unreachable: ${catchAll} before it takes every request`);
          return;
        }
        asArray(field(rule, 'match')).forEach((condition, j) => {
          const key = canonicalJson(condition);
          const first = earlier.get(key);
          if (first !== undefined) messages.push(`${here} match ${j + 1} is unreachable: ${first} has the same condition`);
          else earlier.set(key, here);
        });
        if (isCatchAll(rule)) catchAll = here;
      });
      const gateways = asArray(field(object, 'spec.gateways'));
      const meshBound = gateways.length === 0 || gateways.includes('mesh');
      if (protocol === 'http' && rules.length > 0 && catchAll === undefined && meshBound && config.requireCatchAll !== false) {
        messages.push(`no HTTP rule takes the requests that match none of its ${rules.length} rule(s): callers in the mesh get 404 for them`);
      }
    }
    return violations(messages);
  },
});
