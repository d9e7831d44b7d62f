import { requireNodePoolLabels } from '../../../../policies/rules';
import { clusterManagementObjects, pick } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const NAME = 'ops-nx1-general-cn-northwest-1a';
const setup = () => {
  const objects = clusterManagementObjects('ops-nx1');
  const md = pick(objects, 'MachineDeployment', NAME) as any;
  // The KubeadmConfigTemplate is named after its content: found through the MachineDeployment's ref.
  const template = md.spec.template.spec.bootstrap.configRef.name as string;
  const kubelet = () => (pick(objects, 'KubeadmConfigTemplate', template) as any).spec.template.spec.joinConfiguration.nodeRegistration.kubeletExtraArgs[0];
  return { objects, md, template, kubelet };
};

describe('require-node-pool-labels', () => {
  test('every synthesized MachineDeployment is compliant', () => {
    const { objects } = setup();
    for (const md of objects.filter((o) => o.kind === 'MachineDeployment')) expect(judge(requireNodePoolLabels, md, { target: objects })).toEqual({ kind: 'compliant' });
  });

  test('a Machine template without the pool label is a violation', () => {
    const { objects, md } = setup();
    delete md.spec.template.metadata.labels['node.cluster.x-k8s.io/pool'];
    expect(messages(judge(requireNodePoolLabels, md, { target: objects }))).toEqual(['the Machine template has no node.cluster.x-k8s.io/pool label']);
  });

  test('a Machine template without a node-role label is a violation', () => {
    const { objects, md } = setup();
    delete md.spec.template.metadata.labels['node-role.kubernetes.io/general'];
    expect(messages(judge(requireNodePoolLabels, md, { target: objects }))).toEqual(['the Machine template has no node-role.kubernetes.io/<role> label: nodes of the pool carry no role']);
  });

  test('a kubelet that does not set the zone is a violation', () => {
    const { objects, md, template, kubelet } = setup();
    kubelet().value = kubelet().value.replace(',topology.kubernetes.io/zone=cn-northwest-1a', '');
    expect(messages(judge(requireNodePoolLabels, md, { target: objects }))).toEqual([`the kubelet of KubeadmConfigTemplate ${template} does not set topology.kubernetes.io/zone (--node-labels)`]);
  });

  test('a zone label that is not the failure domain is a violation', () => {
    const { objects, md, kubelet } = setup();
    kubelet().value = kubelet().value.replace('zone=cn-northwest-1a', 'zone=cn-northwest-1b');
    expect(messages(judge(requireNodePoolLabels, md, { target: objects }))).toEqual(['the nodes are labelled topology.kubernetes.io/zone=cn-northwest-1b but run in failure domain cn-northwest-1a']);
  });

  test.each(['node-role.kubernetes.io/general=', 'kubernetes.io/role=general'])('a kubelet told to set %s (refused by NodeRestriction) is a violation', (label) => {
    const { objects, md, kubelet } = setup();
    kubelet().value = `${kubelet().value},${label}`;
    expect(messages(judge(requireNodePoolLabels, md, { target: objects }))).toEqual([`--node-labels sets ${label.split('=')[0]}, which the kubelet may not set (NodeRestriction): the kubelet refuses to start`]);
  });

  test('a missing KubeadmConfigTemplate is a violation', () => {
    const { objects, md, template } = setup();
    expect(template).toMatch(new RegExp(`^${NAME}-[0-9a-f]{10}$`));
    expect(messages(judge(requireNodePoolLabels, md, { target: objects.filter((o) => o.kind !== 'KubeadmConfigTemplate') }))).toEqual([`the KubeadmConfigTemplate ${template} it bootstraps from is not in the target`]);
  });

  test('the required kubelet labels are configurable', () => {
    const { objects, md, template } = setup();
    expect(messages(judge(requireNodePoolLabels, md, { target: objects, config: { kubeletLabels: ['example.com/rack'] } }))).toEqual([`the kubelet of KubeadmConfigTemplate ${template} does not set example.com/rack (--node-labels)`]);
  });
});
