using System.Text.Json.Serialization;
using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Signaling;

/// <summary>The scheduling system's appointment body. Every property is nullable so that a missing field is
/// reported by name instead of failing the whole body.</summary>
internal sealed class AppointmentBody
{
    /// <summary>Ids of people and references from the scheduling system or Stripe.</summary>
    public const int MaxIdLength = 128;
    public const int MaxStripeIdLength = 255;
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;

    public string? PractitionerId { get; init; }
    public string? PatientId { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public int? DurationMinutes { get; init; }
    public PriceBody? Price { get; init; }
    public PayerBody? Payer { get; init; }

    [JsonPropertyName("patientName")]
    public string? PatientName { get; init; }

    [JsonPropertyName("patientEmail")]
    public string? PatientEmail { get; init; }

    [JsonPropertyName("practitionerName")]
    public string? PractitionerName { get; init; }

    internal sealed class PriceBody
    {
        public long? Amount { get; init; }
        public string? Currency { get; init; }
    }

    internal sealed class PayerBody
    {
        public string? Type { get; init; }
        public string? StripeCustomerId { get; init; }
        public string? PaymentMethodId { get; init; }
        public string? InsurerReference { get; init; }
    }

    /// <summary>Validates every field and returns either the request or the errors keyed by JSON path.</summary>
    public (AppointmentRequest? Request, Dictionary<string, string[]> Errors) Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(PractitionerId)) Fail("practitionerId", "Required.");
        if (string.IsNullOrWhiteSpace(PatientId)) Fail("patientId", "Required.");
        if (StartsAt is null) Fail("startsAt", "Required: an ISO 8601 date and time with its offset.");
        if (DurationMinutes is null) Fail("durationMinutes", "Required.");
        else if (DurationMinutes is < 5 or > 240) Fail("durationMinutes", "Must be between 5 and 240 minutes.");
        if (Price is null) Fail("price", "Required: { amount, currency }.");
        else
        {
            if (Price.Amount is null) Fail("price.amount", "Required, in the currency's minor units (cents).");
            else if (Price.Amount < 0) Fail("price.amount", "Must not be negative.");
            if (Price.Currency is null || !Currencies.IsIso4217(Price.Currency)) Fail("price.currency", "Must be an ISO 4217 code such as EUR.");
        }
        Payer? payer = null;
        switch (Payer?.Type)
        {
            case null:
                Fail("payer", "Required: { type: card | third_party, ... }.");
                break;
            case "card":
                if (string.IsNullOrWhiteSpace(Payer.StripeCustomerId)) Fail("payer.stripeCustomerId", "Required for a card payer.");
                if (string.IsNullOrWhiteSpace(Payer.PaymentMethodId)) Fail("payer.paymentMethodId", "Required for a card payer.");
                payer = new CardPayer(Payer.StripeCustomerId ?? "", Payer.PaymentMethodId ?? "");
                break;
            case "third_party":
                if (string.IsNullOrWhiteSpace(Payer.InsurerReference)) Fail("payer.insurerReference", "Required for a third-party payer.");
                payer = new ThirdPartyPayer(Payer.InsurerReference ?? "");
                break;
            default:
                Fail("payer.type", "Must be 'card' or 'third_party'.");
                break;
        }
        if (PatientEmail is { Length: > 0 } && !PatientEmail.Contains('@', StringComparison.Ordinal)) Fail("patientEmail", "Must be an e-mail address.");
        void Limit(string field, string? value, int max)
        {
            if (value is null) return;
            if (value.Length > max) Fail(field, $"At most {max} characters.");
            else if (RequestGuard.HasControlCharacter(value)) Fail(field, "Must not contain control characters (newlines, tabs, NUL).");
        }
        Limit("practitionerId", PractitionerId, MaxIdLength);
        Limit("patientId", PatientId, MaxIdLength);
        Limit("patientName", PatientName, MaxNameLength);
        Limit("practitionerName", PractitionerName, MaxNameLength);
        Limit("patientEmail", PatientEmail, MaxEmailLength);
        Limit("price.currency", Price?.Currency, 3);
        Limit("payer.type", Payer?.Type, 32);
        Limit("payer.stripeCustomerId", Payer?.StripeCustomerId, MaxStripeIdLength);
        Limit("payer.paymentMethodId", Payer?.PaymentMethodId, MaxStripeIdLength);
        Limit("payer.insurerReference", Payer?.InsurerReference, MaxIdLength);
        if (errors.Count > 0)
        {
            return (null, errors);
        }
        var start = StartsAt!.Value;
        return (new AppointmentRequest(
            new PersonId(PractitionerId!.Trim()),
            new PersonId(PatientId!.Trim()),
            new DateTimeOffset(start.UtcTicks - start.UtcTicks % 10, TimeSpan.Zero),
            DurationMinutes!.Value,
            new Money(Price!.Amount!.Value, Price.Currency!.ToUpperInvariant()),
            payer!,
            string.IsNullOrWhiteSpace(PatientName) ? null : PatientName.Trim(),
            string.IsNullOrWhiteSpace(PatientEmail) ? null : PatientEmail.Trim(),
            string.IsNullOrWhiteSpace(PractitionerName) ? null : PractitionerName.Trim()), errors);
    }
}
