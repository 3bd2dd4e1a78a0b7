import { unstable_rethrow } from "next/navigation";
import { requireMember } from "@/app/dashboard/_lib/member";
import type { Action } from "@/lib/auth/permissions";
import { AppError, isAppError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { logError } from "@/lib/log";
import { MAX_CSV_BYTES } from "./upload-limits";

/**
 * A campaign file upload: the guards first, then the form with the file. Route handlers
 * get no cross-site check from Next (server actions do), so the origin is checked here,
 * before the cookie's member is resolved or a byte of the file is read.
 */
export async function readUpload(request: Request, action: Action) {
  assertSameOrigin(request.headers);
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_CSV_BYTES) {
    throw new AppError(
      "payload_too_large",
      "The file is larger than 50 MB; split it into several campaigns.",
    );
  }
  const organisationId = new URL(request.url).searchParams.get("organisationId");
  const member = await requireMember(action, organisationId);
  const form = await request.formData();
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) {
    throw new AppError("validation_failed", "Choose a CSV file.", {
      fieldErrors: [{ path: "file", message: "a CSV file is required" }],
    });
  }
  return { member, form, file };
}

/** Errors as JSON the upload form understands; unexpected errors say nothing internal. */
export function errorResponse(error: unknown): Response {
  // A signed-out caller is redirected to the sign-in page like everywhere else.
  unstable_rethrow(error);
  if (isAppError(error)) {
    return Response.json(
      {
        error: {
          code: error.code,
          message: error.message,
          fieldErrors: error.fieldErrors,
          ...error.meta,
        },
      },
      { status: error.status },
    );
  }
  logError("campaign upload failed", error);
  return Response.json(
    { error: { code: "internal_error", message: "Something went wrong; nothing was created." } },
    { status: 500 },
  );
}
