import { and, asc, eq, gte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { reportChunks } from "@/db/schema";
import { type Keyring, openBytesWithKeyring, sealBytesWithKeyring } from "@/lib/crypto/keyring";
import { derivedKey } from "@/lib/crypto/secret-box";
import { taxIdKeyring } from "@/lib/tax/tin-vault";

/**
 * Report files live in the database a sealed chunk at a time: each chunk is encrypted
 * (AES-256-GCM) and bound to its report, file and position, written as the generator
 * streams and read back the same way. Files holding tax ids are sealed with TAX_ID_KEYS,
 * like the ids themselves; the others with a key derived from AUTH_SECRET.
 */
export const CHUNK_BYTES = 1 << 20;

export type FileKeys = "tax_ids" | "app";

function keyringFor(keys: FileKeys): Keyring {
  if (keys === "tax_ids") return taxIdKeyring();
  return { current: "app", keys: new Map([["app", derivedKey("report-files/v1")]]) };
}

const context = (reportId: string, file: string, seq: number) =>
  `report:${reportId}:${file}:${seq}`;

/** Where a generator writes one file; counts what it wrote. */
export interface FileSink {
  write(data: string | Buffer): Promise<void>;
  /** Flushes what is buffered; the file is complete after it. */
  close(): Promise<{ bytes: number }>;
}

/** A file written to the report's chunks, a sealed chunk per MiB. */
export function chunkSink(db: DbOrTx, reportId: string, file: string, keys: FileKeys): FileSink {
  const keyring = keyringFor(keys);
  let parts: Buffer[] = [];
  let buffered = 0;
  let seq = 0;
  let bytes = 0;
  // One chunk is written while the next one fills, so reading the source and writing the
  // file overlap; at most two chunks are ever held.
  let writing: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    if (buffered === 0) return;
    const plain = Buffer.concat(parts, buffered);
    parts = [];
    buffered = 0;
    const sealed = sealBytesWithKeyring(keyring, plain, context(reportId, file, seq));
    await writing;
    // As base64 text decoded by the server: a third larger on the wire, where a Buffer
    // parameter travels as hex, twice its size.
    // A real promise: drizzle's query runs again each time its thenable is awaited.
    writing = Promise.resolve(
      db.execute(
        sql`insert into ${reportChunks} (report_id, file, seq, data)
            values (${reportId}, ${file}, ${seq}, decode(${sealed.toString("base64")}, 'base64'))`,
      ),
    );
    // Its failure surfaces at the next flush or at close, where it is awaited.
    writing.catch(() => {});
    seq++;
  };
  return {
    async write(data) {
      const buffer = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      parts.push(buffer);
      buffered += buffer.length;
      bytes += buffer.length;
      if (buffered >= CHUNK_BYTES) await flush();
    },
    async close() {
      await flush();
      await writing;
      return { bytes };
    },
  };
}

/** Removes a report's chunks (a retried generation starts its files afresh). */
export async function deleteReportChunks(db: DbOrTx, reportId: string): Promise<void> {
  await db.delete(reportChunks).where(eq(reportChunks.reportId, reportId));
}

/** A stored file's plaintext, a chunk at a time: one query and one chunk in memory per step. */
export async function* readReportFile(
  db: DbOrTx,
  reportId: string,
  file: string,
  keys: FileKeys,
): AsyncGenerator<Buffer> {
  const keyring = keyringFor(keys);
  for (let seq = 0; ; seq++) {
    const [row] = await db
      .select({ seq: reportChunks.seq, data: reportChunks.data })
      .from(reportChunks)
      .where(
        and(
          eq(reportChunks.reportId, reportId),
          eq(reportChunks.file, file),
          gte(reportChunks.seq, seq),
        ),
      )
      .orderBy(asc(reportChunks.seq))
      .limit(1);
    if (!row) return;
    if (row.seq !== seq) throw new Error(`report ${reportId} file ${file} is missing chunk ${seq}`);
    yield openBytesWithKeyring(keyring, row.data, context(reportId, file, seq));
  }
}

/** Bytes stored for a report, for tests and the benchmark. */
export async function storedBytes(db: DbOrTx, reportId: string): Promise<number> {
  const [row] = await db.execute<{ n: string }>(
    sql`select coalesce(sum(octet_length(data)), 0)::text as n from report_chunks where report_id = ${reportId}`,
  );
  return Number(row?.n ?? 0);
}
