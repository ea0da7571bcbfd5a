using System.Globalization;

namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>A diagnostic record of one subscriber's send side of transport-cc, for replaying its estimator offline
/// (<c>tests/Media.Tests/Bwe/RecordedTraceTests</c>): one line per packet sent (<c>s,seq,bytes,µs</c>), per transport
/// feedback applied (<c>f,µs,base64 message</c>), and the estimate after it
/// (<c>e,µs,estimate,delay-based,loss-based,acknowledged,loss fraction,usage,constrained</c>). Written only when
/// <see cref="MediaOptions.BandwidthTraceDirectory"/> is set; off by default (it writes under the estimator's lock).
/// Holds ids and packet sizes only: no payload, no address.</summary>
internal sealed class BandwidthTrace : IDisposable
{
    private readonly StreamWriter _writer;
    private long _lastFlushMicros;

    private BandwidthTrace(StreamWriter writer)
    {
        _writer = writer;
    }

    /// <summary>A trace file in <paramref name="directory"/> named after the participant id, or null when the
    /// directory is not set or cannot be written.</summary>
    public static BandwidthTrace? Open(string? directory, string participantId)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return null;
        }

        try
        {
            Directory.CreateDirectory(directory);
            string safe = string.Concat(participantId.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_'));
            string path = Path.Combine(directory, $"{safe}-{Environment.TickCount64}.bwe.csv");
            return new BandwidthTrace(new StreamWriter(path, append: false) { AutoFlush = false });
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Sent(ushort sequence, int sizeBytes, long nowMicros) =>
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"s,{sequence},{sizeBytes},{nowMicros}"));

    public void Feedback(ReadOnlySpan<byte> message, long nowMicros, SendSideBandwidthEstimator estimator, bool constrained)
    {
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"f,{nowMicros},{Convert.ToBase64String(message)}"));
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"e,{nowMicros},{estimator.EstimateBps},{estimator.DelayBasedBps},{estimator.LossBasedBps},{estimator.AcknowledgedBps},{estimator.LossFraction:F3},{estimator.Usage},{(constrained ? 1 : 0)}"));
        if (nowMicros - _lastFlushMicros > 1_000_000)
        {
            _lastFlushMicros = nowMicros;
            _writer.Flush();
        }
    }

    public void Dispose() => _writer.Dispose();
}
