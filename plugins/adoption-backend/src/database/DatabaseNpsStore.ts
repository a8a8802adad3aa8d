import { Knex } from 'knex';
import { chunks, dbNumber, dbNumberOrNull } from '@internal/plugin-portal-node';
import { NpsAnswerRecord, Window } from '../domain';
import { NpsAnswerInsert, NpsStore } from './NpsStore';
import { CHUNK, CountRow, NpsAnswerRow, NpsPromptRow } from './rows';

export class DatabaseNpsStore implements NpsStore {
  constructor(private readonly db: Knex) {}

  async prompt(
    userKey: string,
  ): Promise<
    { answeredAt: number | null; dismissedAt: number | null } | undefined
  > {
    const row: NpsPromptRow | undefined = await this.db('adoption_nps_prompts')
      .where({ user_key: userKey })
      .first();
    return row
      ? {
          answeredAt: dbNumberOrNull(row.answered_at),
          dismissedAt: dbNumberOrNull(row.dismissed_at),
        }
      : undefined;
  }

  async claimAnswer(options: {
    userKey: string;
    now: number;
    notBefore: number;
  }): Promise<boolean> {
    const { userKey, now, notBefore } = options;
    const claimed = await this.db('adoption_nps_prompts')
      .where({ user_key: userKey })
      .where(q =>
        q.whereNull('answered_at').orWhere('answered_at', '<', notBefore),
      )
      .update({ answered_at: now });
    if (claimed > 0) return true;
    // No row yet (the insert conflicts if another request got there first), or answered.
    const existing: NpsPromptRow | undefined = await this.db(
      'adoption_nps_prompts',
    )
      .where({ user_key: userKey })
      .first();
    if (existing) return false;
    await this.db('adoption_nps_prompts').insert({
      user_key: userKey,
      answered_at: now,
    });
    return true;
  }

  async insertAnswers(answers: NpsAnswerInsert[]): Promise<void> {
    for (const rows of chunks(answers, CHUNK)) {
      await this.db('adoption_nps_answers').insert(
        rows.map(
          (a): NpsAnswerRow => ({
            user_key: a.userKey,
            score: a.score,
            comment: a.comment,
            answered_at: Math.round(a.answeredAt),
          }),
        ),
      );
    }
  }

  async dismiss(userKey: string, now: number): Promise<void> {
    await this.db('adoption_nps_prompts')
      .insert({ user_key: userKey, dismissed_at: now })
      .onConflict('user_key')
      .merge({ dismissed_at: now });
  }

  async listAnswers(window: Window): Promise<NpsAnswerRecord[]> {
    const rows: Array<Pick<NpsAnswerRow, 'score' | 'answered_at'>> =
      await this.db('adoption_nps_answers')
        .select('score', 'answered_at')
        .where('answered_at', '>=', window.from)
        .where('answered_at', '<', window.to);
    return rows.map(r => ({
      score: dbNumber(r.score),
      answeredAt: dbNumber(r.answered_at),
    }));
  }

  async count(): Promise<number> {
    const [{ count }]: CountRow[] = await this.db('adoption_nps_answers').count(
      { count: '*' },
    );
    return dbNumber(count);
  }
}
