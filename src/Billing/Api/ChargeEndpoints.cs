using System.Security.Claims;
using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary>Request body of a refund.</summary>
internal sealed record RefundRequest(long Amount, string? Reason);

/// <summary>The billing staff API under <c>/api/billing</c> (role billing).</summary>
internal static class ChargeEndpoints
{
    public const int MaxReasonLength = 500;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/billing").RequireAuthorization(p => p.RequireRole("billing"));
        group.MapGet("/charges", ListAsync);
        group.MapGet("/charges/export.csv", ExportAsync);
        group.MapGet("/needs-attention", (ChargeQueries queries, CancellationToken ct) =>
            ListAsync(queries, null, null, null, null, null, true, 500, 0, ct));
        group.MapGet("/charges/{id:guid}", DetailAsync);
        group.MapPost("/charges/{id:guid}/refunds", RefundAsync);
        group.MapPost("/charges/{id:guid}/remittance", RemittanceAsync);
    }

    private static async Task<IResult> ListAsync(ChargeQueries queries, DateTimeOffset? from, DateTimeOffset? to, string? status,
        string? practitionerId, string? payerType, bool? needsAttention, int? limit, int? offset, CancellationToken ct)
    {
        if (status is not null && !ChargeStatus.All.Contains(status))
        {
            return Problems.Of(400, "invalid-filter", "Unknown charge status.", $"status must be one of: {string.Join(", ", ChargeStatus.All)}");
        }
        if (payerType is not null && payerType is not ("card" or "third_party"))
        {
            return Problems.Of(400, "invalid-filter", "Unknown payer type.", "payerType must be card or third_party");
        }
        var rows = await queries.ListAsync(new ChargeFilter(from?.ToUniversalTime(), to?.ToUniversalTime(), status, practitionerId, payerType, needsAttention,
            Math.Clamp(limit ?? 100, 1, 1000), Math.Max(0, offset ?? 0)), ct);
        return Results.Ok(rows.Select(ChargeView.From).ToList());
    }

    private static async Task<IResult> DetailAsync(Guid id, ChargeQueries queries, IServiceProvider services, CancellationToken ct)
    {
        var charge = await queries.GetAsync(id, ct);
        if (charge is null)
        {
            return Problems.Of(404, "charge-not-found", "No such charge.");
        }
        var (attempts, refunds, ledger) = await queries.DetailsAsync(id, ct);
        var timeline = services.GetService<IConsultationTimeline>() is { } reader
            ? await reader.ReadAsync(new AppointmentId(charge.AppointmentId), ct)
            : [];
        return Results.Ok(new
        {
            charge = ChargeView.From(charge),
            timeline,
            attempts = attempts.Select(a => new { a.Kind, a.IdempotencyKey, a.Status, a.Tries, a.Outcome, a.LastError, a.CreatedAt, a.CompletedAt }),
            refunds,
            ledger,
        });
    }

    private static async Task<IResult> RefundAsync(Guid id, RefundRequest body, ClaimsPrincipal user, RefundService refunds, CancellationToken ct)
    {
        if (body.Reason is { Length: > MaxReasonLength })
        {
            return Problems.Of(400, "refund-reason-too-long", $"A refund reason has at most {MaxReasonLength} characters.");
        }
        var who = user.FindFirst("sub")?.Value ?? "unknown";
        var result = await refunds.RefundAsync(id, body.Amount, body.Reason, who, ct);
        return result.Error switch
        {
            RefundError.ChargeNotFound => Problems.Of(404, "charge-not-found", "No such charge."),
            RefundError.ReasonRequired => Problems.Of(400, "refund-reason-required", "A refund needs a reason."),
            RefundError.InvalidAmount => Problems.Of(400, "invalid-amount", "The amount must be a positive number of minor units."),
            RefundError.NotCaptured => Problems.Of(409, "charge-not-captured", "Only a captured charge can be refunded."),
            RefundError.ExceedsCaptured => Problems.Of(409, "refund-exceeds-captured", "The refund is larger than what is left to refund.",
                $"At most {result.Refundable} minor units can still be refunded."),
            _ => Results.Created($"/api/billing/charges/{id:D}", new { refundId = result.RefundId, status = result.Status }),
        };
    }

    private static async Task<IResult> RemittanceAsync(Guid id, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var charge = await Storage.ChargeStore.LockByIdAsync(tx, id, ct);
        if (charge is null)
        {
            return Problems.Of(404, "charge-not-found", "No such charge.");
        }
        if (charge.Status != ChargeStatus.ClaimRecorded)
        {
            return Problems.Of(409, "claim-not-open", "Only a recorded third-party claim can be marked as remitted.", $"The charge is {charge.Status}.");
        }
        var now = time.GetUtcNow();
        charge.Status = ChargeStatus.RemittanceReceived;
        await Storage.ChargeStore.UpdateAsync(tx, charge, now, ct);
        await Storage.ChargeStore.LedgerAsync(tx, charge, "remittance", charge.Amount, charge.Currency, $"remittance/{charge.AppointmentId:D}",
            user.FindFirst("sub")?.Value, now, ct);
        await tx.CommitAsync(ct);
        return Results.Ok(ChargeView.From(charge));
    }

    private static async Task<IResult> ExportAsync(ChargeQueries queries, DateTimeOffset? from, DateTimeOffset? to, string? status,
        string? practitionerId, string? payerType, CancellationToken ct)
    {
        if (status is not null && !ChargeStatus.All.Contains(status))
        {
            return Problems.Of(400, "invalid-filter", "Unknown charge status.", $"status must be one of: {string.Join(", ", ChargeStatus.All)}");
        }
        var rows = await queries.ListAsync(new ChargeFilter(from?.ToUniversalTime(), to?.ToUniversalTime(), status, practitionerId, payerType, null, 100_000, 0), ct);
        return Results.Text(await CsvExport.WriteAsync(rows.Select(ChargeView.From), ct), "text/csv; charset=utf-8");
    }
}
