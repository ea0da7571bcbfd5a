using System.Security.Claims;
using Doctolib.Telehealth.Billing.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Reconciliation;

/// <summary>Request body: a payout id, or a date range.</summary>
internal sealed record ReconciliationRequest(string? PayoutId, DateTimeOffset? From, DateTimeOffset? To);

/// <summary><c>/api/billing/reconciliations</c> (role billing).</summary>
internal static class ReconciliationEndpoints
{
    private const int DefaultListed = 20;
    private const int MaxListed = 100;
    private const int MaxPayoutIdLength = 255;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/billing/reconciliations").RequireAuthorization(p => p.RequireRole("billing"));
        group.MapPost("", async (ReconciliationRequest body, ClaimsPrincipal user, Reconciler reconciler, CancellationToken ct) =>
        {
            if (body.PayoutId is { Length: > MaxPayoutIdLength } || (body.PayoutId is not null && body.PayoutId.Any(char.IsControl)))
            {
                return Problems.Of(400, "invalid-payout-id", $"A payout id has at most {MaxPayoutIdLength} characters and no control characters.");
            }
            if (string.IsNullOrWhiteSpace(body.PayoutId) && (body.From is null || body.To is null || body.From >= body.To))
            {
                return Problems.Of(400, "reconciliation-scope-required", "Give a payoutId, or a from/to range with from before to.");
            }
            try
            {
                var report = await reconciler.RunAsync(string.IsNullOrWhiteSpace(body.PayoutId) ? null : body.PayoutId,
                    body.From?.ToUniversalTime(), body.To?.ToUniversalTime(),
                    user.FindFirst("sub")?.Value ?? "unknown", ct);
                return Results.Created($"/api/billing/reconciliations/{report.Id:D}", View(report, all: false));
            }
            catch (Payments.PaymentProviderException e) when (e.Code == "resource_missing")
            {
                return Problems.Of(404, "payout-not-found", "The payment provider does not know this payout.");
            }
        });
        group.MapGet("", async (int? limit, NpgsqlDataSource dataSource, CancellationToken ct) =>
        {
            if (limit is < 1 or > MaxListed)
            {
                return Problems.Of(400, "invalid-limit", $"limit must be between 1 and {MaxListed}.");
            }
            var reports = await ReconciliationStore.ListAsync(dataSource, limit ?? DefaultListed, ct);
            return Results.Ok(reports.Select(r => new
            {
                r.Id, Scope = r.PayoutId is null ? "range" : "payout", r.PayoutId, r.From, r.To, r.CreatedAt, r.RequestedBy, r.Summary,
            }));
        });
        group.MapGet("/{id:guid}", async (Guid id, bool? all, NpgsqlDataSource dataSource, CancellationToken ct) =>
            await ReconciliationStore.LoadAsync(dataSource, id, all ?? false, ct) is { } report
                ? Results.Ok(View(report, all: true))
                : Problems.Of(404, "reconciliation-not-found", "No such reconciliation."));
        group.MapGet("/{id:guid}/export.csv", async (Guid id, NpgsqlDataSource dataSource, CancellationToken ct) =>
        {
            if (await ReconciliationStore.LoadAsync(dataSource, id, all: true, ct) is not { } report)
            {
                return Problems.Of(404, "reconciliation-not-found", "No such reconciliation.");
            }
            return Results.Text(await CsvExport.WriteAsync(report.Items, ct), "text/csv; charset=utf-8");
        });
    }

    /// <summary>The summary and every item that is not a plain match (or all items when asked).</summary>
    private static object View(ReconciliationReport report, bool all) => new
    {
        report.Id, report.PayoutId, report.From, report.To, report.CreatedAt, report.RequestedBy, report.Summary,
        items = all ? report.Items : report.Items.Where(i => i.Status != ItemStatus.Matched).ToList(),
    };
}
