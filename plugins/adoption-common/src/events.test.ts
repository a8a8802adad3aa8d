import {
  adoptionEventsRequestSchema,
  adoptionNpsAnswerSchema,
  adoptionTicketInputSchema,
} from './events';

describe('adoption schemas', () => {
  const event = {
    id: 't1:template-run',
    type: 'template-run',
    occurredAt: '2026-11-01T10:00:00Z',
    templateRef: 'template:default/typescript-service',
    entityRef: 'component:default/Orders',
    owner: 'group:default/payments',
  };

  it('accepts a contract 3 event and normalises refs', () => {
    const parsed = adoptionEventsRequestSchema.parse({ events: [event] });
    expect(parsed.events[0].entityRef).toBe('component:default/orders');
  });

  it.each([
    [{ ...event, owner: 'payments' }, 'owner'],
    [{ ...event, occurredAt: '2026-11-01' }, 'occurredAt'],
    [{ ...event, type: 'other' }, 'type'],
    [{ ...event, durationMs: -1 }, 'durationMs'],
    [{ ...event, extra: 1 }, ''],
    [
      {
        ...event,
        requestedAt: '2026-11-01T10:00:00Z',
        readyAt: '2026-11-01T09:00:00Z',
      },
      'readyAt',
    ],
  ])('rejects %j naming %s', (bad, field) => {
    const result = adoptionEventsRequestSchema.safeParse({ events: [bad] });
    expect(result.success).toBe(false);
    expect(
      result.error!.issues.some(i => i.path.join('.').includes(field)),
    ).toBe(true);
  });

  it('rejects NPS scores outside 0 to 10 and fractions', () => {
    for (const score of [-1, 11, 5.5, Number.NaN]) {
      expect(adoptionNpsAnswerSchema.safeParse({ score }).success).toBe(false);
    }
    for (const score of [0, 10]) {
      expect(adoptionNpsAnswerSchema.safeParse({ score }).success).toBe(true);
    }
  });

  it('rejects a ticket resolved before it was opened', () => {
    const result = adoptionTicketInputSchema.safeParse({
      externalId: 'T-1',
      category: 'Database',
      openedAt: '2026-11-02T00:00:00Z',
      resolvedAt: '2026-11-01T00:00:00Z',
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['resolvedAt']);
  });
});
