/**
 * Parses `git status --porcelain=v2 --branch -z`: the stable, machine-readable status format
 * (see git-status(1), "Porcelain Format Version 2"). Paths are relative to the repository's top
 * level, exactly as git prints them; `-z` means no quoting and NUL after every record.
 */

export interface PorcelainStatus {
  /** HEAD's commit, or null on an unborn branch (`(initial)`). */
  oid: string | null;
  /** The checked-out branch, or null when HEAD is detached. */
  branch: string | null;
  upstream: string | null;
  ahead: number;
  behind: number;
  /** Changed in the index (X of XY is not `.`), renames included under their new path. */
  staged: string[];
  /** Changed in the working tree against the index (Y of XY is not `.`). */
  modified: string[];
  untracked: string[];
  /** Unmerged paths (`u` records). */
  conflicted: string[];
  /** Renames and copies recorded in the index. */
  renamed: { from: string; to: string }[];
}

export class PorcelainParseError extends Error {
  constructor(message: string) {
    super(`unexpected git status output: ${message}`);
    this.name = 'PorcelainParseError';
  }
}

/** Fields before the path in each record type: `1 XY sub mH mI mW hH hI path`, and so on. */
const FIELDS_BEFORE_PATH = { '1': 8, '2': 9, u: 10 } as const;

export function parsePorcelainV2(output: string): PorcelainStatus {
  const status: PorcelainStatus = {
    oid: null,
    branch: null,
    upstream: null,
    ahead: 0,
    behind: 0,
    staged: [],
    modified: [],
    untracked: [],
    conflicted: [],
    renamed: [],
  };
  const records = output.split('\0');
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    if (record === '') continue;
    const kind = record[0]!;
    if (kind === '#') {
      parseHeader(record, status);
    } else if (kind === '?') {
      status.untracked.push(record.slice(2));
    } else if (kind === '!') {
      // Ignored files are only listed with --ignored, which we do not ask for.
    } else if (kind === '1' || kind === '2' || kind === 'u') {
      const path = fieldsFrom(record, FIELDS_BEFORE_PATH[kind]);
      const xy = record.slice(2, 4);
      if (kind === 'u') {
        status.conflicted.push(path);
        continue;
      }
      if (xy[0] !== '.') status.staged.push(path);
      if (xy[1] !== '.') status.modified.push(path);
      if (kind === '2') {
        // With -z the original path is the next record.
        const from = records[++index];
        if (from === undefined) throw new PorcelainParseError(`rename of ${path} has no source`);
        if (xy[0] === 'R' || xy[0] === 'C') status.renamed.push({ from, to: path });
      }
    } else {
      throw new PorcelainParseError(`unknown record "${record.slice(0, 40)}"`);
    }
  }
  return status;
}

function parseHeader(record: string, status: PorcelainStatus): void {
  const [key, ...rest] = record.slice(2).split(' ');
  const value = rest.join(' ');
  switch (key) {
    case 'branch.oid':
      status.oid = value === '(initial)' ? null : value;
      break;
    case 'branch.head':
      status.branch = value === '(detached)' ? null : value;
      break;
    case 'branch.upstream':
      status.upstream = value;
      break;
    case 'branch.ab': {
      const match = /^\+(\d+) -(\d+)$/.exec(value);
      if (!match) throw new PorcelainParseError(`bad ahead/behind "${value}"`);
      status.ahead = Number(match[1]);
      status.behind = Number(match[2]);
      break;
    }
    default:
      // Other headers (e.g. `# stash`) are not part of the status we report.
      break;
  }
}

/** What follows the first `count` space-separated fields: the path, which may hold spaces. */
function fieldsFrom(record: string, count: number): string {
  let position = 0;
  for (let field = 0; field < count; field++) {
    position = record.indexOf(' ', position);
    if (position === -1) throw new PorcelainParseError(`short record "${record.slice(0, 40)}"`);
    position++;
  }
  return record.slice(position);
}
