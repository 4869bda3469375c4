-- Users, their provider accounts and sessions, per-user settings, and the admin audit
-- log. Applied by ignition-migrate inside one transaction.

CREATE TABLE users (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email                text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1
                                            AND length(email) <= 320),
  email_verified_at    timestamptz,
  name                 text CHECK (length(name) <= 200),
  image                text CHECK (length(image) <= 2048),
  role                 text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
  tos_accepted_version text,
  tos_accepted_at      timestamptz,
  age_verified         boolean NOT NULL DEFAULT false,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  last_login_at        timestamptz,
  CHECK ((tos_accepted_version IS NULL) = (tos_accepted_at IS NULL))
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- One row per identity at a provider; (provider, provider_account_id) is the key a
-- sign-in is matched by (Google `sub`, Microsoft `tid`+`oid`), never the email.
CREATE TABLE accounts (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  provider            text NOT NULL CHECK (provider <> ''),
  provider_account_id text NOT NULL CHECK (provider_account_id <> ''),
  email               text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  last_used_at        timestamptz,
  UNIQUE (provider, provider_account_id)
);
CREATE INDEX accounts_user_id_idx ON accounts (user_id);

-- Only sha256(token) is stored: a leaked table opens no session.
CREATE TABLE sessions (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash     bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  ip             inet,
  user_agent     text CHECK (length(user_agent) <= 1024),
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_active_at timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  CHECK (expires_at > created_at),
  CHECK (last_active_at >= created_at)
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id, created_at DESC);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE user_settings (
  user_id    uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  settings   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Outlives the users it mentions: the actor is kept as text as well as by id.
CREATE TABLE admin_audit_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
  actor         text NOT NULL CHECK (actor <> ''),
  action        text NOT NULL CHECK (action <> ''),
  target_type   text,
  target_id     text,
  before        jsonb,
  after         jsonb,
  request_id    text,
  ip            inet,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_audit_log_created_at_idx ON admin_audit_log (created_at DESC, id DESC);
CREATE INDEX admin_audit_log_actor_idx ON admin_audit_log (actor_user_id, created_at DESC);
