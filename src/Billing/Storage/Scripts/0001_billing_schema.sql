-- One charge per appointment: what is owed, by whom, and where the money stands.
CREATE TABLE billing.charges (
    id                 uuid PRIMARY KEY,
    appointment_id     uuid NOT NULL UNIQUE,
    patient_id         text NOT NULL,
    practitioner_id    text NOT NULL,
    amount             bigint NOT NULL CHECK (amount >= 0),
    currency           text NOT NULL,
    payer_type         text NOT NULL CHECK (payer_type IN ('card', 'third_party')),
    stripe_customer    text,
    payment_method     text,
    insurer_reference  text,
    status             text NOT NULL,
    payment_intent_id  text UNIQUE,
    stripe_charge_id   text,
    client_secret      text,
    captured_amount    bigint NOT NULL DEFAULT 0,
    refunded_amount    bigint NOT NULL DEFAULT 0,
    reserved_refunds   bigint NOT NULL DEFAULT 0,
    admitted_at        timestamptz,
    ended_at           timestamptz,
    end_reason         text,
    live_media_seconds bigint,
    billable           boolean,
    unbillable_reason  text,
    needs_attention    boolean NOT NULL DEFAULT false,
    attention_reason   text,
    last_error         text,
    ended_event_at     timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK (refunded_amount + reserved_refunds <= captured_amount)
);
CREATE INDEX charges_created_at ON billing.charges (created_at);
CREATE INDEX charges_attention ON billing.charges (needs_attention) WHERE needs_attention;

-- A call to the payment provider. Its idempotency key is stored before the call and reused on every retry.
CREATE TABLE billing.payment_attempts (
    seq              bigserial PRIMARY KEY,
    id               uuid NOT NULL UNIQUE,
    charge_id        uuid NOT NULL REFERENCES billing.charges (id),
    kind             text NOT NULL CHECK (kind IN ('authorize', 'capture', 'cancel', 'refund')),
    idempotency_key  text NOT NULL UNIQUE,
    refund_id        uuid,
    status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    tries            int NOT NULL DEFAULT 0,
    next_run_at      timestamptz NOT NULL,
    created_at       timestamptz NOT NULL,
    completed_at     timestamptz,
    outcome          text,
    last_error       text
);
CREATE INDEX payment_attempts_due ON billing.payment_attempts (next_run_at, seq) WHERE status = 'pending';
CREATE INDEX payment_attempts_charge ON billing.payment_attempts (charge_id, seq);

-- Every movement of money, written once (the unique key makes replays harmless).
CREATE TABLE billing.ledger_entries (
    id                bigserial PRIMARY KEY,
    charge_id         uuid REFERENCES billing.charges (id),
    appointment_id    uuid,
    kind              text NOT NULL CHECK (kind IN ('authorized', 'captured', 'released', 'refunded', 'failed', 'fee', 'claim', 'remittance')),
    amount            bigint NOT NULL,
    currency          text NOT NULL,
    reference         text NOT NULL,
    external_ref      text,
    at                timestamptz NOT NULL,
    UNIQUE (kind, reference)
);
CREATE INDEX ledger_entries_at ON billing.ledger_entries (at);
CREATE INDEX ledger_entries_external ON billing.ledger_entries (external_ref);
CREATE INDEX ledger_entries_charge ON billing.ledger_entries (charge_id);

-- Refunds asked for by billing staff: who, when, why.
CREATE TABLE billing.refunds (
    id                uuid PRIMARY KEY,
    charge_id         uuid NOT NULL REFERENCES billing.charges (id),
    amount            bigint NOT NULL CHECK (amount > 0),
    currency          text NOT NULL,
    reason            text NOT NULL,
    requested_by      text NOT NULL,
    requested_at      timestamptz NOT NULL,
    status            text NOT NULL,
    stripe_refund_id  text
);

-- Stripe events received, each once; the raw body is kept for audit.
CREATE TABLE billing.webhook_events (
    event_id      text PRIMARY KEY,
    type          text NOT NULL,
    received_at   timestamptz NOT NULL,
    payload       text NOT NULL,
    object_id     text
);

-- Reconciliation runs and their results.
CREATE TABLE billing.reconciliations (
    id            uuid PRIMARY KEY,
    payout_id     text,
    range_from    timestamptz,
    range_to      timestamptz,
    requested_by  text NOT NULL,
    created_at    timestamptz NOT NULL,
    result        jsonb NOT NULL
);
