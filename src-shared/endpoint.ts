// How a profile reaches its vendor: the one auth header's style and the user's network
// settings (proxy, no-proxy list, extra CA certificates).
import { z } from 'zod';

export const authStyleSchema = z.enum(['x-api-key', 'bearer']);
export type AuthStyle = z.infer<typeof authStyleSchema>;

export const networkSettingsSchema = z.object({
  proxy: z.string().optional(),
  noProxy: z.string().optional(),
  extraCaCerts: z.string().optional(),
});
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;
