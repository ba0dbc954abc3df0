/**
 * bench:contradictions — a 200,000-row sheet (CSV) checked against a 1,000,000-row PostgreSQL table:
 * the sheet is streamed, its keys looked up in batches with `= ANY($1)`, and mapped fields compared.
 * Prints rows/s and peak RSS. Targets: ≥ 50,000 rows/s, < 500 MB.
 *
 *   npm run bench:contradictions [-- --rows 200000 --official 1000000]
 * Needs PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { findContradictions, type KeyedMapping } from '@shadowscan/findings';
import { fingerprintFile, normaliseValue, streamTableRows } from '@shadowscan/fingerprint';
import { postgresLookup, readOnlyPool } from '@shadowscan/catalog';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SHEET_ROWS = arg('rows', 200_000);
const OFFICIAL_ROWS = arg('official', 1_000_000);
const ADMIN = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function main() {
  const dbName = `shadowscan_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const url = new URL(ADMIN);
  url.pathname = `/${dbName}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'ss-bench-contra-'));
  try {
    const t0 = Date.now();
    const db = new Client({ connectionString: url.toString() });
    await db.connect();
    await db.query(`create table customer (
      customer_id text primary key, company_name text not null, phone text, credit_limit numeric, created_on date, segment text)`);
    await db.query(
      `insert into customer
       select 'C-' || lpad(i::text, 8, '0'), 'Company ' || i, '+44 20 ' || lpad((i % 100000000)::text, 8, '0'),
              (i % 500) * 100, date '2015-01-01' + (i % 3000), (array['SMB','Mid-Market','Enterprise'])[1 + i % 3]
       from generate_series(1, $1) as i`,
      [OFFICIAL_ROWS],
    );
    await db.query('analyze customer');
    await db.end();
    console.log(`official table: ${OFFICIAL_ROWS} rows loaded in ${Date.now() - t0} ms`);

    // The sheet: every 5th official customer, 1% drifted credit limits, 0.5% unknown keys.
    const csv = path.join(dir, 'customers copy.csv');
    const out = createWriteStream(csv);
    out.write('Cust No,Company,Tel,Credit Limit,Customer since,Segment\n');
    let drifted = 0;
    for (let r = 0; r < SHEET_ROWS; r++) {
      const i = ((r * 5) % OFFICIAL_ROWS) + 1;
      const unknown = r % 200 === 7;
      const id = unknown ? `X-${r}` : `C-${String(i).padStart(8, '0')}`;
      const drift = r % 100 === 3;
      if (drift && !unknown) drifted++;
      const limit = (i % 500) * 100 + (drift ? 50 : 0);
      const d = new Date(Date.UTC(2015, 0, 1) + (i % 3000) * 86_400_000);
      const date = `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
      const seg = ['SMB', 'Mid-Market', 'Enterprise'][i % 3];
      if (
        !out.write(
          `${id},Company ${i},020 ${String(i % 100000000).padStart(8, '0')},${limit},${date},${seg}\n`,
        )
      ) {
        await new Promise<void>((res) => out.once('drain', () => res()));
      }
    }
    await new Promise<void>((res) => out.end(() => res()));
    const mb = statSync(csv).size / 1e6;

    const fp = await fingerprintFile(csv);
    const table = fp.tables[0];
    const mapping: KeyedMapping = {
      key: [{ index: 0, column: 'Cust No', field: 'customer_id' }],
      fields: [
        { index: 1, column: 'Company', field: 'company_name', type: 'string' },
        { index: 2, column: 'Tel', field: 'phone', type: 'phone' },
        { index: 3, column: 'Credit Limit', field: 'credit_limit', type: 'currency' },
        { index: 4, column: 'Customer since', field: 'created_on', type: 'date' },
        { index: 5, column: 'Segment', field: 'segment', type: 'string' },
      ],
    };
    const pool = readOnlyPool(url.toString());
    const lookup = postgresLookup(
      pool,
      {
        table: 'customer',
        keyColumn: 'customer_id',
        columns: {
          company_name: 'company_name',
          phone: 'phone',
          credit_limit: 'credit_limit',
          created_on: 'created_on',
          segment: 'segment',
        },
      },
      normaliseValue,
    );
    peakRss = process.memoryUsage().rss;
    const started = process.hrtime.bigint();
    const result = await findContradictions(streamTableRows(csv, table), mapping, lookup, {
      batchSize: 2000,
      maxExamples: 5,
      masking: 'sensitive',
      normalise: normaliseValue,
    });
    const secs = Number(process.hrtime.bigint() - started) / 1e9;
    await pool.end();

    const conflicts = Object.fromEntries(result.fields.map((f) => [f.field, f.conflicts]));
    console.log(
      `sheet: ${SHEET_ROWS} rows, ${mb.toFixed(1)} MB CSV; joined ${result.joined}, orphans ${result.orphans.count}`,
    );
    console.log(
      `conflicts per field: ${JSON.stringify(conflicts)} (expected credit_limit ${drifted}, others 0)`,
    );
    console.log(
      `contradiction check: ${secs.toFixed(2)} s, ${Math.round(SHEET_ROWS / secs).toLocaleString('en')} rows/s (target ≥ 50,000)`,
    );
    console.log(`peak RSS: ${(peakRss / 1e6).toFixed(0)} MB (target < 500 MB)`);
    if (
      conflicts.credit_limit !== drifted ||
      Object.entries(conflicts).some(([f, n]) => f !== 'credit_limit' && n !== 0)
    ) {
      console.error('WRONG RESULT: the comparison did not find exactly the drifted cells');
      process.exitCode = 1;
    }
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
