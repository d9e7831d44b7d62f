import { ProblemCollector } from '../estate/problems';
import { checkDnsLabel, checkLabelKey, checkLabelValue } from '../estate/syntax';
import { Estate } from '../estate/estate';
import { checkAppMesh, checkFault } from '../mesh/traffic';
import { checkLaneGroups, checkMeshBindings } from '../mesh/validate';
import { checkMesh } from '../mesh/mesh';
import { AppTemplate, ResolvedPlacement } from './app-template';
import { checkCapacity } from './capacity-check';
import { checkDebug } from './debug';
import { RESERVED_APP_LABELS } from './labels';
import { checkLifecycle } from './lifecycle';
import { AppPriority } from './priority';
import { checkDistinctProbes, checkProbe } from './probes';
import { checkResources } from './resources';
import { ClusterIndex, indexClusters } from './placement';
import { checkObjectNames, checkPlacement } from './validate-placement';
import { SidecarKind, SidecarMode } from './sidecars';

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** App names stay short: `<app>-green` and `<app>-gray` must stay within 63 characters, as Service names 1035 labels. */
export const MAX_APP_NAME_LENGTH = 40;

/** Every rule over the estate's applications; `validateEstate` runs them after the estate's and the tenancy rules. */
export function validateApps(estate: Estate, problems: ProblemCollector): void {
  for (const c of estate.clusters) if (c.mesh) checkMesh(c.node.path, c.mesh, problems, c.nodePools.map((p) => p.node.id));
  const apps = AppTemplate.appsOf(estate);
  if (apps.length === 0) return;
  const clusters = estate.clusters;
  const index = indexClusters(clusters);
  const placements = new Map(apps.map((app) => [app, app.resolvePlacement(clusters, index)]));
  const valid: AppTemplate[] = [];
  for (const app of apps) {
    const own = new ProblemCollector();
    checkApp(app, index, placements.get(app)!, estate, own);
    for (const p of own.problems) problems.add(p);
    if (!own.hasErrors) valid.push(app);
  }
  checkObjectNames(valid, placements, problems);
  checkLaneGroups(estate, placements, problems);
  // Capacity needs every app and every cluster to plan: it stays silent while either has errors.
  if (valid.length === apps.length && !problems.hasErrors) checkCapacity(estate, valid, placements, clusters, problems);
}

function checkApp(app: AppTemplate, index: ClusterIndex, placed: ResolvedPlacement, estate: Estate, problems: ProblemCollector): void {
  const path = app.node.path;
  const s = app.spec;
  if (!DNS1035.test(s.name) || s.name.length > MAX_APP_NAME_LENGTH) {
    problems.error({
      path,
      rule: 'name-syntax',
      message: `app name must start with a letter, hold lowercase letters, digits and "-", and be at most ${MAX_APP_NAME_LENGTH} characters`,
      fix: 'use a short name such as "order-api"',
      value: s.name,
    });
  }
  const nsProblem = checkDnsLabel(s.namespace);
  if (nsProblem) problems.error({
    path,
    rule: 'name-syntax',
    message: `namespace ${nsProblem}`,
    fix: 'use a lowercase name such as "trade"',
    value: s.namespace,
  });
  else if (s.namespace === 'default' || s.namespace.startsWith('kube-')) problems.error({
    path,
    rule: 'namespace',
    message: `namespace "${s.namespace}" belongs to the cluster, not to applications`,
    fix: 'give the app a namespace of its own (the default is its name)',
    value: s.namespace,
  });

  app.image.collectProblems(path, 'the image', problems);
  app.release.collectProblems(path, problems);

  checkResources(path, 'the main container', s.resources, problems);
  if (s.ports.length === 0) problems.error({
    path,
    rule: 'ports',
    message: 'the app exposes no port: its Service, probes and routing need one',
    fix: 'state ports: [{ name: "http", port: 8080 }]',
    value: 0,
  });
  const allPorts = [...s.ports, ...s.sidecars.flatMap((c) => c.ports)];
  const seenPort = new Map<number, string>();
  const seenName = new Set<string>();
  for (const p of allPorts) {
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) problems.error({
      path,
      rule: 'ports',
      message: `port ${p.name} must be a whole number from 1 to 65535`,
      fix: 'use a valid port number',
      value: p.port,
    });
    if (!IANA_SVC_NAME.test(p.name) || p.name.length > 15) problems.error({
      path,
      rule: 'ports',
      message: `port name "${p.name}" must be at most 15 lowercase letters, digits and "-", with a letter`,
      fix: 'use a name such as "http"',
      value: p.name,
    });
    if (seenPort.has(p.port)) problems.error({
      path,
      rule: 'ports',
      message: `port ${p.port} is used twice in the pod (${seenPort.get(p.port)} and ${p.name}): containers share one network`,
      fix: 'give each container its own port',
      value: p.port,
    });
    if (seenName.has(p.name)) problems.error({
      path,
      rule: 'ports',
      message: `port name "${p.name}" is used twice in the pod`,
      fix: 'give each port its own name',
      value: p.name,
    });
    seenPort.set(p.port, p.name);
    seenName.add(p.name);
  }
  for (const [name, value] of Object.entries(s.env)) {
    if (!ENV_NAME.test(name)) problems.error({
      path,
      rule: 'env',
      message: `environment variable name "${name}" is not a valid identifier`,
      fix: 'use letters, digits and "_", not starting with a digit',
      value: name,
    });
    if (typeof value !== 'string') problems.error({
      path,
      rule: 'env',
      message: `environment variable ${name} must be a string`,
      fix: 'quote the value',
      value,
    });
  }
  const mainPorts = s.ports.map((p) => p.port);
  checkProbe(path, 'the readiness probe', s.readiness, mainPorts, problems);
  checkProbe(path, 'the liveness probe', s.liveness, mainPorts, problems);
  if (s.startup) {
    checkProbe(path, 'the startup probe', s.startup, mainPorts, problems);
    const max = s.maxStartupSeconds;
    if (!Number.isInteger(max) || max! < 1) problems.error({
      path,
      rule: 'probe-settings',
      message: 'maxStartupSeconds must be a whole number of seconds, 1 or more',
      fix: 'state how long the app may take to start',
      value: max,
    });
  }
  checkDistinctProbes(path, 'the main container', s.readiness, s.liveness, problems);
  checkLifecycle(path, s.lifecycle, problems);

  const names = new Set<string>([s.name]);
  for (const sidecar of app.sidecars) {
    sidecar.collectProblems(path, problems);
    const n = sidecar.spec.name;
    const nameProblem = checkDnsLabel(n);
    if (nameProblem) problems.error({
      path,
      rule: 'name-syntax',
      message: `sidecar name ${nameProblem}`,
      fix: 'use a lowercase name such as "log-shipper"',
      value: n,
    });
    if (names.has(n)) problems.error({
      path,
      rule: 'unique-names',
      message: `container name "${n}" is used twice in the pod`,
      fix: 'give every sidecar its own name, different from the app\'s',
      value: n,
    });
    names.add(n);
    for (const m of sidecar.spec.volumeMounts) if (m.volume === 'tmp') problems.error({
      path,
      rule: 'volume-name',
      message: `sidecar ${n} mounts the main container's "tmp" volume`,
      fix: 'give the sidecar a volume of its own',
      value: m.volume,
    });
  }

  if (!Object.values(AppPriority).includes(s.priority)) problems.error({
    path,
    rule: 'priority',
    message: 'unknown priority',
    fix: `use one of ${Object.values(AppPriority).join(', ')}`,
    value: s.priority,
  });
  if (!Object.values(SidecarMode).includes(s.sidecarMode)) problems.error({
    path,
    rule: 'sidecar-mode',
    message: 'unknown sidecar mode',
    fix: 'use SidecarMode.AUTO, NATIVE or REGULAR',
    value: s.sidecarMode,
  });
  const a = s.autoscaling;
  if (a) {
    if (!(Number.isFinite(a.maxFactor) && a.maxFactor >= 1)) problems.error({
      path,
      rule: 'autoscaling',
      message: 'maxFactor must be 1 or more',
      fix: 'set maxFactor to, for example, 3',
      value: a.maxFactor,
    });
    for (const [key, value] of [['cpuUtilizationPercent', a.cpuUtilizationPercent], ['memoryUtilizationPercent', a.memoryUtilizationPercent]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 100)) problems.error({
        path,
        rule: 'autoscaling',
        message: `${key} must be a whole number from 1 to 100`,
        fix: `set ${key} to, for example, 70`,
        value,
      });
    }
  }
  if (app.peak) {
    if (!app.peak.promotion || app.peak.promotion.node.root !== estate) problems.error({
      path,
      rule: 'peak-profile',
      message: 'the peak profile\'s promotion belongs to another estate',
      fix: 'use a promotion of this estate',
      value: app.peak.promotion?.node.path,
    });
    if (!(Number.isFinite(s.peak!.factor) && s.peak!.factor >= 1)) problems.error({
      path,
      rule: 'peak-profile',
      message: 'the peak factor must be 1 or more',
      fix: 'set factor to, for example, 2',
      value: s.peak!.factor,
    });
  }
  if (!Number.isInteger(s.maxUnavailablePercent) || s.maxUnavailablePercent < 1 || s.maxUnavailablePercent > 100) problems.error({
    path,
    rule: 'disruption-budget',
    message: 'maxUnavailablePercent must be a whole number from 1 to 100',
    fix: 'keep the default, 10',
    value: s.maxUnavailablePercent,
  });
  checkDebug(path, s.debug, estate.environment, problems);
  if (!Number.isInteger(s.runAsUser) || s.runAsUser < 1) problems.error({
    path,
    rule: 'pod-security',
    message: 'runAsUser must be a whole number above 0: containers never run as root',
    fix: 'keep the default, 10001',
    value: s.runAsUser,
  });
  if (!Number.isInteger(s.tmpSizeMiB) || s.tmpSizeMiB < 1) problems.error({
    path,
    rule: 'tmp-size',
    message: 'tmpSizeMiB must be a whole number, 1 or more',
    fix: 'keep the default, 256',
    value: s.tmpSizeMiB,
  });
  for (const [key, value] of Object.entries(s.labels)) {
    const keyProblem = checkLabelKey(key);
    if (keyProblem) problems.error({
      path,
      rule: 'label-syntax',
      message: `label key "${key}" ${keyProblem}`,
      fix: 'use a qualified key such as "example.com/team"',
      value: key,
    });
    const valueProblem = typeof value === 'string' ? checkLabelValue(value) : 'must be a string';
    if (valueProblem) problems.error({
      path,
      rule: 'label-syntax',
      message: `label value of "${key}" ${valueProblem}`,
      fix: 'use at most 63 alphanumeric, "-", "_" or "." characters',
      value,
    });
    if (RESERVED_APP_LABELS.has(key)) problems.error({
      path,
      rule: 'reserved-label',
      message: `label "${key}" is set by the template itself`,
      fix: 'use the matching prop (component, partOf, version) or a key of your own domain',
      value: key,
    });
  }
  for (const [key, value] of [['component', s.component], ['partOf', s.partOf], ['version', s.version]] as const) {
    if (value !== undefined && (value.length === 0 || checkLabelValue(value))) problems.error({
      path,
      rule: 'label-syntax',
      message: `${key} must be a valid label value`,
      fix: 'use at most 63 alphanumeric, "-", "_" or "." characters',
      value,
    });
  }

  if (s.mesh) {
    checkAppMesh(path, s.mesh, s.ports.map((p) => p.port), problems);
    checkFault(path, s.mesh, estate.environment, problems);
    for (const sidecar of app.sidecars) {
      if (sidecar.spec.kind === SidecarKind.MESH_PROXY) problems.error({
        path,
        rule: 'mesh-proxy',
        message: `the app joins the mesh, whose proxy is injected, and also declares the mesh proxy sidecar "${sidecar.spec.name}"`,
        fix: 'remove Sidecar.meshProxy() from the sidecars (or leave the mesh)',
        value: sidecar.spec.name,
      });
    }
    const unmeshed = placed.clusters.filter((c) => !c.mesh).map((c) => c.name);
    if (unmeshed.length > 0) problems.error({
      path,
      rule: 'mesh',
      message: `the app joins the mesh but is placed on clusters without one: ${unmeshed.join(', ')}`,
      fix: 'give those clusters a mesh (ClusterProps.mesh), or place the app elsewhere',
      value: unmeshed.join(', '),
    });
  }

  checkMeshBindings(app, placed, problems);
  checkPlacement(app, index, placed, estate, problems);
}
