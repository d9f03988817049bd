// An electron-builder afterPack hook for test/shell/package.test.ts: runs the deb and rpm
// targets' own metadata checks (app-builder-lib's FpmTarget.checkOptions — homepage, maintainer)
// against the packager that just packed the app, without fpm (which electron-builder would
// fetch from GitHub). Writes what they answered to $KEYBRIDGE_PACKAGE_METADATA.
import { writeFile } from 'node:fs/promises';
import fpmTarget from 'app-builder-lib/out/targets/FpmTarget.js';
import linuxTargetHelper from 'app-builder-lib/out/targets/LinuxTargetHelper.js';

export default async function packageMetadata(context) {
  const out = process.env.KEYBRIDGE_PACKAGE_METADATA;
  if (!out) return;
  const FpmTarget = fpmTarget.default;
  const helper = new linuxTargetHelper.LinuxTargetHelper(context.packager);
  const results = {};
  for (const name of ['deb', 'rpm']) {
    const target = new FpmTarget(name, context.packager, helper, context.outDir);
    try {
      const meta = await target.checkOptions();
      results[name] = { ok: true, ...meta, description: helper.getDescription(target.options), synopsis: target.options.synopsis ?? null };
    } catch (error) {
      results[name] = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
  await writeFile(out, JSON.stringify(results, null, 2));
}
