namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>A session description that cannot be used. The message names the line (1-based, 0 when the problem is
/// not one line's) and what is wrong; it never quotes the SDP's content.</summary>
internal sealed class SdpParseException : Exception
{
    public SdpParseException(int lineNumber, string problem)
        : base(lineNumber > 0 ? $"SDP line {lineNumber}: {problem}" : $"SDP: {problem}")
    {
        LineNumber = lineNumber;
        Problem = problem;
    }

    public int LineNumber { get; }
    public string Problem { get; }
}
