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
    ConsultationState ConsultationState)
{
    internal sealed record PriceView(long Amount, string Currency);

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
        a.ConsultationState);
}
