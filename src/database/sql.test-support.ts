import pg from 'pg';

/** Test support: runs statements in order on one short-lived connection. */
export async function sql(dsn: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Test support: the rows of one query, on one short-lived connection. */
export async function rows<R extends pg.QueryResultRow>(dsn: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}
