import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DAY_MS } from '../domain';
import { createTestStore } from '../__testUtils__/testUtils';
import {
  ScaffolderTask,
  ScaffolderTaskEvent,
  TaskHistory,
} from './ScaffolderTaskHistory';
import { runFromTask, TemplateRunCollector } from './TemplateRunCollector';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const T = Date.parse('2026-11-02T10:00:00Z');
const task = (id: string, status: string, createdAt = T): ScaffolderTask => ({
  id,
  status,
  createdAt: new Date(createdAt).toISOString(),
  lastHeartbeatAt: new Date(createdAt + 5_000).toISOString(),
  spec: {
    templateInfo: {
      entityRef: 'template:default/Typescript-Service',
      entity: {
        metadata: { annotations: { 'fernhill.io/template-version': '1.2.0' } },
      },
    },
  },
});
const failedEvents: ScaffolderTaskEvent[] = [
  {
    type: 'log',
    createdAt: new Date(T + 1000).toISOString(),
    body: {
      message: 'Beginning step Publish',
      stepId: 'publish',
      status: 'processing',
    },
  },
  {
    type: 'log',
    createdAt: new Date(T + 2000).toISOString(),
    body: {
      message: 'Error: repository exists',
      stepId: 'publish',
      status: 'failed',
    },
  },
  {
    type: 'log',
    createdAt: new Date(T + 2100).toISOString(),
    body: { message: 'Skipped', stepId: 'register', status: 'skipped' },
  },
  {
    type: 'completion',
    createdAt: new Date(T + 3000).toISOString(),
    body: {
      message: 'Run completed with status: failed',
      error: {
        name: 'ConflictError',
        message: 'Repository orders already exists',
      },
    },
  },
];

describe('runFromTask', () => {
  it('takes the failing step from the log and the message from the completion event', () => {
    expect(runFromTask(task('t1', 'failed'), failedEvents)).toEqual({
      taskId: 't1',
      templateRef: 'template:default/typescript-service',
      templateVersion: '1.2.0',
      status: 'failed',
      createdAt: T,
      finishedAt: T + 3000,
      durationMs: 3000,
      failedStep: 'publish',
      errorMessage: 'Repository orders already exists',
    });
  });

  it('ignores tasks with an unknown status or date', () => {
    expect(runFromTask({ ...task('t', 'weird') }, [])).toBeUndefined();
    expect(
      runFromTask({ ...task('t', 'completed'), createdAt: 'nope' }, []),
    ).toBeUndefined();
  });
});

class FakeHistory implements TaskHistory {
  tasks: ScaffolderTask[] = [];
  eventCalls: string[] = [];
  async list(offset: number, limit: number) {
    return [...this.tasks]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(offset, offset + limit);
  }
  async get(id: string) {
    return this.tasks.find(t => t.id === id);
  }
  async events(id: string) {
    this.eventCalls.push(id);
    return this.tasks.find(t => t.id === id)?.status === 'failed'
      ? failedEvents
      : [
          {
            type: 'completion',
            createdAt: new Date(T + 60_000).toISOString(),
            body: { message: 'Run completed with status: completed' },
          },
        ];
  }
}

describe('TemplateRunCollector', () => {
  it('collects new and changed runs only, is idempotent, and follows long-running tasks', async () => {
    const { store } = await createTestStore(databases, 'SQLITE_3');
    const history = new FakeHistory();
    // 250 finished tasks over several pages, one old task still running.
    for (let i = 0; i < 250; i++)
      history.tasks.push(
        task(`done-${i}`, i % 10 === 0 ? 'failed' : 'completed', T + i * 1000),
      );
    history.tasks.push(task('slow', 'processing', T - DAY_MS));
    const collector = new TemplateRunCollector({
      history,
      store,
      logger: mockServices.logger.mock(),
      maxTasksPerRun: 2000,
    });

    expect(await collector.collect()).toBe(251);
    expect(history.eventCalls).toHaveLength(250);
    const runs = await store.runs.listRuns({ from: 0, to: T + DAY_MS });
    expect(runs).toHaveLength(251);
    expect(
      runs
        .filter(r => r.status === 'failed')
        .every(r => r.failedStep === 'publish'),
    ).toBe(true);

    // Nothing new: one page read, nothing stored, no events fetched; the running task looked up.
    history.eventCalls = [];
    expect(await collector.collect()).toBe(1);
    expect(history.eventCalls).toEqual([]);

    // The slow task finishes, a new one arrives.
    history.tasks.find(t => t.id === 'slow')!.status = 'completed';
    history.tasks.push(task('new', 'completed', T + 999_999));
    expect(await collector.collect()).toBe(2);
    expect(await store.runs.unfinishedRunIds(10)).toEqual([]);
    expect(await store.runs.listRuns({ from: 0, to: T + DAY_MS })).toHaveLength(
      252,
    );
  });
});
