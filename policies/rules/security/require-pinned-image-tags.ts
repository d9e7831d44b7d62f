import { containersOf, describeContainer, parseImage, podTemplateOf, WORKLOAD_KINDS } from '../../engine/kube';
import { defineRule, notApplicable, violations } from '../../engine/types';

export interface RequirePinnedImageTagsConfig {
  readonly forbiddenTags: readonly string[];
  readonly requireDigest: boolean;
}

/** Every image names a version: a tag other than `latest`, or a digest. */
export const requirePinnedImageTags = defineRule<RequirePinnedImageTagsConfig>({
  id: 'require-pinned-image-tags',
  area: 'security',
  description: 'Every container image, init containers and sidecars included, is pinned: an explicit tag that is not a moving one such as latest, or a digest.',
  rationale: 'An unpinned image changes under the same manifest: nodes pull different code as pods are rescheduled, a rollback rolls back to nothing, and no one can say what ran during an incident. A missing tag means latest.',
  remediation: 'Reference images as repository:version or repository@sha256:digest (the app templates refuse anything else).',
  severity: 'high',
  enforcement: 'mandatory',
  kinds: [...WORKLOAD_KINDS],
  relational: false,
  estateContext: 'none',
  config: {
    forbiddenTags: { type: 'array', items: { type: 'string' }, description: 'Tags that move and so pin nothing.', default: ['latest', 'stable', 'master', 'main'] },
    requireDigest: { type: 'boolean', description: 'Require a digest on every image, not only a tag.', default: false },
  },
  check({ object, config }) {
    const template = podTemplateOf(object);
    if (!template) return notApplicable('no pod template');
    const messages: string[] = [];
    for (const ref of containersOf(template.spec)) {
      const image = typeof ref.container.image === 'string' ? ref.container.image.trim() : '';
      if (!image) {
        messages.push(`${describeContainer(ref)} has no image`);
        continue;
      }
      const parsed = parseImage(image);
      if (parsed.digest) continue;
      if (config.requireDigest) messages.push(`${describeContainer(ref)} image ${image} has no digest`);
      else if (!parsed.tag) messages.push(`${describeContainer(ref)} image ${image} has no tag (it means latest)`);
      else if (config.forbiddenTags.includes(parsed.tag.toLowerCase())) messages.push(`${describeContainer(ref)} image ${image} uses the moving tag "${parsed.tag}"`);
    }
    return violations(messages);
  },
});
