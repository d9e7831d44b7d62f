import { createHash } from 'crypto';
import * as yaml from 'js-yaml';
import { CONFIG_KEYS, PROJECT } from './settings';
import { StackConfigError } from './errors';

/**
 * Which cluster a kubeconfig points at, reduced to what identifies it: the API server of the current context's
 * cluster and the CA it trusts. Nothing here is secret; the credentials never enter it.
 */
export interface KubeconfigIdentity {
  /** The current context's API server URL. */
  readonly server: string;
  /** `sha256:` over the server URL and the CA (data, or file path): changes when the kubeconfig points elsewhere. */
  readonly fingerprint: string;
}

interface KubeconfigDocument {
  readonly 'current-context'?: string;
  readonly contexts?: { name?: string; context?: { cluster?: string } }[];
  readonly clusters?: { name?: string; cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
}

/**
 * Reads the identity of the cluster a kubeconfig points at. `source` names where the kubeconfig came from, for
 * messages. Errors never quote the kubeconfig: it holds credentials.
 */
export function kubeconfigIdentity(text: string, source: string): KubeconfigIdentity {
  let doc: KubeconfigDocument;
  try {
    doc = yaml.load(text, { json: true }) as KubeconfigDocument;
  } catch (e) {
    const mark = (e as { mark?: { line?: number } }).mark;
    throw new StackConfigError(`the kubeconfig from ${source} is not YAML${mark?.line !== undefined ? ` (line ${mark.line + 1})` : ''}`, 'give the kubeconfig file of the cluster, as kubectl reads it');
  }
  if (!doc || typeof doc !== 'object') throw new StackConfigError(`the kubeconfig from ${source} is not a kubeconfig`, 'give the kubeconfig file of the cluster, as kubectl reads it');
  const contexts = Array.isArray(doc.contexts) ? doc.contexts : [];
  const clusters = Array.isArray(doc.clusters) ? doc.clusters : [];
  const contextName = doc['current-context'] ?? (contexts.length === 1 ? contexts[0].name : undefined);
  const context = contexts.find((c) => c.name === contextName);
  const cluster = clusters.find((c) => c.name === context?.context?.cluster)
    ?? (contexts.length === 0 && clusters.length === 1 ? clusters[0] : undefined);
  const server = cluster?.cluster?.server?.trim();
  if (!server) {
    throw new StackConfigError(
      `the kubeconfig from ${source} names no API server for its current context${contextName ? ` "${contextName}"` : ''}`,
      'give a kubeconfig whose current-context names a cluster with a server (kubectl config view --minify --raw writes one)',
    );
  }
  const ca = cluster?.cluster?.['certificate-authority-data']?.replace(/\s+/g, '') ?? (cluster?.cluster?.['certificate-authority'] ? `file:${cluster.cluster['certificate-authority']}` : '');
  const normalizedServer = server.replace(/\/+$/, '');
  const fingerprint = `sha256:${createHash('sha256').update(JSON.stringify([normalizedServer.toLowerCase(), ca])).digest('hex')}`;
  return { server: normalizedServer, fingerprint };
}

/**
 * Refuses a kubeconfig that does not point at the pinned cluster. The Kubernetes provider of the stack keeps a
 * fixed `clusterIdentifier`, so a new kubeconfig never replaces it (and, with it, every resource of the stack); the
 * price is that pointing the kubeconfig at another cluster would silently retarget the stack. This pin makes that a
 * deliberate, reviewed change of the stack file instead.
 */
export function checkClusterPin(args: {
  readonly target: string;
  readonly identity: KubeconfigIdentity;
  readonly pinned?: string;
  /** Where the kubeconfig came from, for the message. */
  readonly source: string;
  /** The API endpoint the estate gives the target cluster (cluster stacks), for the human check. */
  readonly expectedEndpoint?: string;
}): void {
  const k = `${PROJECT}:${CONFIG_KEYS.clusterFingerprint}`;
  const { identity } = args;
  const endpointNote = args.expectedEndpoint
    ? identity.server === args.expectedEndpoint
      ? ` (the estate's endpoint for ${args.target})`
      : `, while the estate says ${args.target}'s API endpoint is ${args.expectedEndpoint}`
    : '';
  if (args.pinned === undefined) {
    throw new StackConfigError(
      `${k} is not set: the stack does not yet know which cluster it manages; the kubeconfig from ${args.source} points at ${identity.server}${endpointNote}`,
      `if that is the ${args.target} cluster, pin it: pulumi config set ${k} ${identity.fingerprint}`,
    );
  }
  if (args.pinned !== identity.fingerprint) {
    throw new StackConfigError(
      `the kubeconfig from ${args.source} now points at another cluster: ${identity.server}${endpointNote}, fingerprint ${identity.fingerprint}, but the stack is pinned to ${args.pinned}. ` +
      'Nothing was changed. Applying it would make the Kubernetes provider, and every resource of this stack under it, act on that cluster',
      `if it is the same ${args.target} cluster reached another way (a moved endpoint, a rotated CA), accept it with ` +
      `pulumi config set ${k} ${identity.fingerprint} and preview again: the provider is updated in place (its clusterIdentifier does not change), no resource is replaced. ` +
      'If it is a different cluster, restore the previous kubeconfig; to move the target to a new cluster, create a new stack for it (pulumi stack init) and retire this one deliberately',
    );
  }
}
