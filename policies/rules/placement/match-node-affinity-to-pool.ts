import { podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { eligiblePools, nodeSelectionMatches, poolNodesOf, selectsNodes, untoleratedTaints } from '../../engine/scheduling';
import { COMPLIANT, defineRule, notApplicable, violations } from '../../engine/types';

/** A pod's node selection matches the nodes of a pool that exists in its cluster, and it tolerates that pool's taints. */
export const matchNodeAffinityToPool = defineRule({
  id: 'match-node-affinity-to-pool',
  area: 'placement',
  description: 'A pod\'s node selection matches the nodes of at least one node pool of its cluster, and the pod tolerates that pool\'s taints.',
  rationale: 'A pod template\'s nodeSelector and required node affinity match the nodes of at least one node pool of the cluster it is placed in (the labels synthesis gives that pool\'s nodes), and the pod tolerates that pool\'s NoSchedule and NoExecute taints. A selector that no node satisfies (a pool that exists in another cluster, a renamed role, a typo) leaves every replica Pending with no error at deploy time; selecting a dedicated pool without tolerating its taint does the same. The estate knows exactly which nodes each cluster will have, so this is caught before the deploy.',
  remediation: 'Select a pool of the target cluster by node.cluster.x-k8s.io/pool or node-role.kubernetes.io/<role> (estate synth --format json lists the pools), add the pool to the cluster, or add a toleration for the pool\'s taint.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'required',
  config: {},
  check({ object, target, context }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    if (!context) return notApplicable('needs the estate to know the cluster\'s pools');
    const facts = context.clusters.get(target.name);
    if (!facts) return notApplicable(`target ${target.name} is not a cluster of the estate at the as-of time`);
    if (!selectsNodes(target, template.spec)) return notApplicable('the pod selects no nodes');
    // Some pool's nodes match and it tolerates their taints: the pools found for it (once per selection) say so.
    if (eligiblePools(target, template.spec, facts.plan).length > 0) return COMPLIANT;
    const nodes = poolNodesOf(target, facts.plan);
    const matching = nodes.filter((n) => nodeSelectionMatches(target, template.spec, n.labels));
    if (matching.length === 0) {
      return violations([`no node pool of cluster ${facts.plan.name} (${facts.plan.pools.map((p) => p.name).join(', ') || 'none'}) has nodes its nodeSelector / node affinity matches: every replica stays Pending`]);
    }
    if (matching.some((n) => untoleratedTaints(target, template.spec, n.taints).length === 0)) return violations([]);
    const taints = [...new Set(matching.flatMap((n) => untoleratedTaints(target, template.spec, n.taints).map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`)))];
    const pools = [...new Set(matching.map((n) => n.pool))];
    return violations([`it selects pool(s) ${pools.join(', ')} of cluster ${facts.plan.name} but does not tolerate taint(s) ${taints.join(', ')}: every replica stays Pending`]);
  },
});
