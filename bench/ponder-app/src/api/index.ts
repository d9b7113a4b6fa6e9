// `GET /count`: rows indexed so far, read by the benchmark once Ponder reports /ready.
import { Hono } from 'hono';
import { count } from 'ponder';
import { db } from 'ponder:api';
import { transfer } from 'ponder:schema';

const app = new Hono();
app.get('/count', async (c) => {
  const [row] = await db.select({ n: count() }).from(transfer);
  return c.json({ transfers: row?.n ?? 0 });
});

export default app;
