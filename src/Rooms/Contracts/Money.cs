namespace Doctolib.Telehealth.Rooms;

/// <summary>An amount in the currency's minor units (cents, or yen for zero-decimal currencies) and its ISO 4217 code.</summary>
public readonly record struct Money(long MinorUnits, string Currency);
