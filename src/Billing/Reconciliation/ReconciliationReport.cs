namespace Doctolib.Telehealth.Billing.Reconciliation;

/// <summary>How one balance transaction or ledger entry came out of a reconciliation.</summary>
internal static class ItemStatus
{
    public const string Matched = "matched";
    public const string MissingFromLedger = "missing_from_ledger";
    public const string MissingFromStripe = "missing_from_stripe";
    public const string AmountMismatch = "amount_mismatch";
}

internal sealed record ReconciliationItem(
    string Status, string? BalanceTransactionId, string? Source, string? Type, long? StripeAmount, long? LedgerAmount, long Fee,
    string Currency, Guid? ChargeId);

internal sealed record ReconciliationSummary(
    int Matched, int MissingFromLedger, int MissingFromStripe, int AmountMismatches, int BalanceTransactions,
    long StripeGross, long LedgerGross, long Fees, long Net);

internal sealed record ReconciliationReport(
    Guid Id, string? PayoutId, DateTimeOffset? From, DateTimeOffset? To, DateTimeOffset CreatedAt, string RequestedBy,
    ReconciliationSummary Summary, IReadOnlyList<ReconciliationItem> Items);
