export type { EmailContent } from "./content";
export { MAIL_CONTENT_RETENTION_HOURS, openEmail, purgeMailContent } from "./content";
export type { EmailRow, SendEmailInput, SendEmailResult } from "./send-email";
export { isEmailRecorded, sendEmail, sendEmails } from "./send-email";
