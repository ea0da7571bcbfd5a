using Dapper;
using Doctolib.Telehealth.Billing.Payments;
using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.Billing.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using Stripe;

namespace Doctolib.Telehealth.Billing.Webhooks;

internal enum WebhookOutcome
{
    Accepted,
    Duplicate,
    BadSignature,
    NotConfigured,
}

/// <summary>Verifies a Stripe event, stores it once (its id is the key; the raw body is kept for audit) and brings
/// the charge in line by re-reading the object from Stripe, so events may come late, twice or out of order.</summary>
internal sealed class WebhookProcessor(
    NpgsqlDataSource dataSource,
    IPaymentProvider provider,
    IPaymentNotifier notifier,
    BillingOptions options,
    TimeProvider time,
    FaultInjector faults,
    ILogger<WebhookProcessor> logger)
{
    public async Task<WebhookOutcome> ProcessAsync(string payload, string signatureHeader, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.StripeWebhookSecret))
        {
            return WebhookOutcome.NotConfigured;
        }
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(payload, signatureHeader, options.StripeWebhookSecret,
                (long)options.WebhookTolerance.TotalSeconds, time.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        catch (Exception e) when (e is StripeException or ArgumentException or FormatException or Newtonsoft.Json.JsonException)
        {
            BillingLog.WebhookRejected(logger, "signature");
            return WebhookOutcome.BadSignature;
        }
        var notices = new List<PaymentNotice>();
        var now = time.GetUtcNow();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            var objectId = (stripeEvent.Data?.Object as IHasId)?.Id;
            var inserted = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO billing.webhook_events (event_id, type, received_at, payload, object_id)
                VALUES (@Id, @Type, @now, @payload, @objectId) ON CONFLICT (event_id) DO NOTHING
                """, new { stripeEvent.Id, stripeEvent.Type, now, payload, objectId }, tx, cancellationToken: cancellationToken));
            if (inserted == 0)
            {
                await tx.RollbackAsync(cancellationToken);
                BillingLog.WebhookHandled(logger, stripeEvent.Id, stripeEvent.Type, "duplicate");
                return WebhookOutcome.Duplicate;
            }
            await faults.At(FaultPoint.WebhookStored, stripeEvent.Id);
            await HandleAsync(tx, stripeEvent, notices, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        BillingLog.WebhookHandled(logger, stripeEvent.Id, stripeEvent.Type, "handled");
        foreach (var notice in notices)
        {
            await notifier.NotifyAsync(notice, cancellationToken);
        }
        return WebhookOutcome.Accepted;
    }

    private async Task HandleAsync(NpgsqlTransaction tx, Event stripeEvent, List<PaymentNotice> notices, CancellationToken ct)
    {
        switch (stripeEvent.Data.Object)
        {
            case PaymentIntent pi when stripeEvent.Type.StartsWith("payment_intent.", StringComparison.Ordinal):
                var charge = await ChargeStore.LockByIntentAsync(tx, pi.Id, ct);
                if (charge is null && pi.Metadata.TryGetValue("appointment_id", out var appointment) && Guid.TryParse(appointment, out var appointmentId))
                {
                    charge = await ChargeStore.LockByAppointmentAsync(tx, appointmentId, ct);
                }
                if (charge is null)
                {
                    return; // Stored; our own worker will bring the charge to the same state when it gets there.
                }
                var current = await provider.GetAsync(pi.Id, ct);
                await IntentApplier.ApplyAsync(tx, charge, current, time.GetUtcNow(), notices, ct);
                await ChargeStore.UpdateAsync(tx, charge, time.GetUtcNow(), ct);
                break;
            case Charge stripeCharge when stripeEvent.Type == "charge.refunded":
                await RefundedAsync(tx, stripeCharge, ct);
                break;
            case Dispute dispute when stripeEvent.Type.StartsWith("charge.dispute.", StringComparison.Ordinal):
                var disputed = (dispute.PaymentIntentId is { } piId ? await ChargeStore.LockByIntentAsync(tx, piId, ct) : null)
                    ?? (dispute.ChargeId is { } chId ? await ChargeStore.LockByStripeChargeAsync(tx, chId, ct) : null);
                if (disputed is not null)
                {
                    disputed.NeedsAttention = true;
                    disputed.AttentionReason = $"dispute {dispute.Id} ({dispute.Status})";
                    await ChargeStore.UpdateAsync(tx, disputed, time.GetUtcNow(), ct);
                    BillingLog.NeedsAttention(logger, disputed.Id, "dispute");
                }
                break;
        }
    }

    /// <summary>Refunds we made are already booked; one made elsewhere (the Stripe dashboard) is flagged for staff.</summary>
    private async Task RefundedAsync(NpgsqlTransaction tx, Charge stripeCharge, CancellationToken cancellationToken)
    {
        var charge = stripeCharge.PaymentIntentId is { } piId ? await ChargeStore.LockByIntentAsync(tx, piId, cancellationToken) : null;
        if (charge is null || stripeCharge.Refunds?.Data is not { } refunds)
        {
            return;
        }
        foreach (var refund in refunds)
        {
            var known = await tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM billing.refunds WHERE stripe_refund_id = @Id OR id::text = @metadataId)",
                new { refund.Id, metadataId = refund.Metadata?.GetValueOrDefault("refund_id") ?? "" }, tx, cancellationToken: cancellationToken));
            if (!known)
            {
                charge.NeedsAttention = true;
                charge.AttentionReason = $"refund {refund.Id} was made outside billing";
                await ChargeStore.UpdateAsync(tx, charge, time.GetUtcNow(), cancellationToken);
            }
        }
    }
}
