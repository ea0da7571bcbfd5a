namespace Doctolib.Telehealth.Media.Tests.Stun;

/// <summary>Hex as RFCs print it (spaces, line breaks) to bytes.</summary>
internal static class Hex
{
    public static byte[] Parse(string text)
    {
        var digits = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (Uri.IsHexDigit(c))
            {
                digits.Append(c);
            }
        }

        return Convert.FromHexString(digits.ToString());
    }
}
