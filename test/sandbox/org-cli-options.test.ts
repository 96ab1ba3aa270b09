/** The sandbox command's organization flags: `--fleet demo-organization` and `--fault-account`. */
import { describe, expect, it } from 'vitest';
import { faultsFromFlags, sandboxOptionsFrom } from '../../cli/commands/sandbox.js';

describe('sandbox flags for an organization', () => {
  it('narrow the fault flags to one account with --fault-account', () => {
    // Act
    const faults = faultsFromFlags({ port: '0', throttleRps: '10', faultAccount: '222222222222' });
    // Assess
    expect(faults).toEqual({ rules: [{ throttleRps: 10, account: '222222222222' }] });
  });

  it.each([
    [
      { throttleRps: '10', faultAccount: '2222' },
      '--fault-account must be a 12-digit account id, got "2222"',
    ],
    [
      { faultAccount: '222222222222' },
      '--fault-operation, --fault-region and --fault-account narrow a fault',
    ],
  ])('refuses %j', (flags, message) => {
    // Act
    const act = () => faultsFromFlags({ port: '0', ...flags });
    // Assess
    expect(act).toThrow(message);
  });

  it('serves the built-in demo organization with --fleet demo-organization', async () => {
    // Act
    const virtual = await sandboxOptionsFrom({ port: '0', fleet: 'demo-organization' });
    const real = await sandboxOptionsFrom({ port: '0', fleet: 'demo-organization', clock: 'real' });
    // Assess
    expect(virtual.fleet).toBe('demo-organization');
    expect(real.fleet).toMatchObject({ organization: { managementAccount: '111111111111' } });
  });
});
