// The project folders the user asked KeyBridge to manage: their `.cursor/mcp.json` and
// `.vscode/mcp.json` are listed, scanned and watched, and the list is kept between runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { UserError } from '../../src-shared/user-error';
import { isFolder } from './config-access';
import { clientRefSchema, PROJECT_CLIENT_IDS, USER_CLIENT_IDS, type ClientRef } from './registry';

const projectsFileSchema = z.array(z.string().min(1));

export class ProjectFolders {
  private readonly dirs = new Set<string>();

  /** `initial`: folders given by the caller; `file`: where the folders added are kept (a JSON
   * list), read now if it is there. */
  constructor(
    initial: string[],
    private readonly file: string | undefined,
  ) {
    for (const dir of initial) this.dirs.add(path.resolve(dir));
    if (!file) return;
    try {
      const saved = projectsFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (saved.success) for (const dir of saved.data) this.dirs.add(path.resolve(dir));
    } catch {
      // none saved yet (or unreadable: start without them)
    }
  }

  /** The folders, in the order they were added. */
  list(): string[] {
    return [...this.dirs];
  }

  /** Every client KeyBridge knows, global ones first, then each folder's workspace configs. */
  refs(): ClientRef[] {
    const projects = this.list().flatMap((projectDir) => PROJECT_CLIENT_IDS.map((id) => ({ id, projectDir })));
    return [...USER_CLIENT_IDS.map((id) => ({ id })), ...projects];
  }

  /** Adds a folder (it must exist) and saves the list; answers its clients. */
  async add(projectDir: string): Promise<ClientRef[]> {
    const dir = path.resolve(projectDir);
    if (!(await isFolder(dir))) throw new UserError(`${dir} is not a folder on this computer.`);
    this.dirs.add(dir);
    await this.save();
    return PROJECT_CLIENT_IDS.map((id) => clientRefSchema.parse({ id, projectDir: dir }));
  }

  /** Removes a folder and saves the list; answers the clients it had. */
  async remove(projectDir: string): Promise<ClientRef[]> {
    const dir = path.resolve(projectDir);
    this.dirs.delete(dir);
    await this.save();
    return PROJECT_CLIENT_IDS.map((id) => ({ id, projectDir: dir }));
  }

  private async save(): Promise<void> {
    if (!this.file) return;
    await writeFileAtomic(this.file, `${JSON.stringify(this.list(), null, 2)}\n`, { mode: 0o600 });
  }
}
