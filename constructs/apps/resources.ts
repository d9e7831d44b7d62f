import { ProblemCollector } from '../estate/problems';

/** A request and a limit of one resource. Whole numbers, `0 < request <= limit`. */
export interface ResourceRange {
  readonly request: number;
  readonly limit: number;
}

/** What one container requests and may use at most. Every container has both, sidecars included. */
export interface ContainerResources {
  /** CPU in millicores (1000 = one vCPU). */
  readonly cpuMillis: ResourceRange;
  /** Memory in MiB. */
  readonly memoryMiB: ResourceRange;
}

/** CPU and memory as plain numbers, for capacity sums. */
export interface ResourceAmount {
  readonly cpuMillis: number;
  readonly memoryMiB: number;
}

export const ZERO_RESOURCES: ResourceAmount = { cpuMillis: 0, memoryMiB: 0 };

export function addResources(...parts: ResourceAmount[]): ResourceAmount {
  let cpuMillis = 0;
  let memoryMiB = 0;
  for (const p of parts) {
    cpuMillis += p.cpuMillis;
    memoryMiB += p.memoryMiB;
  }
  return { cpuMillis, memoryMiB };
}

export function scaleResources(r: ResourceAmount, factor: number): ResourceAmount {
  return { cpuMillis: r.cpuMillis * factor, memoryMiB: r.memoryMiB * factor };
}

export function requestsOf(r: ContainerResources): ResourceAmount {
  return { cpuMillis: r.cpuMillis.request, memoryMiB: r.memoryMiB.request };
}

export function limitsOf(r: ContainerResources): ResourceAmount {
  return { cpuMillis: r.cpuMillis.limit, memoryMiB: r.memoryMiB.limit };
}

/**
 * Kubernetes quantities in the API server's canonical form (`250m`, `1`, `1536Mi`, `2Gi`): the form it stores and
 * returns, so what the estate writes reads back unchanged (a real kube-apiserver rewrote `1000m` to `1` and `1024Mi` to
 * `1Gi`, a difference every comparison with the live object would show).
 */
export function cpuQuantity(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

const BINARY_SUFFIXES = ['Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

/** Mebibytes as a canonical binary quantity: the largest power-of-1024 suffix that keeps an integer. */
export function memoryQuantity(mebibytes: number): string {
  if (mebibytes === 0) return '0';
  let value = mebibytes;
  let i = 0;
  while (i < BINARY_SUFFIXES.length - 1 && value % 1024 === 0) {
    value /= 1024;
    i++;
  }
  return `${value}${BINARY_SUFFIXES[i]}`;
}

/** Reports what is wrong with a container's resources. */
export function checkResources(path: string, what: string, resources: ContainerResources | undefined, problems: ProblemCollector): void {
  if (!resources || !resources.cpuMillis || !resources.memoryMiB) {
    problems.error({
      path,
      rule: 'container-resources',
      message: `${what} needs CPU and memory requests and limits`,
      fix: 'state resources: { cpuMillis: { request, limit }, memoryMiB: { request, limit } }',
      value: resources,
    });
    return;
  }
  for (const [name, range] of [['cpuMillis', resources.cpuMillis], ['memoryMiB', resources.memoryMiB]] as const) {
    const { request, limit } = range;
    if (!Number.isInteger(request) || !Number.isInteger(limit) || request < 1 || limit < request) {
      problems.error({
        path,
        rule: 'container-resources',
        message: `${what}: ${name} needs whole numbers with 0 < request <= limit`,
        fix: `set ${name}.request to at least 1 and ${name}.limit to at least the request`,
        value: range,
      });
    }
  }
}
