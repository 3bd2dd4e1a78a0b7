export type { EmailRow, SendEmailInput, SendEmailResult } from "./send-email";
export { sendEmail, sendEmails } from "./send-email";
