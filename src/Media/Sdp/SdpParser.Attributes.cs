using System.Globalization;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>The a= lines the parser understands; others are kept as <see cref="SdpAttribute"/>.</summary>
internal static partial class SdpParser
{
    private static void ParseSessionAttribute(SdpSessionDescription session, string value, int lineNumber)
    {
        SplitAttribute(value, out string name, out string? argument);
        switch (name)
        {
            case "group":
                string[] parts = Require(argument, name, lineNumber).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    throw new SdpParseException(lineNumber, "a=group needs a semantics token");
                }

                session.Groups.Add(new SdpGroup(parts[0], parts[1..]));
                break;
            case "ice-options":
                session.IceOptions.AddRange(Require(argument, name, lineNumber).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                break;
            case "ice-lite":
                session.IceLite = true;
                break;
            case "msid-semantic":
                session.MsidSemantic = Require(argument, name, lineNumber).Trim();
                break;
            case "ice-ufrag":
                session.IceUfrag = ParseIceUfrag(argument, lineNumber);
                break;
            case "ice-pwd":
                session.IcePwd = ParseIcePwd(argument, lineNumber);
                break;
            case "fingerprint":
                session.Fingerprint = ParseFingerprint(argument, lineNumber);
                break;
            case "setup":
                session.Setup = ParseSetup(argument, lineNumber);
                break;
            default:
                session.OtherAttributes.Add(new SdpAttribute(name, argument));
                break;
        }
    }

    private static void ParseMediaAttribute(SdpMediaSection media, string value, int lineNumber)
    {
        SplitAttribute(value, out string name, out string? argument);
        switch (name)
        {
            case "mid":
                string mid = Require(argument, name, lineNumber);
                if (mid.Length > 32 || mid.Contains(' ', StringComparison.Ordinal))
                {
                    throw new SdpParseException(lineNumber, "a=mid must be a token of at most 32 characters");
                }

                if (media.Mid is not null)
                {
                    throw new SdpParseException(lineNumber, "a=mid appears twice in one m-section");
                }

                media.Mid = mid;
                break;
            case "sendrecv":
            case "sendonly":
            case "recvonly":
            case "inactive":
                if (media.HasExplicitDirection)
                {
                    throw new SdpParseException(lineNumber, "more than one direction attribute in one m-section");
                }

                SdpEnumText.TryParseDirection(name, out SdpDirection direction);
                media.Direction = direction;
                media.HasExplicitDirection = true;
                break;
            case "ice-ufrag":
                media.IceUfrag = ParseIceUfrag(argument, lineNumber);
                break;
            case "ice-pwd":
                media.IcePwd = ParseIcePwd(argument, lineNumber);
                break;
            case "ice-options":
                media.IceOptions.AddRange(Require(argument, name, lineNumber).Split(' ', StringSplitOptions.RemoveEmptyEntries));
                break;
            case "fingerprint":
                media.Fingerprint = ParseFingerprint(argument, lineNumber);
                break;
            case "setup":
                media.Setup = ParseSetup(argument, lineNumber);
                break;
            case "rtcp-mux":
                media.RtcpMux = true;
                break;
            case "rtcp-rsize":
                media.RtcpRsize = true;
                break;
            case "bundle-only":
                media.BundleOnly = true;
                break;
            case "end-of-candidates":
                media.EndOfCandidates = true;
                break;
            case "rtpmap":
                SdpRtpMap map = ParseRtpMap(Require(argument, name, lineNumber), lineNumber);
                if (media.FindRtpMap(map.PayloadType) is not null)
                {
                    throw new SdpParseException(lineNumber, "a=rtpmap appears twice for one payload type");
                }

                media.RtpMaps.Add(map);
                break;
            case "fmtp":
                ParseFmtp(media, Require(argument, name, lineNumber), lineNumber);
                break;
            case "rtcp-fb":
                media.RtcpFeedbacks.Add(ParseRtcpFeedback(Require(argument, name, lineNumber), lineNumber));
                break;
            case "extmap":
                media.Extmaps.Add(ParseExtmap(Require(argument, name, lineNumber), lineNumber));
                break;
            case "ssrc":
                media.SsrcAttributes.Add(ParseSsrc(Require(argument, name, lineNumber), lineNumber));
                break;
            case "ssrc-group":
                media.SsrcGroups.Add(ParseSsrcGroup(Require(argument, name, lineNumber), lineNumber));
                break;
            case "msid":
                string[] msid = Require(argument, name, lineNumber).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (msid.Length is < 1 or > 2)
                {
                    throw new SdpParseException(lineNumber, "a=msid must be '<stream id> [<track id>]'");
                }

                media.Msids.Add(new SdpMsid(msid[0], msid.Length == 2 ? msid[1] : null));
                break;
            case "candidate":
                if (!SdpCandidate.TryParse(Require(argument, name, lineNumber), out SdpCandidate? candidate, out string? error))
                {
                    throw new SdpParseException(lineNumber, error);
                }

                media.Candidates.Add(candidate);
                break;
            case "sctp-port":
                media.SctpPort = ParseNumber(argument, name, lineNumber, 0, 65535);
                break;
            case "max-message-size":
                media.MaxMessageSize = ParseNumber(argument, name, lineNumber, 0, int.MaxValue);
                break;
            default:
                media.OtherAttributes.Add(new SdpAttribute(name, argument));
                break;
        }
    }

    private static string Require(string? argument, string name, int lineNumber) =>
        string.IsNullOrWhiteSpace(argument) ? throw new SdpParseException(lineNumber, $"a={name} needs a value") : argument;

    private static int ParseNumber(string? argument, string name, int lineNumber, int min, int max)
    {
        if (!int.TryParse(Require(argument, name, lineNumber), NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            || number < min || number > max)
        {
            throw new SdpParseException(lineNumber, $"a={name} must be a number between {min} and {max}");
        }

        return number;
    }

    private static string ParseIceUfrag(string? argument, int lineNumber)
    {
        string ufrag = Require(argument, "ice-ufrag", lineNumber);
        if (ufrag.Length is < 4 or > 256 || !IsIceChars(ufrag))
        {
            throw new SdpParseException(lineNumber, "a=ice-ufrag must be 4 to 256 ICE characters (letters, digits, '+', '/')");
        }

        return ufrag;
    }

    private static string ParseIcePwd(string? argument, int lineNumber)
    {
        string pwd = Require(argument, "ice-pwd", lineNumber);
        if (pwd.Length is < 22 or > 256 || !IsIceChars(pwd))
        {
            throw new SdpParseException(lineNumber, "a=ice-pwd must be 22 to 256 ICE characters (letters, digits, '+', '/')");
        }

        return pwd;
    }

    private static bool IsIceChars(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        return true;
    }

    private static SdpFingerprint ParseFingerprint(string? argument, int lineNumber)
    {
        string[] parts = Require(argument, "fingerprint", lineNumber).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            throw new SdpParseException(lineNumber, "a=fingerprint must be '<hash function> <hex bytes separated by colons>'");
        }

        string hex = parts[1];
        bool valid = hex.Length >= 2 && (hex.Length + 1) % 3 == 0;
        for (int i = 0; valid && i < hex.Length; i++)
        {
            valid = i % 3 == 2 ? hex[i] == ':' : char.IsAsciiHexDigit(hex[i]);
        }

        if (!valid)
        {
            throw new SdpParseException(lineNumber, "a=fingerprint value must be hex bytes separated by colons");
        }

        return new SdpFingerprint(parts[0].ToLowerInvariant(), hex.ToUpperInvariant());
    }

    private static SdpSetupRole ParseSetup(string? argument, int lineNumber)
    {
        if (!SdpEnumText.TryParseSetup(Require(argument, "setup", lineNumber).Trim(), out SdpSetupRole role))
        {
            throw new SdpParseException(lineNumber, "a=setup has an unknown value (expected actpass, active, passive or holdconn)");
        }

        return role;
    }

    private static int ParsePayloadType(string text, string name, int lineNumber)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pt) || pt > 127)
        {
            throw new SdpParseException(lineNumber, $"a={name} payload type must be a number between 0 and 127");
        }

        return pt;
    }

    private static SdpRtpMap ParseRtpMap(string argument, int lineNumber)
    {
        int space = argument.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw new SdpParseException(lineNumber, "a=rtpmap must be '<payload type> <encoding>/<clock rate>[/<channels>]'");
        }

        int pt = ParsePayloadType(argument[..space], "rtpmap", lineNumber);
        string[] encoding = argument[(space + 1)..].Trim().Split('/');
        if (encoding.Length is < 2 or > 3 || encoding[0].Length == 0
            || !int.TryParse(encoding[1], NumberStyles.None, CultureInfo.InvariantCulture, out int clock) || clock == 0)
        {
            throw new SdpParseException(lineNumber, "a=rtpmap must be '<payload type> <encoding>/<clock rate>[/<channels>]'");
        }

        int? channels = null;
        if (encoding.Length == 3)
        {
            if (!int.TryParse(encoding[2], NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count is < 1 or > 255)
            {
                throw new SdpParseException(lineNumber, "a=rtpmap channel count must be a number between 1 and 255");
            }

            channels = count;
        }

        return new SdpRtpMap(pt, encoding[0], clock, channels);
    }

    private static void ParseFmtp(SdpMediaSection media, string argument, int lineNumber)
    {
        int space = argument.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw new SdpParseException(lineNumber, "a=fmtp must be '<payload type> <parameters>'");
        }

        int pt = ParsePayloadType(argument[..space], "fmtp", lineNumber);
        if (!media.Fmtps.TryAdd(pt, argument[(space + 1)..].Trim()))
        {
            throw new SdpParseException(lineNumber, "a=fmtp appears twice for one payload type");
        }
    }

    private static SdpRtcpFeedback ParseRtcpFeedback(string argument, int lineNumber)
    {
        string[] parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3)
        {
            throw new SdpParseException(lineNumber, "a=rtcp-fb must be '<payload type or *> <type> [<parameter>]'");
        }

        int? pt = parts[0] == "*" ? null : ParsePayloadType(parts[0], "rtcp-fb", lineNumber);
        return new SdpRtcpFeedback(pt, parts[1], parts.Length == 3 ? parts[2] : null);
    }

    private static SdpExtmap ParseExtmap(string argument, int lineNumber)
    {
        string[] parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            throw new SdpParseException(lineNumber, "a=extmap must be '<id>[/<direction>] <uri> [<attributes>]'");
        }

        string idText = parts[0];
        SdpDirection? direction = null;
        int slash = idText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (!SdpEnumText.TryParseDirection(idText[(slash + 1)..], out SdpDirection parsed))
            {
                throw new SdpParseException(lineNumber, "a=extmap direction must be sendrecv, sendonly, recvonly or inactive");
            }

            direction = parsed;
            idText = idText[..slash];
        }

        if (!int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id is < 1 or > 255)
        {
            throw new SdpParseException(lineNumber, "a=extmap id must be a number between 1 and 255");
        }

        return new SdpExtmap(id, direction, parts[1], parts.Length > 2 ? string.Join(' ', parts[2..]) : null);
    }

    private static SdpSsrcAttribute ParseSsrc(string argument, int lineNumber)
    {
        int space = argument.IndexOf(' ', StringComparison.Ordinal);
        string ssrcText = space < 0 ? argument : argument[..space];
        if (!uint.TryParse(ssrcText, NumberStyles.None, CultureInfo.InvariantCulture, out uint ssrc))
        {
            throw new SdpParseException(lineNumber, "a=ssrc must start with a 32-bit unsigned number");
        }

        if (space < 0 || space == argument.Length - 1)
        {
            throw new SdpParseException(lineNumber, "a=ssrc needs an attribute after the SSRC");
        }

        SplitAttribute(argument[(space + 1)..], out string name, out string? value);
        return new SdpSsrcAttribute(ssrc, name, value);
    }

    private static SdpSsrcGroup ParseSsrcGroup(string argument, int lineNumber)
    {
        string[] parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            throw new SdpParseException(lineNumber, "a=ssrc-group must be '<semantics> <ssrc> ...'");
        }

        var ssrcs = new uint[parts.Length - 1];
        for (int i = 1; i < parts.Length; i++)
        {
            if (!uint.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out ssrcs[i - 1]))
            {
                throw new SdpParseException(lineNumber, "a=ssrc-group SSRCs must be 32-bit unsigned numbers");
            }
        }

        return new SdpSsrcGroup(parts[0], ssrcs);
    }
}
