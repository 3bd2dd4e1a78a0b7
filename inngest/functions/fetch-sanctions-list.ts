import { db } from "@/db/client";
import { inngest, sanctionsListLoaded } from "@/inngest/client";
import { fetchListFiles } from "@/lib/compliance/lists/fetch";
import { loadSanctionsList } from "@/lib/compliance/lists/load";
import { config } from "@/lib/config";

/**
 * Daily, when SANCTIONS_LIST_URL is set: downloads the list and loads it as a new
 * version (an unchanged download loads nothing), then asks for the rescreen.
 */
export const fetchSanctionsList = inngest.createFunction(
  {
    id: "fetch-sanctions-list",
    name: "Fetch and load the sanctions list",
    triggers: [{ cron: "15 3 * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const url = config().SANCTIONS_LIST_URL;
    if (!url) return { skipped: "SANCTIONS_LIST_URL is not set" };
    const loaded = await step.run("fetch-and-load", async () => {
      const { version, unchanged } = await loadSanctionsList(db, {
        files: await fetchListFiles(url),
        loadedBy: "system",
        source: url,
      });
      return { versionId: version.id, entries: version.entryCount, unchanged };
    });
    if (!loaded.unchanged) {
      await step.sendEvent(
        "request-rescreen",
        sanctionsListLoaded.create({ version_id: loaded.versionId }),
      );
    }
    return loaded;
  },
);
