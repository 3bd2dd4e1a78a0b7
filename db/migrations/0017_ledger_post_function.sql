-- One ledger posting in one call, its account row locks taken as late as possible.
-- Locks on an organisation's accounts are held until commit, so every write made
-- before taking them (idempotency claim, transfers) is time another posting of the
-- same organisation no longer spends waiting. See docs/decisions/0006.

-- The accounts found for the netted changes, and the first one the changes would take
-- below zero (posted balance − pending debits; only `external` may go there). Read
-- without locks before the writes, and again once the rows are locked.
CREATE FUNCTION "ledger_shortfall"(
  p_organisation_id text, p_mode "mode",
  d_currency text[], d_kind "ledger_account_kind"[], d_balance bigint[], d_pending_debits bigint[],
  OUT accounts int, OUT short_kind "ledger_account_kind", OUT short_currency text,
  OUT spendable bigint, OUT required bigint
) LANGUAGE sql STABLE AS $$
  with j as (
    select d.currency, d.kind, d.balance, d.pending_debits,
           a.balance as a_balance, a.pending_debits as a_pending_debits
    from unnest(d_currency, d_kind, d_balance, d_pending_debits)
      as d(currency, kind, balance, pending_debits)
    left join ledger_accounts a
      on a.organisation_id = p_organisation_id and a.mode = p_mode
     and a.currency = d.currency and a.kind = d.kind
  )
  select (select count(a_balance)::int from j), s.kind, s.currency, s.spendable, s.required
  from (select 1) as one
  left join lateral (
    select kind, currency, a_balance - a_pending_debits as spendable,
           pending_debits - balance as required
    from j
    where kind <> 'external' and balance - pending_debits < 0
      and a_balance + balance - a_pending_debits - pending_debits < 0
    limit 1
  ) s on true
$$;
--> statement-breakpoint

-- outcome: 'posted'; 'exists' (the key already posted: found_id, found_hash);
-- 'missing' (an account of the currency does not exist yet; nothing written);
-- 'short' (a balance cannot cover it; nothing written). A shortfall that appears only
-- once the rows are locked (a concurrent posting spent the money) raises SQLSTATE LD001
-- with the figures as JSON in DETAIL, undoing the claim and the transfers.
CREATE FUNCTION "ledger_post"(
  p_organisation_id text, p_mode "mode", p_idempotency_key text, p_content_hash text,
  p_description text, p_transaction_id text,
  d_currency text[], d_kind "ledger_account_kind"[], d_balance bigint[],
  d_pending_debits bigint[], d_pending_credits bigint[],
  t_id text[], t_currency text[], t_from "ledger_account_kind"[], t_to "ledger_account_kind"[],
  t_amount bigint[], t_phase "ledger_transfer_phase"[], t_pending_id text[], t_payout_id text[],
  t_description text[],
  OUT outcome text, OUT found_id text, OUT found_hash text, OUT created timestamptz,
  OUT short_kind "ledger_account_kind", OUT short_currency text,
  OUT short_spendable bigint, OUT short_required bigint
) LANGUAGE plpgsql AS $$
DECLARE
  v_check record;
BEGIN
  SELECT t.id, t.content_hash INTO found_id, found_hash
  FROM ledger_transactions t
  WHERE t.organisation_id = p_organisation_id AND t.mode = p_mode
    AND t.idempotency_key = p_idempotency_key;
  IF FOUND THEN
    outcome := 'exists';
    RETURN;
  END IF;

  SELECT * INTO v_check
  FROM ledger_shortfall(p_organisation_id, p_mode, d_currency, d_kind, d_balance, d_pending_debits);
  IF v_check.accounts < cardinality(d_currency) THEN
    outcome := 'missing';
    RETURN;
  END IF;
  IF v_check.short_kind IS NOT NULL THEN
    outcome := 'short';
    short_kind := v_check.short_kind;
    short_currency := v_check.short_currency;
    short_spendable := v_check.spendable;
    short_required := v_check.required;
    RETURN;
  END IF;

  -- A concurrent twin with the same key makes this wait for its commit, then do nothing.
  INSERT INTO ledger_transactions (id, organisation_id, mode, idempotency_key, content_hash, description)
  VALUES (p_transaction_id, p_organisation_id, p_mode, p_idempotency_key, p_content_hash, p_description)
  ON CONFLICT (organisation_id, mode, idempotency_key) DO NOTHING
  RETURNING ledger_transactions.created_at INTO created;
  IF NOT FOUND THEN
    SELECT t.id, t.content_hash INTO found_id, found_hash
    FROM ledger_transactions t
    WHERE t.organisation_id = p_organisation_id AND t.mode = p_mode
      AND t.idempotency_key = p_idempotency_key;
    outcome := 'exists';
    RETURN;
  END IF;

  -- Account ids never change, so the transfers can name them before any lock is held.
  INSERT INTO ledger_transfers (id, transaction_id, organisation_id, mode, currency,
    debit_account_id, credit_account_id, amount, phase, pending_id, payout_id, description, created_at)
  SELECT t.id, p_transaction_id, p_organisation_id, p_mode, t.currency, debit.id, credit.id,
         t.amount, t.phase, t.pending_id, t.payout_id, t.description, created
  FROM unnest(t_id, t_currency, t_from, t_to, t_amount, t_phase, t_pending_id, t_payout_id, t_description)
    WITH ORDINALITY AS t(id, currency, from_kind, to_kind, amount, phase, pending_id, payout_id, description, position)
  JOIN ledger_accounts debit
    ON debit.organisation_id = p_organisation_id AND debit.mode = p_mode
   AND debit.currency = t.currency AND debit.kind = t.from_kind
  JOIN ledger_accounts credit
    ON credit.organisation_id = p_organisation_id AND credit.mode = p_mode
   AND credit.currency = t.currency AND credit.kind = t.to_kind
  ORDER BY t.position;

  -- Every posting locks in (currency, kind) order, so two never wait on each other in a cycle.
  PERFORM 1 FROM ledger_accounts a
  WHERE a.organisation_id = p_organisation_id AND a.mode = p_mode
    AND (a.currency, a.kind) IN (SELECT * FROM unnest(d_currency, d_kind))
  ORDER BY a.currency, a.kind
  FOR UPDATE;

  SELECT * INTO v_check
  FROM ledger_shortfall(p_organisation_id, p_mode, d_currency, d_kind, d_balance, d_pending_debits);
  IF v_check.short_kind IS NOT NULL THEN
    RAISE EXCEPTION 'insufficient funds in the % % account', v_check.short_currency, v_check.short_kind
      USING ERRCODE = 'LD001',
            DETAIL = json_build_object('kind', v_check.short_kind, 'currency', v_check.short_currency,
                                       'spendable', v_check.spendable::text,
                                       'required', v_check.required::text)::text;
  END IF;

  WITH changed AS (
    UPDATE ledger_accounts a
    SET balance = a.balance + x.balance,
        pending_debits = a.pending_debits + x.pending_debits,
        pending_credits = a.pending_credits + x.pending_credits,
        version = a.version + 1
    FROM unnest(d_currency, d_kind, d_balance, d_pending_debits, d_pending_credits)
      AS x(currency, kind, balance, pending_debits, pending_credits)
    WHERE a.organisation_id = p_organisation_id AND a.mode = p_mode
      AND a.currency = x.currency AND a.kind = x.kind
      AND (x.balance <> 0 OR x.pending_debits <> 0 OR x.pending_credits <> 0)
    RETURNING a.id, a.version, x.balance AS d_bal, x.pending_debits AS d_pd, x.pending_credits AS d_pc,
              a.balance AS new_balance, a.pending_debits AS new_pd, a.pending_credits AS new_pc
  )
  INSERT INTO ledger_entries (account_id, version, transaction_id, balance_delta,
    pending_debits_delta, pending_credits_delta, balance, pending_debits, pending_credits)
  SELECT id, version, p_transaction_id, d_bal, d_pd, d_pc, new_balance, new_pd, new_pc
  FROM changed;

  outcome := 'posted';
  found_id := p_transaction_id;
END
$$;
