using System.Text;

namespace Doctolib.Telehealth.Media.Bench;

/// <summary>The bench's signaling between the server process and the peers process: one line per message,
/// "VERB room participant base64(sdp)", over the child's stdin/stdout.</summary>
internal sealed class LineChannel(TextReader input, TextWriter output)
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public async Task SendAsync(string verb, string room, string participant, string? sdp, CancellationToken cancellationToken)
    {
        string line = sdp is null ? $"{verb} {room} {participant} -" : $"{verb} {room} {participant} {Convert.ToBase64String(Encoding.UTF8.GetBytes(sdp))}";
        await SendLineAsync(line, cancellationToken).ConfigureAwait(false);
    }

    public async Task SendLineAsync(string line, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await output.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task<Message?> ReadAsync(CancellationToken cancellationToken)
    {
        string? line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null)
        {
            return null;
        }

        string[] parts = line.Split(' ', 4);
        if (parts.Length == 4 && (parts[0] == "OFFER" || parts[0] == "ANSWER"))
        {
            string? sdp = parts[3] == "-" ? null : Encoding.UTF8.GetString(Convert.FromBase64String(parts[3]));
            return new Message(parts[0], parts[1], parts[2], sdp, line);
        }

        return new Message(parts[0], "", "", null, line);
    }

    internal sealed record Message(string Verb, string Room, string Participant, string? Sdp, string Line);
}
