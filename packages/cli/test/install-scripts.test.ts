import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm ci` warns about every dependency install script that package.json's
 * `allowScripts` neither approves nor denies (issue 23): a new dependency with a
 * script must be decided on, and the README says why for each.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };

describe('dependency install scripts', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, pkg]) => path.includes('node_modules/') && pkg.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('every one in package-lock.json is decided in allowScripts', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => !(name in (manifest.allowScripts ?? {})));
    expect(undecided).toEqual([]);
  });

  it('the README names each of them', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(Object.keys(manifest.allowScripts ?? {}).filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
