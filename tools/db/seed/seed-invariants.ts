/**
 * Rules every seeded row must satisfy, as SQL that counts the rows breaking them (0 = holds).
 * The integration test runs them; they work on any marketplace database, so they can also
 * check a benchmark set: `SELECT (<sql>) AS violations`. Rules about "now" use the session
 * variable @seeded_at (set it to the seed's `now`; unset means the current time), since an
 * open request seeded a minute before its expiry is legitimately overdue a minute later.
 */
import { DEFAULT_REQUEST_TTL_DAYS, MAX_QUOTE_VALIDITY_DAYS } from '@chucar/domain';
import { DISCOUNT_BAND } from './generate-requests.ts';

export type SeedInvariant = { rule: string; sql: string };

export const SEED_INVARIANTS: readonly SeedInvariant[] = [
  {
    rule: 'an accepted request has exactly one accepted quote, the one it names',
    sql: `SELECT COUNT(*) FROM quote_requests r
      WHERE r.status = 'accepted' AND (r.accepted_quote_id IS NULL
        OR (SELECT COUNT(*) FROM quotes q WHERE q.request_id = r.id AND q.status = 'accepted') <> 1
        OR NOT EXISTS (SELECT 1 FROM quotes q WHERE q.id = r.accepted_quote_id AND q.request_id = r.id AND q.status = 'accepted'))`,
  },
  {
    rule: 'only accepted requests have an accepted quote or an accepted_quote_id',
    sql: `SELECT COUNT(*) FROM quote_requests r
      WHERE r.status <> 'accepted' AND (r.accepted_quote_id IS NOT NULL
        OR EXISTS (SELECT 1 FROM quotes q WHERE q.request_id = r.id AND q.status = 'accepted'))`,
  },
  {
    rule: 'a closed request (accepted, cancelled, expired) has no active quote and a closed_at',
    sql: `SELECT COUNT(*) FROM quote_requests r
      WHERE r.status <> 'open' AND (r.closed_at IS NULL
        OR EXISTS (SELECT 1 FROM quotes q WHERE q.request_id = r.id AND q.status = 'active'))`,
  },
  {
    rule: 'an open request has not passed expires_at and has no closed quotes',
    sql: `SELECT COUNT(*) FROM quote_requests r
      WHERE r.status = 'open' AND (r.expires_at <= COALESCE(@seeded_at, UTC_TIMESTAMP(3)) OR r.closed_at IS NOT NULL
        OR EXISTS (SELECT 1 FROM quotes q WHERE q.request_id = r.id AND q.status IN ('closed', 'accepted')))`,
  },
  {
    rule: 'every quote comes from an active dealer serving the request region',
    sql: `SELECT COUNT(*) FROM quotes q
      JOIN quote_requests r ON r.id = q.request_id
      JOIN accounts d ON d.id = q.dealer_id
      WHERE d.role <> 'dealer' OR d.status <> 'active'
        OR NOT EXISTS (SELECT 1 FROM dealer_regions dr WHERE dr.dealer_id = q.dealer_id AND dr.region = r.region)`,
  },
  {
    rule: 'a quote was submitted while its request was open, after the dealer was approved',
    sql: `SELECT COUNT(*) FROM quotes q
      JOIN quote_requests r ON r.id = q.request_id
      JOIN dealer_profiles p ON p.account_id = q.dealer_id
      WHERE q.created_at <= r.created_at OR q.created_at >= r.expires_at
        OR (r.closed_at IS NOT NULL AND q.created_at >= r.closed_at)
        OR p.reviewed_at IS NULL OR q.created_at < p.reviewed_at
        OR q.updated_at < q.created_at`,
  },
  {
    rule: 'price plus discount is the list price, the discount 1-12 % of it',
    sql: `SELECT COUNT(*) FROM quotes q JOIN quote_requests r ON r.id = q.request_id
      WHERE q.price_krw + q.discount_krw <> r.list_price_krw
        OR q.discount_krw < r.list_price_krw * ${DISCOUNT_BAND.min} OR q.discount_krw > r.list_price_krw * ${DISCOUNT_BAND.max}`,
  },
  {
    rule: `a revision is valid after it was made, for at most ${MAX_QUOTE_VALIDITY_DAYS} days, and priced within the band`,
    sql: `SELECT COUNT(*) FROM quote_revisions v JOIN quotes q ON q.id = v.quote_id JOIN quote_requests r ON r.id = q.request_id
      WHERE v.valid_until <= v.created_at OR v.valid_until > v.created_at + INTERVAL ${MAX_QUOTE_VALIDITY_DAYS} DAY
        OR v.price_krw + v.discount_krw <> r.list_price_krw
        OR v.discount_krw < r.list_price_krw * ${DISCOUNT_BAND.min} OR v.discount_krw > r.list_price_krw * ${DISCOUNT_BAND.max}`,
  },
  {
    rule: 'a quote has revisions 1..revision, the last one matching its current terms',
    sql: `SELECT COUNT(*) FROM quotes q
      WHERE (SELECT COUNT(*) FROM quote_revisions v WHERE v.quote_id = q.id) <> q.revision
        OR NOT EXISTS (SELECT 1 FROM quote_revisions v WHERE v.quote_id = q.id AND v.revision = q.revision
          AND v.price_krw = q.price_krw AND v.valid_until = q.valid_until AND v.conditions = q.conditions)`,
  },
  {
    rule: 'an accepted quote was still valid when accepted',
    sql: `SELECT COUNT(*) FROM quote_requests r JOIN quotes q ON q.id = r.accepted_quote_id
      WHERE q.valid_until <= r.closed_at OR q.created_at >= r.closed_at`,
  },
  {
    rule: 'the list price is the trim price plus the chosen options, all of that trim',
    sql: `SELECT COUNT(*) FROM quote_requests r JOIN trims t ON t.id = r.trim_id JOIN models m ON m.id = t.model_id
      WHERE r.model_id <> t.model_id OR r.maker_id <> m.maker_id
        OR r.list_price_krw <> t.list_price_krw + COALESCE((SELECT SUM(o.price_krw) FROM quote_request_options o WHERE o.request_id = r.id), 0)
        OR EXISTS (SELECT 1 FROM quote_request_options o WHERE o.request_id = r.id
          AND NOT EXISTS (SELECT 1 FROM trim_options x WHERE x.trim_id = r.trim_id AND x.code = o.option_code AND x.price_krw = o.price_krw))`,
  },
  {
    rule: `requests belong to customers who had signed up, expire after ${DEFAULT_REQUEST_TTL_DAYS} days, close after they open`,
    sql: `SELECT COUNT(*) FROM quote_requests r JOIN accounts c ON c.id = r.customer_id
      WHERE c.role <> 'customer' OR c.created_at > r.created_at
        OR r.expires_at <> r.created_at + INTERVAL ${DEFAULT_REQUEST_TTL_DAYS} DAY
        OR (r.closed_at IS NOT NULL AND (r.closed_at < r.created_at OR r.updated_at <> r.closed_at))
        OR (r.status IN ('accepted', 'cancelled') AND r.closed_at >= r.expires_at)
        OR (r.status = 'expired' AND r.closed_at < r.expires_at)
        OR r.created_at > COALESCE(@seeded_at, UTC_TIMESTAMP(3)) OR r.created_at < COALESCE(@seeded_at, UTC_TIMESTAMP(3)) - INTERVAL 365 DAY`,
  },
  {
    rule: 'every attachment names a media of the request\'s customer that is neither deleted nor failed',
    sql: `SELECT COUNT(*) FROM quote_request_attachments a JOIN quote_requests r ON r.id = a.request_id
      WHERE NOT EXISTS (SELECT 1 FROM media m WHERE m.id = a.media_id AND m.owner_id = r.customer_id
        AND m.status NOT IN ('deleted', 'failed'))`,
  },
  {
    rule: 'e-mails are normalized (trimmed, lower-case); every dealer has a profile and a region',
    sql: `SELECT COUNT(*) FROM accounts a
      WHERE BINARY a.email <> BINARY LOWER(TRIM(a.email))
        OR (a.role = 'dealer' AND (NOT EXISTS (SELECT 1 FROM dealer_profiles p WHERE p.account_id = a.id)
          OR NOT EXISTS (SELECT 1 FROM dealer_regions dr WHERE dr.dealer_id = a.id)))`,
  },
];
