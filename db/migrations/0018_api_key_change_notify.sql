-- App instances remember authenticated API keys (lib/api-keys/key-cache.ts). A change to
-- what authentication reads, from the app or from a console, tells every instance to
-- forget the key. The payload is the key's hash, which is what the caches are keyed by.
-- last_used_at changes every minute of use and does not matter to them.
CREATE FUNCTION "notify_api_key_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('api_key_changed', OLD.hash);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "api_key_changed" AFTER UPDATE ON "api_keys" FOR EACH ROW
  WHEN (ROW(OLD.hash, OLD.organisation_id, OLD.mode, OLD.revoked_at)
        IS DISTINCT FROM ROW(NEW.hash, NEW.organisation_id, NEW.mode, NEW.revoked_at))
  EXECUTE FUNCTION "notify_api_key_changed"();
--> statement-breakpoint
CREATE TRIGGER "api_key_deleted" AFTER DELETE ON "api_keys" FOR EACH ROW
  EXECUTE FUNCTION "notify_api_key_changed"();
