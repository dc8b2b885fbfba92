// Every write the tests made is in the audit log with its actor and time
// (issue 12).  Run by tests/run.sh after all other system tests and the
// browser tests, so it covers the writes of every test file, not only those
// that check their own.  The directory writes each audit row in the same
// transaction as the write it records, so the row's "at" is the write's own
// timestamp (PostgreSQL's now() is the transaction's start): every record
// the tests created or changed must have an audit row by a known actor at
// exactly that instant.  First it shows that it can fail: a user site
// inserted behind the directory's back must be found.
import test from 'node:test';
import assert from 'node:assert/strict';
import { psql } from '../lib.mjs';

// Since the first audit row: the demo data was loaded before any test ran.
const T0 = '(SELECT min(at) FROM audit_log)';
const ACTOR = "a.actor_role <> '' AND (a.actor_account IS NOT NULL OR a.actor_role IN ('anonymous', 'service', 'operator'))";

// Each check: the records the tests wrote, and those of them without their audit row.
const CHECKS = [
  {
    what: 'user sites created',
    all: `SELECT s.id, s.created_at FROM user_sites s WHERE s.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'user_site.create'
      AND a.target_id = r.id::text AND a.at = r.created_at AND a.actor_role = 'admin' AND a.actor_account IS NOT NULL)`,
  },
  {
    what: 'user sites changed',
    all: `SELECT s.id, s.updated_at FROM user_sites s WHERE s.updated_at > s.created_at AND s.updated_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'user_site.update'
      AND a.target_id = r.id::text AND a.at = r.updated_at AND a.actor_role = 'admin' AND a.actor_account IS NOT NULL)`,
  },
  {
    what: 'accounts created (invited, added as editors, or made at a first sign-in)',
    all: `SELECT c.id, c.created_at FROM accounts c WHERE c.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.at = r.created_at AND ${ACTOR}
      AND (a.target_id = r.id::text OR a.detail::text LIKE '%' || r.id::text || '%'))`,
  },
  {
    what: "editors' organisations granted",
    all: `SELECT o.account_id AS id, o.created_at FROM account_organizations o WHERE o.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.at = r.created_at AND ${ACTOR} AND a.actor_role IN ('admin', 'editor'))`,
  },
  {
    what: 'messages queued (sent by an admin, sign-in links, invitations, surveys)',
    all: `SELECT n.job_id AS id, n.created_at FROM notifications n WHERE n.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.at = r.created_at AND ${ACTOR} AND a.action IN ('message.send', 'login_link.requested', 'account.invite', 'editor.add',
      'registration.submit', 'registration.approve', 'registration.reject', 'review.round',
      'contact_request.send', 'contact_request.status', 'contact_request.withdraw', 'contact_request.round',
      'survey.send'))`,
  },
  {
    what: 'contact requests sent',
    all: `SELECT c.id, c.created_at FROM contact_requests c WHERE c.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'contact_request.send'
      AND a.target_id = r.id::text AND a.at = r.created_at AND a.actor_role = 'professional' AND a.actor_account IS NOT NULL)`,
  },
  {
    what: 'contact requests withdrawn (by link or stop word)',
    all: `SELECT c.id, e.created_at FROM contact_requests c JOIN contact_request_events e ON e.request_id = c.id
      AND e.kind = 'withdrawn' WHERE e.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'contact_request.withdraw'
      AND a.target_id = r.id::text AND a.at = r.created_at AND ${ACTOR})`,
  },
  {
    what: 'organisations proposed (registrations)',
    all: `SELECT o.id, o.created_at FROM organizations o WHERE o.terms_accepted_at IS NOT NULL AND o.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'registration.submit'
      AND a.target_id = r.id::text AND a.at = r.created_at AND ${ACTOR})`,
  },
  {
    what: 'registrations decided',
    all: `SELECT o.id, o.decided_at FROM organizations o WHERE o.decided_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action IN ('registration.approve', 'registration.reject')
      AND a.target_id = r.id::text AND a.at = r.decided_at AND a.actor_role = 'admin' AND a.actor_account IS NOT NULL)`,
  },
  {
    // Only the directory writes history, each save with its audit row (activity.*,
    // organization.update, taxonomy.*) on the same target in the same transaction.
    what: 'field changes kept in the history (activities, organisations, taxonomy terms)',
    all: `SELECT h.id, h.at, h.target_id FROM change_history h WHERE h.at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.at = r.at AND a.target_id = r.target_id AND ${ACTOR}
      AND a.action ~ '^(activity|organization|taxonomy)\\.')`,
  },
  {
    what: 'review stages the scheduler did',
    all: `SELECT e.activity_id AS id, e.at FROM review_events e WHERE e.at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.at = r.at AND a.action = 'review.round'
      AND a.actor_role = 'service')`,
  },
  {
    // A delivery report sets the provider's own time, not the transaction's: matched by job.
    what: 'SMS delivery reports applied',
    all: `SELECT n.job_id AS id FROM notifications n WHERE n.channel = 'sms' AND n.delivered_at IS NOT NULL AND n.created_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'delivery_report' AND a.target_id = r.id::text
      AND a.actor_role = 'service' AND a.actor_hint = 'sms_provider')`,
  },
  {
    what: 'sign-in links used',
    all: `SELECT encode(l.token_hash, 'hex') AS id, l.used_at FROM login_links l WHERE l.used_at >= ${T0}`,
    audited: `EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'signin' AND a.at = r.used_at AND a.actor_account IS NOT NULL)`,
  },
];

function check(c) {
  const n = Number(psql(`SELECT count(*) FROM (${c.all}) r`));
  const missing = psql(`SELECT r.id FROM (${c.all}) r WHERE NOT ${c.audited}`).split('\n').filter(Boolean);
  return { n, missing };
}

test('the check finds a write that has no audit row', () => {
  const id = psql(`INSERT INTO user_sites (name, county, email_domains)
    VALUES ('Kirjaamaton toimipiste', 'PS', ARRAY['kirjaamaton.example.org']) RETURNING id`).split('\n')[0];
  try {
    assert.ok(check(CHECKS[0]).missing.includes(id), 'a user site inserted without the directory is missing from the audit log');
  } finally {
    psql(`DELETE FROM user_sites WHERE id = '${id}'`);
  }
});

test('every write of every test is in the audit log, by its actor, at its time', () => {
  const lines = [];
  const bad = [];
  for (const c of CHECKS) {
    const { n, missing } = check(c);
    lines.push(`${c.what}: ${n}, without their audit row: ${missing.length}`);
    if (missing.length) bad.push(`${c.what}: ${missing.slice(0, 5).join(', ')}`);
    // Each kind of write happened in this run, so the check is not empty.
    assert.ok(n > 0, `the tests made no ${c.what}: the check would prove nothing`);
  }
  for (const l of lines) console.log(`report: ${l}`);
  assert.deepEqual(bad, [], 'writes without their audit row');
  const rows = Number(psql(`SELECT count(*) FROM audit_log WHERE at >= ${T0} AND (actor_role = '' OR at IS NULL)`));
  assert.equal(rows, 0, 'every audit row names its actor and time');
});
