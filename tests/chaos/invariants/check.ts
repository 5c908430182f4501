/**
 * The chaos run's invariants over the services' own data (see ../README.md for the list).
 * `observations` — what the clients saw — is optional: without it only the databases are judged.
 */
import type { KeyObservation } from '../answers.ts';
import type { Dataset } from '../dataset.ts';
import { checkAnswers, checkKeys } from './keys.ts';
import { checkMails } from './mails.ts';
import { checkMoney } from './money.ts';
import { checkOrdersFinal } from './orders.ts';
import { checkStock } from './stock.ts';
import type { Violation } from './violation.ts';

export interface CheckInput {
  data: Dataset;
  /** onHand per product before the traffic. */
  initialStock: ReadonlyMap<number, number>;
  observations?: readonly KeyObservation[];
}

export function checkInvariants({ data, initialStock, observations }: CheckInput): Violation[] {
  return [
    ...checkOrdersFinal(data),
    ...checkMoney(data),
    ...checkStock(data, initialStock),
    ...checkMails(data),
    ...checkKeys(data),
    ...(observations ? checkAnswers(data, observations) : []),
  ];
}
