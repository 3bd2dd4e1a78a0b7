-- The stored copy of a webhook endpoint's create or rotate response, replayed to a retry,
-- held the endpoint's signing secret in plain text. Those copies are now stored sealed
-- (lib/api/handler.ts); the ones stored before cannot be sealed in SQL, so they go. A
-- retry of such a request with the same Idempotency-Key then runs again.
DELETE FROM "idempotency_keys"
WHERE "fingerprint" LIKE 'POST /api/v1/webhook\_endpoints %'
   OR "fingerprint" LIKE 'POST /api/v1/webhook\_endpoints/%/rotate\_secret %';
