import nodemailer from "nodemailer";
import { config } from "@/lib/config";

type SmtpTransport = ReturnType<typeof createSmtpTransport>;

function createSmtpTransport(url: string) {
  // Pooled: a campaign's invites go out over a few reused connections, not one per mail.
  return nodemailer.createTransport({ url, pool: true, maxConnections: 4 });
}

let cached: { url: string; transport: SmtpTransport } | undefined;

/** The SMTP transport for `SMTP_URL`, or null when mail is not configured to leave the machine. */
export function smtpTransport(): SmtpTransport | null {
  const url = config().SMTP_URL;
  if (!url) return null;
  if (cached?.url !== url) {
    cached?.transport.close();
    cached = { url, transport: createSmtpTransport(url) };
  }
  return cached.transport;
}
