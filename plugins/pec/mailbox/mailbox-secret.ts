import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { platformSecret } from '../../../server/secrets/platform-secret.js';

/** The platform secret the mailbox passwords are encrypted with (one per deployment). */
const SECRET_NAME = 'pec.mailbox-password';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A mailbox password as stored: AES-256-GCM under the deployment's secret, iv ‖ tag ‖
 * ciphertext, with the mailbox id as additional data so a cipher copied to another row does not
 * decrypt there.
 */
export async function encryptMailboxPassword(
  em: EntityManager,
  mailboxId: string,
  password: string,
): Promise<Buffer> {
  const key = await platformSecret(em, SECRET_NAME);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(mailboxId));
  const body = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The password of a mailbox (for the IMAP and SMTP clients only; never for the API). */
export async function decryptMailboxPassword(
  em: EntityManager,
  mailboxId: string,
  stored: Buffer,
): Promise<string> {
  const key = await platformSecret(em, SECRET_NAME);
  const decipher = createDecipheriv('aes-256-gcm', key, stored.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(mailboxId));
  decipher.setAuthTag(stored.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(stored.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}
