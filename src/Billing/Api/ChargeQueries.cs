using System.Text;
using Dapper;
using Doctolib.Telehealth.Billing.Storage;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary>Filters for the staff list of charges.</summary>
internal sealed record ChargeFilter(DateTimeOffset? From, DateTimeOffset? To, string? Status, string? PractitionerId, string? PayerType,
    bool? NeedsAttention, int Limit, int Offset);

/// <summary>Read side of the staff API.</summary>
internal sealed class ChargeQueries(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<ChargeRow>> ListAsync(ChargeFilter filter, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT * FROM billing.charges WHERE true");
        if (filter.From is not null) sql.Append(" AND created_at >= @From");
        if (filter.To is not null) sql.Append(" AND created_at < @To");
        if (filter.Status is not null) sql.Append(" AND status = @Status");
        if (filter.PractitionerId is not null) sql.Append(" AND practitioner_id = @PractitionerId");
        if (filter.PayerType is not null) sql.Append(" AND payer_type = @PayerType");
        if (filter.NeedsAttention is not null) sql.Append(" AND needs_attention = @NeedsAttention");
        sql.Append(" ORDER BY created_at DESC, id LIMIT @Limit OFFSET @Offset");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ChargeRow>(new CommandDefinition(sql.ToString(), filter, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<ChargeRow?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ChargeRow>(
            new CommandDefinition("SELECT * FROM billing.charges WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    public async Task<ChargeRow?> GetByAppointmentAsync(Guid appointmentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ChargeRow>(
            new CommandDefinition("SELECT * FROM billing.charges WHERE appointment_id = @appointmentId", new { appointmentId }, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<AttemptRow> Attempts, IReadOnlyList<RefundRow> Refunds, IReadOnlyList<LedgerRow> Ledger)> DetailsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var attempts = await connection.QueryAsync<AttemptRow>(new CommandDefinition("SELECT * FROM billing.payment_attempts WHERE charge_id = @id ORDER BY seq", new { id }, cancellationToken: cancellationToken));
        var refunds = await connection.QueryAsync<RefundRow>(new CommandDefinition("SELECT * FROM billing.refunds WHERE charge_id = @id ORDER BY requested_at", new { id }, cancellationToken: cancellationToken));
        var ledger = await connection.QueryAsync<LedgerRow>(new CommandDefinition("SELECT * FROM billing.ledger_entries WHERE charge_id = @id ORDER BY id", new { id }, cancellationToken: cancellationToken));
        return (attempts.AsList(), refunds.AsList(), ledger.AsList());
    }
}

internal sealed class RefundRow
{
    public Guid Id { get; set; }
    public Guid ChargeId { get; set; }
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string Reason { get; set; } = "";
    public string RequestedBy { get; set; } = "";
    public DateTime RequestedAt { get; set; }
    public string Status { get; set; } = "";
    public string? StripeRefundId { get; set; }
}

internal sealed class LedgerRow
{
    public long Id { get; set; }
    public Guid? ChargeId { get; set; }
    public Guid? AppointmentId { get; set; }
    public string Kind { get; set; } = "";
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string Reference { get; set; } = "";
    public string? ExternalRef { get; set; }
    public DateTime At { get; set; }
}
