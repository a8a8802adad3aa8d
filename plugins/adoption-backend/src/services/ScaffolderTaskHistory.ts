import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';

/** A task as the scaffolder's `GET /v2/tasks` serialises it. */
export interface ScaffolderTask {
  id: string;
  status: string;
  createdAt: string;
  lastHeartbeatAt?: string;
  spec?: {
    templateInfo?: {
      entityRef?: string;
      entity?: { metadata?: { annotations?: Record<string, string> } };
    };
  };
}

/** A task event as `GET /v2/tasks/:id/events` returns it. */
export interface ScaffolderTaskEvent {
  type: string;
  createdAt: string;
  body?: {
    message?: string;
    stepId?: string;
    status?: string;
    error?: { name?: string; message?: string };
  };
}

/** The part of the scaffolder's task history the collector reads. */
export interface TaskHistory {
  /** Tasks, newest first. */
  list(offset: number, limit: number): Promise<ScaffolderTask[]>;
  get(taskId: string): Promise<ScaffolderTask | undefined>;
  events(taskId: string): Promise<ScaffolderTaskEvent[]>;
}

/** Reads the task history through the scaffolder's REST API with the plugin's own credentials. */
export class ScaffolderTaskHistory implements TaskHistory {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      fetch?: typeof fetch;
    },
  ) {}

  private async request(path: string): Promise<Response> {
    const { discovery, auth } = this.options;
    const baseUrl = await discovery.getBaseUrl('scaffolder');
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: await auth.getOwnServiceCredentials(),
      targetPluginId: 'scaffolder',
    });
    return (this.options.fetch ?? fetch)(`${baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
  }

  async list(offset: number, limit: number): Promise<ScaffolderTask[]> {
    const response = await this.request(
      `/v2/tasks?order=desc:created_at&limit=${limit}&offset=${offset}`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return ((await response.json()) as { tasks: ScaffolderTask[] }).tasks ?? [];
  }

  async get(taskId: string): Promise<ScaffolderTask | undefined> {
    const response = await this.request(
      `/v2/tasks/${encodeURIComponent(taskId)}`,
    );
    if (response.status === 404) return undefined;
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as ScaffolderTask;
  }

  async events(taskId: string): Promise<ScaffolderTaskEvent[]> {
    const response = await this.request(
      `/v2/tasks/${encodeURIComponent(taskId)}/events`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as ScaffolderTaskEvent[];
  }
}
