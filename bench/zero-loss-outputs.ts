import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const V1_MIGRATIONS = fileURLToPath(new URL('../fixtures/rollback/v1-database-migrations.sql', import.meta.url));

// V1's rules (validate.ts), as SQL; a payment is clean only if its loan is (l = its row in abaco.loans).
const CLEAN_LOAN = `coalesce(trim(segment), '') <> '' and disbursed_on is not null and principal > 0
                    and annual_rate >= 0 and annual_rate < 1 and term_months > 0`;
const CLEAN_PAYMENT = `l.loan_id is not null and p.paid_on is not null and p.amount > 0 and p.principal_amount >= 0
                       and p.principal_amount <= p.amount and p.days_past_due >= 0 and p.paid_on >= l.disbursed_on`;

export interface SyntheticOutputs {
  sourceRows: number;
  clean: number;
  quarantined: number;
}

/**
 * V1's outputs for the Cascade source already in the database, written by SQL (INSERT … SELECT)
 * rather than by running the pipeline over millions of rows: the bench measures the proof, not the
 * pipeline. The schema is V1's own staged migrations file; rows follow V1's validation rules
 * (fixtures/pipeline-v1/validate.ts) closely enough that the generator's ~1% of defective rows land
 * in quarantine, the rest in the clean tables, and every source key in the ledger. Foreign-key
 * triggers are skipped (session_replication_role = replica) to keep the setup short; the rows obey
 * the foreign key anyway (a clean payment's loan is clean). Vacuumed and analysed afterwards, so the
 * first timed read does not pay for hint bits.
 */
export async function synthesiseV1Outputs(dsn: string): Promise<SyntheticOutputs> {
  const client = new pg.Client({ connectionString: dsn });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const migrations = await readFile(V1_MIGRATIONS, 'utf8');
    await client.query('drop schema if exists abaco cascade');
    await client.query('create schema abaco');
    await client.query('set search_path = abaco');
    await client.query(migrations);
    await client.query('set session_replication_role = replica');
    await client.query('begin');
    await client.query(`
      insert into abaco.loans (loan_id, segment, disbursed_on, principal, annual_rate, term_months, source_seq, run_id)
      select loan_id, segment, disbursed_on, principal, annual_rate, term_months, seq, 'bench'
        from cascade.loans
       where ${CLEAN_LOAN}`);
    await client.query(`
      insert into abaco.quarantine (source, source_id, reason, run_id)
      select 'loans', loan_id, 'invalid loan', 'bench' from cascade.loans where not coalesce(${CLEAN_LOAN}, false)`);
    // One pass over the payments for both outcomes: clean into abaco.payments, the rest into quarantine.
    await client.query(`
      with judged as (
        select p.*, coalesce(${CLEAN_PAYMENT}, false) as clean
          from cascade.payments p left join abaco.loans l on l.loan_id = p.loan_id),
      clean as (
        insert into abaco.payments (payment_id, loan_id, paid_on, amount, principal_amount, days_past_due, source_seq, run_id)
        select payment_id, loan_id, paid_on, amount, principal_amount, days_past_due, seq, 'bench' from judged where clean)
      insert into abaco.quarantine (source, source_id, reason, run_id)
      select 'payments', payment_id, 'invalid payment', 'bench' from judged where not clean`);
    await client.query(`
      insert into abaco.processed_records (source, source_id, run_id)
      select 'loans', loan_id, 'bench' from cascade.loans
      union all
      select 'payments', payment_id, 'bench' from cascade.payments`);
    await client.query('commit');
    await client.query('reset session_replication_role');
    // Table by table: a database-wide VACUUM left some of them without their visibility map set.
    for (const table of ['cascade.loans', 'cascade.payments', 'abaco.loans', 'abaco.payments', 'abaco.quarantine', 'abaco.processed_records']) {
      await client.query(`vacuum (analyze) ${table}`);
    }
    const { rows } = await client.query<{ source: string; clean: string; quarantined: string }>(`
      select (select count(*) from cascade.loans) + (select count(*) from cascade.payments) as source,
             (select count(*) from abaco.loans) + (select count(*) from abaco.payments) as clean,
             (select count(*) from abaco.quarantine) as quarantined`);
    const row = rows[0]!;
    return { sourceRows: Number(row.source), clean: Number(row.clean), quarantined: Number(row.quarantined) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
