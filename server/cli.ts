import { Command } from 'commander';

/**
 * `rescuebox` command line. Each protocol contributes its own subcommand
 * module; this file only assembles them.
 */
const program = new Command('rescuebox').description('rescue appliance for remote servers').version('0.1.0');

program
  .command('start')
  .description('start the appliance server (same as npm start)')
  .action(async () => {
    await import('./main.ts');
  });

program.addCommand((await import('../bmc-adapters/redfish/cli.ts')).redfishCommand());

program.addCommand((await import('../bmc-adapters/ipmi/cli.ts')).ipmiCommand);
await program.parseAsync(process.argv);
