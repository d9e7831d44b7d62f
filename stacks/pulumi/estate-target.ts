import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { apiGroup, resourceType, Tier } from './object-rules';
import { PlannedObject, TargetPlan } from './target-plan';

/** The Pulumi type of the component that holds one target's resources. */
export const ESTATE_TARGET_TYPE = 'cluster-estate:index:EstateTarget';

/** A typed resource class of @pulumi/kubernetes (or CustomResource): `new (name, object, opts)`. */
export type KubernetesResourceClass = new (name: string, args: never, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

const classes = new Map<string, KubernetesResourceClass>();

/**
 * The @pulumi/kubernetes class an object is registered with — the same choice `k8s.yaml.ConfigGroup` (v1) makes:
 * the typed class of its group, version and kind when the SDK has one (`k8s.apps.v1.Deployment`; a Secret's class
 * keeps its data secret), `apiextensions.CustomResource` otherwise (Cluster API kinds, CRD-defined kinds). The class
 * is looked up as `k8s.<first label of the group, or core>.<version>.<Kind>` and accepted only when its own type
 * token is the object's.
 */
export function resourceClass(apiVersion: string, kind: string): KubernetesResourceClass {
  const key = `${apiVersion}/${kind}`;
  let cls = classes.get(key);
  if (!cls) {
    const group = apiGroup(apiVersion);
    const version = group === '' ? apiVersion : apiVersion.slice(group.length + 1);
    const module = group === '' ? 'core' : group.split('.')[0];
    const candidate = (k8s as unknown as Record<string, Record<string, Record<string, unknown>> | undefined>)[module]?.[version]?.[kind] as
      | (KubernetesResourceClass & { __pulumiType?: string })
      | undefined;
    cls = typeof candidate === 'function' && candidate.__pulumiType === resourceType({ apiVersion, kind })
      ? candidate
      : (k8s.apiextensions.CustomResource as unknown as KubernetesResourceClass);
    classes.set(key, cls);
  }
  return cls;
}

export interface EstateTargetArgs {
  readonly plan: TargetPlan;
  /**
   * The target cluster's kubeconfig, a secret. Required when the plan's target exists; a target that does not exist
   * at as-of registers nothing, not even a provider.
   */
  readonly kubeconfig?: pulumi.Input<string>;
  /**
   * Identity of the target cluster for the Kubernetes provider (`clusterIdentifier`): the provider is replaced only
   * when this changes, never because the kubeconfig did. Stable for the life of the stack: `<estate>/<target>`.
   */
  readonly clusterIdentifier: string;
  /**
   * Instead of a cluster: the directory the provider writes the objects to as YAML files (its render mode, which
   * takes no kubeconfig). The kubeconfig, if given, is then not used.
   */
  readonly renderYamlToDirectory?: string;
}

/** Resource options of one object's resource (its dependencies aside), as plain data. */
export interface ObjectResourceOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges?: string[];
}

/** The resource options an object gets. Exported so tests and reports read the same mapping the component uses. */
export function objectResourceOptions(o: PlannedObject): ObjectResourceOptions {
  return {
    protect: o.protect,
    retainOnDelete: o.retainOnDelete,
    ...(o.rules.ignoreChanges.length > 0 ? { ignoreChanges: [...o.rules.ignoreChanges] } : {}),
  };
}

/**
 * One target of the estate, applied to its cluster: a Kubernetes provider for that cluster, and every synthesized
 * object as one typed resource (`resourceClass`), a direct child of this component, registered in the program's own
 * process — so previews list each object and unit tests under mocks see each one. The foundation tier (Namespaces,
 * CRDs) is registered first; every other object depends on its Namespace and on the CRD of its kind. Machine
 * templates come next, and the MachineDeployments and control planes that reference them depend on them: a template
 * renamed after new content is created before its owner is repointed, and the old one deleted at the end of the
 * update. A VirtualService depends on the DestinationRules of the hosts it routes to, registered before it whatever
 * the synthesis order, so its subsets exist before any route names them. No object gets deleteBeforeReplace, and
 * templates are never protected, so nothing changes that order. In the
 * management target it also reads the Cluster API `<cluster>-kubeconfig` Secrets that the plan exports.
 *
 * Not `k8s.yaml.v2.ConfigGroup`: it is a component inside the provider binary, invisible to unit tests. Not
 * `k8s.yaml.ConfigGroup` (v1) either, although it registers the same typed children: it creates each one inside an
 * Output of its own, which under mocks doubled the memory and added 60% CPU for a stack of 1,000 apps (see the
 * pulumi-cluster-stack bench stage).
 */
export class EstateTarget extends pulumi.ComponentResource {
  /** The provider of the target cluster; absent when the target does not exist at as-of. */
  public readonly provider?: k8s.Provider;
  /** The object resources, by object key (`apiVersion/kind/namespace/name`). */
  public readonly objects: ReadonlyMap<string, pulumi.CustomResource>;
  /** Number of resources registered under this component (provider, objects, Secret reads), once all are registered. */
  public readonly resourceCount: pulumi.Output<number>;
  /** Cluster name → kubeconfig, a secret (management target; empty otherwise). */
  public readonly kubeconfigs: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: EstateTargetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ESTATE_TARGET_TYPE, name, {}, opts);
    const { plan } = args;
    const objects = new Map<string, pulumi.CustomResource>();
    this.objects = objects;

    if (!plan.exists) {
      this.resourceCount = pulumi.output(0);
      this.kubeconfigs = pulumi.secret(pulumi.output({} as Record<string, string>));
      this.registerOutputs({ resourceCount: this.resourceCount, kubeconfigs: this.kubeconfigs });
      return;
    }
    if (args.kubeconfig === undefined && args.renderYamlToDirectory === undefined) {
      throw new Error(`EstateTarget ${name}: a kubeconfig is required for a target that exists`);
    }

    const provider = new k8s.Provider(`${name}-k8s`, args.renderYamlToDirectory !== undefined
      ? { renderYamlToDirectory: args.renderYamlToDirectory, clusterIdentifier: args.clusterIdentifier }
      : { kubeconfig: pulumi.secret(args.kubeconfig!), clusterIdentifier: args.clusterIdentifier }, { parent: this });
    this.provider = provider;
    const urns: pulumi.Output<string>[] = [provider.urn];

    const planned = new Map(plan.objects.map((o) => [o.key, o]));
    const registering = new Set<string>();
    const register = (o: PlannedObject): void => {
      if (objects.has(o.key)) return;
      registering.add(o.key);
      const dependsOn = o.rules.dependsOn.map((key) => {
        // A dependency later in synthesis order (a DestinationRule after the VirtualService that routes to it) is
        // registered first; one of an earlier tier is registered already.
        const dependency = planned.get(key);
        if (!objects.has(key) && dependency && !registering.has(key) && dependency.rules.tier === o.rules.tier) register(dependency);
        const resource = objects.get(key);
        if (!resource) throw new Error(`EstateTarget ${name}: ${o.key} depends on ${key}, which is not registered before it`);
        return resource;
      });
      // The synthesized object is passed as it is (never copied or changed): what Pulumi applies is exactly what
      // policies judge and what the diff shows.
      const Resource = resourceClass(o.object.apiVersion, o.object.kind);
      const resource = new Resource(o.name, o.object as never, {
        parent: this,
        provider,
        ...objectResourceOptions(o),
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
      });
      objects.set(o.key, resource);
      registering.delete(o.key);
      urns.push(resource.urn);
    };
    for (const tier of [Tier.FOUNDATION, Tier.TEMPLATES, Tier.OBJECTS]) {
      for (const o of plan.objects) if (o.rules.tier === tier) register(o);
    }

    const kubeconfigs: Record<string, pulumi.Output<string>> = {};
    for (const e of plan.kubeconfigExports) {
      const namespace = objects.get(`v1/Namespace//${e.namespace}`);
      const secret = k8s.core.v1.Secret.get(`${e.cluster}-kubeconfig`, `${e.namespace}/${e.secretName}`, {
        parent: this,
        provider,
        ...(namespace ? { dependsOn: [namespace] } : {}),
      });
      urns.push(secret.urn);
      // Secret data is secret in the engine already; wrapped again so that it stays secret whatever the provider does.
      kubeconfigs[e.cluster] = pulumi.secret(secret.data.apply((data) => {
        const value = data?.value;
        if (!value) throw new pulumi.RunError(`cluster-estate: Secret ${e.namespace}/${e.secretName} holds no kubeconfig (no data.value)\n  fix: wait until Cluster API has provisioned ${e.cluster}, or remove it from cluster-estate:exportKubeconfigs`);
        return Buffer.from(value, 'base64').toString('utf8');
      }));
    }
    this.kubeconfigs = pulumi.secret(pulumi.output(kubeconfigs)) as pulumi.Output<Record<string, string>>;
    this.resourceCount = pulumi.all(urns).apply((u) => u.length);
    this.registerOutputs({ resourceCount: this.resourceCount, kubeconfigs: this.kubeconfigs });
  }
}
