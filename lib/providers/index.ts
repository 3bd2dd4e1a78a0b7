import type { Mode } from "@/db/schema/columns";
import { AppError } from "@/lib/errors";
import { getMethod } from "@/lib/methods/catalog";
import type { MethodId, MethodProvider } from "@/lib/methods/types";
import { createSandboxProvider } from "./sandbox";
import type { PayoutProvider } from "./types";

export { createSandboxProvider, sandboxMagicEndings } from "./sandbox";
export {
  type PayoutProvider,
  type PollResult,
  type SubmitInput,
  type SubmitResult,
  submissionId,
} from "./types";

export type LiveProviderId = Exclude<MethodProvider, "sandbox-only">;

/** The live adapters the app was configured with (each needs its own credentials). */
export type LiveProviders = Partial<Record<LiveProviderId, PayoutProvider>>;

/** One sandbox per process, so its slow-payout poll counts are shared by every caller. */
export const sandboxProvider: PayoutProvider = createSandboxProvider();

/**
 * The provider that pays `method` in `mode`. Test mode always pays through the sandbox,
 * so no test payout can reach a real provider whatever the configuration.
 */
export function resolveProvider(
  mode: Mode,
  method: MethodId,
  live: LiveProviders = {},
): PayoutProvider {
  if (mode === "test") return sandboxProvider;
  const definition = getMethod(method);
  if (definition.provider === "sandbox-only") {
    throw new AppError(
      "live_mode_unavailable",
      `${definition.name} has no live provider yet; it is available in test mode only.`,
      { meta: { method } },
    );
  }
  const adapter = live[definition.provider];
  if (!adapter) {
    throw new AppError(
      "live_mode_unavailable",
      `Live ${definition.name} payouts need the ${definition.provider} provider, which is not configured.`,
      { meta: { method, provider: definition.provider } },
    );
  }
  return adapter;
}
