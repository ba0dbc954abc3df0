import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { FINDING_KINDS, FINDING_STATUSES, ShadowscanError } from '@shadowscan/domain';
import { fingerprintCommand } from './commands/fingerprint.command';
import { matchCommand } from './commands/match.command';
import { scanCommand } from './commands/scan.command';
import { findingsCommand } from './commands/findings.command';
import { auditVerifyCommand } from './commands/audit.command';
import { triageCommand } from './commands/triage.command';
import { sourcesAddCommand, sourcesListCommand } from './commands/sources.command';
import { catalogListCommand, catalogSyncCommand } from './commands/catalog.command';

// Read at run time: package.json sits outside the compiled tree.
const VERSION = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Exit codes: 0 ok, 1 internal error or failed scan, 2 usage or input error, 3 an unreadable file. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreadable: 3 } as const;

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

function oneOf(values: readonly string[]) {
  return (v: string) => {
    if (!values.includes(v)) throw new InvalidArgumentError(`must be one of: ${values.join(', ')}`);
    return v;
  };
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('shadowscan')
    .description('Finds the spreadsheets that duplicate, contradict or extend your systems of record.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)');

  const sources = program
    .command('sources')
    .description('Register SharePoint/OneDrive and Google Drive sources');
  sources
    .command('add')
    .description('Register (or update) a remote source from a settings file (see libs/connectors/README.md)')
    .argument('<name>', 'source name, used by `scan --source`')
    .requiredOption('--kind <kind>', 'sharepoint or gdrive', oneOf(['sharepoint', 'gdrive']))
    .requiredOption('--config <file>', 'settings (JSON or YAML); secrets by reference only')
    .option('-c, --catalog <file>', 'catalog to scan this source against by default')
    .option('--db <dir>', 'embedded database folder')
    .action(async (name: string, opts) => setExit(await sourcesAddCommand(name, opts)));
  sources
    .command('list')
    .description('List registered sources')
    .option('--db <dir>', 'embedded database folder')
    .option('--json', 'JSON output')
    .action(async (opts) => setExit(await sourcesListCommand(opts)));

  program
    .command('scan')
    .description(
      'Scan a folder, or a registered source (--source), against a catalog of systems of record (embedded: no Redis, no server)',
    )
    .argument('[path]', 'folder to scan (or use --source)')
    .option('--source <name>', 'a registered source (see `shadowscan sources add`)')
    .option('-c, --catalog <file>', "catalog of systems of record (YAML or JSON); default: the source's")
    .option(
      '--db <dir>',
      'embedded database folder (default: SHADOWSCAN_DB_DIR or .shadowscan/db; DATABASE_URL wins if set)',
    )
    .option('-o, --out <dir>', 'write report.html, report.xlsx and report.json here', '.shadowscan/report')
    .option('--name <name>', 'name to register the folder under (default: local:<absolute path>)')
    .option('--include <glob>', 'only files matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files matching this glob (repeatable)', collect, [])
    .option('--json', 'print the scan and its findings as JSON on stdout')
    .option('--no-progress', 'do not draw the progress bar')
    .option(
      '--sync-catalog',
      'read the catalog again (databases included) even if its stored version is current',
    )
    .action(async (path: string | undefined, opts) => setExit(await scanCommand(path, opts)));

  const catalog = program
    .command('catalog')
    .description('Systems of record: sync the catalog into stored, versioned field profiles');
  catalog
    .command('sync')
    .description(
      'Read a catalog (file, extracts, databases) and store it as a new version if its content changed',
    )
    .requiredOption('-c, --catalog <file>', 'catalog of systems of record (YAML or JSON)')
    .option('--db <dir>', 'embedded database folder (default: SHADOWSCAN_DB_DIR or .shadowscan/db)')
    .option('--json', 'JSON output')
    .action(async (opts) => setExit(await catalogSyncCommand(opts)));
  catalog
    .command('list')
    .description('List the stored versions of a catalog (or of every catalog), newest first')
    .option('-c, --catalog <file>', 'only this catalog file')
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .option('--db <dir>', 'embedded database folder (default: SHADOWSCAN_DB_DIR or .shadowscan/db)')
    .option('--json', 'JSON output')
    .action(async (opts) => setExit(await catalogListCommand(opts)));

  program
    .command('fingerprint')
    .description(
      'Print the tables and column profiles of spreadsheet files (one JSON line per file with --json)',
    )
    .argument('<files...>', 'spreadsheet files (xlsx, xlsm, csv, tsv, txt)')
    .option('--json', 'JSON output, one object per line')
    .option(
      '--values',
      "include each column's distinct values and MinHash in the JSON (cell values: off by default)",
    )
    .action(async (files: string[], opts) => setExit(await fingerprintCommand(files, opts)));

  program
    .command('match')
    .description('Show which official fields each column of a spreadsheet matches')
    .argument('<file>', 'spreadsheet file')
    .requiredOption('-c, --catalog <file>', 'catalog of systems of record (YAML or JSON)')
    .option('-k, --top-k <n>', 'candidates per column', positiveInt, 5)
    .option('--json', 'JSON output')
    .action(async (file: string, opts) => setExit(await matchCommand(file, opts)));

  program
    .command('triage')
    .description('Record a decision on a finding (kept across rescans, written to the audit log)')
    .argument('<id>', 'finding id')
    .requiredOption(
      '--status <status>',
      `new status (${FINDING_STATUSES.join(', ')})`,
      oneOf(FINDING_STATUSES),
    )
    .requiredOption('--reason <text>', 'why (goes into the audit log)')
    .requiredOption('--by <who>', 'who decides (goes into the audit log)')
    .option('--owner <who>', 'who handles the finding from now on')
    .option('--until <date>', 'for accepted_risk: when the acceptance lapses (ISO date)')
    .option('--db <dir>', 'embedded database folder')
    .option('--json', 'JSON output')
    .action(async (id: string, opts) => setExit(await triageCommand(id, opts)));

  program
    .command('audit')
    .description('Audit log commands')
    .command('verify')
    .description('Check that the audit log is intact (each entry hashes the one before)')
    .option('--db <dir>', 'embedded database folder')
    .option('--json', 'JSON output')
    .action(async (opts) => setExit(await auditVerifyCommand(opts)));

  program
    .command('findings')
    .description('List the findings the store holds')
    .option('--db <dir>', 'embedded database folder (default: SHADOWSCAN_DB_DIR or .shadowscan/db)')
    .option('--kind <kind>', `only this kind (${FINDING_KINDS.join(', ')})`, oneOf(FINDING_KINDS))
    .option('--status <status>', `only this status (${FINDING_STATUSES.join(', ')})`, oneOf(FINDING_STATUSES))
    .option('--entity <entity>', 'only findings on this entity')
    .option('--limit <n>', 'at most this many', positiveInt, 100)
    .option('--json', 'JSON output')
    .action(async (opts) => setExit(await findingsCommand(opts)));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof ShadowscanError) {
      process.stderr.write(`shadowscan: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv).then(
    (c) => (process.exitCode = c),
    (e) => {
      process.stderr.write(`shadowscan: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
