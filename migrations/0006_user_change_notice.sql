-- Every instance caches validated sessions together with their user's row (what
-- GET /auth/session shows and what the role checks read). When one of those columns changes,
-- however it changes, the commit tells every instance to load that user's sessions again: the
-- same channel as revocations, with payload 'c:<user id>' (changed, not revoked).
CREATE FUNCTION announce_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('session_revoked', 'c:' || NEW.id);
  RETURN NULL;
END
$$;

CREATE TRIGGER users_announce_change
  AFTER UPDATE ON users
  FOR EACH ROW
  WHEN ((OLD.email, OLD.name, OLD.image, OLD.role, OLD.tos_accepted_version, OLD.tos_accepted_at, OLD.age_verified,
         OLD.created_at)
        IS DISTINCT FROM
        (NEW.email, NEW.name, NEW.image, NEW.role, NEW.tos_accepted_version, NEW.tos_accepted_at, NEW.age_verified,
         NEW.created_at))
  EXECUTE FUNCTION announce_user_change();
