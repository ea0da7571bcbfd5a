using System.Text.Json.Serialization;

namespace Doctolib.Telehealth.Rooms;

/// <summary>Who pays for an appointment, as the scheduling system says.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(CardPayer), "card")]
[JsonDerivedType(typeof(ThirdPartyPayer), "third_party")]
public abstract record Payer;

/// <summary>The patient pays by a card saved at Stripe.</summary>
public sealed record CardPayer(string StripeCustomerId, string PaymentMethodId) : Payer;

/// <summary>An insurer pays (French "tiers payant"); no card is charged.</summary>
public sealed record ThirdPartyPayer(string InsurerReference) : Payer;
