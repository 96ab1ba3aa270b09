#!/usr/bin/env node
/**
 * Generates sandbox/models/aws-models.json: the parts of AWS's own service models (botocore's
 * service-2.json) that the sandbox validates requests against: for every operation it implements,
 * the input and output shapes and every shape they reach, with their constraints (required,
 * type, pattern, min/max, enum) and wire names, and nothing else (no documentation).
 *
 * The sandbox must not need Python at run time (it is the product's embedded default), so it reads
 * this generated file; the file is never edited by hand. `--check` regenerates it in memory and
 * exits 1 when it differs from the committed one (test/conformance/models.test.ts runs that).
 *
 *   node scripts/sandbox-models.mjs [--check] [--botocore DIR]
 * DIR defaults to the installed botocore's directory (python3 -c "import botocore; ...").
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The sandbox's name for each service, botocore's name, and the operations the sandbox implements. */
export const SERVICES = {
  cloudhsm: {
    botocore: 'cloudhsmv2',
    operations: [
      'CopyBackupToRegion',
      'CreateCluster',
      'CreateHsm',
      'DeleteBackup',
      'DeleteCluster',
      'DeleteHsm',
      'DeleteResourcePolicy',
      'DescribeBackups',
      'DescribeClusters',
      'GetResourcePolicy',
      'InitializeCluster',
      'ListTags',
      'ModifyBackupAttributes',
      'ModifyCluster',
      'PutResourcePolicy',
      'RestoreBackup',
      'TagResource',
      'UntagResource',
    ],
  },
  events: { botocore: 'events', operations: ['PutEvents'] },
  ec2: {
    botocore: 'ec2',
    operations: ['DescribeAvailabilityZones', 'DescribeSecurityGroups', 'DescribeSubnets'],
  },
  sts: { botocore: 'sts', operations: ['AssumeRole', 'GetCallerIdentity'] },
  kms: { botocore: 'kms', operations: ['DescribeCustomKeyStores'] },
  organizations: {
    botocore: 'organizations',
    operations: [
      'DescribeOrganization',
      'ListAccounts',
      'ListAccountsForParent',
      'ListChildren',
      'ListOrganizationalUnitsForParent',
      'ListRoots',
    ],
  },
};

const OUTPUT = new URL('../sandbox/models/aws-models.json', import.meta.url);
/** Shape keys kept: constraints and wire names. */
const SHAPE_KEYS = [
  'type',
  'required',
  'min',
  'max',
  'pattern',
  'enum',
  'timestampFormat',
  'flattened',
  'locationName',
];
const MEMBER_KEYS = ['shape', 'locationName', 'queryName', 'location', 'flattened', 'timestampFormat'];

function botocoreDir(args) {
  const given = args.indexOf('--botocore');
  if (given >= 0) return args[given + 1];
  const out = execFileSync(
    'python3',
    ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__));print(botocore.__version__)'],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  return out.trim().split('\n')[0];
}

function botocoreVersion(dir) {
  const init = readFileSync(join(dir, '__init__.py'), 'utf8');
  return /__version__ = '([^']+)'/.exec(init)?.[1] ?? 'unknown';
}

function loadModel(dir, service) {
  const base = join(dir, 'data', service);
  const version = readdirSync(base).sort().at(-1);
  const file = join(base, version, 'service-2.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  return JSON.parse(gunzipSync(readFileSync(`${file}.gz`)).toString('utf8'));
}

function pick(object, keys) {
  const out = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}

function compact(model, operations) {
  const shapes = {};
  const visit = (name) => {
    if (!name || shapes[name]) return;
    const shape = model.shapes[name];
    const kept = pick(shape, SHAPE_KEYS);
    shapes[name] = kept;
    if (shape.members) {
      kept.members = {};
      for (const [member, ref] of Object.entries(shape.members)) {
        kept.members[member] = pick(ref, MEMBER_KEYS);
        visit(ref.shape);
      }
    }
    for (const part of ['member', 'key', 'value']) {
      if (shape[part]) {
        kept[part] = pick(shape[part], MEMBER_KEYS);
        visit(shape[part].shape);
      }
    }
  };
  const ops = {};
  for (const name of operations) {
    const op = model.operations[name];
    if (!op) throw new Error(`${model.metadata.serviceId} has no operation ${name}`);
    ops[name] = pick(
      { input: op.input?.shape, output: op.output?.shape, resultWrapper: op.output?.resultWrapper },
      ['input', 'output', 'resultWrapper'],
    );
    visit(op.input?.shape);
    visit(op.output?.shape);
  }
  const sorted = Object.fromEntries(
    Object.keys(shapes)
      .sort()
      .map((k) => [k, shapes[k]]),
  );
  return {
    protocol: model.metadata.protocol,
    apiVersion: model.metadata.apiVersion,
    targetPrefix: model.metadata.targetPrefix,
    operations: ops,
    shapes: sorted,
  };
}

/** The generated data for the botocore in `dir`. */
export function generate(dir) {
  const services = {};
  for (const [name, spec] of Object.entries(SERVICES)) {
    services[name] = compact(loadModel(dir, spec.botocore), spec.operations);
  }
  return {
    generatedBy: 'scripts/sandbox-models.mjs from botocore (never edit by hand)',
    botocore: botocoreVersion(dir),
    services,
  };
}

function main(args) {
  const dir = botocoreDir(args);
  const data = generate(dir);
  if (args.includes('--check')) {
    const committed = JSON.parse(readFileSync(OUTPUT, 'utf8'));
    if (JSON.stringify(committed.services) !== JSON.stringify(data.services)) {
      console.error(
        `sandbox/models/aws-models.json differs from botocore ${data.botocore} (committed from ${committed.botocore}); run node scripts/sandbox-models.mjs`,
      );
      process.exit(1);
    }
    console.log(`sandbox/models/aws-models.json matches botocore ${data.botocore}`);
    return;
  }
  writeFileSync(OUTPUT, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`wrote sandbox/models/aws-models.json from botocore ${data.botocore}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
