import { describe, expect, it } from "vitest";
import { findCredentials, repositoryFiles, scanRepository } from "./secretScan.js";

// Samples are assembled at run time, so this file holds no credential-shaped text itself.
const upper = "QWERTYUIOPASDFGH";
const keyId = ["AKIA", upper].join("");
const secret = ["wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYzEXAMPLEKEY", "12345678"]
  .join("/")
  .slice(0, 40);
const kindsIn = (text: string, path = "x.ts") => findCredentials(text, path).map((f) => f.kind);

describe("no credentials in the repository", () => {
  it("the scanner finds each kind of credential, without printing it", () => {
    expect(kindsIn(`const id = "${keyId}";`)).toEqual(["access key id"]);
    expect(kindsIn(`aws_secret_access_key = ${secret}`, "config.ini")).toEqual([
      "secret access key assignment",
      "40-character secret next to 'secret'",
    ]);
    expect(kindsIn(`{ secretAccessKey: "${secret.slice(0, 20)}" }`)).toEqual([
      "secret access key assignment",
    ]);
    expect(kindsIn(`AWS_SESSION_TOKEN: '${secret}${secret}'`)).toEqual([
      "session token assignment",
    ]);
    expect(kindsIn(`my secret is ${secret}`)).toEqual(["40-character secret next to 'secret'"]);
    expect(kindsIn(["-----BEGIN RSA ", "PRIVATE KEY-----"].join(""))).toEqual(["private key"]);
    expect(kindsIn("", "deploy/.env")).toEqual(["credential file"]);
    expect(findCredentials(`id=${keyId}`, "a.txt")[0]).toEqual({
      path: "a.txt",
      line: 1,
      kind: "access key id",
      excerpt: "AKIA…",
    });
  });

  it("the scanner leaves the emulators' dummy credentials and values read from elsewhere alone", () => {
    expect(kindsIn('credentials: { accessKeyId: "test", secretAccessKey: "test" }')).toEqual([]);
    expect(kindsIn('AWS_SECRET_ACCESS_KEY: "test",')).toEqual([]);
    expect(kindsIn("secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY")).toEqual([]);
    expect(
      kindsIn(["aws_secret_access_key: $", "{{ secrets.AWS_SECRET }}"].join(""), "ci.yml"),
    ).toEqual([]);
    // A git commit id (hex, one case) next to the word "secret" is not a key.
    expect(kindsIn(`secret rotated in ${"0123456789abcdef".repeat(3).slice(0, 40)}`)).toEqual([]);
    expect(kindsIn("", ".env.example")).toEqual([]);
  });

  it("no file git would commit holds a credential", () => {
    const files = repositoryFiles(process.cwd());
    expect(files).toContain("package.json");
    expect(files).toContain("test/secrets/noCredentials.test.ts");
    expect(files.some((path) => path.startsWith("node_modules/"))).toBe(false);
    expect(scanRepository(process.cwd())).toEqual([]);
  });
});
