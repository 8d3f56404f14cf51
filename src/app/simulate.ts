/** @module Use case: run the Apple simulator (idmsa, setup, CloudKit, content host) on loopback for demos and manual tests. */
import { UsageError } from '../core/usage-error.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';

export interface SimulateRequest {
  readonly assets?: number;
  readonly seed?: number;
  readonly port?: number;
  /** Mean original size in bytes. */
  readonly meanSize?: number;
  /** Apple's sign-in as of 2026 (default true): no code until asked, phones under bridgeInitiateData, 409 answers, -20283. */
  readonly apple2026?: boolean;
  /** The demo account has Advanced Data Protection: CloudKit needs requestPCS and an approval ('grant' after one poll, 'deny', or 'pending' until POST /__sim/auth/approve). */
  readonly adp?: 'grant' | 'deny' | 'pending';
  /** How a valid code is answered: 409 with a session token, 409 without one, or normally. */
  readonly code409?: 'token' | 'no-token' | 'none';
  /** The demo account's password is refused as app-specific (-20283). */
  readonly appSpecificPassword?: boolean;
}

export interface RunningSimulator {
  readonly authUrl: string;
  readonly setupUrl: string;
  readonly baseUrl: string;
  readonly appleId: string;
  readonly password: string;
  readonly assets: number;
  /** The last 2FA code "sent" to the demo account, if any (what the user would read on their phone). */
  lastCode(): string | undefined;
  stop(): Promise<void>;
}

export async function runSimulator(req: SimulateRequest): Promise<RunningSimulator> {
  const assets = req.assets ?? 2000;
  if (!Number.isInteger(assets) || assets < 0 || assets > 5_000_000) throw new UsageError('--assets must be a whole number from 0 to 5,000,000');
  if (req.port !== undefined && (!Number.isInteger(req.port) || req.port < 0 || req.port > 65535)) throw new UsageError('--port must be 0–65535');
  const sim: Simulator = await startSimulator({
    assets, seed: req.seed ?? 1,
    ...(req.port === undefined ? {} : { port: req.port }),
    ...(req.meanSize === undefined ? {} : { meanSize: req.meanSize }),
    auth: {
      apple2026: req.apple2026 ?? true,
      faults: {
        ...(req.adp === undefined ? {} : { adp: true, adpApproval: req.adp }),
        ...(req.code409 === undefined ? {} : { code409: req.code409 }),
        ...(req.appSpecificPassword === true ? { appSpecificPassword: true } : {}),
      },
    },
  });
  return {
    authUrl: sim.authUrl, setupUrl: sim.setupUrl, baseUrl: sim.baseUrl, assets,
    appleId: sim.account.appleId, password: sim.account.password,
    lastCode: () => sim.auth.lastCode(sim.account.appleId),
    stop: () => sim.stop(),
  };
}
