import { sql as raw } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/db/client";

describe("test database", () => {
  it("is a migrated clone of the template", async () => {
    const rows = await db.execute<{ count: string }>(
      raw`select count(*)::text as count from information_schema.tables where table_name = 'payouts'`,
    );
    expect(rows[0]?.count).toBe("1");
  });
});
