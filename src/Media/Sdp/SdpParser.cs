using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Doctolib.Telehealth.Media.Sdp;

/// <summary>Parses SDP text (RFC 8866 syntax) into <see cref="SdpSessionDescription"/>. Syntax errors throw
/// <see cref="SdpParseException"/> with the line number; no other exception escapes for any input string.</summary>
internal static partial class SdpParser
{
    public const int MaxLength = 256 * 1024;
    public const int MaxLines = 8192;

    public static bool TryParse(string sdp, [NotNullWhen(true)] out SdpSessionDescription? description, [NotNullWhen(false)] out SdpParseException? error)
    {
        try
        {
            description = Parse(sdp);
            error = null;
            return true;
        }
        catch (SdpParseException e)
        {
            description = null;
            error = e;
            return false;
        }
    }

    public static SdpSessionDescription Parse(string sdp)
    {
        ArgumentNullException.ThrowIfNull(sdp);
        if (sdp.Length == 0)
        {
            throw new SdpParseException(0, "the description is empty");
        }

        if (sdp.Length > MaxLength)
        {
            throw new SdpParseException(0, $"the description is longer than {MaxLength} characters");
        }

        string[] lines = sdp.Split('\n');
        if (lines.Length > MaxLines)
        {
            throw new SdpParseException(0, $"the description has more than {MaxLines} lines");
        }

        SdpSessionDescription? session = null;
        SdpMediaSection? media = null;
        bool sawVersion = false;
        bool sawSessionName = false;
        bool sawTiming = false;
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            if (line.Length == 0)
            {
                if (i == lines.Length - 1)
                {
                    break; // the final line break
                }

                throw new SdpParseException(lineNumber, "empty line");
            }

            if (line.Length < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
            {
                throw new SdpParseException(lineNumber, "a line must be a lower-case letter, '=' and a value");
            }

            char type = line[0];
            string value = line[2..];
            if (!sawVersion)
            {
                if (type != 'v')
                {
                    throw new SdpParseException(lineNumber, "the description must start with v=0");
                }

                if (value != "0")
                {
                    throw new SdpParseException(lineNumber, "v= must be 0");
                }

                sawVersion = true;
                continue;
            }

            if (session is null)
            {
                if (type != 'o')
                {
                    throw new SdpParseException(lineNumber, "o= must follow v=");
                }

                session = new SdpSessionDescription { Origin = ParseOrigin(value, lineNumber) };
                continue;
            }

            switch (type)
            {
                case 'v':
                case 'o':
                    throw new SdpParseException(lineNumber, $"{type}= may appear only once");
                case 's':
                    if (media is not null || sawSessionName)
                    {
                        throw new SdpParseException(lineNumber, "s= must appear once, before the first m=");
                    }

                    sawSessionName = true;
                    session.SessionName = value;
                    break;
                case 't':
                    if (media is not null)
                    {
                        throw new SdpParseException(lineNumber, "t= must come before the first m=");
                    }

                    sawTiming = true;
                    break;
                case 'm':
                    if (!sawSessionName)
                    {
                        throw new SdpParseException(lineNumber, "s= is missing before the first m=");
                    }

                    if (!sawTiming)
                    {
                        throw new SdpParseException(lineNumber, "t= is missing before the first m=");
                    }

                    media = ParseMediaLine(value, lineNumber);
                    session.Media.Add(media);
                    break;
                case 'c':
                    if (media is not null)
                    {
                        media.Connection = value;
                    }

                    break;
                case 'a':
                    if (media is null)
                    {
                        ParseSessionAttribute(session, value, lineNumber);
                    }
                    else
                    {
                        ParseMediaAttribute(media, value, lineNumber);
                    }

                    break;
                case 'i':
                case 'u':
                case 'e':
                case 'p':
                case 'b':
                case 'r':
                case 'z':
                case 'k':
                    break;
                default:
                    throw new SdpParseException(lineNumber, $"unknown line type {type}=");
            }
        }

        if (!sawVersion)
        {
            throw new SdpParseException(1, "the description must start with v=0");
        }

        if (session is null)
        {
            throw new SdpParseException(0, "o= is missing");
        }

        if (!sawSessionName)
        {
            throw new SdpParseException(0, "s= is missing");
        }

        if (!sawTiming)
        {
            throw new SdpParseException(0, "t= is missing");
        }

        return session;
    }

    private static SdpOrigin ParseOrigin(string value, int lineNumber)
    {
        string[] parts = value.Split(' ');
        if (parts.Length != 6 || Array.IndexOf(parts, string.Empty) >= 0)
        {
            throw new SdpParseException(lineNumber, "o= must have 6 fields separated by single spaces");
        }

        if (!ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong version))
        {
            throw new SdpParseException(lineNumber, "o= session version is not a number");
        }

        if (!IsDigits(parts[1]))
        {
            throw new SdpParseException(lineNumber, "o= session id is not a number");
        }

        return new SdpOrigin(parts[0], parts[1], version, parts[3], parts[4], parts[5]);
    }

    private static SdpMediaSection ParseMediaLine(string value, int lineNumber)
    {
        string[] parts = value.Split(' ');
        if (parts.Length < 4 || Array.IndexOf(parts, string.Empty) >= 0)
        {
            throw new SdpParseException(lineNumber, "m= must be '<media> <port> <proto> <fmt> ...' separated by single spaces");
        }

        string portText = parts[1];
        int slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            portText = portText[..slash];
        }

        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new SdpParseException(lineNumber, "m= port is not a number between 0 and 65535");
        }

        foreach (char c in parts[0])
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                throw new SdpParseException(lineNumber, "m= media type is not a token");
            }
        }

        string[] formats = parts[3..];
        bool rtp = parts[2].Contains("RTP", StringComparison.Ordinal);
        if (rtp)
        {
            foreach (string format in formats)
            {
                if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out int pt) || pt > 127)
                {
                    throw new SdpParseException(lineNumber, "m= payload types must be numbers between 0 and 127");
                }
            }
        }

        return new SdpMediaSection
        {
            Kind = SdpEnumText.ParseKind(parts[0]),
            Media = parts[0],
            Port = port,
            Protocol = parts[2],
            Formats = formats,
            LineNumber = lineNumber,
        };
    }

    private static bool IsDigits(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void SplitAttribute(string value, out string name, out string? argument)
    {
        int colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            name = value;
            argument = null;
        }
        else
        {
            name = value[..colon];
            argument = value[(colon + 1)..];
        }
    }
}
