import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

/**
 * The marketplace schema: catalog, accounts, refresh tokens, quote requests, quotes.
 * Plain DDL keeps the MariaDB specifics (unsigned ids, DATETIME(3), charset) visible.
 * Index columns end in (created_at, id) wherever a list pages by that cursor.
 */
const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

const CREATE_STATEMENTS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS makers (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    code VARCHAR(40) NOT NULL,
    name VARCHAR(80) NOT NULL,
    name_ko VARCHAR(80) NOT NULL,
    country_code CHAR(2) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_makers_code (code)
  )`,
  `CREATE TABLE IF NOT EXISTS models (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    maker_id BIGINT UNSIGNED NOT NULL,
    code VARCHAR(60) NOT NULL,
    name VARCHAR(80) NOT NULL,
    name_ko VARCHAR(80) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_models_maker_code (maker_id, code),
    CONSTRAINT fk_models_maker FOREIGN KEY (maker_id) REFERENCES makers (id)
  )`,
  `CREATE TABLE IF NOT EXISTS trims (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    model_id BIGINT UNSIGNED NOT NULL,
    code VARCHAR(60) NOT NULL,
    name VARCHAR(120) NOT NULL,
    model_year SMALLINT UNSIGNED NOT NULL,
    fuel_type VARCHAR(16) NOT NULL,
    body_type VARCHAR(16) NOT NULL,
    list_price_krw BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_trims_model_code (model_id, code),
    KEY ix_trims_fuel_type (fuel_type),
    KEY ix_trims_body_type (body_type),
    CONSTRAINT fk_trims_model FOREIGN KEY (model_id) REFERENCES models (id)
  )`,
  `CREATE TABLE IF NOT EXISTS trim_options (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    trim_id BIGINT UNSIGNED NOT NULL,
    code VARCHAR(40) NOT NULL,
    name VARCHAR(120) NOT NULL,
    price_krw BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_trim_options_trim_code (trim_id, code),
    CONSTRAINT fk_trim_options_trim FOREIGN KEY (trim_id) REFERENCES trims (id)
  )`,
  `CREATE TABLE IF NOT EXISTS accounts (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email VARCHAR(254) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(16) NOT NULL,
    status VARCHAR(20) NOT NULL,
    display_name VARCHAR(100) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_accounts_email (email),
    KEY ix_accounts_role_status_created (role, status, created_at, id),
    KEY ix_accounts_role_created (role, created_at, id)
  )`,
  `CREATE TABLE IF NOT EXISTS dealer_profiles (
    account_id BIGINT UNSIGNED NOT NULL,
    dealership_name VARCHAR(120) NOT NULL,
    reviewed_by BIGINT UNSIGNED NULL,
    reviewed_at DATETIME(3) NULL,
    PRIMARY KEY (account_id),
    CONSTRAINT fk_dealer_profiles_account FOREIGN KEY (account_id) REFERENCES accounts (id)
  )`,
  `CREATE TABLE IF NOT EXISTS dealer_regions (
    dealer_id BIGINT UNSIGNED NOT NULL,
    region VARCHAR(16) NOT NULL,
    PRIMARY KEY (dealer_id, region),
    KEY ix_dealer_regions_region (region, dealer_id),
    CONSTRAINT fk_dealer_regions_dealer FOREIGN KEY (dealer_id) REFERENCES accounts (id)
  )`,
  `CREATE TABLE IF NOT EXISTS refresh_tokens (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    account_id BIGINT UNSIGNED NOT NULL,
    family_id CHAR(36) NOT NULL,
    token_hash CHAR(64) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    expires_at DATETIME(3) NOT NULL,
    rotated_at DATETIME(3) NULL,
    revoked_at DATETIME(3) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_refresh_tokens_hash (token_hash),
    KEY ix_refresh_tokens_family (family_id),
    KEY ix_refresh_tokens_account (account_id),
    CONSTRAINT fk_refresh_tokens_account FOREIGN KEY (account_id) REFERENCES accounts (id)
  )`,
  `CREATE TABLE IF NOT EXISTS quote_requests (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    customer_id BIGINT UNSIGNED NOT NULL,
    maker_id BIGINT UNSIGNED NOT NULL,
    model_id BIGINT UNSIGNED NOT NULL,
    trim_id BIGINT UNSIGNED NOT NULL,
    region VARCHAR(16) NOT NULL,
    purchase_timing VARCHAR(20) NOT NULL,
    payment_method VARCHAR(16) NOT NULL,
    note VARCHAR(1000) NULL,
    list_price_krw BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    expires_at DATETIME(3) NOT NULL,
    accepted_quote_id BIGINT UNSIGNED NULL,
    closed_at DATETIME(3) NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    KEY ix_quote_requests_created (created_at, id),
    KEY ix_quote_requests_customer_created (customer_id, created_at, id),
    KEY ix_quote_requests_region_status_created (region, status, created_at, id),
    KEY ix_quote_requests_status_created (status, created_at, id),
    KEY ix_quote_requests_status_expires (status, expires_at),
    KEY ix_quote_requests_maker_created (maker_id, created_at, id),
    KEY ix_quote_requests_model_created (model_id, created_at, id),
    KEY ix_quote_requests_trim_created (trim_id, created_at, id),
    CONSTRAINT fk_quote_requests_customer FOREIGN KEY (customer_id) REFERENCES accounts (id),
    CONSTRAINT fk_quote_requests_trim FOREIGN KEY (trim_id) REFERENCES trims (id)
  )`,
  `CREATE TABLE IF NOT EXISTS quote_request_options (
    request_id BIGINT UNSIGNED NOT NULL,
    option_code VARCHAR(40) NOT NULL,
    option_name VARCHAR(120) NOT NULL,
    price_krw BIGINT NOT NULL,
    PRIMARY KEY (request_id, option_code),
    CONSTRAINT fk_quote_request_options_request FOREIGN KEY (request_id) REFERENCES quote_requests (id)
  )`,
  `CREATE TABLE IF NOT EXISTS quote_request_attachments (
    request_id BIGINT UNSIGNED NOT NULL,
    position TINYINT UNSIGNED NOT NULL,
    media_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (request_id, position),
    CONSTRAINT fk_quote_request_attachments_request FOREIGN KEY (request_id) REFERENCES quote_requests (id)
  )`,
  `CREATE TABLE IF NOT EXISTS quotes (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    request_id BIGINT UNSIGNED NOT NULL,
    dealer_id BIGINT UNSIGNED NOT NULL,
    price_krw BIGINT NOT NULL,
    discount_krw BIGINT NOT NULL,
    conditions VARCHAR(2000) NOT NULL,
    valid_until DATETIME(3) NOT NULL,
    status VARCHAR(16) NOT NULL,
    revision INT UNSIGNED NOT NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_quotes_request_dealer (request_id, dealer_id),
    KEY ix_quotes_request_created (request_id, created_at, id),
    KEY ix_quotes_dealer_created (dealer_id, created_at, id),
    KEY ix_quotes_dealer_status_created (dealer_id, status, created_at, id),
    CONSTRAINT fk_quotes_request FOREIGN KEY (request_id) REFERENCES quote_requests (id),
    CONSTRAINT fk_quotes_dealer FOREIGN KEY (dealer_id) REFERENCES accounts (id)
  )`,
  `CREATE TABLE IF NOT EXISTS quote_revisions (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    quote_id BIGINT UNSIGNED NOT NULL,
    revision INT UNSIGNED NOT NULL,
    price_krw BIGINT NOT NULL,
    discount_krw BIGINT NOT NULL,
    conditions VARCHAR(2000) NOT NULL,
    valid_until DATETIME(3) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_quote_revisions_quote_revision (quote_id, revision),
    CONSTRAINT fk_quote_revisions_quote FOREIGN KEY (quote_id) REFERENCES quotes (id)
  )`,
];

/** Reverse dependency order, so foreign keys never block a drop. */
const TABLES_TO_DROP: readonly string[] = [
  'quote_revisions',
  'quotes',
  'quote_request_attachments',
  'quote_request_options',
  'quote_requests',
  'refresh_tokens',
  'dealer_regions',
  'dealer_profiles',
  'accounts',
  'trim_options',
  'trims',
  'models',
  'makers',
];

export const marketplaceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of CREATE_STATEMENTS) {
      await sql.raw(`${statement} ${TABLE_OPTIONS}`).execute(db);
    }
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of TABLES_TO_DROP) {
      await sql.raw(`DROP TABLE IF EXISTS ${table}`).execute(db);
    }
  },
};
