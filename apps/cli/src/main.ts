import { Command } from 'commander';
import { registerAuditCommands } from './commands/audit.command';
import { registerDbCommands } from './commands/db.command';
import { registerTokenCommands } from './commands/tokens.command';
import { registerUpCommand } from './commands/up.command';

/** The `gantry` command line. */
const program = new Command('gantry').description('Gantry: hybrid control plane for data orchestration').showHelpAfterError();
registerDbCommands(program);
registerTokenCommands(program);
registerAuditCommands(program);
registerUpCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
}
// Exit as soon as the command is done: the schema engine's driver keeps idle
// pool connections open for their 10 s idle timeout otherwise.
process.exit(process.exitCode ?? 0);
