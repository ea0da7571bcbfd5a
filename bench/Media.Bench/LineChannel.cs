using System.Text;
using System.Threading.Channels;

namespace Doctolib.Telehealth.Media.Bench;

/// <summary>The bench's signaling between the server process and the peers process: one line per message,
/// "VERB room participant base64(sdp)", over the child's stdin/stdout. Sends are queued and written by one writer
/// task, so a reader that answers what it reads never blocks on a full pipe while the other side does the same (both
/// processes read and write one pipe pair; inline writes deadlocked once offers grew past the pipe buffer).</summary>
internal sealed class LineChannel
{
    private readonly TextReader _input;
    private readonly Channel<(string Line, TaskCompletionSource Written)> _queue =
        Channel.CreateUnbounded<(string, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    public LineChannel(TextReader input, TextWriter output)
    {
        _input = input;
        _ = WriteLoopAsync(output);
    }

    private async Task WriteLoopAsync(TextWriter output)
    {
        await foreach ((string line, TaskCompletionSource written) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
                written.TrySetResult();
            }
            catch (IOException error)
            {
                written.TrySetException(error);
            }
        }
    }

    public Task SendAsync(string verb, string room, string participant, string? sdp, CancellationToken cancellationToken)
    {
        string line = sdp is null ? $"{verb} {room} {participant} -" : $"{verb} {room} {participant} {Convert.ToBase64String(Encoding.UTF8.GetBytes(sdp))}";
        return SendLineAsync(line, cancellationToken);
    }

    /// <summary>Queues the line; the returned task completes once it is written and flushed. Callers that read
    /// (and answer what they read) need not await it.</summary>
    public Task SendLineAsync(string line, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Writer.TryWrite((line, written));
        return written.Task;
    }

    public async Task<Message?> ReadAsync(CancellationToken cancellationToken)
    {
        string? line = await _input.ReadLineAsync(cancellationToken).ConfigureAwait(false);
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
