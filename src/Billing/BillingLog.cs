using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Billing;

/// <summary>Billing's log messages (event ids 4000-4099). Ids only: never names, card data or secrets.</summary>
internal static partial class BillingLog
{
    [LoggerMessage(4000, LogLevel.Warning, "Billing uses the LOCAL PAYMENT EMULATOR (no Stripe secret key configured): no real money moves")]
    public static partial void LocalEmulator(ILogger logger);

    [LoggerMessage(4001, LogLevel.Information, "Billing uses Stripe ({ApiBase})")]
    public static partial void UsingStripe(ILogger logger, string apiBase);

    [LoggerMessage(4002, LogLevel.Information, "Payment notice for appointment {AppointmentId}: {Status}")]
    public static partial void PaymentNotice(ILogger logger, Guid appointmentId, string status);

    [LoggerMessage(4003, LogLevel.Information, "Charge {ChargeId}: {Kind} attempt {Outcome}")]
    public static partial void AttemptDone(ILogger logger, Guid chargeId, string kind, string outcome);

    [LoggerMessage(4004, LogLevel.Warning, "Charge {ChargeId}: {Kind} attempt failed ({Code}), try {Tries}, next at {NextRunAt}")]
    public static partial void AttemptRetry(ILogger logger, Guid chargeId, string kind, string code, int tries, DateTimeOffset nextRunAt);

    [LoggerMessage(4005, LogLevel.Error, "Charge {ChargeId} needs attention: {Reason}")]
    public static partial void NeedsAttention(ILogger logger, Guid chargeId, string reason);

    [LoggerMessage(4006, LogLevel.Error, "Billing worker iteration failed")]
    public static partial void WorkerFailed(ILogger logger, Exception exception);

    [LoggerMessage(4007, LogLevel.Information, "Charge {ChargeId} for appointment {AppointmentId}: {Status}")]
    public static partial void ChargeStatusChanged(ILogger logger, Guid chargeId, Guid appointmentId, string status);

    [LoggerMessage(4008, LogLevel.Warning, "Stripe webhook rejected: {Reason}")]
    public static partial void WebhookRejected(ILogger logger, string reason);

    [LoggerMessage(4009, LogLevel.Information, "Stripe webhook {EventId} ({Type}) {Outcome}")]
    public static partial void WebhookHandled(ILogger logger, string eventId, string type, string outcome);

    [LoggerMessage(4010, LogLevel.Information, "Reconciliation {ReconciliationId}: {Matched} matched, {MissingFromLedger} missing from ledger, {MissingFromStripe} missing from Stripe, {Mismatched} mismatched")]
    public static partial void Reconciled(ILogger logger, Guid reconciliationId, int matched, int missingFromLedger, int missingFromStripe, int mismatched);

    [LoggerMessage(4011, LogLevel.Information, "Reconciliation {ReconciliationId} took {ListMs} ms listing, {MatchMs} ms matching, {FeesMs} ms booking fees, {StoreMs} ms storing")]
    public static partial void ReconciliationPhases(ILogger logger, Guid reconciliationId, long listMs, long matchMs, long feesMs, long storeMs);
}
