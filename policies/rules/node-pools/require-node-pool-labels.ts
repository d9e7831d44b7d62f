import {
  LABEL_IDC, LABEL_MACHINE_MODEL, LABEL_POOL_ROLE, NODE_INSTANCE_TYPE, NODE_POOL, NODE_REGION, NODE_ROLE_PREFIX, NODE_ZONE,
  NodeLabelRoute, nodeLabelRoute,
} from '../../../constructs/internal';
import { kubeletNodeLabels } from '../../engine/capi';
import { asString, field, namespaceOf, stringMap } from '../../engine/kube';
import type { TargetView } from '../../engine/target';
import { defineRule, violations } from '../../engine/types';

export interface RequireNodePoolLabelsConfig {
  readonly machineLabels: readonly string[];
  readonly kubeletLabels: readonly string[];
  readonly requireNodeRole: boolean;
}

const newRoutes = () => new Map<string, NodeLabelRoute>();

/** nodeLabelRoute, remembered per target: the same few keys recur on every pool. */
function routeOf(target: TargetView, key: string): NodeLabelRoute {
  const routes = target.memo('require-node-pool-labels/routes', newRoutes);
  let route = routes.get(key);
  if (route === undefined) routes.set(key, (route = nodeLabelRoute(key)));
  return route;
}

function hasKeyWithPrefix(labels: Record<string, string>, prefix: string): boolean {
  for (const k in labels) if (Object.prototype.hasOwnProperty.call(labels, k) && k.startsWith(prefix)) return true;
  return false;
}

const NODE_RESTRICTION = 'node-restriction.kubernetes.io';

/** `key.split('/')[0].endsWith(suffix)`, without the split: the part before the first slash ends with `suffix`. */
function prefixEndsWith(key: string, suffix: string): boolean {
  const slash = key.indexOf('/');
  const end = slash < 0 ? key.length : slash;
  return end >= suffix.length && key.startsWith(suffix, end - suffix.length);
}

/** The nodes of every pool carry the labels workloads and operators select them by, through a route that works. */
export const requireNodePoolLabels = defineRule<RequireNodePoolLabelsConfig>({
  id: 'require-node-pool-labels',
  area: 'node-pools',
  description: 'Every node pool gives its nodes the role, pool, topology, instance and IDC labels, each through a path allowed to set it.',
  rationale: 'Every MachineDeployment gives its nodes a node-role label and the pool label through Machine labels that Cluster API propagates, and region, zone (equal to the failure domain), instance type, IDC, machine model and pool role through the kubelet\'s --node-labels, which must not carry labels the kubelet may not set. Workloads pin themselves to pools and spread over zones by these labels; a label missing on the nodes leaves pods Pending or piled into one zone. Cluster API copies only node-role.kubernetes.io, node-restriction.kubernetes.io and node.cluster.x-k8s.io labels to Nodes, and a kubelet given a node-role or other kubernetes.io label it may not set refuses to start.',
  remediation: 'Describe pools through their props (role, instance, zones) and let synthesis write the labels; in hand-written YAML put node-role.kubernetes.io/<role> and node.cluster.x-k8s.io/pool on the Machine template and the rest in the KubeadmConfigTemplate\'s kubeletExtraArgs node-labels.',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: ['MachineDeployment'],
  relational: true,
  reads: ['KubeadmConfigTemplate'],
  estateContext: 'none',
  config: {
    machineLabels: { type: 'array', items: { type: 'string' }, description: 'Labels the Machine template must carry (propagated to Nodes by Cluster API).', default: [NODE_POOL] },
    kubeletLabels: { type: 'array', items: { type: 'string' }, description: 'Labels the kubelet must set through --node-labels.', default: [NODE_REGION, NODE_ZONE, NODE_INSTANCE_TYPE, LABEL_IDC, LABEL_MACHINE_MODEL, LABEL_POOL_ROLE] },
    requireNodeRole: { type: 'boolean', description: 'Require a node-role.kubernetes.io/<role> Machine label.', default: true },
  },
  check({ object, target, config }) {
    const messages: string[] = [];
    const machineLabels = stringMap(field(object, 'spec.template.metadata.labels'));
    for (const key of config.machineLabels) {
      if (!machineLabels[key]) messages.push(`the Machine template has no ${key} label${routeOf(target, key) === NodeLabelRoute.MACHINE ? '' : ' (and Cluster API would not copy it to the Node)'}`);
    }
    if (config.requireNodeRole && !hasKeyWithPrefix(machineLabels, NODE_ROLE_PREFIX)) {
      messages.push(`the Machine template has no ${NODE_ROLE_PREFIX}<role> label: nodes of the pool carry no role`);
    }

    const configRef = field(object, 'spec.template.spec.bootstrap.configRef');
    const refKind = asString(field(configRef, 'kind'));
    if (refKind !== 'KubeadmConfigTemplate') {
      if (config.kubeletLabels.length > 0) messages.push(`the bootstrap is ${refKind ? `a ${refKind}` : 'not a configRef'}: the kubelet labels (${config.kubeletLabels.join(', ')}) cannot be verified`);
      return violations(messages);
    }
    const refName = String(field(configRef, 'name') ?? '');
    const template = target.find('KubeadmConfigTemplate', namespaceOf(object), refName);
    if (!template) {
      messages.push(`the KubeadmConfigTemplate ${refName} it bootstraps from is not in the target`);
      return violations(messages);
    }
    const kubelet: ReadonlyMap<string, string> = kubeletNodeLabels(target, field(template, 'spec.template.spec.joinConfiguration.nodeRegistration')) ?? new Map<string, string>();
    const missing = config.kubeletLabels.filter((k) => !kubelet.get(k));
    if (missing.length > 0) messages.push(`the kubelet of KubeadmConfigTemplate ${refName} does not set ${missing.join(', ')} (--node-labels)`);
    const failureDomain = asString(field(object, 'spec.template.spec.failureDomain'));
    const zone = kubelet.get(NODE_ZONE);
    if (failureDomain && zone !== undefined && zone !== failureDomain) messages.push(`the nodes are labelled ${NODE_ZONE}=${zone} but run in failure domain ${failureDomain}`);
    for (const key of kubelet.keys()) {
      if (key.startsWith(NODE_ROLE_PREFIX) || prefixEndsWith(key, NODE_RESTRICTION) || routeOf(target, key) === NodeLabelRoute.UNREACHABLE) {
        messages.push(`--node-labels sets ${key}, which the kubelet may not set (NodeRestriction): the kubelet refuses to start`);
      }
    }
    return violations(messages);
  },
});
