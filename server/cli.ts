import { Command } from 'commander';

/**
 * `rescuebox` command line. Each protocol contributes its own subcommand
 * module; this file only assembles them. A subcommand's module is imported only
 * when that subcommand is invoked (or asked for with `help NAME`): loading every
 * protocol client through tsx on each start made `rescuebox ipmi ...` take seconds.
 * The others are listed by name and description so `--help` still shows them all.
 */
interface LazyCommand {
  description: string;
  load(): Promise<Command>;
}

const lazy: Record<string, LazyCommand> = {
  redfish: {
    description: 'power, boot device and virtual media over Redfish (password: RESCUEBOX_REDFISH_PASSWORD or prompt)',
    load: async () => (await import('../bmc-adapters/redfish/cli.ts')).redfishCommand(),
  },
  ipmi: {
    description: 'IPMI 2.0 (RMCP+) client: power, boot device, BMC info, Serial-over-LAN',
    load: async () => (await import('../bmc-adapters/ipmi/cli.ts')).ipmiCommand,
  },
};

/** The subcommand named on the command line: the first operand, or the one after `help`. */
function invoked(argv: string[]): string | undefined {
  const operands = argv.slice(2).filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

const program = new Command('rescuebox').description('rescue appliance for remote servers').version('0.1.0');

program
  .command('start')
  .description('start the appliance server (same as npm start)')
  .action(async () => {
    await import('./main.ts');
  });

const wanted = invoked(process.argv);
for (const [name, c] of Object.entries(lazy)) {
  if (name === wanted) program.addCommand(await c.load());
  // Never run: invoking NAME loads the real command above instead.
  else program.command(name).description(c.description).allowUnknownOption().helpOption(false);
}
await program.parseAsync(process.argv);
