import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorSdkClients } from "../../bin/emulatorResources.js";
import { emulatorEnvironment } from "../../bin/localEmulators.js";
import type { PolicyStatement } from "../../handlers/lambda/permissions.js";
import { emulatorEndpoints } from "../support/emulators.js";
import { type RecordingProxy, startRecordingProxy } from "../support/recordingProxy.js";
import { type Authorization, authorizationsOf, withCustomerKeys } from "./awsAuthorizations.js";
import { csvPermissionScenarios } from "./csvPermissionScenarios.js";
import { actionMatches, grantsOf, isAllowed, resourceMatches } from "./iamPolicy.js";
import type { PermissionRig } from "./permissionRig.js";
import { queuePermissionScenarios } from "./queuePermissionScenarios.js";
import { rejectPermissionScenarios } from "./rejectPermissionScenarios.js";
import { streamPermissionScenarios } from "./streamPermissionScenarios.js";

/** moto's account (it appears in queue URLs); DynamoDB Local ignores accounts. */
const at = { region: "us-east-1", account: "123456789012" } as const;

interface ProxyPair {
  readonly dynamodb: RecordingProxy;
  readonly moto: RecordingProxy;
}

const startPair = async (): Promise<ProxyPair> => {
  const { dynamodb, moto } = emulatorEndpoints();
  return { dynamodb: await startRecordingProxy(dynamodb), moto: await startRecordingProxy(moto) };
};

const endpointsOf = (pair: ProxyPair) => ({
  dynamodb: pair.dynamodb.endpoint,
  moto: pair.moto.endpoint,
});

/** The authorizations of the calls recorded so far (each proxy read in order), then forgotten. */
const take = (pair: ProxyPair): ReadonlyArray<Authorization> => {
  const taken = [pair.dynamodb, pair.moto].flatMap((proxy) => authorizationsOf(proxy.calls, at));
  pair.dynamodb.clear();
  pair.moto.clear();
  return taken;
};

const denied = (statements: ReadonlyArray<PolicyStatement>, used: ReadonlyArray<Authorization>) => [
  ...new Set(
    used
      .filter(({ action, resource }) => !isAllowed(statements, action, resource))
      .map(({ operation, action, resource }) => `${operation} → ${action} on ${resource}`),
  ),
];

/** The granted (action, resource) pairs that no recorded authorization used. */
const unused = (statements: ReadonlyArray<PolicyStatement>, used: ReadonlyArray<Authorization>) =>
  grantsOf(statements)
    .filter(
      (grant) =>
        !used.some(
          (u) =>
            actionMatches(grant.action, u.action) && resourceMatches(grant.resource, u.resource),
        ),
    )
    .map(({ action }) => action);

const actionsOf = (used: ReadonlyArray<Authorization>) =>
  [...new Set(used.map(({ action }) => action))].sort();

describe("least privilege: each entry point's AWS calls on the emulators, against its exported statements", () => {
  let code: ProxyPair;
  let source: ProxyPair;
  let rig: PermissionRig;
  let previousVariables: string[] = [];

  beforeAll(async () => {
    code = await startPair();
    source = await startPair();
    rig = {
      at,
      keyArn: (name) => `arn:aws:kms:${at.region}:${at.account}:key/${name}`,
      setup: emulatorSdkClients(emulatorEndpoints()),
      source: emulatorSdkClients(endpointsOf(source)),
      environment: (variables) => {
        // A case's variables (VERSION_TABLE, REJECT_DESTINATION…) must not reach the next one.
        for (const name of previousVariables) delete process.env[name];
        previousVariables = Object.keys(variables);
        delete process.env.AWS_ENDPOINT_URL;
        Object.assign(process.env, emulatorEnvironment(endpointsOf(code)), variables);
      },
      queueUrl: (url, via) => {
        const rehosted = new URL(url);
        rehosted.host = new URL((via === "code" ? code : source).moto.endpoint).host;
        return rehosted.toString();
      },
    };
  });

  afterAll(async () => {
    for (const proxy of [code, source].flatMap((pair) => [pair.dynamodb, pair.moto]))
      await proxy.close();
  });

  const scenarios = [
    ...queuePermissionScenarios,
    ...csvPermissionScenarios,
    ...streamPermissionScenarios,
    ...rejectPermissionScenarios,
  ];
  for (const scenario of scenarios)
    it(`${scenario.name}: every call is granted, KMS included, and every function-code grant is used`, async () => {
      const c = await scenario.make(rig);
      take(code);
      take(source);
      // Every resource is encrypted with a customer managed key: each call also needs the KMS
      // actions AWS documents for it, on that resource's key.
      const keyed = (pair: ProxyPair) => withCustomerKeys(take(pair), c.keys);
      await c.main();
      const main = { code: keyed(code), eventSource: keyed(source) };
      await c.rare?.run();
      const rare = { code: keyed(code), eventSource: keyed(source) };
      const all = {
        code: [...main.code, ...rare.code],
        eventSource: [...main.eventSource, ...rare.eventSource],
      };

      // (a) Nothing the function code or the event source called is missing from the statements.
      expect(denied(c.permissions.functionCode, all.code)).toEqual([]);
      expect(denied(c.permissions.eventSource, all.eventSource)).toEqual([]);
      // What was called, and through which proxy: the code never reads its own trigger.
      expect({ code: actionsOf(all.code), eventSource: actionsOf(all.eventSource) }).toEqual(
        scenario.recorded,
      );
      // (b) Nothing is granted to the code that it never calls: the usual traffic uses every
      // grant but the documented rare ones, and the rare path uses those.
      expect(unused(c.permissions.functionCode, main.code)).toEqual(c.rare?.actions ?? []);
      expect(unused(c.permissions.functionCode, all.code)).toEqual([]);
    });
});
