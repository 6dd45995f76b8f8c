import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * One process at a time in an embedded data folder: PGlite has no lock of its
 * own, and two processes writing the same folder corrupt it. The lock is a file
 * next to the folder holding the owner's pid; a lock whose process is gone is
 * taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir.replace(/\/+$/, '')}.lock`;
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number(readFileSync(file, 'utf8').trim());
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `the embedded database in ${dataDir} is in use by process ${owner} (another "passerelle start" or "seed"?): ` +
          `stop it first, or use another folder (PASSERELLE__database__embeddedDataDir=...). If process ${owner} is not Passerelle, delete ${file}.`,
      );
    }
    writeFileSync(file, String(process.pid));
  }
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
