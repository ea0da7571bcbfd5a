export interface Charge {
  id: string;
  appointmentId: string;
  patientId: string;
  practitionerId: string;
  payerType: string;
  status: string;
  amount: number;
  currency: string;
  amountFormatted: string;
  capturedAmount: number;
  refundedAmount: number;
  paymentIntentId: string | null;
  billable: boolean | null;
  unbillableReason: string | null;
  liveMediaSeconds: number | null;
  needsAttention: boolean;
  attentionReason: string | null;
  createdAt: string;
  endedAt: string | null;
}

export interface TimelineEntry {
  sequence: number;
  at: string;
  kind: string;
  participant: string | { value: string } | null;
  detail: string | null;
}

export interface Attempt {
  kind: string;
  idempotencyKey: string;
  status: string;
  tries: number;
  outcome: string | null;
  lastError: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface Refund {
  id: string;
  amount: number;
  currency: string;
  reason: string;
  requestedBy: string;
  requestedAt: string;
  status: string;
}

export interface ChargeDetail {
  charge: Charge;
  timeline: TimelineEntry[];
  attempts: Attempt[];
  refunds: Refund[];
}

export interface ReconciliationItem {
  status: string;
  balanceTransactionId: string | null;
  source: string | null;
  type: string | null;
  stripeAmount: number | null;
  ledgerAmount: number | null;
  fee: number;
  currency: string;
  chargeId: string | null;
}

/** A past run as listed by GET /api/billing/reconciliations (no items). */
export type ReconciliationRun = Omit<Reconciliation, "items"> & { scope: "payout" | "range" };

export interface Reconciliation {
  id: string;
  payoutId: string | null;
  from: string | null;
  to: string | null;
  createdAt: string;
  requestedBy: string;
  summary: {
    matched: number;
    missingFromLedger: number;
    missingFromStripe: number;
    amountMismatches: number;
    balanceTransactions: number;
    stripeGross: number;
    ledgerGross: number;
    fees: number;
    net: number;
  };
  items: ReconciliationItem[];
}

export const chargeStatuses = [
  "authorizing", "requires_action", "authorized", "declined", "capture_pending", "captured", "partially_refunded", "refunded",
  "release_pending", "released", "failed", "not_billable", "claim_open", "claim_recorded", "remittance_received",
] as const;
