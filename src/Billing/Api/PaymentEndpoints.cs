using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary>The payment endpoints the visit page uses: <c>GET /api/billing/config</c> (any signed-in role) and
/// <c>POST /api/billing/payments/{appointmentId}/confirm</c> (the appointment's own patient).</summary>
internal static class PaymentEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/billing/config", (BillingOptions options) => Results.Ok(new
        {
            provider = options.UsesStripe ? "stripe" : "local",
            publishableKey = options.UsesStripe ? options.StripePublishableKey : null,
        })).RequireAuthorization();

        endpoints.MapPost("/api/billing/payments/{appointmentId:guid}/confirm",
            async (Guid appointmentId, ClaimsPrincipal user, PaymentConfirmation confirmation, CancellationToken ct) =>
            {
                var (outcome, status) = await confirmation.ConfirmAsync(appointmentId, user.FindFirst("sub")?.Value, ct);
                return outcome switch
                {
                    ConfirmOutcome.NotFound => Problems.Of(404, "payment-not-found", "No payment of yours for this appointment."),
                    ConfirmOutcome.ConfirmInBrowser => Problems.Of(409, "confirm-in-browser",
                        "Your bank's confirmation is completed in the browser with Stripe.js.", $"Payment status: {status}."),
                    ConfirmOutcome.NothingToConfirm => Problems.Of(409, "nothing-to-confirm",
                        "This payment does not wait for a confirmation.", $"Payment status: {status}."),
                    _ => Results.Ok(new { appointmentId, status }),
                };
            }).RequireAuthorization(p => p.RequireRole("patient"));
    }
}
