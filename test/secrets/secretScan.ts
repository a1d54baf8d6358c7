/**
 * Finds AWS credentials written into files: access key ids (`AKIA…`, `ASIA…`), secret access keys
 * and session tokens assigned literally (`aws_secret_access_key = …`, `secretAccessKey: "…"`),
 * 40-character secrets next to the word "secret", private keys, and credential files. The
 * emulators' dummy credentials (`"test"`) and values read from elsewhere
 * (`process.env.AWS_SECRET_ACCESS_KEY`, `${{ secrets.X }}`) are not findings. Findings show only
 * the first characters of what they found, so a failing test does not print the secret again.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";

/**
 * One suspected credential.
 * @example ({ path: "config/dev.ini", line: 3, kind: "access key id", excerpt: "AKIA…" })
 */
export interface CredentialFinding {
  readonly path: string;
  readonly line: number;
  readonly kind: string;
  readonly excerpt: string;
}

/** The emulators' dummy credentials. */
const DUMMY = new Set(["test"]);
const LITERAL = /^[A-Za-z0-9/+=]{16,}$/;

const RULES: ReadonlyArray<{
  readonly kind: string;
  readonly pattern: RegExp;
  /** The suspicious value of a match, or undefined when the match is harmless. */
  readonly value: (match: RegExpExecArray) => string | undefined;
}> = [
  {
    kind: "access key id",
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g,
    value: (m) => m[0],
  },
  ...["secret_?access_?key", "session_?token", "security_?token"].map((name) => ({
    kind: `${name.replace(/_\?/g, " ")} assignment`,
    pattern: new RegExp(`${name}["']?\\s*[:=]\\s*(["'\`]?)([^"'\`\\s,;)}]*)\\1`, "gi"),
    value: (m: RegExpExecArray) => {
      const [, quote, text = ""] = m;
      if (DUMMY.has(text)) return undefined;
      // A quoted value of some length, or a bare one that looks like a key (not an expression).
      return (quote !== "" && text.length >= 8) || LITERAL.test(text) ? text : undefined;
    },
  })),
  {
    kind: "40-character secret next to 'secret'",
    pattern: /secret[^\n]{0,40}?(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    // AWS secrets are random: upper case, lower case and digits (hex digests are not).
    value: (m) => {
      const text = m[1] ?? "";
      return /[A-Z]/.test(text) && /[a-z]/.test(text) && /\d/.test(text) ? text : undefined;
    },
  },
  {
    kind: "private key",
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/g,
    value: (m) => m[0],
  },
];

const CREDENTIAL_FILES =
  /^(?:\.env(?:\.(?!example$|sample$)[\w.-]+)?|credentials|.*\.pem|.*\.p12|id_rsa)$/;

/**
 * The credentials a file's text holds (a credential file is one finding by its name alone).
 * @example findCredentials(readFileSync(".ci/run", "utf8"), ".ci/run") // []
 */
export const findCredentials = (text: string, path: string): ReadonlyArray<CredentialFinding> => {
  const findings: CredentialFinding[] = [];
  if (CREDENTIAL_FILES.test(basename(path)))
    findings.push({ path, line: 1, kind: "credential file", excerpt: basename(path) });
  for (const rule of RULES)
    for (const match of text.matchAll(rule.pattern)) {
      const value = rule.value(match);
      if (value === undefined) continue;
      const line = text.slice(0, match.index).split("\n").length;
      findings.push({ path, line, kind: rule.kind, excerpt: `${value.slice(0, 4)}…` });
    }
  return findings;
};

const walk = (root: string, dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory())
      return ["node_modules", ".git", "dist", "coverage"].includes(entry.name)
        ? []
        : walk(root, path);
    return entry.isFile() ? [path] : [];
  });

/**
 * The repository's files as git would commit them (tracked, plus new files not ignored), or
 * every file outside node_modules/.git/dist/coverage when git is not there.
 * @example repositoryFiles(process.cwd()).includes("package.json") // true
 */
export const repositoryFiles = (root: string): ReadonlyArray<string> => {
  try {
    const listed = execFileSync(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    return [...new Set(listed.split("\0"))].filter(
      (path) => path !== "" && existsSync(join(root, path)),
    );
  } catch {
    return walk(root, "").map((path) => relative(root, join(root, path)));
  }
};

/**
 * Scans every repository file (binary files and files over 5 MB skipped).
 * @example expect(scanRepository(process.cwd())).toEqual([])
 */
export const scanRepository = (root: string): ReadonlyArray<CredentialFinding> =>
  repositoryFiles(root).flatMap((path) => {
    const full = join(root, path);
    if (!statSync(full).isFile() || statSync(full).size > 5_000_000)
      return findCredentials("", path);
    const bytes = readFileSync(full);
    return findCredentials(bytes.includes(0) ? "" : bytes.toString("utf8"), path);
  });
