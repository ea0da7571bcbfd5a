using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Billing.Storage;

/// <summary>One row of <c>billing.charges</c> (Dapper maps snake_case columns onto these names).</summary>
internal sealed class ChargeRow
{
    public Guid Id { get; set; }
    public Guid AppointmentId { get; set; }
    public string PatientId { get; set; } = "";
    public string PractitionerId { get; set; } = "";
    public long Amount { get; set; }
    public string Currency { get; set; } = "";
    public string PayerType { get; set; } = "";
    public string? StripeCustomer { get; set; }
    public string? PaymentMethod { get; set; }
    public string? InsurerReference { get; set; }
    public string Status { get; set; } = "";
    public string? PaymentIntentId { get; set; }
    public string? StripeChargeId { get; set; }
    public string? ClientSecret { get; set; }
    public long CapturedAmount { get; set; }
    public long RefundedAmount { get; set; }
    public long ReservedRefunds { get; set; }
    public DateTime? AdmittedAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public string? EndReason { get; set; }
    public long? LiveMediaSeconds { get; set; }
    public bool? Billable { get; set; }
    public string? UnbillableReason { get; set; }
    public bool NeedsAttention { get; set; }
    public string? AttentionReason { get; set; }
    public string? LastError { get; set; }
    public DateTime? EndedEventAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>A notice about this charge's payment for its patient (and, without the secret, its practitioner).</summary>
    public PaymentNotice Notice(string status, string? message = null, string? clientSecret = null) =>
        new(new Rooms.AppointmentId(AppointmentId), new PersonId(PatientId), new PersonId(PractitionerId), status, message, clientSecret);
}

/// <summary>One row of <c>billing.payment_attempts</c>. Dapper reads <see cref="Kind"/> and <see cref="Status"/> from
/// their one-word text by name (an unknown text fails the read); writes go through <see cref="Rooms.WireFormat"/>.</summary>
internal sealed class AttemptRow
{
    public long Seq { get; set; }
    public Guid Id { get; set; }
    public Guid ChargeId { get; set; }
    public AttemptKind Kind { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public Guid? RefundId { get; set; }
    public AttemptStatus Status { get; set; }
    public int Tries { get; set; }
    public DateTime NextRunAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public string? Outcome { get; set; }
    public string? LastError { get; set; }
}
