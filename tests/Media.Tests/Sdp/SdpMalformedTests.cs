using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Sdp;

/// <summary>Broken SDP gives the parser's typed error that names the line and the problem, never the SDP's content.
/// What the plane refuses in well-formed SDP is in <c>Plane/ChromiumOfferTests</c>.</summary>
public sealed class SdpMalformedTests
{
    private static int LineOf(string text, string startsWith)
    {
        string[] lines = text.Split("\r\n");
        return Array.FindIndex(lines, l => l.StartsWith(startsWith, StringComparison.Ordinal)) + 1;
    }

    private static SdpParseException ParseFails(string sdp)
    {
        SdpParseException error = Assert.Throws<SdpParseException>(() => SdpParser.Parse(sdp));
        Assert.DoesNotContain(ChromeOffer.IcePwd, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ChromeOffer.IceUfrag, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ChromeOffer.Cname, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Parse_MissingVersionLine_SaysItMustStartWithV()
    {
        SdpParseException error = ParseFails(ChromeOffer.Text["v=0\r\n".Length..]);

        Assert.Equal(1, error.LineNumber);
        Assert.Contains("v=0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MediaLineWithoutFormats_NamesTheLine()
    {
        string sdp = ChromeOffer.Text.Replace("m=audio 51234 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "m=audio 51234 UDP/TLS/RTP/SAVPF", StringComparison.Ordinal);

        SdpParseException error = ParseFails(sdp);

        Assert.Equal(LineOf(sdp, "m=audio"), error.LineNumber);
        Assert.Contains("m=", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MediaLineWithBadPort_NamesTheLine()
    {
        string sdp = ChromeOffer.Text.Replace("m=video 9 ", "m=video 99999 ", StringComparison.Ordinal);

        SdpParseException error = ParseFails(sdp);

        Assert.Equal(LineOf(sdp, "m=video"), error.LineNumber);
        Assert.Contains("port", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownSetup_NamesTheAttributeLine()
    {
        string sdp = ReplaceFirst(ChromeOffer.Text, "a=setup:actpass", "a=setup:sideways");

        SdpParseException error = ParseFails(sdp);

        Assert.Equal(LineOf(sdp, "a=setup:sideways"), error.LineNumber);
        Assert.Contains("a=setup", error.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain("sideways", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RtpMapTwiceForOnePayloadType_NamesTheSecondLine()
    {
        string sdp = ReplaceFirst(ChromeOffer.Text, "a=rtpmap:96 VP8/90000\r\n", "a=rtpmap:96 VP8/90000\r\na=rtpmap:96 H264/90000\r\n");

        SdpParseException error = ParseFails(sdp);

        Assert.Equal(LineOf(sdp, "a=rtpmap:96 H264"), error.LineNumber);
        Assert.Contains("a=rtpmap", error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus", "a=rtpmap")]
    [InlineData("a=rtpmap:111 opus/48000/2", "a=rtpmap:300 opus/48000/2", "payload type")]
    [InlineData("a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap:0 urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap")]
    [InlineData("a=ssrc-group:FID", "a=ssrc-group:FID x", "a=ssrc-group")]
    [InlineData("o=- 4611731400430051336 2 IN IP4 127.0.0.1", "o=- 46117 2 IN", "o=")]
    [InlineData("a=candidate:1467250027 1 udp", "a=candidate:1467250027 one udp", "a=candidate")]
    [InlineData("t=0 0", "T=0 0", "lower-case")]
    public void Parse_BadAttribute_NamesTheLineAndProblem(string original, string broken, string expected)
    {
        string sdp = ReplaceFirst(ChromeOffer.Text, original, broken);

        SdpParseException error = ParseFails(sdp);

        Assert.Equal(LineOf(sdp, broken), error.LineNumber);
        Assert.Contains(expected, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Garbage_ReturnsTheTypedError()
    {
        Assert.False(SdpParser.TryParse("hello world", out _, out SdpParseException? error));
        Assert.Equal(1, error.LineNumber);
    }

    private static string ReplaceFirst(string text, string original, string replacement)
    {
        int index = text.IndexOf(original, StringComparison.Ordinal);
        Assert.True(index >= 0);
        return string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + original.Length));
    }
}
