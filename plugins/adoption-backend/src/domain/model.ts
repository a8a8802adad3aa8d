/** A catalog component with its provenance, as the measures need it. */
export interface ComponentRecord {
  entityRef: string;
  /** Owning group ref, or null when the component has no owner. */
  owner: string | null;
  /** The template it was created from (`backstage.io/source-template`), if any. */
  templateRef: string | null;
  /** `fernhill.io/template-version`. */
  templateVersion: string | null;
  /** `fernhill.io/created-at`, epoch ms. */
  createdAt: number | null;
}

export type TemplateRunStatus =
  | 'open'
  | 'processing'
  | 'completed'
  | 'failed'
  | 'cancelled';

export const FINAL_RUN_STATUSES: ReadonlySet<TemplateRunStatus> = new Set([
  'completed',
  'failed',
  'cancelled',
]);

/** One scaffolder run, from the task history or from an adoption event. */
export interface TemplateRunRecord {
  taskId: string;
  templateRef: string;
  status: TemplateRunStatus;
  createdAt: number;
  durationMs: number | null;
  failedStep: string | null;
  errorMessage: string | null;
}

/** A stored adoption event (contract 3). */
export interface AdoptionEventRecord {
  id: string;
  type: 'template-run' | 'self-service';
  occurredAt: number;
  templateRef: string | null;
  templateVersion: string | null;
  taskId: string | null;
  entityRef: string | null;
  owner: string | null;
  kind: string | null;
  requestedAt: number | null;
  readyAt: number | null;
  status: 'completed' | 'failed' | null;
  durationMs: number | null;
}

export interface TicketRecord {
  externalId: string;
  category: string;
  team: string | null;
  openedAt: number;
  resolvedAt: number | null;
}

export interface NpsAnswerRecord {
  score: number;
  answeredAt: number;
}
