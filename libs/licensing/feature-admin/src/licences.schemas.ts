import { z } from 'zod';
import { parseLicencePublicKey } from '@tws/licence-file';

/** What web-services reads to check licence files (docs/licences.md). */
export const licenceEnvSchema = z.object({
  /**
   * Ed25519 public key of whoever issues licence files: PEM or base64 DER SPKI. Unset: the
   * licences view works, loading a file is refused (503) saying to set it.
   */
  TWS_LICENCE_PUBLIC_KEY: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseLicencePublicKey(value);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    })
    .optional(),
});
export type LicenceEnv = z.output<typeof licenceEnvSchema>;

/** A licence file is a few hundred bytes; 64 KiB leaves room and refuses anything else early. */
export const loadLicenceSchema = z
  .object({
    /** The licence file's text, exactly as received. */
    content: z.string({ error: 'is required: the text of the licence file' }).min(1, 'must not be empty').max(65_536, 'at most 64 KiB'),
  })
  .strict();
export type LoadLicence = z.infer<typeof loadLicenceSchema>;
