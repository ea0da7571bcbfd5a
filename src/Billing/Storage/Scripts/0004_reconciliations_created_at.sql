-- Past reconciliation runs are listed newest first.
CREATE INDEX reconciliations_created_at ON billing.reconciliations (created_at DESC, id);
