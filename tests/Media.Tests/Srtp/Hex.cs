namespace Doctolib.Telehealth.Media.Tests.Srtp;

internal static class Hex
{
    /// <summary>Hex with any whitespace, as the RFCs print it.</summary>
    internal static byte[] Parse(string text)
    {
        var compact = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                compact.Append(c);
            }
        }

        return Convert.FromHexString(compact.ToString());
    }
}
