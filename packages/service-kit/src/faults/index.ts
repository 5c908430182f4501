export {
  createFaultSwitch,
  type ActiveFault,
  type FaultCall,
  type FaultSetting,
  type FaultState,
  type FaultSwitch,
  type FaultSwitchOptions,
} from './fault-switch.ts';
export { faultRoutes, type FaultRoutesOptions } from './routes.ts';
export { faultSchemas, MAX_FAULT_REMAINING, MAX_FAULT_USERS } from './schemas.ts';
export { callerGone, injectDelay, MAX_FAULT_DELAY_MS } from './delay.ts';
