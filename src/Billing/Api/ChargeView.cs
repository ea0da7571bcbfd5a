using Doctolib.Telehealth.Billing.Amounts;
using Doctolib.Telehealth.Billing.Storage;

namespace Doctolib.Telehealth.Billing.Api;

/// <summary>A charge as billing staff see it (JSON and CSV).</summary>
internal sealed record ChargeView(
    Guid Id,
    Guid AppointmentId,
    string PatientId,
    string PractitionerId,
    string PayerType,
    string Status,
    long Amount,
    string Currency,
    string AmountFormatted,
    long CapturedAmount,
    long RefundedAmount,
    string? PaymentIntentId,
    bool? Billable,
    string? UnbillableReason,
    long? LiveMediaSeconds,
    bool NeedsAttention,
    string? AttentionReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt)
{
    public static ChargeView From(ChargeRow c) => new(
        c.Id, c.AppointmentId, c.PatientId, c.PractitionerId, c.PayerType, c.Status, c.Amount, c.Currency,
        Currencies.Format(c.Amount, c.Currency), c.CapturedAmount, c.RefundedAmount, c.PaymentIntentId, c.Billable,
        c.UnbillableReason, c.LiveMediaSeconds, c.NeedsAttention, c.AttentionReason, Utc(c.CreatedAt), c.EndedAt is { } e ? Utc(e) : null);

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
