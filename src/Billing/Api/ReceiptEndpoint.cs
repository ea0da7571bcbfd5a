using System.Net;
using System.Security.Claims;
using Doctolib.Telehealth.Billing.Amounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary><c>GET /api/billing/receipts/{appointmentId}</c>: the patient's own receipt as an HTML page (role patient).
/// Another patient's receipt is answered like a missing one, so its existence is not revealed.</summary>
internal static class ReceiptEndpoint
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/billing/receipts/{appointmentId:guid}", async (Guid appointmentId, ClaimsPrincipal user, ChargeQueries queries, CancellationToken ct) =>
        {
            var charge = await queries.GetByAppointmentAsync(appointmentId, ct);
            if (charge is null || charge.PatientId != user.FindFirst("sub")?.Value)
            {
                return Problems.Of(404, "receipt-not-found", "No receipt for this appointment.");
            }
            if (charge.CapturedAmount == 0 && charge.Status is not (ChargeStatus.ClaimRecorded or ChargeStatus.RemittanceReceived))
            {
                return Problems.Of(409, "receipt-not-available", "This consultation has not been paid.", $"Payment status: {charge.Status}.");
            }
            var paid = charge.PayerType == "card" ? charge.CapturedAmount : charge.Amount;
            var date = (charge.EndedAt ?? charge.CreatedAt).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var html = $"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Receipt {charge.AppointmentId:D}</title></head>
                <body>
                <h1>Consultation receipt</h1>
                <dl>
                <dt>Appointment</dt><dd>{charge.AppointmentId:D}</dd>
                <dt>Practitioner</dt><dd>{WebUtility.HtmlEncode(charge.PractitionerId)}</dd>
                <dt>Date</dt><dd>{date}</dd>
                <dt>Amount</dt><dd>{WebUtility.HtmlEncode(Currencies.Format(paid, charge.Currency))}</dd>
                <dt>Refunded</dt><dd>{WebUtility.HtmlEncode(Currencies.Format(charge.RefundedAmount, charge.Currency))}</dd>
                <dt>Payer</dt><dd>{(charge.PayerType == "card" ? "card" : "insurer (tiers payant)")}</dd>
                <dt>Payment status</dt><dd>{WebUtility.HtmlEncode(charge.Status)}</dd>
                </dl>
                </body></html>
                """;
            return Results.Content(html, "text/html; charset=utf-8");
        }).RequireAuthorization(p => p.RequireRole("patient"));
}
