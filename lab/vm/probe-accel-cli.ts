/**
 * `node --import tsx lab/vm/probe-accel-cli.ts`: decides KVM vs TCG once
 * (see accel-probe.ts) so the first test or `npm start` does not pay for it.
 * scripts/build.d/10-lab.sh runs it at setup.
 */
import { chooseAccel } from './accel-probe.ts';

const v = await chooseAccel();
console.log(`[lab] accelerator: ${v.accel} (${v.reason})`);
