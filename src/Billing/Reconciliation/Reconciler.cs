using System.Text.Json;
using Dapper;
using Doctolib.Telehealth.Billing.Payments;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Doctolib.Telehealth.Billing.Reconciliation;

/// <summary>Matches a payout's (or a date range's) balance transactions against the ledger: charges by the Stripe
/// charge id of the capture, refunds by the refund id. Reports matches, what is missing on either side and what
/// differs in amount, books Stripe's fees in the ledger, and stores the run.</summary>
internal sealed class Reconciler(NpgsqlDataSource dataSource, IPaymentProvider provider, TimeProvider time, ILogger<Reconciler> logger)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class LedgerItem
    {
        public Guid? ChargeId { get; set; }
        public string Kind { get; set; } = "";
        public long Amount { get; set; }
        public string Currency { get; set; } = "";
        public string ExternalRef { get; set; } = "";
    }

    public async Task<ReconciliationReport> RunAsync(string? payoutId, DateTimeOffset? from, DateTimeOffset? to, string requestedBy, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lines = new List<BalanceLine>();
        await foreach (var line in provider.ListBalanceTransactionsAsync(payoutId, from, to, ct))
        {
            lines.Add(line);
        }
        var sources = new string[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            sources[i] = lines[i].Source;
        }
        var listed = clock.Elapsed;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var bySource = new Dictionary<string, LedgerItem>(StringComparer.Ordinal);
        foreach (var item in await connection.QueryAsync<LedgerItem>(new CommandDefinition(
            "SELECT charge_id, kind, amount, currency, external_ref FROM billing.ledger_entries WHERE kind IN ('captured', 'refunded') AND external_ref = ANY(@sources)",
            new { sources }, cancellationToken: ct)))
        {
            bySource[item.ExternalRef] = item;
        }
        var items = new List<ReconciliationItem>(lines.Count + 16);
        int matched = 0, missingLedger = 0, mismatched = 0;
        long stripeGross = 0, fees = 0, net = 0;
        var feeIds = new List<string>();
        var feeAmounts = new List<long>();
        var feeCurrencies = new List<string>();
        var feeCharges = new List<Guid?>();
        foreach (var line in lines)
        {
            if (line.Type is not ("charge" or "payment" or "refund" or "payment_refund"))
            {
                continue;
            }
            stripeGross += line.Amount;
            fees += line.Fee;
            net += line.Amount - line.Fee;
            var currency = line.Currency.ToUpperInvariant();
            if (!bySource.TryGetValue(line.Source, out var ledger))
            {
                missingLedger++;
                items.Add(new(ItemStatus.MissingFromLedger, line.Id, line.Source, line.Type, line.Amount, null, line.Fee, currency, null));
                continue;
            }
            var expected = ledger.Kind == "refunded" ? -ledger.Amount : ledger.Amount;
            var status = expected == line.Amount && string.Equals(ledger.Currency, currency, StringComparison.Ordinal) ? ItemStatus.Matched : ItemStatus.AmountMismatch;
            if (status == ItemStatus.Matched) matched++; else mismatched++;
            items.Add(new(status, line.Id, line.Source, line.Type, line.Amount, expected, line.Fee, currency, ledger.ChargeId));
            if (line.Fee != 0)
            {
                feeIds.Add(line.Id);
                feeAmounts.Add(line.Fee);
                feeCurrencies.Add(currency);
                feeCharges.Add(ledger.ChargeId);
            }
        }
        var (missingStripe, ledgerGross) = await MissingFromStripeAsync(connection, payoutId, from, to, lines, bySource, items, ct);
        ledgerGross += items.Where(i => i.LedgerAmount is not null && i.Status != ItemStatus.MissingFromStripe).Sum(i => i.LedgerAmount!.Value);
        var matchedAt = clock.Elapsed;
        var now = time.GetUtcNow();
        await using var tx = await connection.BeginTransactionAsync(ct);
        await BookFeesAsync(tx, feeIds, feeAmounts, feeCurrencies, feeCharges, now, ct);
        var feesAt = clock.Elapsed;
        var report = new ReconciliationReport(Guid.NewGuid(), payoutId, from, to, now, requestedBy,
            new ReconciliationSummary(matched, missingLedger, missingStripe, mismatched, lines.Count, stripeGross, ledgerGross, fees, net), items);
        await ReconciliationStore.SaveAsync(tx, report, ct);
        await tx.CommitAsync(ct);
        BillingLog.ReconciliationPhases(logger, report.Id, (long)listed.TotalMilliseconds, (long)(matchedAt - listed).TotalMilliseconds,
            (long)(feesAt - matchedAt).TotalMilliseconds, (long)(clock.Elapsed - feesAt).TotalMilliseconds);
        BillingLog.Reconciled(logger, report.Id, matched, missingLedger, missingStripe, mismatched);
        return report;
    }

    /// <summary>Ledger captures and refunds that Stripe should show here but does not: for a date range, those booked in
    /// it; for a payout, those booked in the payout's time span (in its currency) that no transaction of it names.</summary>
    private static async Task<(int Count, long Gross)> MissingFromStripeAsync(NpgsqlConnection connection, string? payoutId, DateTimeOffset? from, DateTimeOffset? to,
        List<BalanceLine> lines, Dictionary<string, LedgerItem> seen, List<ReconciliationItem> items, CancellationToken ct)
    {
        DateTimeOffset? windowFrom = from, windowTo = to;
        string? currency = null;
        if (payoutId is not null)
        {
            if (lines.Count == 0)
            {
                return (0, 0);
            }
            windowFrom = lines.Min(l => l.Created).AddSeconds(-1);
            windowTo = lines.Max(l => l.Created).AddSeconds(1);
            currency = lines[0].Currency.ToUpperInvariant();
        }
        var rows = await connection.QueryAsync<LedgerItem>(new CommandDefinition("""
            SELECT charge_id, kind, amount, currency, external_ref FROM billing.ledger_entries
            WHERE kind IN ('captured', 'refunded') AND external_ref IS NOT NULL
              AND (@windowFrom::timestamptz IS NULL OR at >= @windowFrom) AND (@windowTo::timestamptz IS NULL OR at < @windowTo)
              AND (@currency::text IS NULL OR currency = @currency)
            """, new { windowFrom, windowTo, currency }, cancellationToken: ct));
        var count = 0;
        long gross = 0;
        foreach (var row in rows)
        {
            if (seen.ContainsKey(row.ExternalRef))
            {
                continue;
            }
            count++;
            var amount = row.Kind == "refunded" ? -row.Amount : row.Amount;
            gross += amount;
            items.Add(new(ItemStatus.MissingFromStripe, null, row.ExternalRef, row.Kind == "refunded" ? "refund" : "charge", null, amount, 0, row.Currency, row.ChargeId));
        }
        return (count, gross);
    }

    private static async Task BookFeesAsync(NpgsqlTransaction tx, List<string> ids, List<long> amounts, List<string> currencies, List<Guid?> charges, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO billing.ledger_entries (charge_id, kind, amount, currency, reference, external_ref, at)
            SELECT c, 'fee', a, cur, r, r, @now FROM unnest(@ids, @amounts, @currencies, @charges) AS t(r, a, cur, c)
            ON CONFLICT (kind, reference) DO NOTHING
            """, tx.Connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. ids] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("amounts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. amounts] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("currencies", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. currencies] });
        command.Parameters.Add(new NpgsqlParameter("charges", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = charges.Select(c => (object?)c ?? DBNull.Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
