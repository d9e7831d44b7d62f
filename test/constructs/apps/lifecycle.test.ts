import {
  lifecycleSpec, postStartCommand, preStopBudgetSeconds, preStopCommand, shellCommand, terminationGracePeriodSeconds,
} from '../../../constructs/internal';
import { theObject } from '../../helpers/objects';
import { Json, podSpecOf, shopObjects } from './app-fixtures';

describe('lifecycle', () => {
  test('the grace period covers the preStop budget and leaves time to exit', () => {
    for (const props of [
      {},
      { drainSeconds: 300, stepsSeconds: 30, shutdownSeconds: 30 },
      { drainSeconds: 0, stepsSeconds: 0, shutdownSeconds: 1 },
    ]) {
      const l = lifecycleSpec(props);
      expect(terminationGracePeriodSeconds(l)).toBeGreaterThan(preStopBudgetSeconds(l));
      expect(terminationGracePeriodSeconds(l)).toBe(l.drainSeconds + l.stepsSeconds + l.shutdownSeconds);
    }
  });

  test('steps are quoted for the shell; preload must succeed before online; stop runs even when offline failed', () => {
    const l = lifecycleSpec({ preload: ['/app/bin/warm', '--cache', "it's"], online: ['/app/bin/ctl', 'online'], offline: ['/app/bin/ctl', 'offline'], stop: ['/app/bin/ctl', 'stop'], drainSeconds: 45 });
    expect(postStartCommand(l)).toEqual(['/bin/sh', '-c', "/app/bin/warm --cache 'it'\\''s' && /app/bin/ctl online"]);
    expect(preStopCommand(l)).toEqual(['/bin/sh', '-c', '/app/bin/ctl offline; sleep 45; /app/bin/ctl stop']);
    expect(shellCommand(['a b', '$HOME', 'x=1'])).toBe("'a b' '$HOME' x=1");
  });

  test('a long drain for long-lived connections: the pod\'s grace period follows', () => {
    const d = theObject(shopObjects(() => ({ lifecycle: { drainSeconds: 300, stepsSeconds: 30, shutdownSeconds: 30 } })), 'Deployment', 'shop') as Json;
    expect(podSpecOf(d).terminationGracePeriodSeconds).toBe(360);
    expect(podSpecOf(d).containers[0].lifecycle.preStop.exec.command[2]).toContain('sleep 300');
  });
});
