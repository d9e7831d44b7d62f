import { ESTATE_DOMAIN, LABEL_CLUSTER, LABEL_IDC } from '../estate/well-known-labels';

/**
 * The labels every application object carries, and the few that selectors use. Selectors use only explicit labels
 * that never change for the life of a Deployment (app, release channel, serving): never a label derived from the
 * construct path (cdk8s's `cdk8s.io/metadata.addr`), so renaming or moving a construct never touches an immutable
 * selector.
 */

export const LABEL_APP = `${ESTATE_DOMAIN}/app`;
/** Label: the estate's environment (`production`, `staging`, …) on every pod. */
export const LABEL_ENV = `${ESTATE_DOMAIN}/env`;
/** Label: the release channel of a pod (`stable`, `gray`, `blue`, `green`). */
export const LABEL_CHANNEL = `${ESTATE_DOMAIN}/channel`;
/**
 * `"true"` on every pod, and in every selector (Deployment, Service, disruption budget, spread). Relabelling one pod
 * to `"false"` quarantines it: its ReplicaSet releases it (and starts a replacement), its Service stops sending it
 * traffic, and it stays up for investigation.
 */
export const LABEL_SERVING = `${ESTATE_DOMAIN}/serving`;
export { LABEL_CLUSTER, LABEL_IDC };

/** The value of `LABEL_SERVING` on a pod that serves. */
export const SERVING = 'true';
/** The value of `LABEL_SERVING` that quarantines a pod (see `quarantineCommand`). */
export const QUARANTINED = 'false';

export const APP_NAME = 'app.kubernetes.io/name';
export const APP_INSTANCE = 'app.kubernetes.io/instance';
export const APP_VERSION = 'app.kubernetes.io/version';
export const APP_COMPONENT = 'app.kubernetes.io/component';
export const APP_PART_OF = 'app.kubernetes.io/part-of';
/** @internal */
export const APP_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** @internal */
export const MANAGED_BY = 'cluster-estate';

/** Annotation: the written reason of an app running in debug mode, on its pods. */
export const ANNOTATION_DEBUG = `${ESTATE_DOMAIN}/debug`;
/**
 * Prefix of the annotation that suppresses one policy rule on an object; the value is the written reason. The
 * policy pack reads the same key (policies: suppressions).
 */
export const SUPPRESS_POLICY_PREFIX = 'suppress.policy.cluster-estate.io/';
/** The rule that refuses debug mode in production; an acknowledged debug mode suppresses it with its reason. */
export const DEBUG_POLICY_RULE = 'forbid-debug-mode-in-production';
export const ANNOTATION_IMAGE_STACK = `${ESTATE_DOMAIN}/image-stack`;
export const ANNOTATION_IMAGE_RUNTIME = `${ESTATE_DOMAIN}/image-runtime`;
/** @internal */
export const ANNOTATION_DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';
/**
 * Topology-aware routing: `topology-mode: Auto` from Kubernetes 1.27, `topology-aware-hints: auto` before.
 * @internal
 */
export const ANNOTATION_TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
/** @internal */
export const ANNOTATION_TOPOLOGY_HINTS = 'service.kubernetes.io/topology-aware-hints';

/** Label keys the estate sets on application objects: an app's own `labels` may not override them. */
export const RESERVED_APP_LABELS: ReadonlySet<string> = new Set([
  LABEL_APP, LABEL_ENV, LABEL_CHANNEL, LABEL_SERVING, LABEL_CLUSTER, LABEL_IDC,
  APP_NAME, APP_INSTANCE, APP_VERSION, APP_COMPONENT, APP_PART_OF, APP_MANAGED_BY,
]);

/** The release channel of a Deployment. */
export enum ReleaseChannel {
  /** The current release. */
  STABLE = 'stable',
  /** A canary: a small share of the replicas runs the next release, behind the same Service as stable. */
  GRAY = 'gray',
  /** One of the two colours of a blue/green release; the Service's selector picks the live one. */
  BLUE = 'blue',
  GREEN = 'green',
}

/**
 * The labels a Deployment selects its pods by: stable for its whole life.
 * @internal
 */
export function workloadSelector(app: string, channel: ReleaseChannel): Record<string, string> {
  return { [LABEL_APP]: app, [LABEL_CHANNEL]: channel, [LABEL_SERVING]: SERVING };
}

/**
 * The labels the Service selects by: every serving pod of the app, or of the live colour of a blue/green release.
 * @internal
 */
export function serviceSelector(app: string, channel?: ReleaseChannel): Record<string, string> {
  return channel === undefined ? { [LABEL_APP]: app, [LABEL_SERVING]: SERVING } : {
    [LABEL_APP]: app,
    [LABEL_CHANNEL]: channel,
    [LABEL_SERVING]: SERVING,
  };
}

/** The one command that quarantines a pod: it leaves its Deployment's and Service's selectors and keeps running. */
export function quarantineCommand(namespace: string, pod: string): string {
  return `kubectl -n ${namespace} label pod ${pod} ${LABEL_SERVING}=${QUARANTINED} --overwrite`;
}
