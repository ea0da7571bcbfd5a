using Doctolib.Telehealth.Billing.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Doctolib.Telehealth.Billing.Webhooks;

/// <summary><c>POST /webhooks/stripe</c>: anonymous, trusted only through its Stripe-Signature.</summary>
internal static class WebhookEndpoint
{
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/webhooks/stripe", async (HttpRequest request, WebhookProcessor processor, CancellationToken ct) =>
        {
            using var reader = new StreamReader(request.Body);
            var payload = await reader.ReadToEndAsync(ct);
            var outcome = await processor.ProcessAsync(payload, request.Headers["Stripe-Signature"].ToString(), ct);
            return outcome switch
            {
                WebhookOutcome.BadSignature => Problems.Of(400, "webhook-signature-invalid", "The Stripe-Signature header does not verify.",
                    "The signature is wrong, or its timestamp is outside the tolerance."),
                WebhookOutcome.NotConfigured => Problems.Of(400, "webhook-not-configured", "No Stripe webhook secret is configured."),
                WebhookOutcome.Duplicate => Results.Ok(new { received = true, duplicate = true }),
                _ => Results.Ok(new { received = true, duplicate = false }),
            };
        }).AllowAnonymous().DisableAntiforgery();
}
