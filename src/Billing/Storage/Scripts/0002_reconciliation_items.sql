-- Each reconciliation's items in rows (written with binary COPY) instead of one large JSON document.
CREATE TABLE billing.reconciliation_items (
    reconciliation_id       uuid NOT NULL REFERENCES billing.reconciliations (id),
    seq                     int NOT NULL,
    status                  text NOT NULL,
    balance_transaction_id  text,
    source                  text,
    type                    text,
    stripe_amount           bigint,
    ledger_amount           bigint,
    fee                     bigint NOT NULL,
    currency                text NOT NULL,
    charge_id               uuid,
    PRIMARY KEY (reconciliation_id, seq)
);
CREATE INDEX reconciliation_items_status ON billing.reconciliation_items (reconciliation_id, status);
