import { ProblemCollector } from '../estate/problems';
import { checkIngressGateways, IngressGatewayProps, IngressGatewaySpec, resolveIngressGateway } from './gateway';

/** Which control plane runs the mesh. Both take Istio's objects (`networking.istio.io/v1`, `security.istio.io/v1`). */
export enum MeshProvider {
  /** Upstream Istio (istiod in `istio-system`). */
  ISTIO = 'istio',
  /** Alibaba Cloud Service Mesh: a managed, Istio-compatible control plane. */
  ASM = 'asm',
}

/** Mutual TLS between meshed workloads (PeerAuthentication `mtls.mode`). */
export enum MtlsMode {
  /** Only mutual TLS is accepted. */
  STRICT = 'STRICT',
  /** Mutual TLS and plain text are accepted: for migrations only. */
  PERMISSIVE = 'PERMISSIVE',
}

/** A cluster's service mesh. */
export interface MeshProps {
  /** @default MeshProvider.ISTIO */
  readonly provider?: MeshProvider;
  /**
   * The control-plane revision meshed pods are injected by (`istio.io/rev: <revision>`), for canary upgrades of the
   * mesh itself.
   * @default - the default revision (`sidecar.istio.io/inject: "true"`)
   */
  readonly revision?: string;
  /** Mesh-wide mutual TLS, as the root PeerAuthentication `default` in the root namespace. @default MtlsMode.STRICT */
  readonly mtls?: MtlsMode;
  /** The mesh's root namespace. @default 'istio-system' */
  readonly rootNamespace?: string;
  /** Named ingress gateways, each its own Deployment, Service and Gateway. @default [] */
  readonly ingressGateways?: IngressGatewayProps[];
  /**
   * Namespaces where the mesh refuses every request that no other AuthorizationPolicy allows (an ALLOW policy
   * without rules). Said here, on purpose, never implied by an app's empty caller list.
   * @default []
   */
  readonly denyAll?: string[];
}

/** A cluster's mesh with every default applied. Plain data. */
export interface MeshSpec {
  readonly provider: MeshProvider;
  readonly revision?: string;
  readonly mtls: MtlsMode;
  readonly rootNamespace: string;
  readonly ingressGateways: readonly IngressGatewaySpec[];
  readonly denyAll: readonly string[];
}

/** @internal */
export function resolveMesh(props: MeshProps): MeshSpec {
  return {
    provider: props.provider ?? MeshProvider.ISTIO,
    ...(props.revision !== undefined ? { revision: props.revision } : {}),
    mtls: props.mtls ?? MtlsMode.STRICT,
    rootNamespace: props.rootNamespace ?? 'istio-system',
    ingressGateways: (props.ingressGateways ?? []).map(resolveIngressGateway),
    denyAll: [...(props.denyAll ?? [])],
  };
}

const LABEL_VALUE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** @internal */
export function checkMesh(path: string, mesh: MeshSpec, problems: ProblemCollector, poolNames: readonly string[] = []): void {
  if (!Object.values(MeshProvider).includes(mesh.provider)) problems.error({
    path,
    rule: 'mesh',
    message: 'unknown mesh provider',
    fix: 'use MeshProvider.ISTIO or MeshProvider.ASM',
    value: mesh.provider,
  });
  if (!Object.values(MtlsMode).includes(mesh.mtls)) problems.error({
    path,
    rule: 'mesh',
    message: 'unknown mTLS mode',
    fix: 'use MtlsMode.STRICT (or PERMISSIVE during a migration)',
    value: mesh.mtls,
  });
  if (mesh.revision !== undefined && !LABEL_VALUE.test(mesh.revision)) problems.error({
    path,
    rule: 'mesh',
    message: 'the mesh revision must be a lowercase label value',
    fix: 'use the revision istiod was installed with, for example "1-30"',
    value: mesh.revision,
  });
  if (!LABEL_VALUE.test(mesh.rootNamespace)) problems.error({
    path,
    rule: 'mesh',
    message: 'the root namespace must be a DNS label',
    fix: 'keep the default, istio-system',
    value: mesh.rootNamespace,
  });
  checkIngressGateways(path, mesh.ingressGateways, poolNames, problems);
  for (const ns of mesh.denyAll) if (typeof ns !== 'string' || !LABEL_VALUE.test(ns)) problems.error({
    path,
    rule: 'mesh',
    message: 'a deny-all namespace must be a DNS label',
    fix: 'name the namespace to close',
    value: ns,
  });
  if (new Set(mesh.denyAll).size !== mesh.denyAll.length) problems.error({
    path,
    rule: 'mesh',
    message: 'a deny-all namespace is listed twice',
    fix: 'list each namespace once',
    value: mesh.denyAll.join(', '),
  });
}

/** The pod label that makes the mesh inject its proxy. */
export function injectionLabel(mesh: MeshSpec): Record<string, string> {
  return mesh.revision !== undefined ? { 'istio.io/rev': mesh.revision } : { 'sidecar.istio.io/inject': 'true' };
}
