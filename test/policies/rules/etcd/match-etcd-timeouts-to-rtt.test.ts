import { matchEtcdTimeoutsToRtt } from '../../../../policies/rules';
import { clusterManagementObjects, editEtcdConfig, pick, referenceContext } from '../../fixtures/estate';
import { judge, messages } from '../../fixtures/judge';

/* eslint-disable @typescript-eslint/no-explicit-any */
const setup = () => {
  const objects = clusterManagementObjects('trade-bj1');
  const secret = (i: number) => pick(objects, 'Secret', `trade-bj1-etcd-${i}-bootstrap`) as any;
  const setTimeouts = (i: number, heartbeat: number, election: number) => editEtcdConfig(secret(i), (c) => {
    c['heartbeat-interval'] = heartbeat;
    c['election-timeout'] = election;
  });
  return { objects, secret, setTimeouts };
};

describe('match-etcd-timeouts-to-rtt', () => {
  test('the synthesized members (derived from the 2.4 ms worst round trip of bj1) are compliant, with the estate too', () => {
    const { objects, secret } = setup();
    expect(judge(matchEtcdTimeoutsToRtt, secret(0), { target: objects })).toEqual({ kind: 'compliant' });
    expect(judge(matchEtcdTimeoutsToRtt, secret(0), { target: objects, context: referenceContext(), targetName: 'management' })).toEqual({ kind: 'compliant' });
  });

  test('an election timeout under five heartbeats is a violation', () => {
    const { objects, secret, setTimeouts } = setup();
    for (let i = 0; i < 5; i++) setTimeouts(i, 100, 400);
    expect(messages(judge(matchEtcdTimeoutsToRtt, secret(0), { target: objects }))).toEqual(['election-timeout 400 ms is under 5 heartbeats (100 ms)']);
  });

  test('an election timeout above 50 s is a violation', () => {
    const { objects, secret, setTimeouts } = setup();
    for (let i = 0; i < 5; i++) setTimeouts(i, 5000, 60000);
    expect(messages(judge(matchEtcdTimeoutsToRtt, secret(0), { target: objects }))).toEqual(['election-timeout 60000 ms is above 50000 ms']);
  });

  test('members with different timeouts are a violation', () => {
    const { objects, secret, setTimeouts } = setup();
    setTimeouts(3, 200, 2000);
    expect(messages(judge(matchEtcdTimeoutsToRtt, secret(0), { target: objects }))).toEqual([
      'heartbeat 100 ms / election 1000 ms differ from trade-bj1-etcd-3-bootstrap (200 ms / 2000 ms): every member must use the same timeouts',
    ]);
  });

  test('with the estate, timeouts too short for the zones\' round trip are a violation', () => {
    const { objects, secret } = setup();
    const base = referenceContext();
    const context = { ...base, clusters: new Map([['trade-bj1', { ...base.clusters.get('trade-bj1')!, maxEtcdMemberRttMs: 250 }]]) };
    expect(messages(judge(matchEtcdTimeoutsToRtt, secret(0), { target: objects, context }))).toEqual([
      'heartbeat-interval 100 ms is under 0.5 x the 250 ms round trip between member zones',
      'election-timeout 1000 ms is under 10 x the 250 ms round trip between member zones',
    ]);
  });

  test('a Secret that bootstraps no etcd member is not applicable', () => {
    const plain = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, stringData: { password: 'x' } };
    expect(judge(matchEtcdTimeoutsToRtt, plain).kind).toBe('not-applicable');
  });
});
