/** The one spelling of an e-mail address the platform stores and looks up (trimmed, lower case). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
