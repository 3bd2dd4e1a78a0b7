import { describe, expect, it } from "vitest";
import { sendEmail } from "./send-email";

// Neither SMTP_URL nor DEV_MAILBOX in this file: nobody could ever read the content.
process.env.DEV_MAILBOX = "0";

describe("sendEmail with the dev mailbox off and no SMTP", () => {
  it("records test-mode mail as metadata only", async () => {
    const { outcome, email } = await sendEmail({
      idempotencyKey: "invite:po_off:cl_off",
      to: "ada@example.com",
      subject: "You have a payment",
      text: "https://app.example/c/secret-token-456",
      kind: "invite",
      mode: "test",
      organisationId: "org_test",
    });
    expect(outcome).toBe("stored");
    expect(email).toMatchObject({
      content: null,
      mailboxGrant: null,
      subject: "You have a payment",
    });
    expect(JSON.stringify(email)).not.toContain("secret-token-456");
  });
});
