import { requireProtocolPortNames } from '../../../../policies/rules';
import { judge, messages } from '../../fixtures/judge';
import { meshedDeployment, meshedService } from '../../fixtures/mesh';
import { broken, compliantDeployment } from '../../fixtures/workloads';

describe('require-protocol-port-names', () => {
  test('ports named http, grpc-… or with an appProtocol are compliant', () => {
    const svc = broken(meshedService(), (s) => s.spec.ports.push({ name: 'grpc-admin', port: 9090 }, { name: 'metrics', port: 9100, appProtocol: 'http' }, { name: 'status-port', port: 15021 }));
    expect(judge(requireProtocolPortNames, svc, { target: [meshedDeployment()] })).toEqual({ kind: 'compliant' });
  });

  test('a port named otherwise, or not named, in front of meshed pods is a violation', () => {
    const svc = broken(meshedService(), (s) => s.spec.ports.push({ name: 'web', port: 8081 }, { port: 8082 }, { name: 'httpx', port: 8083 }));
    expect(messages(judge(requireProtocolPortNames, svc, { target: [meshedDeployment()] }))).toEqual([
      'port 8081 is named "web" and no appProtocol: Istio has to guess its protocol',
      'port 8082 has no name and no appProtocol: Istio has to guess its protocol',
      'port 8083 is named "httpx" and no appProtocol: Istio has to guess its protocol',
    ]);
  });

  test('a Service in front of pods outside the mesh is not judged', () => {
    const svc = broken(meshedService(), (s) => (s.spec.ports[0].name = 'web'));
    expect(judge(requireProtocolPortNames, svc, { target: [compliantDeployment()] }).kind).toBe('not-applicable');
    expect(judge(requireProtocolPortNames, svc).kind).toBe('not-applicable');
  });
});
