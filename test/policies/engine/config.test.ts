import { configOf, enforcementOf, PolicyConfigError, RULES, validatePolicyConfig } from '../../../policies/api';
import { requireMinReplicas, requirePodLabels } from '../../../policies/rules';

describe('policy configuration', () => {
  test('enforcement: the rule\'s default, then `all`, then the policy\'s own entry', () => {
    expect(enforcementOf(requireMinReplicas, undefined)).toBe('mandatory');
    expect(enforcementOf(requireMinReplicas, { all: 'advisory' })).toBe('advisory');
    expect(enforcementOf(requireMinReplicas, { all: 'advisory', 'require-min-replicas': { enforcementLevel: 'mandatory' } })).toBe('mandatory');
    expect(enforcementOf(requirePodLabels, { 'require-pod-labels': 'disabled' })).toBe('disabled');
  });

  test('values: defaults, then the file, then what Pulumi\'s getConfig() returns', () => {
    expect(configOf(requireMinReplicas, undefined)).toMatchObject({ minReplicas: 2 });
    expect(configOf(requireMinReplicas, { 'require-min-replicas': { minReplicas: 3 } })).toMatchObject({ minReplicas: 3 });
    expect(configOf(requireMinReplicas, { 'require-min-replicas': { minReplicas: 3 } }, { minReplicas: 4, enforcementLevel: 'advisory' })).toMatchObject({ minReplicas: 4 });
  });

  test('a valid file passes unchanged', () => {
    const config = { all: 'advisory', 'require-min-replicas': { enforcementLevel: 'mandatory', minReplicas: 3 }, 'require-pinned-image-tags': { forbiddenTags: ['latest'] } };
    expect(validatePolicyConfig(config, RULES)).toBe(config);
  });

  test('every problem is reported at once', () => {
    const config = {
      'require-min-replica': 'mandatory',
      'require-min-replicas': { minReplicas: 1.5, replicas: 3 },
      'harden-api-server': { enforcementLevel: 'strict', minTlsVersion: 'TLS1.2' },
      'require-pod-labels': 'off',
    };
    expect(() => validatePolicyConfig(config, RULES)).toThrow(PolicyConfigError);
    expect(() => validatePolicyConfig(config, RULES)).toThrow(
      'the policy configuration is invalid: unknown policy "require-min-replica"; require-min-replicas.minReplicas: expected a whole number, got 1.5; ' +
      'require-min-replicas: unknown configuration key "replicas" (known: minReplicas, appLabel, channelLabel, siblingChannels); ' +
      'harden-api-server: enforcementLevel "strict" is not one of advisory, mandatory, disabled; harden-api-server.minTlsVersion: must be one of VersionTLS10, VersionTLS11, VersionTLS12, VersionTLS13, got "TLS1.2"; ' +
      'require-pod-labels: enforcement level "off" is not one of advisory, mandatory, disabled',
    );
    expect(() => validatePolicyConfig([], RULES)).toThrow('must be a JSON object');
  });
});
