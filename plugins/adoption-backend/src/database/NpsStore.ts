import { NpsAnswerRecord, Window } from '../domain';

/** An answer as stored; `userKey` is null when answers are anonymous. */
export interface NpsAnswerInsert {
  userKey: string | null;
  score: number;
  comment: string | null;
  answeredAt: number;
}

/**
 * The platform NPS survey: per user, when they last answered or dismissed it
 * (`adoption_nps_prompts`), and the answers (`adoption_nps_answers`).
 */
export interface NpsStore {
  /** When the user last answered or dismissed the survey. */
  prompt(
    userKey: string,
  ): Promise<
    { answeredAt: number | null; dismissedAt: number | null } | undefined
  >;

  /**
   * Marks the user as having answered at `now` unless they answered since `notBefore`; returns
   * whether it did. A first prompt row is inserted, which fails with a conflict when another
   * request inserts it at the same time.
   */
  claimAnswer(options: {
    userKey: string;
    now: number;
    notBefore: number;
  }): Promise<boolean>;

  insertAnswers(answers: NpsAnswerInsert[]): Promise<void>;

  dismiss(userKey: string, now: number): Promise<void>;

  listAnswers(window: Window): Promise<NpsAnswerRecord[]>;

  count(): Promise<number>;
}
