-- The local payment emulator (no STRIPE_SECRET_KEY) keeps its state here, so every node sharing the database sees the
-- same PaymentIntents and a restart keeps them. Only LocalPaymentProvider reads and writes these tables.
CREATE TABLE billing.local_intents (
    id                 text PRIMARY KEY,
    seq                bigserial NOT NULL UNIQUE,
    appointment_id     text,
    status             text NOT NULL,
    amount             bigint NOT NULL,
    amount_capturable  bigint NOT NULL,
    amount_received    bigint NOT NULL,
    currency           text NOT NULL,
    latest_charge_id   text,
    client_secret      text,
    last_error_code    text,
    refunded_amount    bigint NOT NULL DEFAULT 0,
    created_at         timestamptz NOT NULL,
    CHECK (refunded_amount <= amount_received)
);
CREATE INDEX local_intents_appointment ON billing.local_intents (appointment_id, seq);

-- The reply stored under an idempotency key and replayed on a retry: an intent, a refund, or an error (with the
-- intent it carried, if any).
CREATE TABLE billing.local_replies (
    idempotency_key  text PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('intent', 'refund', 'error')),
    intent           jsonb,
    refund           jsonb,
    failure          text,
    code             text,
    message          text,
    created_at       timestamptz NOT NULL
);

-- Balance transactions booked by captures and refunds (payout "po_local"), listed for reconciliation.
CREATE TABLE billing.local_balance_lines (
    seq         bigserial PRIMARY KEY,
    id          text NOT NULL UNIQUE,
    type        text NOT NULL,
    source      text NOT NULL,
    amount      bigint NOT NULL,
    fee         bigint NOT NULL,
    currency    text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX local_balance_lines_created_at ON billing.local_balance_lines (created_at);
