-- 1,000 users with one live session each and 50 focus sessions, like the shared harness's seed: the raw token is
-- base64url (no padding) of 32 random bytes and only sha256(token) is stored. The raw
-- tokens stay in bench_tokens for the load generator (benchmark databases only).
INSERT INTO users (email, name)
  SELECT 'bench' || g || '@example.com', 'Bench ' || g FROM generate_series(1, 1000) g;
CREATE TABLE bench_tokens AS
  SELECT id AS user_id,
         rtrim(translate(encode(decode(md5(random()::text || id::text) || md5(random()::text || email), 'hex'),
                                'base64'), '+/', '-_'), '=') AS token
  FROM users;
INSERT INTO sessions (user_id, token_hash, expires_at)
  SELECT user_id, sha256(convert_to(token, 'UTF8')), now() + interval '30 days' FROM bench_tokens;
-- 50 completed focus sessions per user, one an hour back from now (W2 reads the 10 newest).
INSERT INTO focus_sessions (user_id, mode, duration_seconds, status, started_at, completed_at, expires_at,
                            xp_awarded, coins_awarded)
  SELECT u.id, 'focus', 1500, 'completed', now() - make_interval(hours => g),
         now() - make_interval(hours => g) + interval '25 minutes', now() - make_interval(hours => g) + interval '1 day',
         25, 5
  FROM users u, generate_series(1, 50) g;
ANALYZE;
