using System.Text.Json;
using Dapper;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Payments;

/// <summary>SQL over the local payment emulator's tables (<c>billing.local_*</c>, script 0006), always inside the
/// caller's transaction.</summary>
internal static class LocalEmulatorStore
{
    /// <summary>The transaction-level advisory lock every emulator call takes first, so calls from every node run one
    /// at a time (the migrator's lock is 7452001).</summary>
    public const long LockKey = 7452002;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static LocalEmulatorStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public static Task LockAsync(NpgsqlTransaction tx, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@key)", new { key = LockKey }, tx, cancellationToken: cancellationToken));

    public static async Task<IntentSnapshot?> GetIntentAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string id, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<IntentRow>(new CommandDefinition(
            "SELECT * FROM billing.local_intents WHERE id = @id", new { id }, tx, cancellationToken: cancellationToken)))?.ToSnapshot();

    /// <summary>The newest intent made for an appointment, as Stripe's search by metadata answers first.</summary>
    public static async Task<IntentSnapshot?> FindNewestByAppointmentAsync(NpgsqlConnection connection, string appointmentId, CancellationToken cancellationToken) =>
        (await connection.QuerySingleOrDefaultAsync<IntentRow>(new CommandDefinition(
            "SELECT * FROM billing.local_intents WHERE appointment_id = @appointmentId ORDER BY seq DESC LIMIT 1", new { appointmentId },
            cancellationToken: cancellationToken)))?.ToSnapshot();

    public static Task<long> RefundedAsync(NpgsqlTransaction tx, string id, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT refunded_amount FROM billing.local_intents WHERE id = @id", new { id }, tx, cancellationToken: cancellationToken));

    public static Task InsertIntentAsync(NpgsqlTransaction tx, IntentSnapshot pi, DateTimeOffset now, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO billing.local_intents (id, appointment_id, status, amount, amount_capturable, amount_received, currency,
                latest_charge_id, client_secret, last_error_code, created_at)
            VALUES (@Id, @AppointmentId, @Status, @Amount, @AmountCapturable, @AmountReceived, @Currency,
                @LatestChargeId, @ClientSecret, @LastErrorCode, @now)
            """, new { pi.Id, pi.AppointmentId, pi.Status, pi.Amount, pi.AmountCapturable, pi.AmountReceived, pi.Currency,
                pi.LatestChargeId, pi.ClientSecret, pi.LastErrorCode, now }, tx, cancellationToken: cancellationToken));

    public static Task UpdateIntentAsync(NpgsqlTransaction tx, IntentSnapshot pi, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE billing.local_intents SET status = @Status, amount_capturable = @AmountCapturable, amount_received = @AmountReceived,
                latest_charge_id = @LatestChargeId, last_error_code = @LastErrorCode
            WHERE id = @Id
            """, pi, tx, cancellationToken: cancellationToken));

    public static Task AddRefundedAsync(NpgsqlTransaction tx, string id, long amount, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE billing.local_intents SET refunded_amount = refunded_amount + @amount WHERE id = @id", new { id, amount }, tx,
            cancellationToken: cancellationToken));

    public static Task InsertBalanceLineAsync(NpgsqlTransaction tx, BalanceLine line, CancellationToken cancellationToken) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO billing.local_balance_lines (id, type, source, amount, fee, currency, created_at)
            VALUES (@Id, @Type, @Source, @Amount, @Fee, @Currency, @Created)
            """, new { line.Id, line.Type, line.Source, line.Amount, line.Fee, line.Currency, Created = line.Created.ToUniversalTime() }, tx,
            cancellationToken: cancellationToken));

    public static async Task<IReadOnlyList<BalanceLine>> ListBalanceLinesAsync(
        NpgsqlConnection connection, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<BalanceRow>(new CommandDefinition("""
            SELECT * FROM billing.local_balance_lines
            WHERE (@from::timestamptz IS NULL OR created_at >= @from) AND (@to::timestamptz IS NULL OR created_at < @to)
            ORDER BY seq
            """, new { from = from?.ToUniversalTime(), to = to?.ToUniversalTime() }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToLine())];
    }

    /// <summary>The stored reply for a key: an <see cref="IntentSnapshot"/>, a <see cref="RefundSnapshot"/> or the
    /// <see cref="PaymentProviderException"/> it answered; null when the key is new.</summary>
    public static async Task<object?> GetReplyAsync(NpgsqlTransaction tx, string idempotencyKey, CancellationToken cancellationToken)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<ReplyRow>(new CommandDefinition(
            "SELECT kind, intent::text AS intent, refund::text AS refund, failure, code, message FROM billing.local_replies WHERE idempotency_key = @idempotencyKey",
            new { idempotencyKey }, tx, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var intent = row.Intent is null ? null : JsonSerializer.Deserialize<IntentSnapshot>(row.Intent, Json);
        return row.Kind switch
        {
            "intent" => intent!,
            "refund" => JsonSerializer.Deserialize<RefundSnapshot>(row.Refund!, Json)!,
            _ => new PaymentProviderException(Enum.Parse<ProviderFailure>(row.Failure!), row.Code!, row.Message!, intent),
        };
    }

    public static Task InsertReplyAsync(NpgsqlTransaction tx, string idempotencyKey, object reply, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (kind, intent, refund, error) = reply switch
        {
            IntentSnapshot pi => ("intent", pi, (RefundSnapshot?)null, (PaymentProviderException?)null),
            RefundSnapshot re => ("refund", null, re, null),
            PaymentProviderException e => ("error", e.Intent, null, e),
            _ => throw new ArgumentException($"not a reply: {reply.GetType().Name}", nameof(reply)),
        };
        return tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO billing.local_replies (idempotency_key, kind, intent, refund, failure, code, message, created_at)
            VALUES (@idempotencyKey, @kind, @intent::jsonb, @refund::jsonb, @failure, @code, @message, @now)
            """, new
            {
                idempotencyKey,
                kind,
                intent = intent is null ? null : JsonSerializer.Serialize(intent, Json),
                refund = refund is null ? null : JsonSerializer.Serialize(refund, Json),
                failure = error?.Failure.ToString(),
                code = error?.Code,
                message = error?.Message,
                now,
            }, tx, cancellationToken: cancellationToken));
    }

    private sealed class IntentRow
    {
        public string Id { get; set; } = "";
        public string? AppointmentId { get; set; }
        public string Status { get; set; } = "";
        public long Amount { get; set; }
        public long AmountCapturable { get; set; }
        public long AmountReceived { get; set; }
        public string Currency { get; set; } = "";
        public string? LatestChargeId { get; set; }
        public string? ClientSecret { get; set; }
        public string? LastErrorCode { get; set; }

        public IntentSnapshot ToSnapshot() => new(Id, Status, Amount, AmountCapturable, AmountReceived, Currency, LatestChargeId,
            ClientSecret, AppointmentId, LastErrorCode);
    }

    private sealed class BalanceRow
    {
        public string Id { get; set; } = "";
        public string Type { get; set; } = "";
        public string Source { get; set; } = "";
        public long Amount { get; set; }
        public long Fee { get; set; }
        public string Currency { get; set; } = "";
        public DateTime CreatedAt { get; set; }

        public BalanceLine ToLine() => new(Id, Type, Source, Amount, Fee, Currency,
            new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)));
    }

    private sealed class ReplyRow
    {
        public string Kind { get; set; } = "";
        public string? Intent { get; set; }
        public string? Refund { get; set; }
        public string? Failure { get; set; }
        public string? Code { get; set; }
        public string? Message { get; set; }
    }
}
