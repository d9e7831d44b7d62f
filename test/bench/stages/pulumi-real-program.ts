/**
 * The Pulumi program of the pulumi-real bench stage, run by the real `pulumi` CLI (Pulumi.yaml `main` points at its
 * compiled form, lib/bench/test/bench/stages/pulumi-real-program.js). Stack configuration (namespace `bench`):
 *   bench:mode      ours | bare
 *   bench:target    management | cluster
 *   bench:apps      apps of the cluster stack (cluster target only)
 *   bench:render    the directory the Kubernetes provider renders YAML files into (its render mode: no API server)
 *
 *   ours, management: the management stack of the reference estate at the Double 11 peak, through the program itself
 *                     (estateStack: plan, rules, EstateTarget component, provider, typed resources with options).
 *   ours, cluster:    cluster stack trade-hz1 with `apps` generated apps (the same input as pulumi-cluster-stack).
 *   bare:             the same objects as bare typed resources (`kubernetes:<group>/<version>:<Kind>`, the same classes
 *                     and names) with one provider, no component, no options.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { KubeObject, synthesize } from '../../../constructs/internal';
import { referenceEstate } from '../../../stacks/estates';
import { estateStack, logicalName, resourceClass, StackSettings } from '../../../stacks/pulumi';
import { BENCH_CLUSTER, benchInput } from './pulumi-worker';

const BENCH_AS_OF = new Date('2026-11-11T00:00:00+08:00');

export = async (): Promise<Record<string, unknown>> => {
  const config = new pulumi.Config('bench');
  const mode = config.require('mode');
  const target = config.require('target');
  const render = config.require('render');
  const apps = config.getNumber('apps') ?? 1000;

  const { estate, synthesis } = target === 'cluster'
    ? benchInput(apps)
    : (() => {
      const e = referenceEstate();
      return { estate: e, synthesis: synthesize(e, { asOf: BENCH_AS_OF }) };
    })();
  const targetName = target === 'cluster' ? BENCH_CLUSTER : 'management';

  if (mode === 'ours') {
    const settings: StackSettings = {
      estate: 'reference',
      target: targetName,
      asOf: BENCH_AS_OF,
      exportKubeconfigs: [],
      releaseProtection: [],
      renderYamlToDirectory: render,
    };
    const silent = { info: () => undefined, warn: () => undefined };
    const outputs = await estateStack(settings, { loadEstate: () => estate, synthesize: () => synthesis, log: silent });
    return { objects: outputs.objects };
  }
  const objects: readonly KubeObject[] = synthesis.targets.find((t) => t.name === targetName)!.objects;
  const provider = new k8s.Provider(`${targetName}-k8s`, { renderYamlToDirectory: render });
  for (const o of objects) {
    const Resource = resourceClass(o.apiVersion, o.kind);
    new Resource(logicalName(o), o as never, { provider });
  }
  return { objects: objects.length };
};
