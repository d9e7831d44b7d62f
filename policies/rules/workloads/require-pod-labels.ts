import { checkLabelValue } from '../../../constructs/internal';
import { podLabels, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { POD_LABEL_KEYS, RELEASE_CHANNELS } from '../../engine/workload-labels';
import type { TargetView } from '../../engine/target';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface RequirePodLabelsConfig {
  readonly appLabel: string;
  readonly clusterLabel: string;
  readonly envLabel: string;
  readonly idcLabel: string;
  readonly channelLabel: string;
  readonly channels: readonly string[];
}

const newValueProblems = () => new Map<string, string | undefined>();

/** checkLabelValue, remembered per target: label values repeat across a cluster's thousands of pods. */
function valueProblem(target: TargetView, value: string): string | undefined {
  const valueProblems = target.memo('require-pod-labels/value-problems', newValueProblems);
  const known = valueProblems.get(value);
  if (known !== undefined || valueProblems.has(value)) return known;
  const problem = checkLabelValue(value);
  valueProblems.set(value, problem);
  return problem;
}

/** Every pod carries app, cluster, env, IDC and release-channel labels, with values that match where it runs. */
export const requirePodLabels = defineRule<RequirePodLabelsConfig>({
  id: 'require-pod-labels',
  area: 'workloads',
  description: 'Every pod template carries valid app, cluster, env, IDC and release-channel labels that match where it is placed.',
  rationale: 'Every pod template carries the app, cluster, env, IDC and release-channel labels with valid values, the channel one of stable, gray, blue or green; with the estate, cluster, IDC and env match the cluster and estate the pod is placed in. Operations select, count, route and page by these labels: logs and metrics are split by app and IDC, gray releases by channel, incident tooling by cluster. A pod without them is invisible to that tooling; a pod whose cluster label names another cluster misleads it.',
  remediation: 'Build workloads with the app templates (they write the labels); in hand-written YAML add the labels to spec.template.metadata.labels.',
  severity: 'medium',
  enforcement: 'advisory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'optional',
  config: {
    appLabel: { type: 'string', description: 'Label key of the application name.', default: POD_LABEL_KEYS.app },
    clusterLabel: { type: 'string', description: 'Label key of the cluster name.', default: POD_LABEL_KEYS.cluster },
    envLabel: { type: 'string', description: 'Label key of the environment.', default: POD_LABEL_KEYS.env },
    idcLabel: { type: 'string', description: 'Label key of the IDC.', default: POD_LABEL_KEYS.idc },
    channelLabel: { type: 'string', description: 'Label key of the release channel.', default: POD_LABEL_KEYS.channel },
    channels: { type: 'array', items: { type: 'string' }, description: 'Allowed release channels.', default: [...RELEASE_CHANNELS] },
  },
  check({ object, target, context, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const labels = podLabels(template);
    const messages: string[] = [];
    const keys = [config.appLabel, config.clusterLabel, config.envLabel, config.idcLabel, config.channelLabel];
    const missing = keys.filter((k) => !labels[k]);
    if (missing.length > 0) messages.push(`the pod template lacks label(s) ${missing.join(', ')}`);
    for (const key of keys) {
      const value = labels[key];
      const problem = value ? valueProblem(target, value) : undefined;
      if (problem) messages.push(`label ${key} value "${value}" ${problem}`);
    }
    const channel = labels[config.channelLabel];
    if (channel && !config.channels.includes(channel)) messages.push(`release channel "${channel}" is not one of ${config.channels.join(', ')}`);
    const facts = context?.clusters.get(target.name);
    if (context && facts) {
      const expected: [string, string][] = [
        [config.clusterLabel, facts.plan.name],
        [config.idcLabel, facts.plan.idc],
        [config.envLabel, context.environment],
      ];
      for (const [key, value] of expected) {
        if (labels[key] && labels[key] !== value) messages.push(`label ${key}=${labels[key]} but the pod runs in ${key === config.envLabel ? 'environment' : key === config.idcLabel ? 'IDC' : 'cluster'} ${value}`);
      }
    }
    return violations(messages);
  },
});
