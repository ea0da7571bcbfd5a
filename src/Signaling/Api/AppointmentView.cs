using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Signaling;

/// <summary>An appointment as the API returns it.</summary>
internal sealed record AppointmentView(
    Guid Id,
    string PractitionerId,
    string PatientId,
    DateTimeOffset StartsAt,
    int DurationMinutes,
    AppointmentView.PriceView Price,
    object Payer,
    string? PatientName,
    string? PatientEmail,
    bool Cancelled,
    ConsultationState ConsultationState,
    string? PractitionerName)
{
    internal sealed record PriceView(long Amount, string Currency);

    /// <summary>The scheduling system's view: everything it sent, the payer's references included.</summary>
    public static AppointmentView From(Appointment a) => new(
        a.Id.Value,
        a.PractitionerId.Value,
        a.PatientId.Value,
        a.StartsAt,
        a.DurationMinutes,
        new PriceView(a.Price.MinorUnits, a.Price.Currency),
        a.Payer switch
        {
            CardPayer card => new { type = "card", stripeCustomerId = card.StripeCustomerId, paymentMethodId = card.PaymentMethodId },
            ThirdPartyPayer third => new { type = "third_party", insurerReference = third.InsurerReference },
            _ => new { type = "unknown" },
        },
        a.PatientName,
        a.PatientEmail,
        a.CancelledAt is not null,
        a.ConsultationState,
        a.PractitionerName);

    /// <summary>The practitioner's day list: the payer's type only, never its Stripe customer or payment method.</summary>
    public static AppointmentView ForPractitioner(Appointment a) => From(a) with
    {
        Payer = new { type = a.Payer is CardPayer ? "card" : a.Payer is ThirdPartyPayer ? "third_party" : "unknown" },
    };
}
