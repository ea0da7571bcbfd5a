using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Doctolib.Telehealth.Billing.Reconciliation;

/// <summary>Stores a reconciliation run: its header and summary as JSON, its items as rows (binary COPY).</summary>
internal static class ReconciliationStore
{
    public static async Task SaveAsync(NpgsqlTransaction tx, ReconciliationReport report, CancellationToken ct)
    {
        var header = report with { Items = [] };
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO billing.reconciliations (id, payout_id, range_from, range_to, requested_by, created_at, result)
            VALUES (@Id, @PayoutId, @From, @To, @RequestedBy, @CreatedAt, @result::jsonb)
            """, new { report.Id, report.PayoutId, report.From, report.To, report.RequestedBy, report.CreatedAt, result = JsonSerializer.Serialize(header, Reconciler.Json) }, tx, cancellationToken: ct));
        await using var writer = await tx.Connection!.BeginBinaryImportAsync("""
            COPY billing.reconciliation_items (reconciliation_id, seq, status, balance_transaction_id, source, type,
                stripe_amount, ledger_amount, fee, currency, charge_id) FROM STDIN (FORMAT BINARY)
            """, ct);
        var seq = 0;
        foreach (var item in report.Items)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(report.Id, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(seq++, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(item.Status, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, item.BalanceTransactionId, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, item.Source, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, item.Type, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, item.StripeAmount, NpgsqlDbType.Bigint, ct);
            await WriteNullableAsync(writer, item.LedgerAmount, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(item.Fee, NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(item.Currency, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(writer, item.ChargeId, NpgsqlDbType.Uuid, ct);
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>The run with all its items, or only those that are not plain matches.</summary>
    public static async Task<ReconciliationReport?> LoadAsync(NpgsqlDataSource dataSource, Guid id, bool all, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var json = await connection.ExecuteScalarAsync<string?>(
            new CommandDefinition("SELECT result::text FROM billing.reconciliations WHERE id = @id", new { id }, cancellationToken: ct));
        if (json is null || JsonSerializer.Deserialize<ReconciliationReport>(json, Reconciler.Json) is not { } header)
        {
            return null;
        }
        var items = await connection.QueryAsync<ReconciliationItem>(new CommandDefinition("""
            SELECT status, balance_transaction_id AS balancetransactionid, source, type, stripe_amount AS stripeamount,
                   ledger_amount AS ledgeramount, fee, currency, charge_id AS chargeid
            FROM billing.reconciliation_items WHERE reconciliation_id = @id AND (@all OR status <> 'matched') ORDER BY seq
            """, new { id, all }, cancellationToken: ct));
        return header with { Items = items.AsList() };
    }

    /// <summary>Past runs, newest first: header and summary, no items.</summary>
    public static async Task<IReadOnlyList<ReconciliationReport>> ListAsync(NpgsqlDataSource dataSource, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT result::text FROM billing.reconciliations ORDER BY created_at DESC, id LIMIT @limit", new { limit }, cancellationToken: ct));
        var reports = new List<ReconciliationReport>();
        foreach (var json in rows)
        {
            if (JsonSerializer.Deserialize<ReconciliationReport>(json, Reconciler.Json) is { } header)
            {
                reports.Add(header with { Items = [] });
            }
        }
        return reports;
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? writer.WriteNullAsync(ct) : writer.WriteAsync(value, type, ct);
}
