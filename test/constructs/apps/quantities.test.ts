import { cpuQuantity, memoryQuantity } from '../../../constructs/apps/resources';

// A real kube-apiserver stores quantities in canonical form and returns them so: `1000m` read back as `1`, `1024Mi`
// as `1Gi`. The estate writes that form itself, so a read-back (or a diff against the live object) shows no change.
describe('quantities in the API server\'s canonical form', () => {
  test.each([
    [0, '0'], [100, '100m'], [250, '250m'], [1000, '1'], [1500, '1500m'], [2000, '2'], [16000, '16'], [1001, '1001m'],
  ])('CPU %d millicores -> %s', (millis, text) => {
    expect(cpuQuantity(millis)).toBe(text);
  });

  test.each([
    [0, '0'], [64, '64Mi'], [128, '128Mi'], [1024, '1Gi'], [1536, '1536Mi'], [2048, '2Gi'], [3072, '3Gi'], [1025, '1025Mi'],
    [1024 * 1024, '1Ti'], [1024 * 1024 * 3, '3Ti'],
  ])('memory %d MiB -> %s', (mib, text) => {
    expect(memoryQuantity(mib)).toBe(text);
  });
});
