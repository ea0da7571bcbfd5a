namespace Doctolib.Telehealth.Signaling;

/// <summary>The shape check for ISO 4217 codes (three letters; the list of active codes changes, the shape does not).</summary>
internal static class Currencies
{
    public static bool IsIso4217(string code) => code.Length == 3 && code.All(char.IsAsciiLetter);
}
