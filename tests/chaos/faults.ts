/**
 * Carries out the plan's fault timeline against the running system, for real: SIGKILL and restart
 * of shop-api, payment and inventory, a graceful stop and start of notification, and the fault
 * switches of payment and inventory flipped through shop-api's admin fault API. Faults of one lane
 * (one part) run one after another; lanes run side by side. Every step is written to the timeline
 * with its time and the traffic's progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFault, type FaultAction, type PlannedFault } from './plan.ts';
import type { ShopClient } from '../system/support/shop-client.ts';
import type { TestSystem } from '../support/system.ts';
import type { RunningPart } from '../../scripts/lib/processes.ts';

export interface TimelineEntry {
  /** ms since the run started. */
  at: number;
  /** Checkouts started at that moment. */
  progress: number;
  lane: string;
  what: string;
}

export interface FaultContext {
  system: TestSystem;
  shop: ShopClient;
  adminToken(): Promise<string>;
  clock(): number;
  progress(): number;
  record(entry: TimelineEntry): void;
}

/** How long a fault switch call keeps trying while shop-api (which forwards it) is away. */
const SWITCH_RETRY_MS = 120_000;

export async function runFaults(faults: readonly PlannedFault[], context: FaultContext): Promise<void> {
  const lanes = Map.groupBy(faults, (f) => f.lane);
  await Promise.all(
    [...lanes.values()].map(async (lane) => {
      for (const fault of lane) {
        while (context.progress() < fault.atCheckout) await sleep(50);
        await apply(fault, context);
      }
    }),
  );
}

async function apply({ lane, action }: PlannedFault, context: FaultContext): Promise<void> {
  const note = (what: string) =>
    context.record({ at: context.clock(), progress: context.progress(), lane, what });
  note(describeFault(action));
  switch (action.kind) {
    case 'kill':
    case 'stop': {
      const part = context.system.system.part(action.part);
      if (action.kind === 'kill') {
        part.child.kill('SIGKILL');
        await part.exited;
      } else await part.stop();
      note(`${action.part} ${action.kind === 'kill' ? 'killed' : 'stopped'}`);
      await sleep(action.downMs);
      await restart(part, note);
      note(`${action.part} ready again`);
      return;
    }
    case 'switch': {
      await setSwitch(context, action);
      note(`${action.service} switch ${action.mode} on`);
      await sleep(action.holdMs);
      await setSwitch(context, { service: action.service, mode: 'none' });
      note(`${action.service} switch off`);
      return;
    }
  }
}

/** Restart attempts: a part that is slow to get ready on a busy machine is killed and started again. */
const RESTART_ATTEMPTS = 3;

async function restart(part: RunningPart, note: (what: string) => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await part.restart();
    } catch (error) {
      if (attempt === RESTART_ATTEMPTS) throw error;
      note(`${part.spec.name} not ready (${(error as Error).message}); starting it again`);
    }
  }
}

type SwitchSetting = Pick<Extract<FaultAction, { kind: 'switch' }>, 'service' | 'delayMs'> & {
  mode: 'down' | 'slow' | 'none';
};

async function setSwitch(context: FaultContext, { service, mode, delayMs }: SwitchSetting): Promise<void> {
  const giveUpAt = Date.now() + SWITCH_RETRY_MS;
  for (;;) {
    try {
      await context.shop.admin.setFault(await context.adminToken(), service, {
        mode,
        ...(delayMs ? { delayMs } : {}),
      });
      return;
    } catch (error) {
      if (Date.now() > giveUpAt)
        throw new Error(`could not set the ${service} fault switch to ${mode}`, { cause: error });
      await sleep(250);
    }
  }
}

/** After the timeline: every switch off and every part running, whatever happened on the way. */
export async function endFaults(context: FaultContext): Promise<void> {
  for (const part of context.system.system.parts.values()) {
    if (part.child.exitCode !== null || part.child.signalCode !== null)
      await restart(part, (what) =>
        context.record({ at: context.clock(), progress: context.progress(), lane: part.spec.name, what }),
      );
  }
  for (const service of ['payment', 'inventory'] as const)
    await setSwitch(context, { service, mode: 'none' });
}
