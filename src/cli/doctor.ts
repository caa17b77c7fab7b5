import { CliUsageError } from './errors.js';
import type { CommandContext } from './query.js';

export interface DoctorOptions {
  config?: string;
  format: 'table' | 'json' | 'csv';
  concurrency: number;
}

export async function runDoctor(_options: DoctorOptions, _ctx: CommandContext): Promise<number> {
  throw new CliUsageError('doctor: not yet');
}
