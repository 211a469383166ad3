/** The command that starts a sidecar for a folder, for the editor to run in a terminal. */

export interface StartCommand {
  /** The program to run (`npx`; `npx.cmd` on Windows, which has no shebangs). */
  command: string;
  args: string[];
  /** Run in the folder: `sidecar serve` serves its working directory. */
  cwd: string;
  /** The command line to show the user. */
  display: string;
}

export function startCommand(root: string, platform: string = process.platform): StartCommand {
  const args = ['sidecar', 'serve'];
  return {
    command: platform === 'win32' ? 'npx.cmd' : 'npx',
    args,
    cwd: root,
    display: `npx ${args.join(' ')}`,
  };
}
