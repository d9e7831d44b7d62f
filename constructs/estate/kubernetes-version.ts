/** A Kubernetes release, `v1.30.4`. */
export interface KubernetesVersion {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

const VERSION = /^v(\d+)\.(\d+)\.(\d+)$/;

/** Parses `v1.30.4`; returns undefined when the text is not a full Kubernetes version. */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const match = VERSION.exec(text);
  if (!match) return undefined;
  return { text, major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** How many minor releases `older` is behind `newer` (negative when it is ahead). */
export function minorsBehind(newer: KubernetesVersion, older: KubernetesVersion): number {
  if (newer.major !== older.major) return (newer.major - older.major) * 1000;
  return newer.minor - older.minor;
}

/** Kubernetes' version skew policy: kubelets may be up to three minors older than the API server, never newer. */
export const MAX_KUBELET_MINORS_BEHIND = 3;
