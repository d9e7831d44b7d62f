/** How important an app's pods are when the scheduler must choose: one of the estate's priority classes. */
export enum AppPriority {
  /** Payment, gateways: preempts everything else. */
  CRITICAL = 'estate-critical',
  /** Customer-facing online services. */
  HIGH = 'estate-high',
  /** Everything else online. */
  STANDARD = 'estate-standard',
  /** Batch and offline work: never preempts. */
  BATCH = 'estate-batch',
}

/**
 * A priority class as every cluster target carries it.
 * @internal
 */
export interface PriorityClassSpec {
  readonly name: AppPriority;
  readonly value: number;
  readonly preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  readonly description: string;
}

/**
 * The estate's priority classes, highest first. Values stay below the system classes (2,000,000,000).
 * @internal
 */
export const PRIORITY_CLASSES: readonly PriorityClassSpec[] = [
  { name: AppPriority.CRITICAL, value: 1_000_000, preemptionPolicy: 'PreemptLowerPriority', description: 'payment and gateway services: preempt everything else' },
  { name: AppPriority.HIGH, value: 100_000, preemptionPolicy: 'PreemptLowerPriority', description: 'customer-facing online services' },
  { name: AppPriority.STANDARD, value: 10_000, preemptionPolicy: 'PreemptLowerPriority', description: 'other online services' },
  { name: AppPriority.BATCH, value: 1_000, preemptionPolicy: 'Never', description: 'batch and offline work: never preempts' },
];
