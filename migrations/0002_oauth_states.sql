-- Pending OpenID Connect sign-ins: the state (hashed), the nonce and the PKCE verifier,
-- bound to the provider that started the flow. Consumed once by the callback
-- (DELETE … RETURNING); expired rows are removed by the session cleanup job.
CREATE TABLE oauth_states (
  state_hash    bytea PRIMARY KEY CHECK (length(state_hash) = 32),
  provider      text NOT NULL CHECK (provider <> ''),
  nonce         text NOT NULL,
  code_verifier text NOT NULL,
  redirect_to   text NOT NULL DEFAULT '/today' CHECK (left(redirect_to, 1) = '/'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX oauth_states_expires_at_idx ON oauth_states (expires_at);
